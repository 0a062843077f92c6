package dev.vivarium.x86.clock;

import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.util.function.LongSupplier;

/**
 * Guest time in nanoseconds since the machine was powered on, plus the wall-clock instant that
 * power-on corresponds to (the "start instant", which the RTC and the tools channel add to it).
 *
 * <p><b>Deterministic mode</b> (the default): time moves only when the CPU reports executed
 * instructions ({@link #advanceInstructions}) or when a halted CPU skips ahead to the next timer
 * event ({@link #idleUntil}). The rate is {@code instructionsPerSecond}; the default,
 * {@link #DEFAULT_INSTRUCTIONS_PER_SECOND} = 100 million (10 ns per instruction), is about the
 * speed this emulator aims for, so an unpaced deterministic guest sees roughly host-speed time.
 * The conversion carries its remainder, so N calls of one instruction equal one call of N:
 * the same instruction count always gives the same nanosecond.
 *
 * <p><b>Realtime mode</b>: time is the host's monotonic clock since construction (or since the
 * restored capture point); instruction reports and idle skips are ignored and a halted CPU
 * must wait for real.
 *
 * <p>Single-threaded: owned by the emulation thread.
 */
public final class VirtualClock implements Snapshottable {

    public static final long DEFAULT_INSTRUCTIONS_PER_SECOND = 100_000_000L;
    public static final long MAX_INSTRUCTIONS_PER_SECOND = 9_000_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final boolean realtime;
    private final long instructionsPerSecond;
    private final LongSupplier hostNanos;

    private long startEpochNanos;
    /** Deterministic: the current time. Realtime: the guest time at {@link #hostOrigin}. */
    private long nanos;
    /** Deterministic: instructions*1e9 not yet turned into a whole nanosecond, always < ips. */
    private long remainder;
    private long hostOrigin;

    private VirtualClock(boolean realtime, long instructionsPerSecond, long startEpochNanos, LongSupplier hostNanos) {
        // The bound keeps (instructions % rate) * 1e9 inside a long in advanceInstructions.
        if (instructionsPerSecond <= 0 || instructionsPerSecond > MAX_INSTRUCTIONS_PER_SECOND) {
            throw new IllegalArgumentException("instructionsPerSecond must be 1.." + MAX_INSTRUCTIONS_PER_SECOND
                    + ": " + instructionsPerSecond);
        }
        this.realtime = realtime;
        this.instructionsPerSecond = instructionsPerSecond;
        this.startEpochNanos = startEpochNanos;
        this.hostNanos = hostNanos;
        this.hostOrigin = hostNanos.getAsLong();
    }

    /** A deterministic clock: time follows executed instructions. */
    public static VirtualClock deterministic(long instructionsPerSecond, long startEpochNanos) {
        return new VirtualClock(false, instructionsPerSecond, startEpochNanos, () -> 0L);
    }

    public static VirtualClock deterministic(long startEpochNanos) {
        return deterministic(DEFAULT_INSTRUCTIONS_PER_SECOND, startEpochNanos);
    }

    /** A clock tied to the host's monotonic clock (System.nanoTime, or a supplier in tests). */
    public static VirtualClock realtime(long startEpochNanos, LongSupplier hostMonotonicNanos) {
        return new VirtualClock(true, DEFAULT_INSTRUCTIONS_PER_SECOND, startEpochNanos, hostMonotonicNanos);
    }

    public static VirtualClock realtime(long startEpochNanos) {
        return realtime(startEpochNanos, System::nanoTime);
    }

    public boolean isRealtime() {
        return realtime;
    }

    public long instructionsPerSecond() {
        return instructionsPerSecond;
    }

    /** Guest nanoseconds since power-on. Never decreases. */
    public long nanos() {
        return realtime ? nanos + (hostNanos.getAsLong() - hostOrigin) : nanos;
    }

    /** Wall-clock time the guest believes it is, in nanoseconds since the Unix epoch. */
    public long epochNanos() {
        return startEpochNanos + nanos();
    }

    public long startEpochNanos() {
        return startEpochNanos;
    }

    /** The CPU retired {@code instructions} more instructions (ignored in realtime mode). */
    public void advanceInstructions(long instructions) {
        if (realtime || instructions <= 0) {
            return;
        }
        // Split so instructions * 1e9 never overflows, whatever the batch size.
        long whole = instructions / instructionsPerSecond;
        long part = instructions % instructionsPerSecond;
        nanos += whole * NANOS_PER_SECOND;
        long scaled = part * NANOS_PER_SECOND + remainder; // part < ips <= ~9.2e9 keeps this in range
        nanos += scaled / instructionsPerSecond;
        remainder = scaled % instructionsPerSecond;
    }

    /**
     * How many instructions the CPU may run before guest time reaches {@code deadline}: in
     * deterministic mode exactly the smallest n with {@code advanceInstructions(n)} landing at
     * or past it (so a run slice can end on the next timer event); in realtime mode an estimate
     * at the nominal rate. 0 when the deadline has passed; Long.MAX_VALUE when it is too far
     * to count (or {@link Timer#NEVER}).
     */
    public long instructionsUntil(long deadline) {
        long delta = deadline - nanos();
        if (delta <= 0) {
            return 0;
        }
        if (delta > (Long.MAX_VALUE - NANOS_PER_SECOND) / instructionsPerSecond) {
            return Long.MAX_VALUE;
        }
        long needed = delta * instructionsPerSecond - (realtime ? 0 : remainder);
        return (needed + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    }

    /**
     * A halted CPU (HLT with interrupts enabled) skips to {@code deadline}, normally the next
     * timer event. Deterministic mode jumps there at once; realtime mode does nothing and returns
     * how many host nanoseconds the caller still has to wait (0 when already past).
     */
    public long idleUntil(long deadline) {
        long now = nanos();
        if (deadline <= now) {
            return 0;
        }
        if (realtime) {
            return deadline - now;
        }
        nanos = deadline;
        remainder = 0;
        return 0;
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection("clock")
                .writeBoolean(realtime)
                .writeLong(instructionsPerSecond)
                .writeLong(startEpochNanos)
                .writeLong(nanos())
                .writeLong(remainder)
                .endSection("clock");
    }

    /**
     * Restores time and start instant. The mode and rate are configuration of this instance and
     * must match, because a deterministic run resumed at another rate would not be the same run.
     */
    @Override
    public void restore(StateReader in) {
        in.beginSection("clock");
        boolean savedRealtime = in.readBoolean();
        long savedRate = in.readLong();
        if (savedRealtime != realtime || (!realtime && savedRate != instructionsPerSecond)) {
            throw new StateFormatException("clock mismatch: captured " + describe(savedRealtime, savedRate)
                    + ", this machine is " + describe(realtime, instructionsPerSecond));
        }
        startEpochNanos = in.readLong();
        nanos = in.readLong();
        remainder = in.readLong();
        if (nanos < 0 || remainder < 0 || remainder >= instructionsPerSecond) {
            throw new StateFormatException("clock state out of range: nanos " + nanos + ", remainder " + remainder);
        }
        hostOrigin = hostNanos.getAsLong();
        in.endSection("clock");
    }

    private static String describe(boolean realtime, long rate) {
        return realtime ? "realtime" : "deterministic at " + rate + " instructions/s";
    }
}
