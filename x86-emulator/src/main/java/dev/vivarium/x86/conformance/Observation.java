package dev.vivarium.x86.conformance;

/**
 * The processor's state after a test ran, as the comparison needs it.
 *
 * @param regs          indexed by {@link Register#ordinal()}: full 32-bit register values, the
 *                      segment selectors, EIP and the whole EFLAGS image
 * @param segmentBases  indexed by {@link Register#ordinal()}, meaningful at CS, SS, DS and ES
 * @param end           how the run stopped
 */
public record Observation(int[] regs, int[] segmentBases, End end) {

    /** Why the run stopped: only a HLT ends a test well. */
    public enum End {
        HALT,
        /** The instruction budget ran out before a HLT: the test failed (it did not hang the runner). */
        BUDGET,
        /** A triple fault. */
        SHUTDOWN
    }

    public int reg(Register r) {
        return regs[r.ordinal()];
    }

    public int segmentBase(Register r) {
        return segmentBases[r.ordinal()];
    }
}
