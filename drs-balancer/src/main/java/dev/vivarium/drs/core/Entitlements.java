package dev.vivarium.drs.core;

import dev.vivarium.drs.model.Vm;
import java.util.List;

/**
 * What each VM is entitled to, as DRS computes it: the cluster's capacity divided as if the
 * cluster were one large host. A VM gets its demand (capped by its limit) when the cluster has
 * enough for every VM; when it has not, capacity goes out in proportion to shares, never below a
 * VM's reservation and never above its capped demand (max-min fairness weighted by shares).
 * Entitlements do not depend on where VMs run, so a crowded host shows as a load above 1, which
 * is what the imbalance must see.
 */
public final class Entitlements {

    private Entitlements() {
    }

    /** The entitlement of each VM of {@code vms} (same order) out of {@code capacityMips}. */
    public static double[] divide(List<Vm> vms, double capacityMips) {
        int n = vms.size();
        double[] floor = new double[n];
        double[] ceiling = new double[n];
        double[] weight = new double[n];
        double floors = 0;
        double ceilings = 0;
        for (int i = 0; i < n; i++) {
            Vm vm = vms.get(i);
            floor[i] = vm.reservationMips();
            ceiling[i] = Math.max(floor[i], vm.cappedDemand());
            weight[i] = vm.shares();
            floors += floor[i];
            ceilings += ceiling[i];
        }
        if (ceilings <= capacityMips) {
            return ceiling; // enough for every VM's demand
        }
        if (floors >= capacityMips) {
            return floor; // reservations alone take it all (after hosts were lost): they still count
        }
        // Find the level lambda at which sum(clamp(lambda * shares, floor, ceiling)) = capacity.
        double lo = 0;
        double hi = 0;
        for (int i = 0; i < n; i++) {
            hi = Math.max(hi, ceiling[i] / weight[i]);
        }
        for (int iteration = 0; iteration < 64 && hi - lo > hi * 1e-12; iteration++) {
            double mid = (lo + hi) / 2;
            if (granted(mid, floor, ceiling, weight) > capacityMips) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = clamp(lo * weight[i], floor[i], ceiling[i]);
        }
        return out;
    }

    private static double granted(double level, double[] floor, double[] ceiling, double[] weight) {
        double sum = 0;
        for (int i = 0; i < floor.length; i++) {
            sum += clamp(level * weight[i], floor[i], ceiling[i]);
        }
        return sum;
    }

    private static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
