package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot to ring 3 and back: IRET to an outer level, INT n through DPL-3 gates with the TSS stack
 * switch (SDM vol. 3, 6.12.1), and IRET from the handler back to user mode.
 */
class PrivilegeTransitionTest {

    private final TestMachine m = new TestMachine();

    @Test
    void bootReachesFlat32BitRingZeroWithTheTaskRegisterLoaded() {
        m.load(m.code0().hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.cpu.eip()).isEqualTo(CODE0 + 1);
        assertThat(m.cpu.cr(0) & 1).isEqualTo(1);
        assertThat(m.cpu.cpl()).isZero();
        assertThat(m.cs()).isEqualTo(CODE0_SEL);
        assertThat(m.cpu.segmentAttributes(CS) & 0x4000).as("D bit: 32-bit code").isNotZero();
        assertThat(m.cpu.segmentSelector(SS)).isEqualTo(DATA0_SEL);
        assertThat(m.cpu.segmentLimit(DS)).isEqualTo(0xFFFFFFFF);
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK0_TOP);
        // LTR marks the TSS descriptor busy (type 9 -> 11) and the loaded segments accessed.
        assertThat(m.gdtEntry(TSS_SEL) >>> 40 & 0xF).isEqualTo(TSS32_BUSY);
        assertThat(m.gdtEntry(DATA0_SEL) >>> 40 & 1).isEqualTo(1);
    }

    @Test
    void iretToRingThreeThenIntThroughTrapGateSwitchesToTheTssStack() {
        m.gateTo(0x80, TRAP_GATE32, handler(0x80), 3);
        m.load(m.code0()
                .loadSeg(DS, DATA3_SEL).loadSeg(ES, DATA3_SEL)
                .iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP - 16, 0x3202 /* IOPL 3, IF */));
        Code user = m.code(CODE3, 32).movImm(EAX, 7).intN(0x80);
        int afterInt = user.here();
        m.load(user);

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.vectorTaken()).isEqualTo(0x80);
        assertThat(m.cpu.cpl()).isZero();
        assertThat(m.cs()).isEqualTo(CODE0_SEL);
        // The inner stack comes from TSS.SS0:ESP0, holding the outer SS, ESP, EFLAGS, CS and EIP.
        assertThat(m.cpu.segmentSelector(SS)).isEqualTo(DATA0_SEL);
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK0_TOP - 20);
        assertThat(m.frame(5)).containsExactly(afterInt, CODE3_SEL, 0x3202, STACK3_TOP - 16, DATA3_SEL);
        // A trap gate leaves IF alone; TF, NT, RF, VM are cleared.
        assertThat(m.cpu.eflags() & EFLAGS_IF).isNotZero();
        assertThat(m.cpu.reg(EAX)).isEqualTo(7);
        // Data segments usable at ring 3 stay loaded across the inward transfer.
        assertThat(m.cpu.segmentSelector(DS)).isEqualTo(DATA3_SEL);
    }

    @Test
    void interruptGateClearsIfWhileTrapGateKeepsIt() {
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        m.load(m.code0().iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x0202));
        m.load(m.code(CODE3, 32).intN(0x81));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(0x81);
        assertThat(m.cpu.eflags() & EFLAGS_IF).isZero();
        assertThat(m.stack(2) & EFLAGS_IF).as("the pushed image keeps IF").isNotZero();
    }

    @Test
    void systemCallReturnsToRingThreeWithIretAndTheUserStackIsRestored() {
        // Handler: EAX += 35, IRET. The user program then leaves through INT 0x81 (a HLT).
        int sys = DATA; // any free ring-0 address
        m.load(m.code(sys, 32).addImm(EAX, 35).iret());
        m.gateTo(0x80, TRAP_GATE32, sys, 3);
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        m.load(m.code0().loadSeg(DS, DATA3_SEL).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x202));
        Code user = m.code(CODE3, 32).movImm(EAX, 7).pushImm(0x1234).intN(0x80).mov(EBX, EAX).mov(ESI, ESP);
        int exitCall = user.here();
        m.load(user.intN(0x81));

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.vectorTaken()).isEqualTo(0x81);
        assertThat(m.cpu.reg(EBX)).isEqualTo(42);
        assertThat(m.cpu.reg(ESI)).as("user ESP after the round trip").isEqualTo(STACK3_TOP - 4);
        assertThat(m.stack(0)).isEqualTo(exitCall + 2);
        assertThat(m.stack(1)).isEqualTo(CODE3_SEL);
        // The second entry started from ESP0 again: the TSS is not written by an inward transfer.
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK0_TOP - 20);
    }

    @Test
    void iretToRingThreeNullsDataSegmentsTheOuterLevelMayNotUse() {
        // DS stays a ring-0 data segment; ES is a ring-3 one. After IRET to CPL 3, DS is null.
        m.load(m.code0().loadSeg(ES, DATA3_SEL).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m.load(m.code(CODE3, 32).load(EAX, DATA)); // MOV EAX, [DS:DATA] through a null DS

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).as("#GP(0) for a null segment").isZero();
        assertThat(m.stack(1)).isEqualTo(CODE3);
        assertThat(m.stack(2)).isEqualTo(CODE3_SEL);
        assertThat(m.cpu.segmentSelector(DS)).isZero();
        assertThat(m.cpu.segmentSelector(ES)).isEqualTo(DATA3_SEL);
    }

    @Test
    void softwareInterruptThroughGateWithDplBelowCplRaisesGpWithTheIdtErrorCode() {
        // The default gates have DPL 0: INT 0x40 from ring 3 is #GP(0x40 * 8 + 2).
        m.load(m.code0().iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m.load(m.code(CODE3, 32).intN(0x40));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(0x40 * 8 + 2);
        assertThat(m.stack(1)).as("the fault restarts at INT").isEqualTo(CODE3);
        assertThat(m.stack(4)).isEqualTo(STACK3_TOP);
    }

    @Test
    void int3AndIntoFromRingThreeAlsoNeedAGateWithDplThree() {
        m.gateTo(3, TRAP_GATE32, handler(3), 3);
        m.load(m.code0().iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        Code user = m.code(CODE3, 32).int3();
        int after = user.here();
        m.load(user);

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(3);
        assertThat(m.stack(0)).as("INT3 is a trap: EIP after it").isEqualTo(after);
    }

    @Test
    void ringOneInterruptStackComesFromSs1Esp1() {
        // A gate into a DPL-1 code segment switches to SS1:ESP1 and runs at CPL 1.
        int ring1 = DATA + 0x100;
        m.load(m.code(ring1, 32).movFromSeg(EBX, SS).spin());
        m.idt(0x82, gate(INT_GATE32, CODE1_SEL, ring1, 3, 0));
        m.load(m.code0().iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m.load(m.code(CODE3, 32).intN(0x82));

        assertThat(m.cpu.run(200)).isEqualTo(Cpu.Exit.BUDGET);

        assertThat(m.cpu.eip()).isEqualTo(ring1 + 2);
        assertThat(m.cpu.cpl()).isEqualTo(1);
        assertThat(m.cs()).isEqualTo(CODE1_SEL);
        assertThat(m.cpu.reg(EBX) & 0xFFFF).isEqualTo(DATA1_SEL);
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK1_TOP - 20);
        assertThat(m.stack(1)).isEqualTo(CODE3_SEL);
    }

    @Test
    void gateToConformingCodeRunsTheHandlerAtTheCurrentLevelOnTheSameStack() {
        int conforming = FREE_SEL;
        m.gdt(conforming, segment(0, 0xFFFFF, PRESENT | S | CODE_XR_CONFORMING, G | DB));
        int h = DATA + 0x100;
        m.load(m.code(h, 32).movFromSeg(EBX, CS).mov(ESI, ESP).intN(0x81));
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        m.idt(0x82, gate(INT_GATE32, conforming, h, 3, 0));
        m.enterUserMode(0x2);
        m.load(m.code3().intN(0x82));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(0x81);
        assertThat(m.cpu.reg(EBX) & 0xFFFF).isEqualTo(conforming | 3);
        assertThat(m.cpu.reg(ESI)).as("frame of three on the user stack").isEqualTo(STACK3_TOP - 12);
    }

    @Test
    void iretToRingThreeWithAStackSelectorOfAnotherLevelRaisesGp() {
        m.load(m.code0().iretTo(CODE3_SEL, CODE3, DATA0_SEL | 3, STACK3_TOP, 0x2));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(DATA0_SEL);
        assertThat(m.cpu.cpl()).isZero();
        assertThat(m.stack(2)).as("faulted in ring 0").isEqualTo(CODE0_SEL);
    }

    @Test
    void farJumpToADataSegmentRaisesGpAndToAnAbsentCodeSegmentNp() {
        m.load(m.code0().jmpFar(DATA0_SEL, 0).hlt());
        m.run();
        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(DATA0_SEL);

        TestMachine m2 = new TestMachine();
        m2.gdt(FREE_SEL, notPresent(flatCode(0)));
        m2.load(m2.code0().callFar(FREE_SEL, 0).hlt());
        m2.run();
        assertThat(m2.vectorTaken()).isEqualTo(11);
        assertThat(m2.stack(0)).isEqualTo(FREE_SEL);
        assertThat(m2.cpu.reg(Cpu.ESP)).as("the CALL pushed nothing").isEqualTo(STACK0_TOP - 16);
    }

    @Test
    void allFourRingsInOneChainThreeToTwoToOneAndBack() {
        // Ring 3 -INT-> ring 2 (SS2:ESP2) -call gate with one parameter-> ring 1 (SS1:ESP1),
        // then RETF 4 back to ring 2, IRET back to ring 3, and INT 0x81 to ring 0 to stop.
        int code2 = FREE_SEL | 2, data2 = FREE_SEL + 8 | 2, gateTo1 = FREE_SEL + 0x10 | 3;
        int stack2Top = 0x68000, ring2 = DATA + 0x100, ring1 = DATA + 0x200;
        m.gdt(code2, flatCode(2));
        m.gdt(data2, flatData(2));
        m.gdt(gateTo1, gate(CALL_GATE32, CODE1_SEL, ring1, 3, 1));
        m.tss(20, stack2Top);
        m.tss(24, data2);
        m.idt(0x82, gate(INT_GATE32, code2, ring2, 3, 0));
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        Code r2 = m.code(ring2, 32).pushImm(0x2222).callFar(gateTo1, 0);
        int backIn2 = r2.here();
        m.load(r2.mov(EDI, ESP).movFromSeg(EBP, SS).iret());
        // Ring 1: record CPL evidence (CS, SS, ESP, the copied parameter, the return frame), then return.
        m.load(m.code(ring1, 32).movFromSeg(EAX, CS).movFromSeg(EBX, SS).mov(ECX, ESP)
                .mov(EBP, ESP).loadBased(EDX, EBP, 8).loadBased(ESI, EBP, 12).retf(4));
        m.enterUserMode(0x2);
        m.load(m.code3().intN(0x82).intN(0x81));

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.vectorTaken()).isEqualTo(0x81);
        assertThat(m.cpu.reg(EAX) & 0xFFFF).as("CS in ring 1").isEqualTo(CODE1_SEL);
        assertThat(m.cpu.reg(EBX) & 0xFFFF).as("SS1 from the TSS").isEqualTo(DATA1_SEL);
        assertThat(m.cpu.reg(ECX)).as("EIP, CS, 1 parameter, ESP, SS on SS1:ESP1").isEqualTo(STACK1_TOP - 20);
        assertThat(m.cpu.reg(EDX)).as("the copied parameter").isEqualTo(0x2222);
        // The ring-2 interrupt frame took 20 bytes below ESP2; the pushed parameter 4 more.
        assertThat(m.cpu.reg(ESI)).as("ring-2 ESP saved by the call gate").isEqualTo(stack2Top - 24);
        assertThat(m.cpu.reg(EDI)).as("RETF 4 released the parameter").isEqualTo(stack2Top - 20);
        assertThat(m.cpu.reg(EBP) & 0xFFFF).isEqualTo(data2);
        assertThat(m.frame(5)).containsExactly(CODE3 + 4, CODE3_SEL, 0x2, STACK3_TOP, DATA3_SEL);
    }
}
