package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Far CALL/JMP/RETF across privilege levels: call gates with parameter copy, and their checks (SDM vol. 3, 5.8). */
class CallGateTest {

    private static final int GATE_SEL = FREE_SEL | 3, TARGET = DATA + 0x200;

    private final TestMachine m = new TestMachine();

    @Test
    void callGateCopiesParametersToTheRingZeroStackAndRetfReleasesThem() {
        m.gdt(GATE_SEL, gate(CALL_GATE32, CODE0_SEL, TARGET, 3, 2));
        // The target loads DS with ring-0 data before returning: RETF to ring 3 must null it.
        m.load(m.code(TARGET, 32).hlt().loadSeg(DS, DATA0_SEL).retf(8));
        m.enterUserMode(0x2);
        Code user = m.code3().pushImm(0x11111111).pushImm(0x22222222).callFar(GATE_SEL, 0xDEAD);
        int returnTo = user.here();
        m.load(user.mov(EBX, ESP).movFromSeg(ECX, CS).movFromSeg(EDX, DS).movFromSeg(ESI, ES).intN(0x81));
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        // In the gate's target: CPL 0 on the TSS stack, holding EIP, CS, the two parameters, ESP, SS.
        assertThat(m.cpu.eip()).isEqualTo(TARGET + 1);
        assertThat(m.cpu.cpl()).isZero();
        assertThat(m.cs()).isEqualTo(CODE0_SEL);
        assertThat(m.cpu.segmentSelector(SS)).isEqualTo(DATA0_SEL);
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK0_TOP - 24);
        assertThat(m.frame(6)).containsExactly(returnTo, CODE3_SEL, 0x22222222, 0x11111111, STACK3_TOP - 8, DATA3_SEL);

        m.cpu.wake();
        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.vectorTaken()).isEqualTo(0x81);
        assertThat(m.cpu.reg(EBX)).as("RETF 8 released the parameters from the outer stack").isEqualTo(STACK3_TOP);
        assertThat(m.cpu.reg(ECX) & 0xFFFF).isEqualTo(CODE3_SEL);
        assertThat(m.cpu.reg(EDX) & 0xFFFF).as("DS nulled").isZero();
        assertThat(m.cpu.reg(ESI) & 0xFFFF).as("ES usable at ring 3, kept").isEqualTo(DATA3_SEL);
    }

    /**
     * The parameters are read through the caller's SS, so its limit applies: two dwords asked
     * for at 4 bytes below the limit raise #SS(0) before anything changes, the caller's
     * registers and stack as they were (the fault is delivered on the ring-0 stack).
     */
    @Test
    void callGateParametersBeyondTheCallersStackLimitRaiseSs() {
        int smallStack = FREE_SEL + 8 | 3;
        int limit = 0xFFF;
        m.gdt(smallStack, segment(0x50000, limit, PRESENT | 3 << 5 | S | DATA_RW, DB));
        m.gdt(GATE_SEL, gate(CALL_GATE32, CODE0_SEL, TARGET, 3, 2));
        m.load(m.code(TARGET, 32).hlt());
        m.enterUserMode(0x2);
        m.load(m.code3().loadSeg(SS, smallStack).movImm(ESP, limit - 3).callFar(GATE_SEL, 0));

        m.run();

        assertThat(m.vectorTaken()).as("#SS").isEqualTo(12);
        assertThat(m.stack(0)).as("error code").isZero();
        assertThat(m.stack(2)).as("the caller's CS").isEqualTo(CODE3_SEL);
        assertThat(m.stack(4)).as("the caller's ESP, unchanged").isEqualTo(limit - 3);
        assertThat(m.stack(5)).as("the caller's SS").isEqualTo(smallStack);
    }

    @Test
    void callGateWithDplBelowCplRaisesGpWithTheGateSelector() {
        m.gdt(GATE_SEL, gate(CALL_GATE32, CODE0_SEL, TARGET, 0, 0));
        m.enterUserMode(0x2);
        m.load(m.code3().callFar(GATE_SEL, 0));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(FREE_SEL);
        assertThat(m.stack(1)).isEqualTo(CODE3);
    }

    @Test
    void notPresentCallGateRaisesNpWithTheGateSelector() {
        m.gdt(GATE_SEL, notPresent(gate(CALL_GATE32, CODE0_SEL, TARGET, 3, 0)));
        m.enterUserMode(0x2);
        m.load(m.code3().callFar(GATE_SEL, 0));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(11);
        assertThat(m.stack(0)).isEqualTo(FREE_SEL);
    }

    @Test
    void callGateToANullCodeSelectorRaisesGpZero() {
        m.gdt(GATE_SEL, gate(CALL_GATE32, 0, TARGET, 3, 0));
        m.enterUserMode(0x2);
        m.load(m.code3().callFar(GATE_SEL, 0));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
    }

    @Test
    void jumpThroughACallGateCannotRaisePrivilege() {
        m.gdt(GATE_SEL, gate(CALL_GATE32, CODE0_SEL, TARGET, 3, 0));
        m.enterUserMode(0x2);
        m.load(m.code3().jmpFar(GATE_SEL, 0));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).as("#GP(target code selector)").isEqualTo(CODE0_SEL);
    }

    @Test
    void directFarCallToMorePrivilegedNonConformingCodeRaisesGp() {
        m.enterUserMode(0x2);
        m.load(m.code3().callFar(CODE0_SEL, TARGET));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(CODE0_SEL);
        assertThat(m.stack(4)).as("nothing was pushed on the user stack").isEqualTo(STACK3_TOP);
    }

    @Test
    void farCallToConformingRingZeroCodeKeepsCplThree() {
        int conforming = FREE_SEL + 8;
        m.gdt(conforming, segment(0, 0xFFFFF, PRESENT | S | CODE_XR_CONFORMING, G | DB));
        m.load(m.code(TARGET, 32).movFromSeg(EBX, CS).mov(ESI, ESP).intN(0x81));
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        m.enterUserMode(0x2);
        m.load(m.code3().callFar(conforming, TARGET));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(0x81);
        assertThat(m.cpu.reg(EBX) & 0xFFFF).as("CS.RPL becomes the CPL, 3").isEqualTo(conforming | 3);
        assertThat(m.cpu.reg(ESI)).as("no stack switch").isEqualTo(STACK3_TOP - 8);
        assertThat(m.stack(1)).isEqualTo(conforming | 3);
    }

    @Test
    void retfToAMorePrivilegedLevelRaisesGp() {
        m.enterUserMode(0x2);
        m.load(m.code3().pushImm(CODE0_SEL).pushImm(TARGET).retf());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(CODE0_SEL);
    }

    @Test
    void tssStackOfTheWrongPrivilegeRaisesTsWithItsSelector() {
        // The gate leads to ring 1, whose TSS stack selector has RPL 3: #TS(SS1). The #TS itself is
        // delivered to ring 0 through the valid SS0.
        m.tss(16, DATA3_SEL);
        m.gdt(GATE_SEL, gate(CALL_GATE32, CODE1_SEL, TARGET, 3, 0));
        m.enterUserMode(0x2);
        m.load(m.code3().callFar(GATE_SEL, 0));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(10);
        assertThat(m.stack(0)).isEqualTo(DATA3_SEL & ~3);
        assertThat(m.stack(1)).isEqualTo(CODE3);
        assertThat(m.stack(2)).isEqualTo(CODE3_SEL);
        assertThat(m.stack(4)).isEqualTo(STACK3_TOP);
    }

    @Test
    void nullTssStackSelectorRaisesTsZeroForASoftwareInterrupt() {
        m.tss(16, 0);
        m.idt(0x82, gate(INT_GATE32, CODE1_SEL, TARGET, 3, 0));
        m.enterUserMode(0x2);
        m.load(m.code3().intN(0x82));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(10);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(1)).isEqualTo(CODE3);
    }

    @Test
    void notPresentTssStackRaisesSsWithItsSelector() {
        int ss1 = FREE_SEL + 8 | 1;
        m.gdt(ss1, notPresent(flatData(1)));
        m.tss(16, ss1);
        m.gdt(GATE_SEL, gate(CALL_GATE32, CODE1_SEL, TARGET, 3, 0));
        m.enterUserMode(0x2);
        m.load(m.code3().callFar(GATE_SEL, 0));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(12);
        assertThat(m.stack(0)).isEqualTo(ss1 & ~3);
    }

    @Test
    void innerStackWithoutRoomForTheFrameRaisesSsWithItsSelector() {
        // Ring-1 stack segment of 16 bytes: the 20-byte frame (SS, ESP, EFLAGS, CS, EIP) does not fit.
        int ss1 = FREE_SEL + 8 | 1;
        m.gdt(ss1, segment(STACK1_TOP - 0x10, 0xF, PRESENT | 1 << 5 | S | DATA_RW, DB));
        m.tss(16, ss1);
        m.tss(12, 0x10);
        m.idt(0x82, gate(INT_GATE32, CODE1_SEL, TARGET, 3, 0));
        m.enterUserMode(0x2);
        m.load(m.code3().intN(0x82));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(12);
        assertThat(m.stack(0)).isEqualTo(ss1 & ~3);
        assertThat(m.stack(1)).isEqualTo(CODE3);
    }

    /** IDT[10] -> a conforming ring-0 segment: #TS is then delivered at CPL 3 on the user stack, needing no SS0. */
    private void tsHandlerAtCurrentLevel() {
        int conforming = FREE_SEL + 0x10;
        m.gdt(conforming, segment(0, 0xFFFFF, PRESENT | S | CODE_XR_CONFORMING, G | DB));
        m.load(m.code(DATA + 0x400, 32).spin());
        m.idt(10, gate(INT_GATE32, conforming, DATA + 0x400, 0, 0));
    }

    @Test
    void badSs0RaisesTsWithItsSelectorOnInterruptFromRingThree() {
        m.tss(8, DATA3_SEL); // SS0 with RPL 3 and DPL 3
        tsHandlerAtCurrentLevel();
        m.gateTo(0x80, TRAP_GATE32, handler(0x80), 3);
        m.enterUserMode(0x2);
        m.load(m.code3().intN(0x80));

        assertThat(m.cpu.run(100)).isEqualTo(Cpu.Exit.BUDGET);

        assertThat(m.cpu.eip()).isEqualTo(DATA + 0x400);
        assertThat(m.cpu.cpl()).isEqualTo(3);
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK3_TOP - 16);
        assertThat(m.stack(0)).as("#TS(SS0), EXT clear for INT n").isEqualTo(DATA3_SEL & ~3);
        assertThat(m.stack(1)).as("restarts at INT").isEqualTo(CODE3);
    }

    @Test
    void badSs0DuringExceptionDeliverySetsExt() {
        m.tss(8, GDT_ENTRIES * 8); // SS0 beyond the GDT limit
        tsHandlerAtCurrentLevel();
        m.enterUserMode(0x2);
        m.load(m.code3().db(0x0F, 0x0B)); // #UD from ring 3 needs the ring-0 stack

        assertThat(m.cpu.run(100)).isEqualTo(Cpu.Exit.BUDGET);

        assertThat(m.cpu.eip()).isEqualTo(DATA + 0x400);
        assertThat(m.stack(0)).isEqualTo(GDT_ENTRIES * 8 | 1);
        assertThat(m.stack(1)).isEqualTo(CODE3);
    }

    @Test
    void callGateToTheSameLevelPushesOnTheCurrentStack() {
        m.gdt(GATE_SEL, gate(CALL_GATE32, CODE0_SEL, TARGET, 3, 2));
        m.load(m.code(TARGET, 32).hlt());
        Code c = m.code0().callFar(GATE_SEL, 0);
        int returnTo = c.here();
        m.load(c);

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(TARGET + 1);
        assertThat(m.cpu.reg(Cpu.ESP)).as("no stack switch, no parameters copied").isEqualTo(STACK0_TOP - 8);
        assertThat(m.stack(0)).isEqualTo(returnTo);
        assertThat(m.stack(1)).isEqualTo(CODE0_SEL);
    }

    @Test
    void interruptGateToLessPrivilegedCodeRaisesGp() {
        m.idt(0x82, gate(INT_GATE32, CODE3_SEL, TARGET, 0, 0));
        m.load(m.code0().intN(0x82).hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(CODE3_SEL & ~3);
    }
}
