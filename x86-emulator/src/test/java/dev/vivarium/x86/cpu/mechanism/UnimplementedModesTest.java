package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hardware task switching and virtual-8086 mode are not implemented; CpuSystem documents that
 * every way into them raises #GP with the offending selector (or 0). These tests hold it to that:
 * a defined fault at the instruction, with the machine state unchanged.
 */
class UnimplementedModesTest {

    private static final int SPARE_TSS = FREE_SEL, TASK_GATE_SEL = FREE_SEL + 8;

    private final TestMachine m = new TestMachine();

    private void runRing0(Code c) {
        m.load(c.hlt());
        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);
    }

    private void assertGp(int errorCode, int eip) {
        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(errorCode);
        assertThat(m.stack(1)).isEqualTo(eip);
        assertThat(m.cpu.cpl()).isZero();
    }

    @Test
    void farJumpToATssRaisesGpWithItsSelector() {
        m.gdt(SPARE_TSS, segment(0x7800, 0x67, PRESENT | TSS32, 0));
        Code c = m.code0();
        int at = c.here();
        runRing0(c.jmpFar(SPARE_TSS, 0));

        assertGp(SPARE_TSS, at);
        assertThat(m.gdtEntry(SPARE_TSS) >>> 40 & 0xF).as("not marked busy").isEqualTo(TSS32);
    }

    @Test
    void farCallThroughATaskGateRaisesGpWithItsSelector() {
        m.gdt(SPARE_TSS, segment(0x7800, 0x67, PRESENT | TSS32, 0));
        m.gdt(TASK_GATE_SEL, gate(TASK_GATE, SPARE_TSS, 0, 0, 0));
        Code c = m.code0();
        int at = c.here();
        runRing0(c.callFar(TASK_GATE_SEL, 0));

        assertGp(TASK_GATE_SEL, at);
        assertThat(m.cpu.reg(Cpu.ESP)).as("nothing pushed but the #GP frame").isEqualTo(STACK0_TOP - 16);
    }

    @Test
    void interruptThroughATaskGateRaisesGpWithTheIdtErrorCode() {
        m.gdt(SPARE_TSS, segment(0x7800, 0x67, PRESENT | TSS32, 0));
        m.idt(0x60, gate(TASK_GATE, SPARE_TSS, 0, 0, 0));
        Code c = m.code0();
        int at = c.here();
        runRing0(c.intN(0x60));

        assertGp(0x60 * 8 + 2, at);
    }

    @Test
    void iretWithNestedTaskSetRaisesGpNamingTheCurrentTask() {
        // NT=1 asks IRET for a return to the previous task through TSS.link. The fault names the
        // current TSS (the task whose link would be followed): our choice, as the SDM gives no
        // error code for a task switch that is not implemented.
        Code c = m.code0().pushImm(0x4002).popf();
        int at = c.here();
        runRing0(c.iret());

        assertGp(TSS_SEL, at);
    }

    @Test
    void iretToVirtual8086ModeRaisesGpZero() {
        // A VM86 frame: EIP, CS, EFLAGS(VM), ESP, SS, ES, DS, FS, GS.
        Code c = m.code0();
        for (int i = 0; i < 4; i++) {
            c.pushImm(0);
        }
        c.pushImm(0x2000).pushImm(0x1000).pushImm(0x20002).pushImm(0x1000).pushImm(0x100);
        int at = c.here();
        runRing0(c.iret());

        assertGp(0, at);
        assertThat(m.cpu.eflags() & 0x20000).isZero();
        assertThat(m.cs()).isEqualTo(CODE0_SEL);
    }
}
