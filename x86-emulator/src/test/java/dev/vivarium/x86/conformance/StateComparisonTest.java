package dev.vivarium.x86.conformance;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.vivarium.x86.conformance.Fixtures.ram;
import static dev.vivarium.x86.conformance.Fixtures.regs;
import static org.assertj.core.api.Assertions.assertThat;

class StateComparisonTest {

    private static final CompareRules ALL_FLAGS = new CompareRules(CompareRules.comparedFlags(0xFFFF, 0), false);

    private final StateComparison comparison = new StateComparison();
    private final TrackingMemory memory = new TrackingMemory();
    private final List<Mismatch> mismatches = new ArrayList<>();

    /** push-like test: SS=1000, SP=0101 before; records AX=1234, SP, and the RAM given. */
    private static TestCase test(int exception, int[] finalRegs, RamImage initialRam, RamImage finalRam) {
        int[] initial = regs("ss", 0x1000, "sp", 0x0101, "cs", 0x2000, "ip", 0x10, "flags", 0xF046);
        return new TestCase("XX", 0, "t", Fixtures.code(0x90, 0xF4), "h", initial, initialRam, finalRegs,
                finalRam, exception);
    }

    private static int[] finalRegs(Object... pairs) {
        int[] r = new int[Register.count()];
        Arrays.fill(r, -1);
        for (int i = 0; i < pairs.length; i += 2) {
            r[Register.byJsonName((String) pairs[i]).ordinal()] = (Integer) pairs[i + 1];
        }
        return r;
    }

    /** What a correct processor would report for {@code t}: every expected register, real-mode bases. */
    private static Observation asExpected(TestCase t) {
        int[] regs = new int[Register.count()];
        int[] bases = new int[Register.count()];
        for (Register r : Register.values()) {
            regs[r.ordinal()] = t.expected(r);
            bases[r.ordinal()] = t.expected(r) << 4;
        }
        return new Observation(regs, bases, Observation.End.HALT);
    }

    private static Observation with(Observation o, Register r, int value) {
        int[] regs = o.regs().clone();
        regs[r.ordinal()] = value;
        return new Observation(regs, o.segmentBases(), o.end());
    }

    private boolean compare(TestCase t, CompareRules rules, Observation o) {
        mismatches.clear();
        return comparison.compare(t, rules, o, memory, mismatches);
    }

    @Test
    void theExpectedStatePasses() {
        TestCase t = test(-1, finalRegs("ax", 0x1234, "ip", 0x12), ram(0x20010, 0x90), RamImage.EMPTY);
        memory.load(t.initialRam());
        assertThat(compare(t, ALL_FLAGS, asExpected(t))).isTrue();
        assertThat(mismatches).isEmpty();
    }

    @Test
    void initialFlagsLoseBitsTwelveToFifteen() {
        TestCase t = test(-1, finalRegs(), RamImage.EMPTY, RamImage.EMPTY);
        assertThat(t.initial(Register.FLAGS)).isEqualTo(0x0046);
        assertThat(t.expected(Register.FLAGS)).isEqualTo(0x0046);
    }

    @Test
    void registersCompareAllThirtyTwoBits() {
        TestCase t = test(-1, finalRegs("ax", 0x1234), RamImage.EMPTY, RamImage.EMPTY);
        assertThat(compare(t, ALL_FLAGS, with(asExpected(t), Register.AX, 0x10001234))).isFalse();
        assertThat(mismatches).containsExactly(new Mismatch("ax", "1234", "10001234"));
    }

    @Test
    void flagsCompareThroughTheMask() {
        TestCase t = test(-1, finalRegs("flags", 0x0046), RamImage.EMPTY, RamImage.EMPTY);
        CompareRules afUndefined = new CompareRules(CompareRules.comparedFlags(0xFFEF, 0), false);
        Observation afSet = with(asExpected(t), Register.FLAGS, 0x0056);
        assertThat(compare(t, afUndefined, afSet)).isTrue();
        assertThat(compare(t, ALL_FLAGS, afSet)).isFalse();
        assertThat(mismatches).extracting(Mismatch::what).containsExactly("flags");
        // bits 16-31 must stay clear in real mode whatever the mask
        assertThat(compare(t, afUndefined, with(asExpected(t), Register.FLAGS, 0x00010046))).isFalse();
    }

    @Test
    void comparedFlagsDropIgnoredBitsAndKeepTheUpperHalf() {
        assertThat(CompareRules.comparedFlags(0xFFEF, 0)).isEqualTo(0xFFFFFFEF);
        assertThat(CompareRules.comparedFlags(0xFFEF, 0xF000)).isEqualTo(0xFFFF0FEF);
    }

    @Test
    void stackedFlagsOfAnExceptionAreMaskedWhereTheyReallyAre() {
        // SS:SP after the frame = 1000:00FB (odd): IP at FB, CS at FD, FLAGS at FF/100.
        RamImage frame = ram(0x100FB, 0x12, 0x100FC, 0x00, 0x100FD, 0x00, 0x100FE, 0x20,
                0x100FF, 0x46, 0x10100, 0x00);
        TestCase t = test(0, finalRegs("sp", 0xFB, "cs", 0, "ip", 0x400), RamImage.EMPTY, frame);
        assertThat(StateComparison.stackedFlagsAddress(t, 0)).isEqualTo(0x100FF);
        assertThat(StateComparison.stackedFlagsAddress(t, 1)).isEqualTo(0x10100);
        memory.load(frame);
        memory.writeByte(0x100FF, 0x56); // AF differs in the pushed image
        CompareRules afUndefined = new CompareRules(CompareRules.comparedFlags(0xFFEF, 0), false);
        assertThat(compare(t, afUndefined, asExpected(t))).isTrue();
        assertThat(compare(t, ALL_FLAGS, asExpected(t))).isFalse();
        assertThat(mismatches).extracting(Mismatch::what).containsExactly("ram[0100FF]");
    }

    @Test
    void stackedFlagsAddressWrapsInsideTheSegment() {
        TestCase t = test(0, finalRegs("sp", 0xFFFC), RamImage.EMPTY, RamImage.EMPTY);
        assertThat(StateComparison.stackedFlagsAddress(t, 0)).isEqualTo(0x10000);
        assertThat(StateComparison.stackedFlagsAddress(t, 1)).isEqualTo(0x10001);
    }

    @Test
    void aRecordedByteThatDiffersFails() {
        TestCase t = test(-1, finalRegs(), ram(0x5000, 1), ram(0x5000, 2));
        memory.load(t.initialRam());
        assertThat(compare(t, ALL_FLAGS, asExpected(t))).isFalse();
        assertThat(mismatches).containsExactly(new Mismatch("ram[005000]", "02", "01"));
        memory.writeByte(0x5000, 2);
        assertThat(compare(t, ALL_FLAGS, asExpected(t))).isTrue();
    }

    @Test
    void aStrayWriteFails() {
        TestCase t = test(-1, finalRegs(), ram(0x5000, 1), RamImage.EMPTY);
        memory.load(t.initialRam());
        memory.writeByte(0x6000, 7); // nowhere in the record
        assertThat(compare(t, ALL_FLAGS, asExpected(t))).isFalse();
        assertThat(mismatches).containsExactly(new Mismatch("ram[006000]", "00", "07"));
        memory.writeByte(0x5000, 9); // overwrote a byte the record says kept its value
        compare(t, ALL_FLAGS, asExpected(t));
        assertThat(mismatches).extracting(Mismatch::what).containsExactlyInAnyOrder("ram[006000]", "ram[005000]");
    }

    @Test
    void segmentBasesMustFollowTheSelectors() {
        TestCase t = test(-1, finalRegs(), RamImage.EMPTY, RamImage.EMPTY);
        Observation o = asExpected(t);
        int[] bases = o.segmentBases().clone();
        bases[Register.SS.ordinal()] = 0;
        assertThat(compare(t, ALL_FLAGS, new Observation(o.regs(), bases, o.end()))).isFalse();
        assertThat(mismatches).containsExactly(new Mismatch("ss.base", "10000", "00000"));
    }

    @Test
    void onlyAHaltEndsATestWell() {
        TestCase t = test(-1, finalRegs(), RamImage.EMPTY, RamImage.EMPTY);
        Observation o = asExpected(t);
        assertThat(compare(t, ALL_FLAGS, new Observation(o.regs(), o.segmentBases(), Observation.End.BUDGET)))
                .isFalse();
        assertThat(mismatches).containsExactly(new Mismatch("end", "HLT", "BUDGET"));
    }

    @Test
    void eip10000PassesOnlyWhereTheRulesAllowIt() {
        TestCase t = test(-1, finalRegs("ip", 0), RamImage.EMPTY, RamImage.EMPTY);
        Observation past = with(asExpected(t), Register.IP, 0x10000);
        assertThat(compare(t, ALL_FLAGS, past)).isFalse();
        CompareRules allow = new CompareRules(ALL_FLAGS.flagsMask(), true);
        assertThat(compare(t, allow, past)).isTrue();
        assertThat(compare(t, allow, with(asExpected(t), Register.IP, 0x20000))).isFalse();
    }
}
