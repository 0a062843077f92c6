package dev.vivarium.x86.bench;

import java.util.List;

/**
 * Everything one {@code x86 bench overhead} run measured.
 *
 * @param before the machine and its load when the benchmark started
 * @param after  the load when it ended
 * @param runs   timed runs per workload and place (after one untimed warm-up run each)
 */
record OverheadReport(HostInfo before, HostInfo after, int runs, List<WorkloadResult> workloads) {
}
