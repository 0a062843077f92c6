package dev.vivarium.drs.bench;

import dev.vivarium.drs.core.Balancer;
import dev.vivarium.drs.core.DrsSettings;
import dev.vivarium.drs.core.Placement;
import dev.vivarium.drs.core.Placer;
import dev.vivarium.drs.core.RoundResult;
import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.Vm;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times DRS rounds on a {@link SyntheticCluster}: a few untimed rounds for the JIT, then
 * {@code rounds} timed ones on the same input, reporting the median (and the range), what a
 * round decided, and the time to place a batch of VMs (as after a host failure).
 */
public final class DrsBench {

    /** @param placeBatch VMs placed at once in the placement timing (taken off their hosts) */
    public record Options(int hosts, int vms, int rounds, int warmup, DrsSettings settings, int placeBatch, long seed) {
    }

    private DrsBench() {
    }

    /** The figures, in the order the JSON shows them. */
    public static Map<String, Object> run(Options o) {
        long madeAt = System.nanoTime();
        Cluster cluster = SyntheticCluster.make(o.hosts(), o.vms(), o.seed());
        double buildMs = (System.nanoTime() - madeAt) / 1e6;
        RoundResult result = null;
        for (int i = 0; i < o.warmup(); i++) {
            result = Balancer.round(cluster, o.settings());
        }
        double[] ms = new double[o.rounds()];
        double[] cpuMs = new double[o.rounds()];
        var threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < o.rounds(); i++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            result = Balancer.round(cluster, o.settings());
            ms[i] = (System.nanoTime() - t) / 1e6;
            cpuMs[i] = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
        }
        // Placement: the VMs of the first hosts run nowhere (their host failed) and are placed at once.
        List<Vm> vms = new ArrayList<>();
        List<String> toPlace = new ArrayList<>();
        for (Vm v : cluster.vms()) {
            if (toPlace.size() < o.placeBatch() && v.running()) {
                vms.add(v.on(null));
                toPlace.add(v.name());
            } else {
                vms.add(v);
            }
        }
        Cluster failed = new Cluster(cluster.hosts(), vms, cluster.rules());
        double[] placeMs = new double[Math.max(1, o.rounds() / 2)];
        long placed = 0;
        for (int i = -o.warmup(); i < placeMs.length; i++) {
            long t = System.nanoTime();
            List<Placement> ps = Placer.place(failed, toPlace);
            if (i >= 0) {
                placeMs[i] = (System.nanoTime() - t) / 1e6;
                placed = ps.stream().filter(p -> p instanceof Placement.Placed).count();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hosts", o.hosts());
        out.put("vms", o.vms());
        out.put("rules", cluster.rules().size());
        out.put("threshold", o.settings().threshold());
        out.put("maxMoves", o.settings().maxMoves());
        out.put("rounds", o.rounds());
        out.put("roundMs", median(ms));
        out.put("roundMsMin", Arrays.stream(ms).min().orElse(0));
        out.put("roundMsMax", Arrays.stream(ms).max().orElse(0));
        out.put("roundCpuMs", median(cpuMs));
        out.put("moves", result.recommendations().size());
        out.put("mandatoryMoves", result.recommendations().stream().filter(r -> r.mandatory()).count());
        out.put("faults", result.faults().size());
        out.put("imbalanceBefore", result.imbalance());
        out.put("imbalanceAfter", result.imbalanceAfter());
        out.put("target", result.target());
        out.put("placeBatch", toPlace.size());
        out.put("placed", placed);
        out.put("placeMs", median(placeMs));
        out.put("buildClusterMs", buildMs);
        out.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        out.put("java", System.getProperty("java.version"));
        out.put("loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return out;
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? 0 : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
