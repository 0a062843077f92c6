package dev.vivarium.x86.conformance;

import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.conformance.Fixtures.regs;
import static dev.vivarium.x86.conformance.Fixtures.test;
import static org.assertj.core.api.Assertions.assertThat;

/** Each known difference matches what it should and nothing more. */
class KnownDifferenceTest {

    private static final int GP = 13;

    private static KnownDifference skip(TestCase t) {
        return KnownDifference.skipping(t, Instruction.decode(t.code()));
    }

    private static KnownDifference skip(int... code) {
        return skip(test(code));
    }

    @Test
    void lockOnlyWhereA386RaisesUd() {
        KnownDifference lock = KnownDifference.LOCK_NOT_LOCKABLE;
        assertThat(skip(0xF0, 0x03, 0x07)).isEqualTo(lock); // add ax,[bx]: register destination
        assertThat(skip(0xF0, 0x01, 0xC0)).isEqualTo(lock); // add ax,ax
        assertThat(skip(0xF0, 0x90)).isEqualTo(lock);
        assertThat(skip(0xF0, 0x39, 0x07)).isEqualTo(lock); // cmp
        assertThat(skip(0xF0, 0xF6, 0x07, 1)).isEqualTo(lock); // test
        assertThat(skip(0xF0, 0x89, 0x07)).isEqualTo(lock); // mov
        assertThat(skip(0xF0, 0x01, 0x07)).isNull(); // lock add [bx],ax is fine on a 386
        assertThat(skip(0x2E, 0xF0, 0x01, 0x07)).isNull();
        assertThat(skip(0xF0, 0xFE, 0x07)).isNull(); // inc byte [bx]
        assertThat(skip(0xF0, 0xF7, 0x1F)).isNull(); // neg word [bx]
        assertThat(skip(0xF0, 0x86, 0x07)).isNull(); // xchg
        assertThat(skip(0xF0, 0x83, 0x2F, 1)).isNull(); // sub word [bx],1
        assertThat(skip(0x03, 0x07)).isNull(); // no LOCK, nothing to skip
    }

    @Test
    void segmentMovesWithRegFourOrFive() {
        KnownDifference fsgs = KnownDifference.FS_GS_SEGMENT_MOVE;
        assertThat(skip(0x8C, 0xE0)).isEqualTo(fsgs); // mov ax,fs
        assertThat(skip(0x8E, 0x2F)).isEqualTo(fsgs); // mov gs,[bx]
        assertThat(skip(0x8C, 0xD8)).isNull(); // mov ax,ds
        assertThat(skip(0x8E, 0xF0)).isNull(); // reg 6: #UD on both
        assertThat(skip(0x8E, 0xC8)).isNull(); // mov cs,ax: #UD on both
        assertThat(skip(0x8D, 0x27)).isNull(); // lea sp,[bx]: reg 4 of another opcode
    }

    @Test
    void instructionsLongerThanTenBytes() {
        // 4 prefixes + add word [bx+disp16],imm16 (6 bytes) = 10: within the 286's limit
        assertThat(skip(0x26, 0x26, 0x26, 0x26, 0x81, 0x87, 1, 2, 3, 4)).isNull();
        assertThat(skip(0x26, 0x26, 0x26, 0x26, 0x26, 0x81, 0x87, 1, 2, 3, 4))
                .isEqualTo(KnownDifference.LONGER_THAN_10_BYTES);
        // the recorded bytes may run past a #UD: the decoded length counts, not the array's
        assertThat(skip(0x26, 0x62, 0xC6, 1, 2, 3, 4, 5, 6, 7, 8, 9)).isNull();
    }

    @Test
    void opcodesOnlyA386Defines() {
        KnownDifference only386 = KnownDifference.OPCODE_OF_THE_386_ONLY;
        assertThat(skip(0x66, 0x40)).isEqualTo(only386);
        assertThat(skip(0x64, 0x8B, 0x07)).isEqualTo(only386);
        assertThat(skip(0x0F, 0x20, 0xC0)).isEqualTo(only386); // mov eax,cr0
        assertThat(skip(0x0F, 0x05)).isEqualTo(only386); // the 286's LOADALL
        assertThat(skip(0x0F, 0x01, 0xE0)).isNull(); // smsw ax: both
        assertThat(skip(0x0F, 0x00, 0xC0)).isNull(); // sldt: #UD in real mode on both
        assertThat(skip(0x0F, 0x06)).isNull(); // clts
        assertThat(skip(0x63, 0xC0)).isNull(); // arpl: #UD in real mode on both
    }

    @Test
    void f1Prefix() {
        assertThat(skip(0xF1, 0x90)).isEqualTo(KnownDifference.F1_PREFIX);
        assertThat(skip(0xF3, 0x90)).isNull();
    }

    @Test
    void stackSegmentOverrunOnlyForSsAccesses() {
        KnownDifference ss = KnownDifference.STACK_SEGMENT_OVERRUN;
        int[] bpSiAtEnd = regs("bp", 0xFFF0, "si", 0x0F, "ip", 0x100);
        assertThat(skip(test(GP, bpSiAtEnd, 0x01, 0x02))).isEqualTo(ss); // add [bp+si],ax
        assertThat(skip(test(GP, bpSiAtEnd, 0x3E, 0x01, 0x02))).isNull(); // DS override: #GP on both
        assertThat(skip(test(GP, bpSiAtEnd, 0x00, 0x02))).isNull(); // byte access cannot cross: not the cause
        // No fault recorded, where a 286 faults: not this difference, but the crossing operand's.
        assertThat(skip(test(-1, bpSiAtEnd, 0x01, 0x02))).isEqualTo(KnownDifference.MEMORY_OPERAND_OVERRUN);

        int[] siAtEnd = regs("si", 0xFFFF, "sp", 0x100, "ip", 0x100);
        assertThat(skip(test(GP, siAtEnd, 0x01, 0x04))).isNull(); // [si]: DS
        assertThat(skip(test(GP, siAtEnd, 0x36, 0x01, 0x04))).isEqualTo(ss); // SS: [si]
        assertThat(skip(test(GP, siAtEnd, 0xFF, 0x34))).isNull(); // push [si]: the DS read faults
        assertThat(skip(test(GP, regs("sp", 1, "ip", 0x100), 0xFF, 0x34))).isEqualTo(ss); // the push faults

        int[] spAtEnd = regs("sp", 0xFFFF, "ip", 0x100);
        assertThat(skip(test(GP, spAtEnd, 0x58))).isEqualTo(ss); // pop ax
        assertThat(skip(test(GP, spAtEnd, 0xC3))).isEqualTo(ss); // ret
        assertThat(skip(test(-1, spAtEnd, 0x58))).isNull();
        assertThat(skip(test(GP, spAtEnd, 0xCD, 0x0D))).isNull(); // int 0Dh raises 13 itself
        assertThat(skip(test(GP, regs("sp", 0xFFFF, "ip", 0xFFFF), 0xC2, 2, 0))).isNull(); // ret 2 runs past CS's limit
        assertThat(skip(test(GP, regs("sp", 0xFFFF, "ip", 0xFFFF), 0x58))).isEqualTo(ss); // the last byte still fits
        assertThat(skip(test(GP, spAtEnd, 0x40))).isNull(); // inc ax touches no stack
    }

    @Test
    void stringOverrunOnlyWithGp() {
        assertThat(skip(test(GP, regs(), 0xF3, 0xA5))).isEqualTo(KnownDifference.STRING_SEGMENT_OVERRUN);
        assertThat(skip(test(GP, regs(), 0x36, 0xAD))).isEqualTo(KnownDifference.STRING_SEGMENT_OVERRUN);
        assertThat(skip(test(-1, regs(), 0xF3, 0xA5))).isNull();
        assertThat(skip(test(0, regs(), 0xA5))).isNull();
    }

    @Test
    void popToMemoryOverrun() {
        int[] r = regs("si", 0xFFFF, "sp", 0x100, "ip", 0x100);
        assertThat(skip(test(GP, r, 0x8F, 0x04))).isEqualTo(KnownDifference.POP_MEMORY_OVERRUN);
        assertThat(skip(test(-1, r, 0x8F, 0x04))).isEqualTo(KnownDifference.MEMORY_OPERAND_OVERRUN); // no fault recorded
        assertThat(skip(test(6, r, 0x8F, 0x0C))).isNull(); // 8F /1: #UD on both
    }

    @Test
    void memoryOperandsCrossingTheSegmentEnd() {
        KnownDifference over = KnownDifference.MEMORY_OPERAND_OVERRUN;
        int[] siAtFffe = regs("si", 0xFFFE, "ip", 0x100);
        assertThat(skip(test(-1, siAtFffe, 0xC4, 0x04))).isEqualTo(over); // les ax,[si]: its selector word wraps on a 286
        assertThat(skip(test(-1, siAtFffe, 0xC5, 0x04))).isEqualTo(over); // lds
        assertThat(skip(test(-1, siAtFffe, 0xFF, 0x1C))).isEqualTo(over); // call far [si]
        assertThat(skip(test(-1, siAtFffe, 0xFF, 0x2C))).isEqualTo(over); // jmp far [si]
        assertThat(skip(test(-1, siAtFffe, 0x62, 0x04))).isEqualTo(over); // bound ax,[si]
        assertThat(skip(test(GP, siAtFffe, 0xC4, 0x04))).isEqualTo(over); // whatever the 286 recorded
        assertThat(skip(test(-1, regs("si", 0xFFFC, "ip", 0x100), 0xC5, 0x04))).isNull(); // fits
        assertThat(skip(test(-1, siAtFffe, 0xFF, 0x14))).isNull(); // call near [si]: one word, fits
        assertThat(skip(test(-1, siAtFffe, 0x8D, 0x04))).isNull(); // lea reads nothing
        int[] siAtFfff = regs("si", 0xFFFF, "ip", 0x100);
        assertThat(skip(test(GP, siAtFfff, 0x8B, 0x04))).isNull(); // mov ax,[si]: #GP on both
        assertThat(skip(test(-1, siAtFfff, 0x8B, 0x04))).isEqualTo(over); // had the 286 not faulted, they would differ
    }

    @Test
    void aamWithAZeroDivisor() {
        assertThat(skip(test(0, regs(), 0xD4, 0x00))).isEqualTo(KnownDifference.AAM_ZERO);
        assertThat(skip(test(0xD4, 0x0A))).isNull();
        assertThat(skip(test(0xD5, 0x00))).isNull(); // AAD multiplies: no divide error
    }

    @Test
    void idivOverflowTheRecordingMissed() {
        KnownDifference idiv = KnownDifference.IDIV_OVERFLOW_MISSED;
        int[] r = regs("ax", 0x81C1, "cx", 0x7C, "ip", 0x100); // -32319 / 124: a quotient of -260
        assertThat(skip(test(-1, r, 0xF6, 0xF9))).isEqualTo(idiv); // idiv cl
        assertThat(skip(test(0, r, 0xF6, 0xF9))).isNull(); // recorded with #DE: compared
        assertThat(skip(test(-1, regs("ax", 0x00FE, "cx", 0x02), 0xF6, 0xF9))).isNull(); // 254 / 2 = 127 fits
        assertThat(skip(test(-1, regs("ax", 0x0100, "cx", 0x02), 0xF6, 0xF9))).isEqualTo(idiv); // 256 / 2 = 128 does not
        assertThat(skip(test(-1, regs("ax", 0xFF00, "cx", 0x02), 0xF6, 0xF9))).isNull(); // -256 / 2 = -128 fits
        assertThat(skip(test(-1, r, 0xF6, 0xF1))).isNull(); // div cl (F6 /6): not IDIV
        int[] w = regs("dx", 0x0001, "ax", 0x0000, "bx", 0x0001); // 65536 / 1 does not fit a word
        assertThat(skip(test(-1, w, 0xF7, 0xFB))).isEqualTo(idiv); // idiv bx
        // idiv byte [si]: the divisor comes from the recorded memory at DS:SI
        int[] m = regs("ax", 0x81C1, "ds", 0x1000, "si", 0x0020, "ip", 0x100);
        assertThat(skip(withRam(test(-1, m, 0xF6, 0x3C), Fixtures.ram(0x10020, 0x7C), RamImage.EMPTY))).isEqualTo(idiv);
        assertThat(skip(withRam(test(-1, m, 0xF6, 0x3C), Fixtures.ram(0x10020, 0x7F), RamImage.EMPTY))).isEqualTo(idiv);
        assertThat(skip(withRam(test(-1, m, 0xF6, 0x3C), RamImage.EMPTY, RamImage.EMPTY))).isNull(); // not recorded
    }

    @Test
    void interruptFramesWhoseCsWordIsNotCs() {
        KnownDifference cs = KnownDifference.INTERRUPT_FRAME_CS_RECORDING;
        int[] r = regs("cs", 0x1000, "ss", 0x2000, "sp", 0x0100, "ip", 0x100);
        // The frame: FLAGS at SS:FE, CS at SS:FC, IP at SS:FA.
        TestCase ssInCs = withRam(test(-1, r, 0xCD, 0x21), RamImage.EMPTY, Fixtures.ram(0x200FC, 0x00, 0x200FD, 0x20));
        TestCase csInCs = withRam(test(-1, r, 0xCD, 0x21), RamImage.EMPTY, Fixtures.ram(0x200FC, 0x00, 0x200FD, 0x10));
        assertThat(skip(ssInCs)).isEqualTo(cs);
        assertThat(skip(csInCs)).isNull();
        assertThat(skip(withRam(test(-1, r, 0xCE), RamImage.EMPTY, Fixtures.ram(0x200FC, 0x00, 0x200FD, 0x20)))).isEqualTo(cs);
        assertThat(skip(withRam(test(-1, r, 0xCE), RamImage.EMPTY, RamImage.EMPTY))).isNull(); // INTO without OF: no frame
    }

    private static TestCase withRam(TestCase t, RamImage initial, RamImage fin) {
        return new TestCase(t.form(), t.index(), t.name(), t.code(), t.hash(), t.initialRegs(), initial,
                t.finalRegs(), fin, t.exception());
    }

    @Test
    void popfAndIretStopComparingFlagsTwelveToFifteen() {
        for (int opcode : new int[] {0x9D, 0xCF}) {
            TestCase t = test(opcode);
            assertThat(skip(t)).isNull();
            assertThat(KnownDifference.rules(t, Instruction.decode(t.code()), 0xFFFF).flagsMask())
                    .isEqualTo(0xFFFF0FFF);
        }
        TestCase pushf = test(0x9C);
        assertThat(KnownDifference.rules(pushf, Instruction.decode(pushf.code()), 0xFFEF).flagsMask())
                .isEqualTo(0xFFFFFFEF);
    }

    @Test
    void eipPastTheSegmentEndOnlyWhenTheRecordedIpWrapped() {
        TestCase wrapped = test(0xEB, 0x00);
        wrapped.finalRegs()[Register.IP.ordinal()] = 0;
        assertThat(KnownDifference.rules(wrapped, Instruction.decode(wrapped.code()), 0xFFFF)
                .eipMayPassSegmentEnd()).isTrue();
        TestCase normal = test(0xEB, 0x00);
        normal.finalRegs()[Register.IP.ordinal()] = 3;
        assertThat(KnownDifference.rules(normal, Instruction.decode(normal.code()), 0xFFFF)
                .eipMayPassSegmentEnd()).isFalse();
    }

    @Test
    void everyDifferenceHasAReason() {
        for (KnownDifference d : KnownDifference.values()) {
            assertThat(d.reason()).as(d.name()).isNotBlank();
        }
    }
}
