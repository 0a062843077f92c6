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
 * What ring 3 may not do: privileged instructions (#GP(0)), IOPL-sensitive CLI/STI and
 * IN/OUT with the TSS I/O permission bitmap, and POPF's silent limits (SDM vol. 1, 18.5;
 * vol. 3, 2.8 and 5.9).
 */
class IoPrivilegeTest {

    private static final int IOPL3 = 0x3000;

    private final TestMachine m = new TestMachine();

    private int runUser(int eflags, Code user) {
        m.enterUserMode(eflags);
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        m.load(user.intN(0x81));
        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);
        return m.vectorTaken();
    }

    private void assertGpZeroAt(int eip) {
        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(1)).isEqualTo(eip);
        assertThat(m.stack(2)).isEqualTo(CODE3_SEL);
    }

    /** Privileged instructions at CPL 3: HLT, LGDT, LIDT, LLDT, LTR, MOV CRn/DRn, LMSW, CLTS, INVLPG, INVD, WBINVD. */
    @ParameterizedTest
    @ValueSource(strings = {"F4", "0F 01 15 00 00 05 00", "0F 01 1D 00 00 05 00", "0F 00 D0", "0F 00 D8",
            "0F 20 C0", "0F 22 C0", "0F 22 D8", "0F 21 F8", "0F 23 C0", "0F 01 F0", "0F 06",
            "0F 01 3D 00 00 05 00", "0F 08", "0F 09"})
    void privilegedInstructionAtRingThreeRaisesGpZero(String hex) {
        Code user = m.code3();
        for (String b : hex.split(" ")) {
            user.db(Integer.parseInt(b, 16));
        }
        runUser(IOPL3, user);

        assertGpZeroAt(CODE3);
        assertThat(m.cpu.cr(0) & 1).isEqualTo(1);
    }

    @Test
    void storeInstructionsAreAllowedAtRingThree() {
        // SGDT, SMSW and STR are not privileged on this processor generation (no UMIP).
        assertThat(runUser(0x2, m.code3().sgdt(DATA).smsw(EBX).str(ECX))).isEqualTo(0x81);
        assertThat(m.memory.readWord(DATA)).isEqualTo(GDT_ENTRIES * 8 - 1);
        assertThat(m.memory.readDword(DATA + 2)).isEqualTo(GDT);
        assertThat(m.cpu.reg(EBX) & 1).isEqualTo(1);
        assertThat(m.cpu.reg(ECX) & 0xFFFF).isEqualTo(TSS_SEL);
    }

    @Test
    void cliAboveIoplRaisesGp() {
        runUser(0x202, m.code3().cli());

        assertGpZeroAt(CODE3);
        assertThat(m.stack(3) & EFLAGS_IF).isNotZero();
    }

    @Test
    void cliAndStiAtIoplThreeWork() {
        Code user = m.code3().cli().pushf().pop(EBX).sti().pushf().pop(ECX);
        assertThat(runUser(IOPL3 | 0x202, user)).isEqualTo(0x81);

        assertThat(m.cpu.reg(EBX) & EFLAGS_IF).isZero();
        assertThat(m.cpu.reg(ECX) & EFLAGS_IF).isNotZero();
    }

    @Test
    void popfAtRingThreeChangesNeitherIoplNorIfAndDoesNotFault() {
        // Try to set IOPL 3, clear IF and set CF; only CF changes.
        Code user = m.code3().pushImm(0x3000 | 0x1).popf().pushf().pop(EBX);
        assertThat(runUser(0x202, user)).isEqualTo(0x81);

        assertThat(m.cpu.reg(EBX) & 0x3000).isZero();
        assertThat(m.cpu.reg(EBX) & EFLAGS_IF).isNotZero();
        assertThat(m.cpu.reg(EBX) & 1).isEqualTo(1);
    }

    @Test
    void popfAtRingThreeWithIoplThreeChangesIfButNotIopl() {
        Code user = m.code3().pushImm(0x0).popf().pushf().pop(EBX);
        assertThat(runUser(IOPL3 | 0x202, user)).isEqualTo(0x81);

        assertThat(m.cpu.reg(EBX) & 0x3000).isEqualTo(0x3000);
        assertThat(m.cpu.reg(EBX) & EFLAGS_IF).isZero();
    }

    @Test
    void popfAtRingZeroChangesIoplAndIf() {
        m.load(m.code0().pushImm(0x2202).popf().pushf().pop(EBX).hlt());
        m.run();

        assertThat(m.cpu.reg(EBX) & 0x3200).isEqualTo(0x2200);
    }

    @Test
    void popfCannotSetVm() {
        m.load(m.code0().pushImm(0x20002).popf().pushf().pop(EBX).hlt());
        m.run();

        assertThat(m.cpu.reg(EBX) & 0x20000).isZero();
        assertThat(m.vectorTaken()).isEqualTo(-1);
    }

    @Test
    void portsAllowedByTheBitmapWorkAboveIopl() {
        Code user = m.code3().movImm(EAX, 0x41).outImm(0x80, 1).movImm(EDX, 0x3F8).outDx(1).inDx(2);
        assertThat(runUser(0x2, user)).isEqualTo(0x81);

        assertThat(m.ports.writes()).containsExactly(new PortLog.Access(true, 0x80, 1, 0x41),
                new PortLog.Access(true, 0x3F8, 1, 0x41));
        assertThat(m.cpu.reg(EAX) & 0xFFFF).isEqualTo(0xF8F8);
    }

    @Test
    void portDeniedByTheBitmapRaisesGpAndReachesNoDevice() {
        m.denyPort(0x3F9);
        Code user = m.code3().movImm(EDX, 0x3F8).outDx(1);
        int wordOut = user.here();
        runUser(0x2, user.outDx(2)); // a word at 0x3F8 also touches the denied 0x3F9

        assertGpZeroAt(wordOut);
        assertThat(m.ports.writes()).containsExactly(new PortLog.Access(true, 0x3F8, 1, m.cpu.reg(EAX) & 0xFF));
    }

    @Test
    void inFromADeniedPortLeavesEax() {
        m.denyPort(0x60);
        Code user = m.code3().movImm(EAX, 0x12345678);
        int in = user.here();
        runUser(0x2, user.db(0xE4, 0x60)); // IN AL, 0x60

        assertGpZeroAt(in);
        assertThat(m.cpu.reg(EAX)).isEqualTo(0x12345678);
        assertThat(m.ports.accesses).isEmpty();
    }

    @Test
    void ioplThreeIgnoresTheBitmap() {
        m.denyPort(0x80);
        assertThat(runUser(IOPL3, m.code3().movImm(EAX, 1).outImm(0x80, 1))).isEqualTo(0x81);

        assertThat(m.ports.writes()).hasSize(1);
    }

    @Test
    void portBeyondTheBitmapLimitRaisesGp() {
        // TSS limit covering the bitmap of ports 0..0x3FF only (0x80 bytes).
        m.gdt(TSS_SEL, segment(TSS, 0x68 + 0x80, PRESENT | TSS32, 0));
        Code user = m.code3().movImm(EDX, 0x3FF).outDx(1).movImm(EDX, 0x400);
        int beyond = user.here();
        runUser(0x2, user.outDx(1));

        assertGpZeroAt(beyond);
        assertThat(m.ports.writes()).extracting(PortLog.Access::port).containsExactly(0x3FF);
    }

    @Test
    void rdtscAtRingThreeFaultsOnlyWithCr4Tsd() {
        m.load(m.code0().movImm(EAX, 4).movToCr(4, EAX)
                .loadSeg(DS, DATA3_SEL).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m.load(m.code3().db(0x0F, 0x31));

        m.run();

        assertGpZeroAt(CODE3);
    }
}
