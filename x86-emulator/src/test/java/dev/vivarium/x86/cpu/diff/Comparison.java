package dev.vivarium.x86.cpu.diff;

import java.util.SortedMap;
import java.util.TreeMap;

/** Compares the host's outcome of a case with the emulator's, on what the SDM defines. */
final class Comparison {

    private Comparison() {
    }

    /** What differs, or null when the outcomes agree. */
    static String differences(Snippet snippet, CaseInput in, Outcome host, Outcome emulator) {
        StringBuilder d = new StringBuilder();
        if (host.vector() != emulator.vector()) {
            return "ended differently: host " + ending(host) + ", emulator " + ending(emulator);
        }
        if (host.faulted() && host.eipOffset() != emulator.eipOffset()) {
            d.append(" exception EIP +").append(host.eipOffset()).append(" vs +").append(emulator.eipOffset()).append(';');
        }
        int regMask = snippet.defined().regs(in);
        for (int r = 0; r < 8; r++) {
            if ((regMask >>> r & 1) != 0 && host.regs()[r] != emulator.regs()[r]) {
                d.append(' ').append(Outcome.NAMES[r]).append(';');
            }
        }
        int flagMask = snippet.defined().flags(in) & Flags.ARITH | Flags.DF;
        int flagDiff = (host.eflags() ^ emulator.eflags()) & flagMask;
        if (flagDiff != 0) {
            d.append(" flags ").append(Flags.describe(flagDiff))
                    .append(" (compared ").append(Flags.describe(flagMask)).append(");");
        }
        if (!memoryOf(host).equals(memoryOf(emulator))) {
            d.append(" memory;");
        }
        return d.length() == 0 ? null : d.toString().strip();
    }

    private static String ending(Outcome o) {
        return o.faulted() ? "exception " + o.vector() : "completed";
    }

    /**
     * The buffer changes, leaving out the exception frame below the faulting ESP: the emulator's
     * gate pushed it into the buffer, the host's kernel wrote its signal frame elsewhere.
     */
    private static SortedMap<Integer, Integer> memoryOf(Outcome o) {
        if (!o.faulted()) {
            return o.memory();
        }
        int top = o.regs()[Inputs.ESP] - Layout.BUFFER;
        SortedMap<Integer, Integer> m = new TreeMap<>(o.memory());
        m.subMap(top - EmulatorHarness.frameLength(o.vector()), top).clear();
        return m;
    }
}
