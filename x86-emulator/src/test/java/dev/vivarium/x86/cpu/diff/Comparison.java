package dev.vivarium.x86.cpu.diff;

/** Compares the reference's outcome of a case (the host's, or an emulator standing in for it) with the emulator's, on what the SDM defines. */
final class Comparison {

    private Comparison() {
    }

    /** What differs, or null when the outcomes agree. */
    static String differences(Snippet snippet, CaseInput in, Outcome host, Outcome emulator) {
        StringBuilder d = new StringBuilder();
        if (host.vector() != emulator.vector()) {
            return "ended differently: reference " + ending(host) + ", emulator " + ending(emulator);
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
        if (!host.memory().equals(emulator.memory())) {
            d.append(" memory;");
        }
        return d.length() == 0 ? null : d.toString().strip();
    }

    private static String ending(Outcome o) {
        return o.faulted() ? "exception " + o.vector() : "completed";
    }
}
