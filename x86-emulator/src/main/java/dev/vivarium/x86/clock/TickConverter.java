package dev.vivarium.x86.clock;

/**
 * Exact conversion between virtual nanoseconds and the ticks of a device oscillator (the PIT's
 * 1.193182 MHz, the RTC's 32.768 kHz). Both directions split at whole seconds so nothing
 * overflows for any realistic uptime, and {@link #nanosForTicks} is the exact inverse of
 * {@link #ticksIn}: the smallest duration that contains that many ticks.
 */
public final class TickConverter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long hz;

    public TickConverter(long hz) {
        if (hz <= 0 || hz > NANOS_PER_SECOND) {
            throw new IllegalArgumentException("frequency out of range: " + hz);
        }
        this.hz = hz;
    }

    /** Whole ticks elapsed in {@code nanos} (>= 0). */
    public long ticksIn(long nanos) {
        return nanos / NANOS_PER_SECOND * hz + nanos % NANOS_PER_SECOND * hz / NANOS_PER_SECOND;
    }

    /** The smallest duration in nanoseconds containing {@code ticks} whole ticks. */
    public long nanosForTicks(long ticks) {
        long r = ticks % hz;
        return ticks / hz * NANOS_PER_SECOND + (r * NANOS_PER_SECOND + hz - 1) / hz;
    }
}
