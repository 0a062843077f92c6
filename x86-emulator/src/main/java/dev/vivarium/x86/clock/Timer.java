package dev.vivarium.x86.clock;

/**
 * One device's alarm on the virtual clock. A device creates its timers once, at construction,
 * and re-arms them as it likes; the deadline is part of the device's saved state (the device
 * writes {@link #deadline()} and calls {@link #schedule} or {@link #cancel} on restore).
 */
public final class Timer {

    /** The deadline of a timer that is not armed. */
    public static final long NEVER = Long.MAX_VALUE;

    private final String name;
    private final TimerQueue.Callback callback;
    final int order;
    long deadline = NEVER;

    Timer(String name, TimerQueue.Callback callback, int order) {
        this.name = name;
        this.callback = callback;
        this.order = order;
    }

    /** Fire at virtual time {@code when} (or on the next runDue if that is already past). */
    public void schedule(long when) {
        deadline = when;
    }

    public void cancel() {
        deadline = NEVER;
    }

    public boolean isArmed() {
        return deadline != NEVER;
    }

    public long deadline() {
        return deadline;
    }

    /** Re-arms from a saved deadline ({@link #NEVER} means disarmed). */
    public void restoreDeadline(long saved) {
        deadline = saved;
    }

    void fire() {
        long due = deadline;
        deadline = NEVER;
        callback.onTimer(due);
    }

    @Override
    public String toString() {
        return "Timer[" + name + (isArmed() ? " @" + deadline : " idle") + "]";
    }
}
