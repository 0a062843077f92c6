package dev.vivarium.ha.decide;

import java.time.Duration;

/**
 * What one node sees of another host at one moment: whether the cluster's failure detector still
 * reaches it as a member, and how long its datastore heartbeat has stood still on this node's
 * clock (zero when it just moved).
 */
public record HostObservation(String host, boolean reachableMember, Duration heartbeatSilentFor) {
}
