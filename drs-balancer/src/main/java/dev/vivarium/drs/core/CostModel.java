package dev.vivarium.drs.core;

import dev.vivarium.drs.model.Vm;

/**
 * What a live migration costs and what a move gains, in the same unit (million instructions),
 * so that a move is made only when it pays.
 *
 * <p>Cost: pre-copy sends the VM's memory while the guest keeps dirtying it; each round sends
 * what the last one left dirty, so the total is memory / (1 - dirty rate / bandwidth) and the
 * migration takes memory / (bandwidth - dirty rate) seconds. Meanwhile the guest runs slowed by
 * dirty tracking ({@code stunFraction} of its entitlement is lost) and the copy itself takes
 * {@code transferMips} of CPU. A VM dirtying memory faster than {@code maxDirtyFraction} of the
 * bandwidth would not converge: it is not moved for balance.
 *
 * <p>Benefit: a move takes entitlement off a host above the cluster's mean load and puts it on
 * one below; the entitlement that stops sitting above the mean (in MIPS) is gained for as long as
 * the demand stays as it is, estimated as {@code horizonSeconds} scaled down by how much the VM's
 * demand has varied lately: a VM whose demand swings by as much as its mean (coefficient of
 * variation 1) gains nothing by moving, since the hotspot may be gone before the move pays.
 *
 * @param bandwidthBytesPerSec what a migration stream sends per second
 * @param maxDirtyFraction     dirty rate over bandwidth beyond which pre-copy does not converge
 * @param stunFraction         share of the VM's entitlement lost while it migrates
 * @param transferMips         CPU the copy takes on the two hosts while it runs
 * @param horizonSeconds       how long a balance gained lasts for a VM with steady demand
 */
public record CostModel(double bandwidthBytesPerSec, double maxDirtyFraction, double stunFraction,
                        double transferMips, double horizonSeconds) {

    public static final int PAGE_BYTES = 4096;

    /**
     * Defaults for the lab: loopback streams of 100 MB/s, 20% of the VM lost while it moves, 5
     * MIPS for the copy, and demand assumed to hold for 5 minutes (vSphere's DRS period).
     */
    public static final CostModel DEFAULTS = new CostModel(100e6, 0.8, 0.2, 5, 300);

    public CostModel {
        if (!(bandwidthBytesPerSec > 0) || !(maxDirtyFraction > 0 && maxDirtyFraction < 1)
                || !(stunFraction >= 0) || !(transferMips >= 0) || !(horizonSeconds >= 0)) {
            throw new IllegalArgumentException("cost model out of range: bandwidth > 0, 0 < maxDirtyFraction < 1, "
                    + "stunFraction, transferMips and horizonSeconds >= 0");
        }
    }

    public CostModel withHorizon(double seconds) {
        return new CostModel(bandwidthBytesPerSec, maxDirtyFraction, stunFraction, transferMips, seconds);
    }

    /** Whether pre-copy can catch up with the VM's dirtying at all. */
    public boolean converges(Vm vm) {
        return dirtyBytesPerSec(vm) < maxDirtyFraction * bandwidthBytesPerSec;
    }

    /** How long pre-copy takes (infinite when it would not converge). */
    public double migrationSeconds(Vm vm) {
        double left = bandwidthBytesPerSec - dirtyBytesPerSec(vm);
        return left <= 0 ? Double.POSITIVE_INFINITY : vm.memoryMiB() * 1048576.0 / left;
    }

    /** The instructions the migration costs the cluster, for a VM entitled to {@code entitlementMips}. */
    public double cost(Vm vm, double entitlementMips) {
        return migrationSeconds(vm) * (entitlementMips * stunFraction + transferMips);
    }

    /** The instructions gained by moving {@code excessGainMips} of entitlement off hosts above the mean. */
    public double benefit(Vm vm, double excessGainMips) {
        return excessGainMips * horizonSeconds * Math.max(0, 1 - vm.demandVariation());
    }

    private static double dirtyBytesPerSec(Vm vm) {
        return vm.dirtyPagesPerSec() * PAGE_BYTES;
    }
}
