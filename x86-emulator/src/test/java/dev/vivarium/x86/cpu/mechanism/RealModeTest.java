package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real mode: the interrupt vector table, real-mode faults, 32-bit prefixes, and the way back
 * from protected mode with the descriptor caches left as protected mode loaded them ("unreal"
 * mode, which real firmware relies on).
 */
class RealModeTest {

    private static final int STACK = 0x8000, HANDLER = 0x600;

    private final TestMachine m = new TestMachine();

    private void realModeStack() {
        m.cpu.loadSegmentReal(SS, 0);
        m.cpu.setReg(Cpu.ESP, STACK);
    }

    @Test
    void intGoesThroughTheVectorTableAndIretComesBack() {
        m.realModeHandler(STACK, 0x21, HANDLER);
        m.load(m.code(HANDLER, 16).inc(EAX).iret());
        m.load(m.code(BOOT, 16).movImm(EAX, 5).sti().intN(0x21).pushf().pop(EBX).mov(ECX, ESP).hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.cpu.reg(EAX) & 0xFFFF).isEqualTo(6);
        assertThat(m.cpu.reg(EBX) & EFLAGS_IF).as("IRET restored IF").isNotZero();
        assertThat(m.cpu.reg(ECX) & 0xFFFF).isEqualTo(STACK);
    }

    @Test
    void interruptFrameIsFlagsCsIpAndIfIsCleared() {
        m.realModeHandler(STACK, 0x21, HANDLER);
        Code c = m.code(BOOT, 16).sti().intN(0x21);
        int after = c.here();
        m.load(c);

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(HANDLER + 1);
        assertThat(m.cpu.reg(ESP) & 0xFFFF).isEqualTo(STACK - 6);
        assertThat(m.stack16(0)).isEqualTo(after);
        assertThat(m.stack16(1)).isZero();
        assertThat(m.stack16(2) & EFLAGS_IF).isNotZero();
        assertThat(m.cpu.eflags() & EFLAGS_IF).isZero();
    }

    @Test
    void divideErrorPushesTheIpOfTheDivide() {
        m.realModeHandler(STACK, 0, HANDLER);
        Code c = m.code(BOOT, 16).movImm(EAX, 1).movImm(ECX, 0);
        int div = c.here();
        m.load(c.div(ECX));

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(HANDLER + 1);
        assertThat(m.stack16(0)).isEqualTo(div);
    }

    @Test
    void segmentBaseIsSelectorTimesSixteen() {
        realModeStack();
        m.load(m.code(BOOT, 16).movImm(EAX, 0x1234).movSeg(ES, EAX).movImm(EBX, 0xBEEF)
                .db(0x26).store(0x10, EBX).hlt());

        m.run();

        assertThat(m.cpu.segmentBase(ES)).isEqualTo(0x12340);
        assertThat(m.memory.readWord(0x12350)).isEqualTo(0xBEEF);
    }

    @Test
    void operandAndAddressSizePrefixesWork() {
        realModeStack();
        m.memory.writeDword(0xFFF0, 0xA5A5A5A5);
        // 66 B8 id: MOV EAX, imm32; 67 66 8B 05 disp32: MOV EBX, [0xFFF0] with a 32-bit address.
        m.load(m.code(BOOT, 16).osize().movImm(EAX, 0x12345678).db(0x67, 0x66, 0x8B, 0x1D)
                .dword(0xFFF0).hlt());

        m.run();

        assertThat(m.cpu.reg(EAX)).isEqualTo(0x12345678);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0xA5A5A5A5);
    }

    @Test
    void offsetBeyondTheRealModeLimitRaisesGpThroughVector13() {
        m.realModeHandler(STACK, 13, HANDLER);
        Code c = m.code(BOOT, 16);
        int at = c.here();
        m.load(c.db(0x67, 0x8B, 0x1D).dword(0x10000).hlt()); // MOV BX, [0x10000]

        m.run();

        assertThat(m.cpu.eip()).isEqualTo(HANDLER + 1);
        assertThat(m.cpu.reg(ESP) & 0xFFFF).as("no error code in real mode").isEqualTo(STACK - 6);
        assertThat(m.stack16(0)).isEqualTo(at);
    }

    @Test
    void backToRealModeKeepsProtectedModeLimitsUntilReloadedInProtectedMode() {
        // Ring 0 loads FS with the flat 4 GiB segment, jumps to a 16-bit code segment, clears PE
        // and far-jumps to a real-mode CS. FS keeps its 4 GiB limit ("unreal mode").
        int sixteen = FREE_SEL, realCode = 0x1200;
        m.gdt(sixteen, segment(0, 0xFFFF, PRESENT | S | CODE_XR, 0));
        m.memory.writeDword(0x200000, 0xFEEDFACE);
        m.load(m.code0().jmpFar(sixteen, realCode));
        m.load(m.code(realCode, 16)
                .movFromCr(EAX, 0).andImm(EAX, 0xFFFE).movToCr(0, EAX)
                .jmpFar(0, realCode + 0x40));
        m.load(m.code(realCode + 0x40, 16)
                .movImm(EAX, 0).movSeg(DS, EAX).movSeg(SS, EAX).movImm(ESP, STACK)
                .db(0x64, 0x67, 0x66, 0x8B, 0x1D).dword(0x200000)   // MOV EBX, FS:[0x200000]
                .movFromSeg(ECX, FS)
                .hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.cpu.cr(0) & 1).isZero();
        assertThat(m.cpu.cpl()).isZero();
        assertThat(m.cs()).isZero();
        assertThat(m.cpu.segmentSelector(FS)).isEqualTo(DATA0_SEL);
        assertThat(m.cpu.segmentLimit(FS)).isEqualTo(0xFFFFFFFF);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0xFEEDFACE);
        assertThat(m.cpu.segmentBase(DS)).isZero();
    }

    @Test
    void resetStartsAtTheTopOfMemoryInRealMode() {
        m.cpu.reset();

        assertThat(m.cpu.eip()).isEqualTo(0xFFF0);
        assertThat(m.cs()).isEqualTo(0xF000);
        assertThat(m.cpu.segmentBase(CS)).isEqualTo(0xFFFF0000);
        assertThat(m.cpu.cr(0)).as("CD, NW, ET").isEqualTo(0x60000010);
        assertThat(m.cpu.reg(EDX)).as("the processor signature").isEqualTo(0x610);
        assertThat(m.cpu.eflags()).isEqualTo(2);
    }

    @Test
    void emptyInterruptTableTripleFaultsTheWayRebootCodeExpects() {
        // The classic reboot: LIDT with limit 0, then INT3. #GP, #GP again (contributory twice:
        // #DF), then #DF cannot be delivered either: shutdown.
        realModeStack();
        m.memory.writeWord(DATA - 0x100, 0);
        m.memory.writeDword(DATA - 0xFE, 0);
        m.load(m.code(BOOT, 16).osize().movImm(EAX, (DATA - 0x100) >>> 4).movSeg(DS, EAX)
                .lidt(0).int3().hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.SHUTDOWN);
    }

    @Test
    void lgdtWithSixteenBitOperandLoadsA24BitBase() {
        realModeStack();
        m.memory.writeWord(0x600, 0x1234);
        m.memory.writeDword(0x602, 0xAB345678);
        m.load(m.code(BOOT, 16).lgdt(0x600).osize().lidt(0x600).hlt());

        m.run();

        assertThat(m.cpu.gdtBase()).isEqualTo(0x00345678);
        assertThat(m.cpu.idtBase()).isEqualTo(0xAB345678);
    }
}
