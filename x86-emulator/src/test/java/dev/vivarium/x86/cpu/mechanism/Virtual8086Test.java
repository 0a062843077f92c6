package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Virtual-8086 mode as the 386 has it (SDM vol. 3, chapter 20): entered by an IRET at CPL 0
 * whose EFLAGS image has VM set, run at CPL 3 with real-mode segments, left by interrupts and
 * exceptions through ring-0 gates that push the V86 segment registers; PUSHF, POPF, INT n,
 * CLI, STI and IRET are IOPL-sensitive, I/O always consults the TSS bitmap.
 */
class Virtual8086Test {

    private static final int VM = 0x20000, IOPL3 = 0x3000;
    /** The V86 code segment: paragraph 0x3000 is linear CODE3 (0x30000). */
    private static final int V86_CS = CODE3 >>> 4, V86_SS = 0x6000, V86_SP = 0xFFF0;
    private static final int V86_DS = 0x5000, V86_ES = 0x5100, V86_FS = 0x5200, V86_GS = 0x5300;

    private final TestMachine m = new TestMachine();

    /** Ring 0 pushes a V86 frame (GS, FS, DS, ES, SS, ESP, EFLAGS, CS, EIP) and IRETs into 16-bit code at CODE3. */
    private void enterV86(int eflags, Code v86) {
        m.load(m.code0()
                .pushImm(V86_GS).pushImm(V86_FS).pushImm(V86_DS).pushImm(V86_ES)
                .pushImm(V86_SS).pushImm(V86_SP).pushImm(VM | 2 | eflags).pushImm(V86_CS).pushImm(0)
                .iret());
        m.load(v86);
    }

    private static Code v86() {
        return new Code(CODE3, 16);
    }

    @Test
    void iretEntersV86AndAnInterruptLeavesThroughTheRing0Stack() {
        m.gateTo(0x40, INT_GATE32, handler(0x40), 3);
        Code c = v86().movImm(EBX, 0x1234).movFromSeg(ECX, DS).intN(0x40);
        int after = c.here() - CODE3;
        enterV86(IOPL3, c);

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.vectorTaken()).isEqualTo(0x40);
        assertThat(m.cpu.reg(EBX) & 0xFFFF).isEqualTo(0x1234);
        assertThat(m.cpu.reg(ECX) & 0xFFFF).as("DS as V86 code saw it").isEqualTo(V86_DS);
        assertThat(m.cpu.cpl()).isZero();
        assertThat(m.cpu.eflags() & VM).isZero();
        assertThat(m.cpu.reg(Cpu.ESP)).as("nine dwords on the TSS's ring-0 stack").isEqualTo(STACK0_TOP - 36);
        int[] frame = m.frame(9);
        assertThat(frame[0]).isEqualTo(after);
        assertThat(frame[1]).isEqualTo(V86_CS);
        assertThat(frame[2] & (VM | IOPL3)).isEqualTo(VM | IOPL3);
        assertThat(frame).endsWith(V86_SP, V86_SS, V86_ES, V86_DS, V86_FS, V86_GS);
        for (int seg : new int[]{ES, DS, FS, GS}) {
            assertThat(m.cpu.segmentSelector(seg)).as("data segment %d nulled", seg).isZero();
        }
    }

    @Test
    void segmentsAreRealModeOnesAtCpl3() {
        m.memory.writeWord(0x12340 + 6, 0xBEEF);
        m.gateTo(0x40, INT_GATE32, handler(0x40), 3);
        Code c = v86().movImm(EAX, 0x1234).movSeg(ES, EAX)
                .db(0x26, 0x8B, 0x1E, 0x06, 0x00)   // MOV BX, [ES:6]
                .movFromSeg(EDX, CS)
                .intN(0x40);
        enterV86(IOPL3, c);

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(0x40);
        assertThat(m.cpu.reg(EBX) & 0xFFFF).isEqualTo(0xBEEF);
        assertThat(m.cpu.reg(EDX) & 0xFFFF).isEqualTo(V86_CS);
        assertThat(m.stack(5)).as("the pushed ES").isEqualTo(0x1234);
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0xFA, 0xFB, 0x9C, 0x9D, 0xCF})
    void sensitiveInstructionsFaultBelowIopl3(int opcode) {
        Code c = v86().movImm(EBX, 1);
        int at = c.here() - CODE3;
        enterV86(0, c.db(opcode));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.frame(3)).as("error code 0, then the V86 CS:IP of the instruction").containsExactly(0, at, V86_CS);
        assertThat(m.stack(3) & VM).isEqualTo(VM);
    }

    @Test
    void intNFaultsBelowIopl3EvenThroughADpl3Gate() {
        m.gateTo(0x40, INT_GATE32, handler(0x40), 3);
        Code c = v86();
        int at = c.here() - CODE3;
        enterV86(0, c.intN(0x40));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.frame(2)).containsExactly(0, at);
    }

    @Test
    void withIopl3FlagsInstructionsRunButPopfKeepsIopl() {
        m.gateTo(0x40, INT_GATE32, handler(0x40), 3);
        Code c = v86().cli().pushf().pop(ECX)          // FLAGS with IF clear
                .pushImm(0x0200).popf()                 // tries IOPL 0, IF 1
                .osize().pushf().osize().pop(EDX)       // PUSHFD: VM and RF read as zero in the image
                .intN(0x40);
        enterV86(IOPL3 | 0x200, c);

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(0x40);
        assertThat(m.cpu.reg(ECX) & 0x3200).isEqualTo(IOPL3);
        assertThat(m.cpu.reg(EDX) & (VM | 0x10000)).isZero();
        assertThat(m.cpu.reg(EDX) & (IOPL3 | 0x200)).as("IOPL stayed 3, IF set").isEqualTo(IOPL3 | 0x200);
    }

    @Test
    void ioConsultsTheBitmapWhateverIopl() {
        m.denyPort(0x80);
        Code c = v86().outImm(0x81, 1);
        int at = c.here() - CODE3;
        enterV86(IOPL3, c.outImm(0x80, 1));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.frame(2)).containsExactly(0, at);
        assertThat(m.ports.writes()).as("the allowed port was written").hasSize(1);
    }

    @Test
    void interruptToAHandlerAboveRing0FaultsWithItsSelector() {
        m.idt(0x40, gate(INT_GATE32, CODE3_SEL, handler(0x40), 3, 0));
        Code c = v86();
        int at = c.here() - CODE3;
        enterV86(IOPL3, c.intN(0x40));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.frame(2)).containsExactly(CODE3_SEL & ~3, at);
    }

    @Test
    void exceptionsNeedNoGateDplAndHltIsPrivileged() {
        Code c = v86().movImm(EAX, 5);
        int at = c.here() - CODE3;
        enterV86(IOPL3, c.hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.frame(3)).containsExactly(0, at, V86_CS);
    }

    @Test
    void aRing0HandlerReturnsToV86WithIret() {
        // The handler of INT 40h adds to BX and IRETs; V86 code then ends with INT 41h.
        int handler = 0x21000;
        m.load(new Code(handler, 32).addImm(EBX, 0x100).iret());
        m.gateTo(0x40, INT_GATE32, handler, 3);
        m.gateTo(0x41, INT_GATE32, handler(0x41), 3);
        Code c = v86().movImm(EBX, 1).intN(0x40).inc(EBX);
        int after = c.here() - CODE3;
        enterV86(IOPL3, c.intN(0x41));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(0x41);
        assertThat(m.cpu.reg(EBX) & 0xFFFF).isEqualTo(0x102);
        assertThat(m.stack(0)).isEqualTo(after + 2);
        assertThat(m.stack(5)).as("ES came back from the frame").isEqualTo(V86_ES);
    }

    @Test
    void v86AccessesAreUserAccessesToThePageTables() {
        m.identityPaging(7, 7);
        m.setPte(0x50000, 0x50000 | 3); // V86 DS:0, supervisor only
        Code c = v86();
        int at = c.here() - CODE3;
        c.db(0x8B, 0x1E, 0x00, 0x00); // MOV BX, [0]
        m.load(m.code0().enablePaging(PAGE_DIRECTORY)
                .pushImm(V86_GS).pushImm(V86_FS).pushImm(V86_DS).pushImm(V86_ES)
                .pushImm(V86_SS).pushImm(V86_SP).pushImm(VM | 2).pushImm(V86_CS).pushImm(0)
                .iret());
        m.load(c);

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(14);
        assertThat(m.frame(2)).as("present, read, user").containsExactly(5, at);
        assertThat(m.cpu.cr(2)).isEqualTo(0x50000);
    }
}
