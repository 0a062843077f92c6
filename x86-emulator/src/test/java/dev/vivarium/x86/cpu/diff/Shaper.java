package dev.vivarium.x86.cpu.diff;

/** Adjusts a case's random inputs to what a snippet needs (pointers into the buffer, bounded counts...). */
@FunctionalInterface
interface Shaper {

    void shape(Inputs in);

    Shaper NOTHING = in -> { };

    default Shaper then(Shaper next) {
        return in -> {
            shape(in);
            next.shape(in);
        };
    }

    /** Points a register at a random (unaligned) byte of the data window. */
    static Shaper pointer(int reg) {
        return in -> in.set(reg, Layout.DATA + in.random.nextInt(Layout.DATA_SIZE));
    }

    /** A register between 0 and bound-1. */
    static Shaper below(int reg, int bound) {
        return in -> in.set(reg, in.random.nextInt(bound));
    }

    /** Replaces the low byte of a register (a shift count in CL, say) with 0..bound-1, keeping the rest random. */
    static Shaper lowByteBelow(int reg, int bound) {
        return in -> in.set(reg, (in.get(reg) & ~0xFF) | in.random.nextInt(bound));
    }

    /** EBP at a plausible frame pointer in the stack window (ENTER with nesting reads through it). */
    Shaper FRAME = in -> in.set(Inputs.EBP, Layout.STACK + 0x100 + 4 * in.random.nextInt(0x40));
}
