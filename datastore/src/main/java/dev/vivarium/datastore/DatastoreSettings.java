package dev.vivarium.datastore;

import java.time.Duration;
import java.util.Objects;

/**
 * The datastore's timers.
 *
 * @param heartbeatPeriod how often a host renews its heartbeat
 * @param leaseTime       how long another host must watch a heartbeat stand still before it may
 *                        take that host's leases; on NFS it must exceed the attribute cache time
 *                        (acregmax/actimeo) plus one heartbeat period
 * @param fenceMargin     a host that has not renewed for {@code leaseTime - fenceMargin} stops its
 *                        VMs itself; the margin covers clock-rate drift and the time to stop them
 */
public record DatastoreSettings(Duration heartbeatPeriod, Duration leaseTime, Duration fenceMargin) {
    public static final DatastoreSettings DEFAULTS =
            new DatastoreSettings(Duration.ofSeconds(1), Duration.ofSeconds(12), Duration.ofSeconds(3));

    public DatastoreSettings {
        Objects.requireNonNull(heartbeatPeriod, "heartbeatPeriod");
        Objects.requireNonNull(leaseTime, "leaseTime");
        Objects.requireNonNull(fenceMargin, "fenceMargin");
        if (heartbeatPeriod.isNegative() || heartbeatPeriod.isZero() || fenceMargin.isNegative() || fenceMargin.isZero()) {
            throw new IllegalArgumentException("heartbeat period and fence margin must be positive: " + heartbeatPeriod + ", " + fenceMargin);
        }
        if (leaseTime.compareTo(heartbeatPeriod.multipliedBy(2).plus(fenceMargin)) < 0) {
            throw new IllegalArgumentException("lease time " + leaseTime + " must be at least two heartbeat periods ("
                    + heartbeatPeriod + ") plus the fence margin (" + fenceMargin + "), or a healthy host would fence itself");
        }
    }

    /** The age of the last renewal at which a host stops its VMs. */
    public Duration selfFenceAfter() {
        return leaseTime.minus(fenceMargin);
    }
}
