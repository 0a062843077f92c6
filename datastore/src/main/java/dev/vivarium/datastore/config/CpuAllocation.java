package dev.vivarium.datastore.config;

/**
 * A VM's claim on its host's CPU budget, as in ESX: shares weigh VMs against each other under
 * contention, the reservation is guaranteed, the limit is never exceeded.
 *
 * @param limitMips {@link #UNLIMITED} or at least the reservation
 */
public record CpuAllocation(int shares, long reservationMips, long limitMips) {
    public static final long UNLIMITED = -1;
    public static final CpuAllocation NORMAL = new CpuAllocation(1000, 0, UNLIMITED);

    public CpuAllocation {
        if (shares <= 0) {
            throw new IllegalArgumentException("CPU shares must be positive: " + shares);
        }
        if (reservationMips < 0) {
            throw new IllegalArgumentException("CPU reservation must not be negative: " + reservationMips);
        }
        if (limitMips != UNLIMITED && limitMips < reservationMips) {
            throw new IllegalArgumentException("CPU limit " + limitMips + " MIPS is below the reservation " + reservationMips);
        }
    }
}
