package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exceptions and interrupts in protected mode: vectors, error codes (with the IDT and EXT bits),
 * fault versus trap restart points, single-step, #UD for undefined encodings, and the double-
 * and triple-fault rules (SDM vol. 3, chapter 6).
 */
class ExceptionTest {

    private final TestMachine m = new TestMachine();

    private void runToHalt(Code c) {
        m.load(c.hlt());
        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);
    }

    @Test
    void divideErrorIsAFaultOnTheDivideWithRegistersUntouched() {
        Code c = m.code0().movImm(EAX, 100).movImm(EDX, 0).movImm(ECX, 0);
        int div = c.here();
        runToHalt(c.div(ECX));

        assertThat(m.vectorTaken()).isZero();
        assertThat(m.stack(0)).as("no error code: EIP of DIV").isEqualTo(div);
        assertThat(m.stack(1)).isEqualTo(CODE0_SEL);
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK0_TOP - 12);
        assertThat(m.cpu.reg(EAX)).isEqualTo(100);
    }

    @Test
    void quotientOverflowIsADivideErrorToo() {
        Code c = m.code0().movImm(EAX, 0).movImm(EDX, 1).movImm(ECX, 1);
        int div = c.here();
        runToHalt(c.div(ECX));

        assertThat(m.vectorTaken()).isZero();
        assertThat(m.stack(0)).isEqualTo(div);
        assertThat(m.cpu.reg(EDX)).isEqualTo(1);
    }

    @Test
    void int3IsATrapAfterTheInstruction() {
        Code c = m.code0().int3();
        int after = c.here();
        runToHalt(c);

        assertThat(m.vectorTaken()).isEqualTo(3);
        assertThat(m.stack(0)).isEqualTo(after);
    }

    @Test
    void intoTrapsAfterTheInstructionOnlyWhenOverflowIsSet() {
        Code c = m.code0().into().movImm(EAX, 0x7FFFFFFF).addImm(EAX, 1).into();
        int after = c.here();
        runToHalt(c);

        assertThat(m.vectorTaken()).isEqualTo(4);
        assertThat(m.stack(0)).isEqualTo(after);
    }

    @Test
    void boundIsAFaultOnTheInstruction() {
        m.memory.writeDword(DATA, 10);
        m.memory.writeDword(DATA + 4, 20);
        Code c = m.code0().movImm(EAX, 20).bound(EAX, DATA).movImm(EAX, 21);
        int bound = c.here();
        runToHalt(c.bound(EAX, DATA));

        assertThat(m.vectorTaken()).isEqualTo(5);
        assertThat(m.stack(0)).isEqualTo(bound);
    }

    /** Undefined encodings: UD2, 0F FF, C6 /1, FE /2, FF /7, 8F /1, MOV CS, LOCK on a register or a non-RMW instruction. */
    @ParameterizedTest
    @ValueSource(strings = {"0F 0B", "0F FF", "C6 C8 00", "FE D0", "FF F8", "8F C8", "8E C8", "0F 01 E8",
            "0F 00 F0", "F0 01 C0", "F0 8B 05 00 00 05 00", "F0 90", "0F C7 C8", "0F 20 C8", "0F 22 E8",
            "0F 01 F8", "8D C0", "C4 C0"})
    void undefinedEncodingRaisesUdAtTheInstruction(String hex) {
        Code c = m.code0().movImm(EAX, 0);
        int start = c.here();
        for (String b : hex.split(" ")) {
            c.db(Integer.parseInt(b, 16));
        }
        runToHalt(c);

        assertThat(m.vectorTaken()).isEqualTo(6);
        assertThat(m.stack(0)).as("no error code: EIP of the instruction").isEqualTo(start);
        assertThat(m.stack(1)).isEqualTo(CODE0_SEL);
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK0_TOP - 12);
    }

    @Test
    void lockedReadModifyWriteOnMemoryIsAllowed() {
        m.memory.writeDword(DATA, 40);
        runToHalt(m.code0().movImm(EAX, 2).db(0xF0, 0x01, 0x05).dword(DATA)); // LOCK ADD [DATA], EAX

        assertThat(m.vectorTaken()).isEqualTo(-1);
        assertThat(m.memory.readDword(DATA)).isEqualTo(42);
    }

    @Test
    void instructionLongerThanFifteenBytesRaisesGp() {
        Code c = m.code0();
        int start = c.here();
        for (int i = 0; i < 15; i++) {
            c.db(0x3E); // DS: prefixes; with the NOP, 16 bytes
        }
        runToHalt(c.nop());

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(1)).isEqualTo(start);
    }

    @Test
    void singleStepTrapsAfterEachInstructionOnceTfIsSet() {
        int dbHandler = DATA + 0x100;
        m.load(m.code(dbHandler, 32).db(0x0F, 0x21, 0xF0).hlt()); // MOV EAX, DR6
        m.gateTo(1, INT_GATE32, dbHandler, 0);
        // The POPF that sets TF does not trap itself (TF was clear when it began).
        Code c = m.code0().setTrapFlag().movImm(EBX, 1);
        int second = c.here();
        runToHalt(c.movImm(EBX, 2));

        assertThat(m.cpu.eip()).isEqualTo(dbHandler + 4);
        assertThat(m.stack(0)).as("trap: EIP of the next instruction").isEqualTo(second);
        assertThat(m.stack(2) & EFLAGS_TF).as("pushed EFLAGS keep TF").isNotZero();
        assertThat(m.cpu.eflags() & EFLAGS_TF).as("the handler runs without TF").isZero();
        assertThat(m.cpu.reg(EBX)).isEqualTo(1);
        assertThat(m.cpu.reg(EAX) & 0x4000).as("DR6.BS").isNotZero();
    }

    @Test
    void softwareInterruptBeyondTheIdtLimitRaisesGpWithTheIdtErrorCode() {
        m.memory.writeWord(DATA, 0x20 * 8 - 1); // 32 vectors
        m.memory.writeDword(DATA + 2, IDT);
        Code c = m.code0().lidt(DATA);
        int intAt = c.here();
        runToHalt(c.intN(0x20));

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(0x20 * 8 + 2);
        assertThat(m.stack(1)).isEqualTo(intAt);
    }

    @Test
    void notPresentGateRaisesNpWithTheIdtErrorCode() {
        m.idt(0x30, notPresent(gate(INT_GATE32, CODE0_SEL, handler(0x30), 0, 0)));
        runToHalt(m.code0().intN(0x30));

        assertThat(m.vectorTaken()).isEqualTo(11);
        assertThat(m.stack(0)).isEqualTo(0x30 * 8 + 2);
    }

    @Test
    void descriptorThatIsNoGateInTheIdtRaisesGp() {
        m.idt(0x31, flatData(0));
        runToHalt(m.code0().intN(0x31));

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(0x31 * 8 + 2);
    }

    @Test
    void exceptionWhileDeliveringABenignExceptionSetsTheExtBit() {
        // #UD (benign), whose gate is not present: #NP(6 * 8 + IDT + EXT), delivered normally.
        m.idt(6, notPresent(gate(INT_GATE32, CODE0_SEL, handler(6), 0, 0)));
        Code c = m.code0();
        int ud = c.here();
        runToHalt(c.db(0x0F, 0x0B));

        assertThat(m.vectorTaken()).isEqualTo(11);
        assertThat(m.stack(0)).isEqualTo(6 * 8 + 2 + 1);
        assertThat(m.stack(1)).isEqualTo(ud);
    }

    @Test
    void generalProtectionDuringSegmentNotPresentDeliveryIsADoubleFault() {
        // #NP on MOV DS; the #NP gate names a code selector beyond the GDT: #GP, contributory
        // after contributory, so #DF with error code 0 and the EIP of the MOV.
        m.gdt(FREE_SEL, notPresent(flatData(0)));
        m.idt(11, gate(INT_GATE32, GDT_ENTRIES * 8, handler(11), 0, 0));
        Code c = m.code0().osize().movImm(EAX, FREE_SEL);
        int mov = c.here();
        runToHalt(c.movSeg(DS, EAX));

        assertThat(m.vectorTaken()).isEqualTo(8);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(1)).isEqualTo(mov);
        assertThat(m.stack(2)).isEqualTo(CODE0_SEL);
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK0_TOP - 16);
    }

    @Test
    void faultWhileDeliveringTheDoubleFaultShutsTheProcessorDown() {
        m.gdt(FREE_SEL, notPresent(flatData(0)));
        m.idt(11, gate(INT_GATE32, GDT_ENTRIES * 8, handler(11), 0, 0));
        m.idt(8, notPresent(gate(INT_GATE32, CODE0_SEL, handler(8), 0, 0)));
        m.load(m.code0().loadSeg(DS, FREE_SEL).hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.SHUTDOWN);
        assertThat(m.cpu.isShutdown()).isTrue();
        long executed = m.cpu.instructions();
        assertThat(m.cpu.run(1000)).as("shutdown lasts until reset").isEqualTo(Cpu.Exit.SHUTDOWN);
        assertThat(m.cpu.instructions()).isEqualTo(executed);

        m.cpu.reset();
        assertThat(m.cpu.isShutdown()).isFalse();
        assertThat(m.cpu.eip()).isEqualTo(0xFFF0);
    }

    @Test
    void tripleFaultFromAnEmptyIdt() {
        // With an IDT limit of 0 every exception fails to deliver: #GP -> #DF -> shutdown.
        m.memory.writeWord(DATA, 0);
        m.memory.writeDword(DATA + 2, IDT);
        m.load(m.code0().lidt(DATA).db(0x0F, 0x0B));

        assertThat(m.run()).isEqualTo(Cpu.Exit.SHUTDOWN);
    }

    /** An interrupt controller with one request line, raised by the test. */
    private static final class OneRequest implements InterruptLine {
        int vector = -1;

        @Override
        public boolean pending() {
            return vector >= 0;
        }

        @Override
        public int acknowledge() {
            int v = vector;
            vector = -1;
            return v;
        }
    }

    @Test
    void externalInterruptWakesHltAndIsDeliveredThroughARingZeroGateFromRingThree() {
        OneRequest pic = new OneRequest();
        TestMachine x = new TestMachine(pic);
        x.enterUserMode(0x202);
        Code user = x.code3().movImm(EBX, 1);
        int next = user.here();
        x.load(user.spin());
        assertThat(x.cpu.run(100)).isEqualTo(Cpu.Exit.BUDGET);

        pic.vector = 0x40;
        assertThat(x.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(x.vectorTaken()).as("no DPL check for hardware interrupts").isEqualTo(0x40);
        assertThat(x.stack(0)).isEqualTo(next);
        assertThat(x.stack(1)).isEqualTo(CODE3_SEL);
    }

    @Test
    void externalInterruptMaskedByIfStaysPending() {
        OneRequest pic = new OneRequest();
        TestMachine x = new TestMachine(pic);
        pic.vector = 0x40;
        x.load(x.code0().movImm(EDX, 0).sti().movImm(ECX, 8).movImm(EDX, 9).hlt());

        assertThat(x.run()).isEqualTo(Cpu.Exit.HALT);

        // Delivered only after STI and the one instruction its shadow covers.
        assertThat(x.vectorTaken()).isEqualTo(0x40);
        assertThat(x.cpu.reg(ECX)).isEqualTo(8);
        assertThat(x.cpu.reg(EDX)).isZero();
    }

    @Test
    void externalInterruptWhoseGateIsMissingRaisesNpWithTheExtBit() {
        OneRequest pic = new OneRequest();
        TestMachine x = new TestMachine(pic);
        x.idt(0x40, notPresent(gate(INT_GATE32, CODE0_SEL, handler(0x40), 0, 0)));
        pic.vector = 0x40;
        x.load(x.code0().sti().nop().nop().hlt());

        x.run();

        assertThat(x.vectorTaken()).isEqualTo(11);
        assertThat(x.stack(0)).isEqualTo(0x40 * 8 + 2 + 1);
    }

    @Test
    void icebpRaisesDebugWithoutTheGateDplCheck() {
        m.enterUserMode(0x2);
        Code user = m.code3().db(0xF1);
        int after = user.here();
        m.load(user);

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(1);
        assertThat(m.stack(0)).isEqualTo(after);
    }

    @Test
    void movSsHoldsOffTheSingleStepTrapForOneInstruction() {
        // SDM vol. 3, 6.8.3: after MOV SS the debug trap waits until the next instruction ends,
        // so a stack switch (MOV SS; MOV ESP) is never split by a #DB.
        Code c = m.code0().setTrapFlag()
                .osize().movImm(EAX, DATA0_SEL);
        int movSs = c.here();
        c.movSeg(SS, EAX);
        c.movImm(ESP, STACK0_TOP - 0x100);
        int afterMovEsp = c.here();
        m.load(c.nop().nop().hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(1);
        // The first trap comes after MOV AX (before MOV SS); take it and resume.
        assertThat(m.stack(0)).isEqualTo(movSs);
        m.cpu.setEip(movSs);
        m.cpu.setReg(Cpu.ESP, STACK0_TOP);
        m.cpu.setEflags(m.cpu.eflags() | EFLAGS_TF);
        m.cpu.wake();

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(1);
        assertThat(m.stack(0)).as("no trap between MOV SS and MOV ESP").isEqualTo(afterMovEsp);
    }

    @Test
    void interruptWakingHltReturnsAfterTheHlt() {
        OneRequest pic = new OneRequest();
        TestMachine x = new TestMachine(pic);
        Code c = x.code0().sti().hlt();
        int after = c.here();
        x.load(c.hlt());
        assertThat(x.run()).isEqualTo(Cpu.Exit.HALT);
        assertThat(x.cpu.halted()).isTrue();

        pic.vector = 0x41;
        assertThat(x.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(x.vectorTaken()).isEqualTo(0x41);
        assertThat(x.stack(0)).isEqualTo(after);
    }

    @Test
    void pageFaultOnTheKernelStackDuringDeliveryEndsInShutdown() {
        // A ring-3 #GP whose delivery finds ESP0's page not present: #PF while delivering #GP is
        // delivered as #PF, whose own delivery faults again (#PF, #PF -> #DF), and #DF faults too.
        m.identityPaging(7, 7);
        m.setPte(STACK0_TOP - 4, 0);
        m.load(m.code0().enablePaging(PAGE_DIRECTORY).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m.load(m.code3().hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.SHUTDOWN);
        assertThat(m.cpu.cr(2)).isEqualTo(STACK0_TOP - 4);
    }
}
