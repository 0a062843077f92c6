package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the FPU reports its errors and refuses work on a whole PC ({@link PcMachine}: the PIC,
 * the board's FERR# latch on port 0xF0), driven by a real-mode BIOS ROM written here:
 * <ul>
 *   <li>CR0.NE=0 (the PC/AT way): an unmasked zero-divide stays pending; the next waiting
 *       instruction (FWAIT) asserts FERR#, the latch raises IRQ 13 and the processor freezes at
 *       the FWAIT; the PIC delivers vector 0x75, whose handler writes port 0xF0 (latch cleared,
 *       IGNNE# on, so its own waiting FSTSW runs), clears the error with FNCLEX, sends the EOIs
 *       and IRETs to the FWAIT, which now goes through;</li>
 *   <li>CR0.NE=1: the same error raises #MF (vector 16) at the FWAIT and IRQ 13 stays quiet;</li>
 *   <li>CR0.EM=1 and CR0.TS=1 make an FPU instruction raise #NM (vector 7); WAIT faults only
 *       with MP and TS both set (SDM vol. 3, 2.5 table 2-2).</li>
 * </ul>
 * The handlers record what they saw in RAM; the test reads it after the ROM halts.
 */
class FpuErrorTest {

    private static final int SEG = 0xF000;
    private static final int MAIN = 0xE000, IRQ13 = 0xE800, MF = 0xE900, NM = 0xEA00;

    // Results in RAM (DS = 0).
    private static final int CONTROL_WORD = 0x500, IRQ13_STATUS = 0x502, IRQ13_COUNT = 0x504, END = 0x506,
            IRQ13_IP = 0x508, MF_IP = 0x50A, MF_COUNT = 0x50C, NM_COUNT = 0x50E, NM_IPS = 0x520;

    private static final int NE = 0x20, TS = 0x08, EM = 0x04, MP = 0x02;

    private int irq13Wait, mfWait, emFld, tsFld, mpTsWait;

    @Test
    void fpuErrorsAndUnavailableFpuReachTheirHandlers() throws Exception {
        byte[] rom = rom();
        MachineConfig config = new MachineConfig(1L << 20, new MachineConfig.BiosRom(rom), null, false,
                MachineConfig.DEFAULT_START_EPOCH_NANOS, false);
        try (PcMachine machine = PcMachine.create(config)) {
            RunResult result = machine.run(1_000_000);

            assertThat(result).as("the ROM ends with CLI; HLT").isInstanceOf(RunResult.HaltedForever.class);
            assertThat(word(machine, END)).as("the ROM ran to its end").isEqualTo(0x2222);

            // CR0.NE=0: IRQ 13 through the PIC, taken at the frozen FWAIT.
            assertThat(word(machine, IRQ13_COUNT)).as("IRQ 13 taken once").isEqualTo(1);
            assertThat(word(machine, IRQ13_IP)).as("IRQ 13's return address: the FWAIT").isEqualTo(irq13Wait);
            assertThat(word(machine, IRQ13_STATUS) & 0x84).as("ES and ZE pending in the handler").isEqualTo(0x84);
            assertThat(machine.chipset().fpuErrorPins().irqRaised()).as("port 0xF0 cleared the latch").isFalse();

            // CR0.NE=1: #MF at the FWAIT, no IRQ 13.
            assertThat(word(machine, MF_COUNT)).as("#MF taken once").isEqualTo(1);
            assertThat(word(machine, MF_IP)).as("#MF's return address: the FWAIT").isEqualTo(mfWait);

            // #NM: EM, TS, and WAIT with MP and TS (WAIT with TS alone went through).
            assertThat(word(machine, NM_COUNT)).as("#NM count").isEqualTo(3);
            assertThat(word(machine, NM_IPS)).as("#NM with EM: the FLD1").isEqualTo(emFld);
            assertThat(word(machine, NM_IPS + 2)).as("#NM with TS: the FLD1").isEqualTo(tsFld);
            assertThat(word(machine, NM_IPS + 4)).as("#NM with MP and TS: the WAIT").isEqualTo(mpTsWait);
            assertThat(machine.cpu().cr(0) & (EM | TS)).as("the #NM handler cleared EM and TS").isZero();
        }
    }

    private static int word(PcMachine machine, int address) {
        return machine.memory().readByte(address) | machine.memory().readByte(address + 1) << 8;
    }

    private byte[] rom() {
        byte[] rom = new byte[0x10000];
        place(rom, mainProgram());
        place(rom, irq13Handler());
        place(rom, mfHandler());
        place(rom, nmHandler());
        place(rom, new Code(0xFFF0, 16).db(0xEA).db(MAIN & 0xFF, MAIN >>> 8, SEG & 0xFF, SEG >>> 8)); // JMP F000:MAIN
        return rom;
    }

    private static void place(byte[] rom, Code code) {
        byte[] b = code.bytes();
        System.arraycopy(b, 0, rom, code.origin, b.length);
    }

    private Code mainProgram() {
        Code c = new Code(MAIN, 16).cli()
                .xor(EAX, EAX).movSeg(DS, EAX).movSeg(SS, EAX).movImm(ESP, 0x7000);
        vector(c, 0x75, IRQ13);
        vector(c, 16, MF);
        vector(c, 7, NM);
        // The PICs as a PC BIOS programs them: master at 08h, slave at 70h, only IRQ 2 and IRQ 13 unmasked.
        int[][] pics = {{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01},
                {0xA0, 0x11}, {0xA1, 0x70}, {0xA1, 0x02}, {0xA1, 0x01}, {0x21, 0xFB}, {0xA1, 0xDF}};
        for (int[] write : pics) {
            outByte(c, write[0], write[1]);
        }
        c.movImm(EAX, 0x037B).store(CONTROL_WORD, EAX); // all masked but ZE
        c.sti();

        // CR0.NE=0: 1/0 with ZE unmasked, then FWAIT.
        zeroDivide(c);
        irq13Wait = c.here();
        c.db(0x9B);                                      // FWAIT: FERR# -> IRQ 13

        // CR0.NE=1: the same, now #MF.
        setCr0(c, NE);
        zeroDivide(c);
        mfWait = c.here();
        c.db(0x9B);                                      // FWAIT: #MF

        // #NM: EM, then TS, then WAIT with TS alone (no fault) and with MP and TS.
        setCr0(c, EM);
        emFld = c.here();
        c.db(0xD9, 0xE8);                                // FLD1
        setCr0(c, TS);
        tsFld = c.here();
        c.db(0xD9, 0xE8);                                // FLD1
        setCr0(c, TS);
        c.db(0x9B);                                      // WAIT: MP clear, no fault
        setCr0(c, MP | TS);
        mpTsWait = c.here();
        c.db(0x9B);                                      // WAIT: #NM
        c.movImm(EAX, 0x2222).store(END, EAX);
        return c.cli().hlt();
    }

    /** FNINIT; FLDCW [CONTROL_WORD]; FLD1; FLDZ; FDIVP ST(1), ST(0): a zero-divide left pending. */
    private static void zeroDivide(Code c) {
        c.db(0xDB, 0xE3).db(0xD9, 0x2E, CONTROL_WORD & 0xFF, CONTROL_WORD >>> 8)
                .db(0xD9, 0xE8).db(0xD9, 0xEE).db(0xDE, 0xF9);
    }

    /** MOV EAX, CR0; OR AX, bits; MOV CR0, EAX. */
    private static void setCr0(Code c, int bits) {
        c.movFromCr(EAX, 0).orImm(EAX, bits).movToCr(0, EAX);
    }

    /** MOV word [vector * 4], offset; MOV word [vector * 4 + 2], F000. */
    private static void vector(Code c, int vector, int offset) {
        c.movImm(EAX, offset).store(vector * 4, EAX).movImm(EAX, SEG).store(vector * 4 + 2, EAX);
    }

    private static Code outByte(Code c, int port, int value) {
        return c.movImm(EAX, value).outImm(port, 1);
    }

    /** PUSH AX; PUSH BP; MOV BP, SP; MOV AX, [BP+4] (the return IP); MOV [address], AX. */
    private static Code saveReturnIp(Code c, int address) {
        return c.push(EAX).push(EBP).mov(EBP, ESP).db(0x8B, 0x46, 0x04).store(address, EAX);
    }

    /** POP BP; POP AX; IRET. */
    private static Code restoreAndReturn(Code c) {
        return c.pop(EBP).pop(EAX).iret();
    }

    /** INC word [address]. */
    private static Code incWord(Code c, int address) {
        return c.db(0xFF, 0x06, address & 0xFF, address >>> 8);
    }

    private static Code irq13Handler() {
        Code c = saveReturnIp(new Code(IRQ13, 16), IRQ13_IP);
        c.movImm(EAX, 0).outImm(0xF0, 1);                // clear the latch; IGNNE# goes active
        c.db(0x9B, 0xDD, 0x3E, IRQ13_STATUS & 0xFF, IRQ13_STATUS >>> 8); // FSTSW [IRQ13_STATUS]: waits, runs under IGNNE#
        c.db(0xDB, 0xE2);                                // FNCLEX: FERR# and IGNNE# drop
        incWord(c, IRQ13_COUNT);
        outByte(c, 0xA0, 0x20).outImm(0x20, 1);          // EOI to the slave, then the master
        return restoreAndReturn(c);
    }

    private static Code mfHandler() {
        Code c = saveReturnIp(new Code(MF, 16), MF_IP);
        c.db(0xDB, 0xE2);                                // FNCLEX
        incWord(c, MF_COUNT);
        return restoreAndReturn(c);
    }

    /** Records the faulting IP in NM_IPS[count], counts, and clears EM, TS and MP. */
    private static Code nmHandler() {
        Code c = new Code(NM, 16).push(EAX).push(EBX).push(EBP).mov(EBP, ESP)
                .db(0x8B, 0x46, 0x06)                    // MOV AX, [BP+6]: the return IP
                .load(EBX, NM_COUNT).db(0xD1, 0xE3)      // MOV BX, [NM_COUNT]; SHL BX, 1
                .db(0x89, 0x87, NM_IPS & 0xFF, NM_IPS >>> 8); // MOV [BX+NM_IPS], AX
        incWord(c, NM_COUNT);
        c.movFromCr(EAX, 0).andImm(EAX, ~(EM | TS | MP)).movToCr(0, EAX);
        return c.pop(EBP).pop(EBX).pop(EAX).iret();
    }
}
