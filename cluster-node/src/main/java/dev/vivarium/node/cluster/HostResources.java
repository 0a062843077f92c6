package dev.vivarium.node.cluster;

import java.util.Map;
import java.util.Optional;

/**
 * What a host can hold and holds, and what the inventory says of it: the seam where the
 * HostAgents' reports and the inventory's host records come in. Until they are wired,
 * {@link #UNKNOWN} answers for every host and the API shows the fields as null.
 */
public interface HostResources {

    /** The figures for the host of that name, if known. */
    Optional<Capacity> of(String hostName);

    /** Every host the inventory knows, by name, with its state as {@link HostView#state()} names it; empty until it says. */
    default Map<String, String> inventoryStates() {
        return Map.of();
    }

    /** No host's figures are known. */
    HostResources UNKNOWN = name -> Optional.empty();

    /** A host's capacity and use, as a HostAgent reports them. */
    record Capacity(long capacityMips, long usedMips, long memoryMiB, int vms) {
    }
}
