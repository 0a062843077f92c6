package dev.vivarium.x86.conformance;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Judges one test: the registers (FLAGS through the form's mask), the segment bases, how the run
 * ended and memory. Memory is compared wherever the test or the processor touched it: every
 * recorded final byte, and every byte the processor wrote must hold what the recording says
 * (its final value, else its initial one, else the zero it started as), so a stray write fails
 * the test too. One instance per thread: it keeps the expected memory image.
 */
public final class StateComparison {

    private static final Register[] SEGMENTS = {Register.CS, Register.SS, Register.DS, Register.ES};

    private final TrackingMemory expected = new TrackingMemory();

    /**
     * Where an exception's FLAGS image sits: at SS:SP+4 after the handler's frame (IP, CS, FLAGS)
     * is pushed, with the offset wrapping inside the segment. The record's {@code flag_address}
     * is one byte low whenever SP is odd, so the runner computes the place itself.
     */
    static int stackedFlagsAddress(TestCase test, int byteIndex) {
        return (test.expected(Register.SS) << 4) + ((test.expected(Register.SP) + 4 + byteIndex) & 0xFFFF);
    }

    /** Adds every mismatch to {@code out}; true when there is none. */
    public boolean compare(TestCase test, CompareRules rules, Observation seen, TrackingMemory actual,
                           List<Mismatch> out) {
        int before = out.size();
        int flagsMask = rules.flagsMask();
        if (seen.end() != Observation.End.HALT) {
            out.add(new Mismatch("end", "HLT", seen.end().name()));
        }
        for (Register r : Register.values()) {
            int want = test.expected(r);
            int got = seen.reg(r);
            int mask = r == Register.FLAGS ? flagsMask : -1;
            if (r == Register.IP && rules.eipMayPassSegmentEnd() && want == 0 && got == 0x10000) {
                continue;
            }
            if (((want ^ got) & mask) != 0) {
                out.add(r == Register.FLAGS ? Mismatch.of("flags", want & mask, got & mask, 4)
                        : Mismatch.of(r.jsonName(), want, got, 4));
            }
        }
        for (Register s : SEGMENTS) {
            int want = test.expected(s) << 4;
            if (seen.segmentBase(s) != want) {
                out.add(Mismatch.of(s.jsonName() + ".base", want, seen.segmentBase(s), 5));
            }
        }
        compareMemory(test, flagsMask, actual, out);
        return out.size() == before;
    }

    private void compareMemory(TestCase test, int flagsMask, TrackingMemory actual, List<Mismatch> out) {
        expected.clear();
        expected.load(test.initialRam());
        expected.load(test.finalRam());
        int flagsLow = -1;
        int flagsHigh = -1;
        if (test.raisesException()) {
            flagsLow = stackedFlagsAddress(test, 0);
            flagsHigh = stackedFlagsAddress(test, 1);
        }
        Set<Integer> reported = null;
        RamImage fin = test.finalRam();
        int n = fin.size() + actual.writeCount();
        for (int i = 0; i < n; i++) {
            int a = i < fin.size() ? fin.address(i) : actual.writtenAddress(i - fin.size());
            int mask = a == flagsLow ? flagsMask & 0xFF : a == flagsHigh ? (flagsMask >> 8) & 0xFF : 0xFF;
            int want = expected.readByte(a);
            int got = actual.readByte(a);
            if (((want ^ got) & mask) != 0) {
                if (reported == null) {
                    reported = new HashSet<>();
                }
                if (reported.add(a)) {
                    out.add(Mismatch.of("ram[" + Mismatch.hex(a, 6) + "]", want & mask, got & mask, 2));
                }
            }
        }
    }
}
