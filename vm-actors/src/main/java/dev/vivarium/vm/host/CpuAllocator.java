package dev.vivarium.vm.host;

import dev.vivarium.datastore.config.CpuAllocation;
import java.util.ArrayList;
import java.util.List;

/**
 * Divides a host's CPU capacity (MIPS) between its VMs as ESX does: each VM first gets its
 * reservation (up to its demand), then the rest goes by shares to the VMs that want more, up
 * to their demand and limit; what is still left is spread by shares up to the limits, so a
 * VM whose demand grows finds room at once.
 */
public final class CpuAllocator {
    private CpuAllocator() {
    }

    /** @param demandMips what the VM would use if nothing held it back; {@link Double#POSITIVE_INFINITY} when it ran out of grant */
    public record Claim(CpuAllocation allocation, double demandMips) {
    }

    /** @return the MIPS granted to each claim, in order */
    public static double[] allocate(double capacityMips, List<Claim> claims) {
        int n = claims.size();
        double[] granted = new double[n];
        double[] cap = new double[n];
        double left = capacityMips;
        for (int i = 0; i < n; i++) {
            Claim c = claims.get(i);
            double limit = c.allocation().limitMips() == CpuAllocation.UNLIMITED ? Double.POSITIVE_INFINITY : c.allocation().limitMips();
            cap[i] = Math.min(limit, c.demandMips());
            granted[i] = Math.min(c.allocation().reservationMips(), cap[i]);
            left -= granted[i];
        }
        left = fillByShares(claims, granted, cap, Math.max(0, left));
        double[] limits = new double[n];
        for (int i = 0; i < n; i++) {
            long limit = claims.get(i).allocation().limitMips();
            limits[i] = limit == CpuAllocation.UNLIMITED ? Double.POSITIVE_INFINITY : limit;
        }
        fillByShares(claims, granted, limits, left);
        return granted;
    }

    /** Water-filling: shares decide each VM's part of {@code left}; a VM that reaches its cap passes the rest on. */
    private static double fillByShares(List<Claim> claims, double[] granted, double[] cap, double left) {
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            if (granted[i] < cap[i]) {
                open.add(i);
            }
        }
        while (left > 1e-9 && !open.isEmpty()) {
            double shares = open.stream().mapToDouble(i -> claims.get(i).allocation().shares()).sum();
            double given = 0;
            List<Integer> stillOpen = new ArrayList<>();
            for (int i : open) {
                double part = left * claims.get(i).allocation().shares() / shares;
                double take = Math.min(part, cap[i] - granted[i]);
                granted[i] += take;
                given += take;
                if (granted[i] < cap[i] - 1e-9) {
                    stillOpen.add(i);
                }
            }
            left -= given;
            if (stillOpen.size() == open.size()) {
                break; // nobody reached a cap, so everything was handed out
            }
            open = stillOpen;
        }
        return left;
    }
}
