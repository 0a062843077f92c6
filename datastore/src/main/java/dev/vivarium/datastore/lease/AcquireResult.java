package dev.vivarium.datastore.lease;

import java.time.Duration;

/** The outcome of one attempt to take a VM's lease. */
public sealed interface AcquireResult {
    /** This host holds the lease now. */
    record Acquired(Lease lease) implements AcquireResult {
    }

    /** Another host holds it and its heartbeat has not been silent long enough; try again later. */
    record Held(LeaseRecord current, Duration silentFor, Duration remaining) implements AcquireResult {
    }

    /** Another host created the same epoch first. */
    record Lost(long epoch) implements AcquireResult {
    }
}
