package dev.vivarium.drs.core;

import dev.vivarium.drs.model.Cluster;
import java.util.Set;
import java.util.SortedMap;

/**
 * VMware DRS's measure of balance and its migration threshold.
 *
 * <p>A host's load is the sum of its VMs' entitlements over its capacity; the cluster's
 * imbalance is the standard deviation of its connected hosts' loads (VMware's "current host
 * load standard deviation"). vSphere gives a move the priority 6 - ceil(imbalance / 0.1 *
 * sqrt(hosts)) (1 the highest, kept for moves that rules and maintenance demand), and the
 * migration threshold 1..5 takes the moves of priority up to it. So threshold k tolerates an
 * imbalance up to 0.1 * (5 - k) / sqrt(hosts): 1 moves only what rules and maintenance
 * demand, 3 (the default) tolerates 0.2 / sqrt(hosts), 5 balances whatever it can.
 */
public final class Imbalance {

    public static final int MIN_THRESHOLD = 1;
    public static final int MAX_THRESHOLD = 5;
    public static final int DEFAULT_THRESHOLD = 3;

    private Imbalance() {
    }

    /** The cluster's imbalance and each up host's load, as they are now. */
    public record Measured(double imbalance, int connectedHosts, SortedMap<String, Double> loads) {
    }

    public static Measured measure(Cluster cluster) {
        ClusterModel m = new ClusterModel(cluster, Set.of());
        return new Measured(m.imbalance(), m.balancedHosts(), m.loads());
    }

    /** The imbalance threshold {@code threshold} tolerates on {@code hosts} connected hosts. */
    public static double target(int threshold, int hosts) {
        check(threshold);
        if (threshold == MIN_THRESHOLD || hosts < 2) {
            return Double.POSITIVE_INFINITY;
        }
        return 0.1 * (MAX_THRESHOLD - threshold) / Math.sqrt(hosts);
    }

    /** The priority (2..5) vSphere gives a balancing move made at this imbalance. */
    public static int priority(double imbalance, int hosts) {
        int p = 6 - (int) Math.ceil(imbalance / 0.1 * Math.sqrt(hosts));
        return Math.max(2, Math.min(MAX_THRESHOLD, p));
    }

    /** The population standard deviation of loads given their count, sum and sum of squares. */
    static double stddev(int n, double sum, double sumOfSquares) {
        if (n == 0) {
            return 0;
        }
        double mean = sum / n;
        return Math.sqrt(Math.max(0, sumOfSquares / n - mean * mean));
    }

    public static void check(int threshold) {
        if (threshold < MIN_THRESHOLD || threshold > MAX_THRESHOLD) {
            throw new IllegalArgumentException("the migration threshold is 1 (conservative) to 5 (aggressive), not "
                    + threshold);
        }
    }
}
