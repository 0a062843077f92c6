package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hardware task switches (SDM vol. 3, 7.3): JMP and CALL to a TSS or through a task gate, an
 * interrupt through a task gate, IRET with NT back to the linked task; what is saved, loaded,
 * marked busy and linked, and which faults belong to which task.
 */
class TaskSwitchTest {

    private static final int TSS_B = 0x7800, TSS_B_SEL = FREE_SEL, GATE_SEL = FREE_SEL + 8, TSS16_SEL = FREE_SEL + 16;
    private static final int TSS_16 = 0x7A00;
    private static final int CODE_B = 0x12000, CODE_16 = 0xE000, NT = 0x4000, TS = 8;

    private final TestMachine m = new TestMachine();

    /** A 32-bit TSS for task B: flat ring-0 segments, EIP at CODE_B, its own stack and registers. */
    private void taskB(int eflags) {
        m.gdt(TSS_B_SEL, segment(TSS_B, 0x67, PRESENT | TSS32, 0));
        m.memory.writeDword(TSS_B + 0x20, CODE_B);
        m.memory.writeDword(TSS_B + 0x24, eflags);
        for (int r = 0; r < 8; r++) {
            m.memory.writeDword(TSS_B + 0x28 + 4 * r, 0xB0 + r);
        }
        m.memory.writeDword(TSS_B + 0x38, STACK1_TOP); // ESP
        m.memory.writeDword(TSS_B + 4, STACK0_TOP);    // ESP0 and SS0, for interrupts from B at CPL 3
        m.memory.writeDword(TSS_B + 8, DATA0_SEL);
        int[] sels = {DATA0_SEL, CODE0_SEL, DATA0_SEL, DATA0_SEL, DATA0_SEL, DATA0_SEL};
        for (int s = 0; s < 6; s++) {
            m.memory.writeWord(TSS_B + 0x48 + 4 * s, sels[s]);
        }
    }

    private int tssType(int sel) {
        return (int) (m.gdtEntry(sel) >>> 40 & 0xF);
    }

    @Test
    void jumpToATssSavesTheOldTaskAndLoadsTheNew() {
        taskB(2);
        m.load(m.code(CODE_B, 32).hlt());
        Code c = m.code0().movImm(EBX, 0x1111).movImm(ESI, 0x2222);
        c.jmpFar(TSS_B_SEL, 0);
        int after = c.here();
        m.load(c.hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.cpu.eip()).isEqualTo(CODE_B + 1);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0xB3);
        assertThat(m.cpu.reg(ESP)).isEqualTo(STACK1_TOP);
        assertThat(m.cpu.cr(0) & TS).as("CR0.TS set by the switch").isEqualTo(TS);
        assertThat(m.cpu.eflags() & NT).as("a JMP does not nest").isZero();
        assertThat(m.memory.readDword(TSS + 0x20)).as("old EIP: after the JMP").isEqualTo(after);
        assertThat(m.memory.readDword(TSS + 0x34)).isEqualTo(0x1111);
        assertThat(m.memory.readDword(TSS + 0x40)).isEqualTo(0x2222);
        assertThat(m.memory.readWord(TSS + 0x4C)).isEqualTo(CODE0_SEL);
        assertThat(tssType(TSS_SEL)).as("old task no longer busy").isEqualTo(TSS32);
        assertThat(tssType(TSS_B_SEL)).isEqualTo(TSS32_BUSY);
        assertThat(m.memory.readWord(TSS_B)).as("no link").isZero();
    }

    @Test
    void callThroughATaskGateNestsAndIretReturns() {
        taskB(2);
        m.gdt(GATE_SEL, gate(TASK_GATE, TSS_B_SEL, 0, 0, 0));
        m.load(m.code(CODE_B, 32).movImm(EDI, 0x77).iret());
        Code c = m.code0().movImm(EBX, 0x1111);
        c.callFar(GATE_SEL, 0);
        int after = c.here();
        m.load(c.hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.cpu.eip()).as("back in the caller after the CALL").isEqualTo(after + 1);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0x1111);
        assertThat(m.cpu.reg(EDI)).as("the caller's EDI, restored from its TSS").isNotEqualTo(0x77);
        assertThat(m.memory.readWord(TSS_B)).as("B's link names the caller's TSS").isEqualTo(TSS_SEL);
        assertThat(m.memory.readDword(TSS_B + 0x44)).as("B's EDI saved by the IRET").isEqualTo(0x77);
        assertThat(m.memory.readDword(TSS_B + 0x24) & NT).as("NT cleared in B's saved image").isZero();
        assertThat(tssType(TSS_B_SEL)).as("IRET frees B").isEqualTo(TSS32);
        assertThat(tssType(TSS_SEL)).as("the caller stayed busy").isEqualTo(TSS32_BUSY);
        assertThat(m.cpu.eflags() & NT).isZero();
    }

    @Test
    void aTaskCalledIsNestedAndBusy() {
        taskB(2);
        m.load(m.code(CODE_B, 32).pushf().hlt());
        m.load(m.code0().callFar(TSS_B_SEL, 0).hlt());

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(CODE_B + 2);
        assertThat(m.stack(0) & NT).as("NT set in the called task").isEqualTo(NT);
        assertThat(tssType(TSS_SEL)).isEqualTo(TSS32_BUSY);
        assertThat(tssType(TSS_B_SEL)).isEqualTo(TSS32_BUSY);
    }

    @Test
    void anExceptionThroughATaskGatePushesItsErrorCodeOnTheNewStack() {
        taskB(2);
        m.idt(13, gate(TASK_GATE, TSS_B_SEL, 0, 0, 0));
        m.load(m.code(CODE_B, 32).hlt());
        Code c = m.code0();
        int at = c.here();
        m.load(c.loadSeg(DS, 0x1234 & ~7).hlt()); // beyond the GDT: #GP(1230)

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(CODE_B + 1);
        assertThat(m.cpu.reg(ESP)).isEqualTo(STACK1_TOP - 4);
        assertThat(m.stack(0)).isEqualTo(0x1230);
        assertThat(m.memory.readDword(TSS + 0x20)).as("the faulting instruction, to restart").isEqualTo(at + 4);
        assertThat(m.memory.readWord(TSS_B)).isEqualTo(TSS_SEL);
    }

    @Test
    void aSoftwareInterruptThroughATaskGateObeysTheGateDpl() {
        taskB(2);
        m.idt(0x60, gate(TASK_GATE, TSS_B_SEL, 0, 0, 0));
        Code c = m.code3();
        int at = c.here();
        m.load(c.intN(0x60));
        m.enterUserMode(0);

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.frame(2)).containsExactly(0x60 * 8 + 2, at);
        assertThat(tssType(TSS_B_SEL)).isEqualTo(TSS32);
    }

    @Test
    void jumpToABusyTssIsGp() {
        taskB(2);
        m.gdt(TSS_B_SEL, segment(TSS_B, 0x67, PRESENT | TSS32_BUSY, 0));
        Code c = m.code0();
        int at = c.here();
        m.load(c.jmpFar(TSS_B_SEL, 0).hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.frame(2)).containsExactly(TSS_B_SEL, at);
    }

    @Test
    void aTssBelowItsMinimumLimitIsTsAndNothingChanges() {
        taskB(2);
        m.gdt(TSS_B_SEL, segment(TSS_B, 0x60, PRESENT | TSS32, 0));
        Code c = m.code0();
        int at = c.here();
        m.load(c.jmpFar(TSS_B_SEL, 0).hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(10);
        assertThat(m.frame(2)).containsExactly(TSS_B_SEL, at);
        assertThat(tssType(TSS_SEL)).isEqualTo(TSS32_BUSY);
        assertThat(m.cpu.cr(0) & TS).isZero();
    }

    @Test
    void aBadSegmentInTheNewTaskFaultsInTheNewTask() {
        taskB(2);
        m.gdt(FREE_SEL + 24, segment(0, 0xFFFFF, PRESENT | S | CODE_X, G | DB)); // execute-only: no data segment
        m.memory.writeWord(TSS_B + 0x54, FREE_SEL + 24); // B's DS
        m.load(m.code0().jmpFar(TSS_B_SEL, 0).hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(10);
        assertThat(m.stack(0)).isEqualTo(FREE_SEL + 24);
        assertThat(m.stack(1)).as("B's EIP: the fault is B's").isEqualTo(CODE_B);
        assertThat(m.cpu.reg(ESP)).as("on B's stack").isEqualTo(STACK1_TOP - 16);
        assertThat(tssType(TSS_B_SEL)).isEqualTo(TSS32_BUSY);
    }

    @Test
    void a16BitTssLoadsTheLowHalves() {
        m.gdt(TSS16_SEL, segment(TSS_16, 0x2B, PRESENT | TSS16, 0));
        m.memory.writeWord(TSS_16 + 0x0E, CODE_16);
        m.memory.writeWord(TSS_16 + 0x10, 2);
        for (int r = 0; r < 8; r++) {
            m.memory.writeWord(TSS_16 + 0x12 + 2 * r, 0x10 + r);
        }
        m.memory.writeWord(TSS_16 + 0x1A, 0xF000); // SP
        int[] sels = {DATA0_SEL, CODE0_SEL, DATA0_SEL, DATA0_SEL};
        for (int s = 0; s < 4; s++) {
            m.memory.writeWord(TSS_16 + 0x22 + 2 * s, sels[s]);
        }
        m.load(m.code(CODE_16, 32).hlt());
        m.load(m.code0().jmpFar(TSS16_SEL, 0).hlt());

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(CODE_16 + 1);
        assertThat(m.cpu.reg(ECX)).isEqualTo(0xFFFF0011);
        assertThat(m.cpu.segmentSelector(FS)).isZero();
        assertThat(m.cpu.segmentSelector(DS)).isEqualTo(DATA0_SEL);
        assertThat(tssType(TSS16_SEL)).isEqualTo(3);
    }

    @Test
    void theTssTrapBitRaisesADebugTrapInTheNewTask() {
        taskB(2);
        m.memory.writeWord(TSS_B + 0x64, 1);
        m.load(m.code(CODE_B, 32).hlt());
        m.load(m.code0().jmpFar(TSS_B_SEL, 0).hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(1);
        assertThat(m.stack(0)).as("before B's first instruction").isEqualTo(CODE_B);
    }

    @Test
    void aTaskInVirtual8086Mode() {
        taskB(0x20002);
        m.memory.writeDword(TSS_B + 0x20, 0x10);
        m.memory.writeWord(TSS_B + 0x4C, CODE_B >>> 4);
        m.memory.writeWord(TSS_B + 0x50, 0x6000);
        m.load(m.code(CODE_B + 0x10, 16).movFromSeg(EAX, SS).hlt());
        m.load(m.code0().jmpFar(TSS_B_SEL, 0).hlt());

        m.run();

        assertThat(m.vectorTaken()).as("HLT at CPL 3").isEqualTo(13);
        assertThat(m.frame(3)).containsExactly(0, 0x12, CODE_B >>> 4);
        assertThat(m.stack(3) & 0x20000).isEqualTo(0x20000);
        assertThat(m.cpu.reg(EAX) & 0xFFFF).isEqualTo(0x6000);
    }
}
