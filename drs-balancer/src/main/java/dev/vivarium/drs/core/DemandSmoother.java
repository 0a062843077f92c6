package dev.vivarium.drs.core;

import java.util.HashMap;
import java.util.Map;

/**
 * Each VM's figures averaged over time, so that DRS acts on load that lasts rather than on one
 * scheduler tick: an exponential average with time constant {@code tau} (a sample {@code dt}
 * after the last weighs 1 - e^(-dt/tau)), and beside the demand's average its variance, whose
 * square root over the average is the demand's coefficient of variation: how stable it has been.
 * The DRS actor smooths what hosts report; the simulator what its modelled VMs do.
 */
public final class DemandSmoother {

    /** One VM's figures at one instant (MIPS, percent, pages per second). */
    public record Sample(double demandMips, double deliveredMips, double readyPct, double dirtyPagesPerSec) {
    }

    /** One VM's averages. */
    public record Smoothed(double demandMips, double deliveredMips, double readyPct, double dirtyPagesPerSec,
                           double demandVariance) {

        /** The coefficient of variation of the demand (0 for a VM demanding nothing). */
        public double variation() {
            return demandMips <= 1e-9 ? 0 : Math.sqrt(demandVariance) / demandMips;
        }
    }

    private final double tauSeconds;
    private final Map<String, Smoothed> vms = new HashMap<>();
    private final Map<String, Long> seenAt = new HashMap<>();

    public DemandSmoother(double tauSeconds) {
        this.tauSeconds = tauSeconds;
    }

    /** Adds one sample of every running VM, taken at {@code nanos}; VMs not running are forgotten. */
    public void sample(Map<String, Sample> samples, long nanos) {
        vms.keySet().retainAll(samples.keySet());
        seenAt.keySet().retainAll(samples.keySet());
        samples.forEach((vm, s) -> {
            Smoothed before = vms.get(vm);
            Long last = seenAt.put(vm, nanos);
            if (before == null || last == null) {
                vms.put(vm, new Smoothed(s.demandMips(), s.deliveredMips(), s.readyPct(), s.dirtyPagesPerSec(), 0));
                return;
            }
            double dt = (nanos - last) / 1e9;
            double a = tauSeconds <= 0 ? 1 : 1 - Math.exp(-Math.max(0, dt) / tauSeconds);
            double diff = s.demandMips() - before.demandMips();
            // West's exponentially weighted variance: the spread of demand around its moving average.
            double variance = (1 - a) * (before.demandVariance() + a * diff * diff);
            vms.put(vm, new Smoothed(before.demandMips() + a * diff, ewma(before.deliveredMips(), s.deliveredMips(), a),
                    ewma(before.readyPct(), s.readyPct(), a), ewma(before.dirtyPagesPerSec(), s.dirtyPagesPerSec(), a),
                    variance));
        });
    }

    private static double ewma(double before, double now, double a) {
        return before + a * (now - before);
    }

    /** Every VM's averages, by name. */
    public Map<String, Smoothed> all() {
        return Map.copyOf(vms);
    }
}
