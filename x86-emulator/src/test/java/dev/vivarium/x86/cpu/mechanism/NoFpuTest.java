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
 * The processor model without a coprocessor ({@code Cpu.setFpuPresent(false)}, as the
 * conformance runner's 286 had none): CR0.EM=1 makes every escape (D8-DF) #NM; with EM=0 and
 * TS=0 they decode their operand (with its segment check) and do nothing; TS=1 is #NM too, and
 * WAIT faults only with MP and TS both set (SDM vol. 3, 2.5 table 2-2).
 */
class NoFpuTest {

    private static final int MP = 2, EM = 4, TS = 8;

    private final TestMachine m = new TestMachine();

    {
        m.cpu.setFpuPresent(false);
    }

    private Code withCr0Bits(int bits) {
        return m.code0().movFromCr(EAX, 0).andImm(EAX, ~(MP | EM | TS)).orImm(EAX, bits).movToCr(0, EAX);
    }

    @ParameterizedTest
    @ValueSource(ints = {0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF})
    void escapeWithEmSetRaisesNmAtTheInstruction(int escape) {
        Code c = withCr0Bits(EM);
        int at = c.here();
        m.load(c.db(escape, 0x05).dword(DATA).hlt()); // e.g. FADD dword [DATA]

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.vectorTaken()).isEqualTo(7);
        assertThat(m.stack(0)).as("no error code: EIP of the escape").isEqualTo(at);
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK0_TOP - 12);
    }

    @Test
    void escapesWithEmClearDecodeAndDoNothing() {
        m.memory.writeDword(DATA, 0x3F800000);
        Code c = withCr0Bits(0).movImm(EBX, 0x11).movImm(ECX, 0x22)
                .db(0xD9, 0xE8)                          // FLD1
                .db(0xD9, 0x05).dword(DATA)           // FLD dword [DATA]
                .db(0xDD, 0x1D).dword(DATA)           // FSTP qword [DATA]
                .db(0xDB, 0xE3)                          // FNINIT
                .movImm(EAX, 0x5A5A)
                .db(0xDF, 0xE0);                         // FNSTSW AX
        int end = c.here();
        m.load(c.hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.vectorTaken()).isEqualTo(-1);
        assertThat(m.cpu.eip()).isEqualTo(end + 1);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0x11);
        assertThat(m.cpu.reg(ECX)).isEqualTo(0x22);
        // The classic probe (FNINIT; FNSTSW AX; AL != 0): without a coprocessor AX stays as it was.
        assertThat(m.cpu.reg(EAX)).isEqualTo(0x5A5A);
        assertThat(m.memory.readDword(DATA)).as("no store happened").isEqualTo(0x3F800000);
        assertThat(m.memory.readDword(DATA + 4)).isZero();
    }

    @Test
    void escapeOperandOutsideItsSegmentStillFaults() {
        m.gdt(FREE_SEL, segment(DATA, 0xFF, PRESENT | S | DATA_RW, DB));
        Code c = withCr0Bits(0).loadSeg(DS, FREE_SEL);
        int at = c.here();
        m.load(c.db(0xD9, 0x05).dword(0x100).hlt()); // FLD dword [0x100]: beyond the limit

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(1)).isEqualTo(at);
    }

    @Test
    void taskSwitchedFlagMakesEscapesRaiseNm() {
        Code c = withCr0Bits(TS);
        int at = c.here();
        m.load(c.db(0xD9, 0xE8).hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(7);
        assertThat(m.stack(0)).isEqualTo(at);
    }

    @Test
    void waitFaultsOnlyWithMpAndTsBothSet() {
        Code c = withCr0Bits(TS).db(0x9B).movFromCr(EAX, 0).orImm(EAX, MP).movToCr(0, EAX);
        int wait = c.here();
        m.load(c.db(0x9B).hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(7);
        assertThat(m.stack(0)).isEqualTo(wait);
    }
}
