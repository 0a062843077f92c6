package dev.vivarium.node.web;

import dev.vivarium.node.cluster.HostView;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The hosts' CPU load over the last minutes, sampled by this node, so that a page opened (or
 * moved here from a node that died) draws its charts with their past at once.
 */
public final class LoadHistory {

    /** A host's figures at one moment. */
    public record HostLoad(long usedMips, long capacityMips) {
    }

    /**
     * One sample.
     *
     * @param time      milliseconds since the epoch
     * @param hosts     the hosts that reported figures (up: connected or in maintenance), by name
     * @param imbalance the standard deviation of their load (used over capacity), null without hosts
     */
    public record Sample(long time, Map<String, HostLoad> hosts, Double imbalance) {
    }

    private final Supplier<List<HostView>> hosts;
    private final Clock clock;
    private final int capacity;
    private final Deque<Sample> samples = new ArrayDeque<>();

    public LoadHistory(Supplier<List<HostView>> hosts, Clock clock, Duration history, Duration period) {
        this.hosts = hosts;
        this.clock = clock;
        this.capacity = (int) Math.max(1, history.toMillis() / period.toMillis());
    }

    /** Takes a sample now (the node's scheduler calls this every period). */
    public void sample() {
        Sample s = of(clock.millis(), hosts.get());
        synchronized (samples) {
            samples.addLast(s);
            while (samples.size() > capacity) {
                samples.removeFirst();
            }
        }
    }

    /** Every kept sample, oldest first. */
    public List<Sample> samples() {
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    /** The figures of the hosts that report them, and their imbalance. */
    public static Sample of(long time, List<HostView> hosts) {
        Map<String, HostLoad> loads = new LinkedHashMap<>();
        for (HostView h : hosts) {
            if (h.capacityMips() != null && h.usedMips() != null && h.capacityMips() > 0) {
                loads.put(h.name(), new HostLoad(h.usedMips(), h.capacityMips()));
            }
        }
        return new Sample(time, loads, imbalance(loads.values()));
    }

    /**
     * The cluster's imbalance as VMware DRS defines it: the standard deviation of the hosts' loads
     * (here CPU used over capacity, 0..1); null without hosts.
     */
    public static Double imbalance(Iterable<HostLoad> loads) {
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (HostLoad l : loads) {
            double load = (double) l.usedMips() / l.capacityMips();
            sum += load;
            squares += load * load;
            n++;
        }
        if (n == 0) {
            return null;
        }
        double mean = sum / n;
        return Math.sqrt(Math.max(0, squares / n - mean * mean));
    }
}
