package dev.vivarium.vm.actor;

/**
 * Keeps guest time from running ahead of host time. The guest's clock is deterministic (it
 * advances with executed instructions and jumps over halts), so left alone a fast emulator or
 * an idle guest would live in the future; the pacer lets guest time since power-on (or resume)
 * reach at most the host time since then. A guest that falls far behind (an overloaded host)
 * is rebased rather than let race to catch up, so it never bursts.
 *
 * <p>Host time is passed in ({@code System.nanoTime()} in the VM), so a slice reads the host
 * clock once for many decisions: a limit computed earlier is never later than the true one.
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
        restart(guestNanos, System.nanoTime());
    }

    /** Guest time {@code guestNanos} stands for host time {@code hostNanos}. */
    void restart(long guestNanos, long hostNanos) {
        guestOrigin = guestNanos;
        hostOrigin = hostNanos;
    }

    /** The guest time the guest may have reached at host time {@code hostNanos}. */
    long guestLimit(long hostNanos) {
        if (!enabled) {
            return Long.MAX_VALUE;
        }
        return guestOrigin + (hostNanos - hostOrigin);
    }

    /**
     * How many instructions the guest, now at {@code guestNanos}, may run before it would be
     * ahead of host time {@code hostNanos}. A guest more than a second behind is rebased first.
     */
    long allowance(long guestNanos, long hostNanos) {
        if (!enabled) {
            return Long.MAX_VALUE;
        }
        long lag = guestLimit(hostNanos) - guestNanos;
        if (lag > MAX_LAG_NANOS) {
            guestOrigin -= lag - MAX_LAG_NANOS; // fell behind: let go of the lost time
            lag = MAX_LAG_NANOS;
        }
        // lag <= 1e9 and the clock's rate <= 9e9 per second, so the product fits a long.
        return lag <= 0 ? 0 : lag * instructionsPerSecond / 1_000_000_000L;
    }
}
