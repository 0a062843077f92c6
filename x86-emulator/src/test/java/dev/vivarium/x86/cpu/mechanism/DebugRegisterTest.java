package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hardware breakpoints (SDM vol. 3, 17.2-17.3): an execute breakpoint is a #DB fault before
 * the instruction, which EFLAGS.RF suppresses for one instruction; a data breakpoint is a #DB
 * trap after the access, by length and alignment; DR6 names the breakpoint; DR7.GD turns any
 * debug-register access into a #DB fault with BD.
 */
class DebugRegisterTest {

    private static final int B0 = 1, B1 = 2, BD = 0x2000, BS = 0x4000, RF = 0x10000;

    private final TestMachine m = new TestMachine();

    /** MOV DRn, EAX with EAX = value (0F 23 /r). */
    private static Code setDr(Code c, int n, int value) {
        return c.movImm(EAX, value).db(0x0F, 0x23, 0xC0 | n << 3);
    }

    @Test
    void anExecuteBreakpointFaultsBeforeTheInstruction() {
        Code c = setDr(m.code0(), 0, 0);
        int target = CODE0 + 0x40;
        setDr(c, 0, target);
        setDr(c, 7, 0x1); // L0, execute, length 1
        c.jmp(target);
        m.load(c);
        m.load(m.code(target, 32).movImm(EBX, 7).hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.vectorTaken()).isEqualTo(1);
        assertThat(m.stack(0)).as("the faulting instruction, not yet run").isEqualTo(target);
        assertThat(m.cpu.reg(EBX)).isNotEqualTo(7);
    }

    @Test
    void resumeFlagLetsTheInstructionRunOnceThroughIret() {
        // The #DB handler sets RF in the frame and IRETs: the instruction runs, and a second pass would hit again.
        int target = CODE0 + 0x40;
        int handler = 0x21000;
        m.load(new Code(handler, 32).db(0x81, 0x4C, 0x24, 0x08).dword(RF).inc(ESI).iret()); // or dword [esp+8], RF
        m.gateTo(1, 0xE, handler, 0);
        Code c = m.code0();
        setDr(c, 0, target);
        setDr(c, 7, 0x2); // G0
        c.jmp(target);
        m.load(c);
        m.load(m.code(target, 32).movImm(EBX, 7).hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.cpu.reg(EBX)).isEqualTo(7);
        assertThat(m.cpu.reg(ESI)).as("one #DB").isEqualTo(1);
        assertThat(m.cpu.eip()).isEqualTo(target + 6);
    }

    @Test
    void aDataWriteBreakpointTrapsAfterTheWriteWithinItsAlignedLength() {
        Code c = m.code0();
        setDr(c, 1, DATA + 2); // aligned down to DATA by its length of 4
        setDr(c, 7, 0x4 | 0xD << 20); // L1, R/W1 = write, LEN1 = 4 bytes
        c.store(DATA + 0x10, EAX);    // elsewhere: no hit
        c.load(ECX, DATA);            // a read: no hit for a write breakpoint
        c.movImm(EBX, 0x55);
        int store = c.here();
        c.store(DATA, EBX);
        int after = c.here();
        m.load(c.hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(1);
        assertThat(m.stack(0)).as("a trap: after the write").isEqualTo(after);
        assertThat(m.memory.readDword(DATA)).isEqualTo(0x55);
        assertThat(m.stack(0)).as("not at the store").isNotEqualTo(store);
    }

    @Test
    void aReadWriteBreakpointSeesReadsAndNamesItselfInDr6() {
        Code c = m.code0();
        setDr(c, 0, DATA + 0x100);
        setDr(c, 1, DATA + 4);
        setDr(c, 7, 0x5 | 0x3 << 16 | 0x3 << 20); // L0 and L1, both read/write, length 1
        c.load(ECX, DATA + 4);  // dword read covering DATA+4: hits DR1
        int after = c.here();
        m.load(c.hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(1);
        assertThat(m.stack(0)).isEqualTo(after);
        // The handler is the default HLT: run a MOV EAX, DR6 there to read what DR6 says.
        Code check = new Code(handler(1), 32).db(0x0F, 0x21, 0xF0).hlt(); // mov eax, dr6
        m.load(check);
        m.cpu.setEip(handler(1));
        m.cpu.wake();
        m.run();
        assertThat(m.cpu.reg(EAX) & 0xF).isEqualTo(B1);
    }

    @Test
    void aRepeatedStringStopsAtTheIterationThatHit() {
        Code c = m.code0();
        setDr(c, 0, DATA + 8);
        setDr(c, 7, 0x1 | 0x1 << 16 | 0x3 << 18); // L0, write, 4 bytes
        c.movImm(EDI, DATA).movImm(ECX, 8).movImm(EAX, 0x11111111);
        int rep = c.here();
        c.db(0xF3, 0xAB); // REP STOSD
        m.load(c.hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(1);
        assertThat(m.stack(0)).as("back on the REP, which resumes").isEqualTo(rep);
        assertThat(m.cpu.reg(ECX)).as("three dwords written, five to go").isEqualTo(5);
        assertThat(m.memory.readDword(DATA + 8)).isEqualTo(0x11111111);
        assertThat(m.memory.readDword(DATA + 12)).isZero();
    }

    @Test
    void generalDetectFaultsOnTheNextDebugRegisterAccess() {
        Code c = m.code0();
        setDr(c, 7, 0x2000); // GD
        int at = c.here();
        c.db(0x0F, 0x21, 0xF8); // mov eax, dr7
        m.load(c.hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(1);
        assertThat(m.stack(0)).as("a fault: at the MOV").isEqualTo(at);
        m.load(new Code(handler(1), 32).db(0x0F, 0x21, 0xF0).db(0x0F, 0x21, 0xF9).hlt()); // mov eax,dr6; mov ecx,dr7
        m.cpu.setEip(handler(1));
        m.cpu.wake();
        m.run();
        assertThat(m.cpu.reg(EAX) & BD).isEqualTo(BD);
        assertThat(m.cpu.reg(ECX) & 0x2000).as("GD cleared for the handler").isZero();
    }

    @Test
    void withoutEnabledBreakpointsNothingIsWatched() {
        Code c = m.code0();
        setDr(c, 0, DATA);
        setDr(c, 7, 0x3 << 16); // a condition, but no enable bit
        c.store(DATA, EAX).load(EBX, DATA);
        int end = c.here();
        m.load(c.hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(-1);
        assertThat(m.cpu.eip()).isEqualTo(end + 1);
    }

    @Test
    void singleStepAndADataBreakpointShareOneDebugException() {
        Code c = m.code0();
        setDr(c, 0, DATA);
        setDr(c, 7, 0x1 | 0x1 << 16); // L0, write, length 1
        c.setTrapFlag();
        c.store(DATA, EAX);
        m.load(c.hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(1);
        m.load(new Code(handler(1), 32).db(0x0F, 0x21, 0xF0).hlt());
        m.cpu.setEip(handler(1));
        m.cpu.wake();
        m.run();
        assertThat(m.cpu.reg(EAX) & (BS | B0)).as("both reasons in DR6").isEqualTo(BS | B0);
    }
}
