package dev.vivarium.node.cluster;

import java.util.Optional;

/**
 * What a host can hold and holds: the seam where the HostAgents' reports come in. Until they are
 * wired, {@link #UNKNOWN} answers for every host and the API shows the fields as null.
 */
public interface HostResources {

    /** The figures for the host of that name, if known. */
    Optional<Capacity> of(String hostName);

    /** Whether the inventory has the host in maintenance mode, if known. */
    default Optional<Boolean> inMaintenanceMode(String hostName) {
        return Optional.empty();
    }

    /** No host's figures are known. */
    HostResources UNKNOWN = name -> Optional.empty();

    /** A host's capacity and use, as a HostAgent reports them. */
    record Capacity(long capacityMips, long usedMips, long memoryMiB, int vms) {
    }
}
