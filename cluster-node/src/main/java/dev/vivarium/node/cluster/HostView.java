package dev.vivarium.node.cluster;

/**
 * A host as {@code GET /api/v1/hosts} shows it.
 *
 * @param name        the host's name (vivarium.node.name)
 * @param state       Pekko's member status (Joining, WeaklyUp, Up, Leaving, Exiting, Down), or
 *                    Unreachable when the failure detector of this node has lost it
 * @param address     its Artery address
 * @param capacityMips what it can deliver, null until a HostAgent reports it
 * @param usedMips    what its VMs use, null until a HostAgent reports it
 * @param memoryMiB   its memory budget for VMs, null until a HostAgent reports it
 * @param vms         how many VMs run there, null until a HostAgent reports it
 * @param inMaintenanceMode whether it is in maintenance mode (takes no VMs), null until the inventory says
 */
public record HostView(String name, String state, String address,
                       Long capacityMips, Long usedMips, Long memoryMiB, Integer vms, Boolean inMaintenanceMode) {
}
