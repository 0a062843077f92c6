package dev.vivarium.ha.monitor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * vSphere's VM monitoring for one VM, as a pure state machine with time passed in: a guest whose
 * tools heartbeat count has not moved for {@code failureInterval} while it runs is reset, at most
 * {@code maxResetsPerHour} times in any hour. A guest that never sent a heartbeat (no tools, or
 * still booting after a reset) is not judged; neither is one that is paused.
 */
public final class HeartbeatWatch {

    /** What to do after a sample. */
    public enum Verdict { OK, RESET, RESET_SUPPRESSED }

    private final Duration failureInterval;
    private final int maxResetsPerHour;
    private long lastCount = -1;
    private long movedAtNanos;
    private final Deque<Long> resets = new ArrayDeque<>();

    public HeartbeatWatch(Duration failureInterval, int maxResetsPerHour) {
        this.failureInterval = failureInterval;
        this.maxResetsPerHour = maxResetsPerHour;
    }

    /**
     * @param running   the VM runs (not paused)
     * @param heartbeats the guest's heartbeat count now
     */
    public Verdict sample(long nowNanos, boolean running, long heartbeats) {
        if (!running || heartbeats != lastCount || heartbeats == 0) {
            lastCount = heartbeats;
            movedAtNanos = nowNanos;
            return Verdict.OK;
        }
        if (nowNanos - movedAtNanos < failureInterval.toNanos()) {
            return Verdict.OK;
        }
        while (!resets.isEmpty() && nowNanos - resets.peekFirst() > Duration.ofHours(1).toNanos()) {
            resets.removeFirst();
        }
        movedAtNanos = nowNanos; // judged again a full interval from now
        if (resets.size() >= maxResetsPerHour) {
            return Verdict.RESET_SUPPRESSED;
        }
        resets.addLast(nowNanos);
        lastCount = 0; // the guest boots again: it is judged once it sends heartbeats anew
        return Verdict.RESET;
    }
}
