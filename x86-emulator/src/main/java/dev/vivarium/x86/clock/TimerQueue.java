package dev.vivarium.x86.clock;

import java.util.Arrays;

/**
 * The board's timer events on the virtual clock. A PC has a handful of timers (PIT channel 0,
 * RTC periodic, ...), so this is a plain array scanned in order, not a heap: cheap, and the
 * firing order is fixed (earliest deadline first, ties in creation order), which keeps runs
 * deterministic.
 *
 * <p>The run loop asks {@link #nextEventTime()} to bound its slice (and, when the CPU is halted,
 * to know how far to skip), then calls {@link #runDue(long)} with the current virtual time.
 */
public final class TimerQueue {

    /** What a timer does when it fires; {@code deadline} is when it was due (not "now"). */
    @FunctionalInterface
    public interface Callback {
        void onTimer(long deadline);
    }

    private Timer[] timers = new Timer[0];

    public Timer newTimer(String name, Callback callback) {
        Timer timer = new Timer(name, callback, timers.length);
        timers = Arrays.copyOf(timers, timers.length + 1);
        timers[timers.length - 1] = timer;
        return timer;
    }

    /** The earliest armed deadline, or {@link Timer#NEVER}. */
    public long nextEventTime() {
        long next = Timer.NEVER;
        for (Timer t : timers) {
            if (t.deadline < next) {
                next = t.deadline;
            }
        }
        return next;
    }

    /**
     * Fires every timer due at or before {@code now}, earliest first; a callback that re-arms
     * its timer within {@code now} fires again in the same call. Returns how many fired.
     */
    public int runDue(long now) {
        int fired = 0;
        while (true) {
            Timer due = null;
            for (Timer t : timers) {
                if (t.deadline <= now && (due == null || t.deadline < due.deadline)) {
                    due = t;
                }
            }
            if (due == null) {
                return fired;
            }
            due.fire();
            fired++;
        }
    }
}
