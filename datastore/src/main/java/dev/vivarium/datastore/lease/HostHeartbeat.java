package dev.vivarium.datastore.lease;

import dev.vivarium.datastore.DatastoreSettings;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This host's heartbeat and its self-fencing. One thread renews the heartbeat file every
 * period; a separate watchdog thread (so a renewal stuck on a hung NFS server cannot hide the
 * problem) fences the host once the last successful renewal is older than
 * {@code leaseTime - fenceMargin} on this host's monotonic clock.
 *
 * <p>Fencing bumps the generation: every lease taken under an older generation is dead for
 * this host even if renewals resume, because another host may have judged it expired. The
 * renewal thread also fences when it finds a gap (the host was frozen and woke up), before it
 * publishes the fresh renewal, so a woken host cannot look healthy for even one check.
 */
public final class HostHeartbeat implements Closeable {
    /** One value, read with one volatile load by {@link #check(long)}. */
    private record State(long renewStartNanos, long generation, boolean fenced) {
    }

    private final String host;
    private final HeartbeatFiles files;
    private final long selfFenceNanos;
    private final long periodNanos;
    private final AtomicReference<State> state = new AtomicReference<>();
    private final List<FenceListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService renewer;
    private final ScheduledExecutorService watchdog;
    private long counter;
    private volatile IOException lastFailure;

    private HostHeartbeat(String host, HeartbeatFiles files, DatastoreSettings settings) {
        this.host = host;
        this.files = files;
        this.selfFenceNanos = settings.selfFenceAfter().toNanos();
        this.periodNanos = settings.heartbeatPeriod().toNanos();
        this.renewer = Executors.newSingleThreadScheduledExecutor(daemon("heartbeat-" + host));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("fence-watchdog-" + host));
    }

    /** Writes the first heartbeat (so the host is fresh on return) and starts renewing. */
    public static HostHeartbeat start(String host, HeartbeatFiles files, DatastoreSettings settings) throws IOException {
        HostHeartbeat heartbeat = new HostHeartbeat(host, files, settings);
        try {
            heartbeat.counter = files.read(host).map(HeartbeatRecord::counter).orElse(0L);
        } catch (IOException unreadable) {
            heartbeat.counter = 0; // a corrupt slot is simply overwritten; any new value counts as progress
        }
        long start = System.nanoTime();
        heartbeat.write();
        heartbeat.state.set(new State(start, 1, false));
        long watchEvery = Math.max(1, Math.min(heartbeat.periodNanos, settings.fenceMargin().toNanos()) / 4);
        heartbeat.renewer.scheduleWithFixedDelay(heartbeat::renew, heartbeat.periodNanos, heartbeat.periodNanos, TimeUnit.NANOSECONDS);
        heartbeat.watchdog.scheduleWithFixedDelay(heartbeat::watch, watchEvery, watchEvery, TimeUnit.NANOSECONDS);
        return heartbeat;
    }

    public String host() {
        return host;
    }

    public void addFenceListener(FenceListener listener) {
        listeners.add(listener);
    }

    /** The generation a new lease belongs to; fails if the host is fenced right now. */
    public long currentGeneration() throws FencedException {
        State s = state.get();
        if (s.fenced || System.nanoTime() - s.renewStartNanos > selfFenceNanos) {
            throw new FencedException("host " + host + " cannot take leases: its heartbeat is not being renewed"
                    + describeFailure());
        }
        return s.generation;
    }

    /** Passes only if leases of {@code generation} are still good on this host. */
    public void check(long generation) throws FencedException {
        State s = state.get();
        if (s.generation != generation) {
            throw new FencedException("host " + host + " fenced itself since this lease was taken (generation "
                    + generation + ", now " + s.generation + ")");
        }
        long age = System.nanoTime() - s.renewStartNanos;
        if (age > selfFenceNanos) {
            fence(s, "heartbeat not renewed for " + TimeUnit.NANOSECONDS.toMillis(age) + " ms");
            throw new FencedException("host " + host + " fenced itself: heartbeat not renewed for "
                    + TimeUnit.NANOSECONDS.toMillis(age) + " ms" + describeFailure());
        }
    }

    /** The counter value of the last heartbeat written. */
    public synchronized long counter() {
        return counter;
    }

    /** Stops renewing; the host's leases expire for others after the lease time. */
    @Override
    public void close() {
        renewer.shutdownNow();
        watchdog.shutdownNow();
    }

    private void renew() {
        long start = System.nanoTime();
        try {
            write();
        } catch (IOException | RuntimeException e) {
            lastFailure = e instanceof IOException io ? io : new IOException(e);
            return; // the watchdog fences if this goes on
        }
        lastFailure = null;
        State before = state.get();
        if (!before.fenced && start - before.renewStartNanos > selfFenceNanos) {
            fence(before, "heartbeat gap of " + TimeUnit.NANOSECONDS.toMillis(start - before.renewStartNanos)
                    + " ms (host frozen or storage stalled)");
        }
        state.updateAndGet(s -> new State(start, s.generation, false));
    }

    private void watch() {
        State s = state.get();
        long age = System.nanoTime() - s.renewStartNanos;
        if (!s.fenced && age > selfFenceNanos) {
            fence(s, "heartbeat not renewed for " + TimeUnit.NANOSECONDS.toMillis(age) + " ms" + describeFailure());
        }
    }

    private void fence(State seen, String reason) {
        if (state.compareAndSet(seen, new State(seen.renewStartNanos, seen.generation + 1, true))) {
            for (FenceListener listener : listeners) {
                try {
                    listener.onFenced(host, reason);
                } catch (RuntimeException e) {
                    // One failing listener must neither keep the others from stopping their VMs
                    // nor end the periodic task it runs on (an executor drops a task that throws).
                    System.err.println("fence listener of host " + host + " failed: " + e);
                }
            }
        }
    }

    private synchronized void write() throws IOException {
        files.write(new HeartbeatRecord(host, counter + 1, System.currentTimeMillis()));
        counter++;
    }

    private String describeFailure() {
        IOException failure = lastFailure;
        return failure == null ? "" : " (last renewal failed: " + failure.getMessage() + ")";
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
