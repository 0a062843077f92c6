package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 286-style 16-bit protected mode: 64 KiB segments with D=0, a 16-bit TSS, and 16-bit
 * interrupt, trap and call gates, whose frames hold words (SDM vol. 3, 6.12.1 and 7.6).
 * Everything lives in one 64 KiB window at {@link #WINDOW}; offsets below are within it.
 */
class ProtectedMode16Test {

    private static final int WINDOW = 0x40000;
    private static final int CODE16_0 = FREE_SEL, DATA16_0 = FREE_SEL + 8, CODE16_3 = FREE_SEL + 0x10 | 3,
            DATA16_3 = FREE_SEL + 0x18 | 3, TSS16_SEL = FREE_SEL + 0x20, CALL_GATE = FREE_SEL + 0x28 | 3;
    private static final int TSS16 = 0x7800;
    // Offsets in the window.
    private static final int ENTRY = 0x0000, USER = 0x1000, HANDLER = 0x2000, GATE_TARGET = 0x2200,
            GP_HANDLER = 0x2300, EXIT = 0x2400, SP0 = 0xF000, SP3 = 0xE000;

    private final TestMachine m = new TestMachine();

    @BeforeEach
    void sixteenBitWorld() {
        m.gdt(CODE16_0, segment(WINDOW, 0xFFFF, PRESENT | S | CODE_XR, 0));
        m.gdt(DATA16_0, segment(WINDOW, 0xFFFF, PRESENT | S | DATA_RW, 0));
        m.gdt(CODE16_3, segment(WINDOW, 0xFFFF, PRESENT | 3 << 5 | S | CODE_XR, 0));
        m.gdt(DATA16_3, segment(WINDOW, 0xFFFF, PRESENT | 3 << 5 | S | DATA_RW, 0));
        m.gdt(TSS16_SEL, segment(TSS16, 0x2B, PRESENT | Descriptors.TSS16, 0));
        m.memory.writeWord(TSS16 + 2, SP0);      // SP0
        m.memory.writeWord(TSS16 + 4, DATA16_0); // SS0
        m.idt(0x50, gate(INT_GATE16, CODE16_0, HANDLER, 3, 0));
        m.idt(0x51, gate(INT_GATE16, CODE16_0, EXIT, 3, 0));
        m.idt(13, gate(INT_GATE16, CODE16_0, GP_HANDLER, 0, 0));
        m.load(new Code(WINDOW + HANDLER, 16).hlt());
        m.load(new Code(WINDOW + EXIT, 16).hlt());
        m.load(new Code(WINDOW + GP_HANDLER, 16).hlt());
        m.load(m.code0().jmpFar(CODE16_0, ENTRY));
        // 16-bit ring 0: own stack, the 16-bit TSS, then IRET to 16-bit ring 3.
        m.load(new Code(WINDOW + ENTRY, 16)
                .loadSeg(SS, DATA16_0).movImm(ESP, SP0)
                .loadSeg(DS, DATA16_3).loadSeg(ES, DATA16_3)
                .movImm(EAX, TSS16_SEL).ltr(EAX)
                .iretTo(CODE16_3, USER, DATA16_3, SP3, 0x2));
    }

    private Code user() {
        return new Code(WINDOW + USER, 16);
    }

    private int here(Code c) {
        return c.here() - WINDOW;
    }

    @Test
    void interruptGate16SwitchesToTheTss16StackAndPushesWords() {
        Code u = user().movImm(EAX, 0x1234).intN(0x50);
        int after = here(u);
        m.load(u);

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.cpu.eip()).isEqualTo(HANDLER + 1);
        assertThat(m.cpu.cpl()).isZero();
        assertThat(m.cs()).isEqualTo(CODE16_0);
        assertThat(m.cpu.segmentSelector(SS)).isEqualTo(DATA16_0);
        assertThat(m.cpu.reg(ESP) & 0xFFFF).isEqualTo(SP0 - 10);
        assertThat(m.frame16(5)).containsExactly(after, CODE16_3, 0x0002, SP3, DATA16_3);
    }

    @Test
    void iret16ReturnsToRingThree() {
        // The handler: INC AX; IRET (16-bit). User: INT 0x50, then MOV BX, SP and exit via INT 0x51.
        m.load(new Code(WINDOW + HANDLER, 16).inc(EAX).iret());
        m.load(user().movImm(EAX, 41).intN(0x50).mov(EBX, EAX).mov(ECX, ESP).movFromSeg(EDX, CS).intN(0x51));

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(EXIT + 1);
        assertThat(m.cpu.reg(EBX) & 0xFFFF).isEqualTo(42);
        assertThat(m.cpu.reg(ECX) & 0xFFFF).isEqualTo(SP3);
        assertThat(m.cpu.reg(EDX) & 0xFFFF).isEqualTo(CODE16_3);
    }

    @Test
    void callGate16CopiesWordParametersAndRetfReleasesThem() {
        m.gdt(CALL_GATE, gate(CALL_GATE16, CODE16_0, GATE_TARGET, 3, 2));
        m.load(new Code(WINDOW + GATE_TARGET, 16).hlt().retf(4));
        Code u = user().pushImm(0xAAAA).pushImm(0xBBBB).callFar(CALL_GATE, 0);
        int returnTo = here(u);
        m.load(u.mov(EBX, ESP).intN(0x51));

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(GATE_TARGET + 1);
        assertThat(m.cpu.cpl()).isZero();
        assertThat(m.cpu.reg(ESP) & 0xFFFF).isEqualTo(SP0 - 12);
        assertThat(m.frame16(6)).containsExactly(returnTo, CODE16_3, 0xBBBB, 0xAAAA, SP3 - 4, DATA16_3);

        m.cpu.wake();
        m.run();

        assertThat(m.cpu.eip()).isEqualTo(EXIT + 1);
        assertThat(m.cpu.reg(EBX) & 0xFFFF).isEqualTo(SP3);
    }

    @Test
    void faultThroughA16BitGatePushesA16BitErrorCode() {
        Code u = user().movImm(EAX, 1);
        int hlt = here(u);
        m.load(u.hlt()); // HLT at CPL 3: #GP(0)

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(GP_HANDLER + 1);
        assertThat(m.cpu.reg(ESP) & 0xFFFF).isEqualTo(SP0 - 12);
        assertThat(m.stack16(0)).isZero();
        assertThat(m.stack16(1)).isEqualTo(hlt);
        assertThat(m.stack16(2)).isEqualTo(CODE16_3);
    }

    @Test
    void sixteenBitSegmentLimitIsEnforcedOnCodeAndData() {
        // A near jump past 0xFFFF wraps in 16-bit code, so use a data access straddling the limit.
        Code u = user();
        int at = here(u);
        m.load(u.load(EAX, 0xFFFF));

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(GP_HANDLER + 1);
        assertThat(m.stack16(0)).isZero();
        assertThat(m.stack16(1)).isEqualTo(at);
    }

    @Test
    void operandSizePrefixGives32BitOperationsIn16BitSegments() {
        m.load(user().osize().movImm(EAX, 0x12345678).osize().addImm(EAX, 0x01010101).intN(0x51));

        m.run();

        assertThat(m.cpu.reg(EAX)).isEqualTo(0x13355779);
    }

    @Test
    void ioAboveIoplUnderA16BitTssRaisesGpBecauseItHasNoBitmap() {
        Code u = user().movImm(EAX, 1);
        int out = here(u);
        m.load(u.outImm(0x80, 1));

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(GP_HANDLER + 1);
        assertThat(m.stack16(0)).isZero();
        assertThat(m.stack16(1)).isEqualTo(out);
        assertThat(m.ports.accesses).isEmpty();
    }
}
