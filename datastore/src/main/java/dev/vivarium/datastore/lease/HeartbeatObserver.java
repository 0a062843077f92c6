package dev.vivarium.datastore.lease;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Watches other hosts' heartbeats on this host's monotonic clock. A heartbeat counts as silent
 * from the moment this observer first saw its current value; clocks of other hosts are never
 * consulted, so clock skew between hosts cannot shorten a lease. A missing or unreadable slot
 * counts as a value like any other: it has to stay that way for the lease time too.
 */
public final class HeartbeatObserver {
    /** What the observer last saw of a host and since when (its own nanoTime). */
    private record Seen(Long counter, long sinceNanos) {
    }

    /** @param counter the heartbeat value seen, or null if the slot is missing or unreadable */
    public record Observation(String host, Long counter, Duration silentFor) {
    }

    private final HeartbeatFiles files;
    private final Map<String, Seen> seen = new HashMap<>();

    public HeartbeatObserver(HeartbeatFiles files) {
        this.files = files;
    }

    public synchronized Observation observe(String host) {
        Long counter;
        try {
            counter = files.read(host).map(HeartbeatRecord::counter).orElse(null);
        } catch (IOException unreadable) {
            counter = null;
        }
        long now = System.nanoTime();
        Seen last = seen.get(host);
        if (last == null || !Objects.equals(last.counter, counter)) {
            seen.put(host, new Seen(counter, now));
            return new Observation(host, counter, Duration.ZERO);
        }
        return new Observation(host, counter, Duration.ofNanos(now - last.sinceNanos));
    }
}
