package dev.vivarium.x86.memory;

/**
 * Pages dirtied per second, measured over the window between two {@link #sample} calls on
 * whatever clock the owner chooses (virtual time for reproducible figures, host time for
 * migration planning). A page counts once per window however often it is written, which is
 * what a pre-copy migration round has to resend.
 */
public final class DirtyRateMeter {

    private final GuestMemory memory;
    private long windowStart;
    private double lastRate;

    public DirtyRateMeter(GuestMemory memory, long nowNanos) {
        this.memory = memory;
        this.windowStart = nowNanos;
        memory.takeDirty(GuestMemory.DirtyLog.RATE);
    }

    /**
     * Closes the window at {@code nowNanos}, returns the pages per second dirtied in it and opens
     * the next one. A window of zero length returns the previous rate.
     */
    public double sample(long nowNanos) {
        long elapsed = nowNanos - windowStart;
        if (elapsed <= 0) {
            return lastRate;
        }
        int pages = memory.takeDirty(GuestMemory.DirtyLog.RATE).count();
        lastRate = pages * 1e9 / elapsed;
        windowStart = nowNanos;
        return lastRate;
    }
}
