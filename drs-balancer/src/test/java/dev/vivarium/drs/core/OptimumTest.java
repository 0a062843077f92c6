package dev.vivarium.drs.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The greedy round against the best that is reachable: on small clusters every assignment of
 * VMs to hosts is enumerated, and the lowest imbalance reachable by moving at most k VMs is
 * compared with what the round reaches with at most k moves. Moves cost nothing here, so the
 * comparison is of the search alone.
 */
class OptimumTest {

    private static final int CLUSTERS = 300;
    private static final DrsSettings FREE_MOVES = new DrsSettings(5, 0, 8, new CostModel(100e6, 0.8, 0, 0, 300));

    record Stats(int k, double meanGap, double maxGap, double optimalShare, double meanGreedyMoves,
                 double meanOptimalMoves, double meanReductionShare) {
    }

    @Test
    void theGreedyRoundComesCloseToTheBestReachableImbalance() {
        Random random = new Random(20261127);
        int maxK = 3;
        double[] gapSum = new double[maxK + 1];
        double[] gapMax = new double[maxK + 1];
        int[] optimal = new int[maxK + 1];
        double[] greedyMoves = new double[maxK + 1];
        double[] optimalMoves = new double[maxK + 1];
        double[] reduction = new double[maxK + 1];
        int[] counted = new int[maxK + 1];
        for (int i = 0; i < CLUSTERS; i++) {
            Cluster c = randomCluster(random);
            double[] best = bestReachable(c, maxK);
            double start = Replay.imbalance(c);
            assertThat(best[0]).isCloseTo(start, org.assertj.core.api.Assertions.within(1e-9));
            for (int k = 1; k <= maxK; k++) {
                RoundResult r = Balancer.round(c, FREE_MOVES.withMaxMoves(k));
                double reached = Replay.imbalance(Replay.after(c, r.recommendations()));
                assertThat(r.recommendations()).hasSizeLessThanOrEqualTo(k);
                assertThat(reached).as("the round never worsens the balance").isLessThanOrEqualTo(start + 1e-12);
                assertThat(reached).as("brute force is the optimum").isGreaterThanOrEqualTo(best[k] - 1e-9);
                if (start - best[k] < 1e-9) {
                    continue; // nothing to gain with k moves
                }
                double gap = reached - best[k];
                counted[k]++;
                gapSum[k] += gap;
                gapMax[k] = Math.max(gapMax[k], gap);

                if (gap < 1e-9) {
                    optimal[k]++;
                }
                greedyMoves[k] += r.recommendations().size();
                int fewest = 0;
                while (best[fewest] > reached + 1e-9) {
                    fewest++;
                }
                optimalMoves[k] += fewest;
                reduction[k] += (start - reached) / (start - best[k]);
            }
        }
        List<Stats> stats = new ArrayList<>();
        for (int k = 1; k <= maxK; k++) {
            int n = counted[k];
            stats.add(new Stats(k, gapSum[k] / n, gapMax[k], optimal[k] / (double) n, greedyMoves[k] / n,
                    optimalMoves[k] / n, reduction[k] / n));
        }
        for (Stats s : stats) {
            System.out.printf(Locale.ROOT, "k=%d: mean gap %.4f, max gap %.4f, optimal in %.1f%%, moves %.2f "
                            + "(the optimum reaches the same in %.2f), share of the reachable reduction %.1f%%%n",
                    s.k(), s.meanGap(), s.maxGap(), 100 * s.optimalShare(), s.meanGreedyMoves(), s.meanOptimalMoves(),
                    100 * s.meanReductionShare());
        }
        // Measured (seed above): k=1 optimal in 99.0%; k=2 93.5% and k=3 93.6% of the reachable
        // reduction, mean gaps 0.015 and 0.018. Greedy misses chains whose first move is not the best.
        // One move: the round takes the best single move there is.
        assertThat(stats.get(0).optimalShare()).isGreaterThanOrEqualTo(0.95);
        for (Stats s : stats) {
            assertThat(s.meanReductionShare()).as("k=%d", s.k()).isGreaterThanOrEqualTo(0.9);
            assertThat(s.meanGap()).as("k=%d", s.k()).isLessThan(0.025);
            assertThat(s.meanGreedyMoves()).isLessThanOrEqualTo(s.k() + 1e-9);
        }
    }

    /** 3-4 hosts of 500-1500 MIPS, 5-7 VMs of 0-600 MIPS, on random hosts with room for them. */
    private static Cluster randomCluster(Random random) {
        while (true) {
            Cluster c = anyCluster(random);
            if (Replay.overcommitted(c).isEmpty()) {
                return c;
            }
        }
    }

    private static Cluster anyCluster(Random random) {
        int hostCount = 3 + random.nextInt(2);
        List<Host> hosts = new ArrayList<>();
        for (int h = 0; h < hostCount; h++) {
            hosts.add(Host.connected("h" + h, 500 + 250L * random.nextInt(5), 256));
        }
        int vmCount = 5 + random.nextInt(3);
        List<Vm> vms = new ArrayList<>();
        for (int v = 0; v < vmCount; v++) {
            vms.add(Vm.of("v" + v, "h" + random.nextInt(hostCount), random.nextInt(600), 16 + 16L * random.nextInt(6)));
        }
        return new Cluster(hosts, vms);
    }

    /** best[k]: the lowest imbalance of an assignment that fits and differs from now in at most k VMs. */
    private static double[] bestReachable(Cluster c, int maxK) {
        int hostCount = c.hosts().size();
        int vmCount = c.vms().size();
        double[] best = new double[maxK + 1];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        int[] start = new int[vmCount];
        for (int v = 0; v < vmCount; v++) {
            String host = c.vms().get(v).host();
            for (int h = 0; h < hostCount; h++) {
                if (c.hosts().get(h).name().equals(host)) {
                    start[v] = h;
                }
            }
        }
        // Entitlements do not depend on placement: divide once, then weigh each assignment by arrays.
        double capacity = c.hosts().stream().mapToDouble(Host::capacityMips).sum();
        double[] e = Entitlements.divide(c.vms(), capacity);
        int[] at = new int[vmCount];
        double[] load = new double[hostCount];
        long[] memory = new long[hostCount];
        int total = (int) Math.pow(hostCount, vmCount);
        for (int code = 0; code < total; code++) {
            int x = code;
            int moved = 0;
            java.util.Arrays.fill(load, 0);
            java.util.Arrays.fill(memory, 0);
            for (int v = 0; v < vmCount; v++) {
                at[v] = x % hostCount;
                x /= hostCount;
                if (at[v] != start[v]) {
                    moved++;
                }
                load[at[v]] += e[v] / c.hosts().get(at[v]).capacityMips();
                memory[at[v]] += c.vms().get(v).memoryMiB();
            }
            boolean fits = true;
            for (int h = 0; h < hostCount; h++) {
                fits &= memory[h] <= c.hosts().get(h).memoryMiB();
            }
            if (moved > maxK || !fits) {
                continue;
            }
            double mean = java.util.Arrays.stream(load).average().orElse(0);
            double imbalance = Math.sqrt(java.util.Arrays.stream(load).map(l -> (l - mean) * (l - mean)).average().orElse(0));
            for (int k = moved; k <= maxK; k++) {
                best[k] = Math.min(best[k], imbalance);
            }
        }
        return best;
    }
}
