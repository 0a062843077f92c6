package dev.vivarium.vm.actor;

/**
 * Keeps guest time from running ahead of host time. The guest's clock is deterministic (it
 * advances with executed instructions and jumps over halts), so left alone a fast emulator or
 * an idle guest would live in the future; the pacer lets guest time since power-on (or resume)
 * reach at most the host time since then. A guest that falls far behind (an overloaded host)
 * is rebased rather than let race to catch up, so it never bursts.
 */
final class RealTimePacer {
    private static final long MAX_LAG_NANOS = 1_000_000_000L;

    private final long instructionsPerSecond;
    private final boolean enabled;
    private long guestOrigin;
    private long hostOrigin;

    /** @param enabled false lets guest time run free (benchmarks of the raw scheduling overhead only) */
    RealTimePacer(long instructionsPerSecond, boolean enabled) {
        this.instructionsPerSecond = instructionsPerSecond;
        this.enabled = enabled;
    }

    /** Guest time {@code guestNanos} stands for host time now. */
    void restart(long guestNanos) {
        guestOrigin = guestNanos;
        hostOrigin = System.nanoTime();
    }

    /** The guest time the guest may have reached by now. */
    long guestLimit() {
        if (!enabled) {
            return Long.MAX_VALUE;
        }
        return guestOrigin + (System.nanoTime() - hostOrigin);
    }

    /** How many instructions the guest, now at {@code guestNanos}, may run before it would be ahead. */
    long allowance(long guestNanos) {
        if (!enabled) {
            return Long.MAX_VALUE;
        }
        long lag = guestLimit() - guestNanos;
        if (lag > MAX_LAG_NANOS) {
            guestOrigin -= lag - MAX_LAG_NANOS; // fell behind: let go of the lost time
            lag = MAX_LAG_NANOS;
        }
        // lag <= 1e9 and the clock's rate <= 9e9 per second, so the product fits a long.
        return lag <= 0 ? 0 : lag * instructionsPerSecond / 1_000_000_000L;
    }
}
