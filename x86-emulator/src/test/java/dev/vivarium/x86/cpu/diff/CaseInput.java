package dev.vivarium.x86.cpu.diff;

/**
 * One run of one snippet: the registers in encoding order (EAX..EDI, ESP included), EFLAGS and the
 * seed of the data buffer's fill.
 */
record CaseInput(int snippet, int fillSeed, int[] regs, int eflags) {

    int reg(int r) {
        return regs[r];
    }

    /** The line the native runner reads. */
    String toRunnerLine() {
        StringBuilder b = new StringBuilder(100);
        b.append(Integer.toHexString(snippet)).append(' ').append(Integer.toHexString(fillSeed));
        for (int v : regs) {
            b.append(' ').append(Integer.toHexString(v));
        }
        return b.append(' ').append(Integer.toHexString(eflags)).toString();
    }

    String describe() {
        return Outcome.registers(regs) + " eflags=" + hex(eflags) + " fill=" + hex(fillSeed);
    }

    static String hex(int v) {
        return String.format("%08x", v);
    }
}
