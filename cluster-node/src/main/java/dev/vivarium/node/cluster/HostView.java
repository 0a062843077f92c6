package dev.vivarium.node.cluster;

/**
 * A host as {@code GET /api/v1/hosts} shows it: every host the inventory knows, whether or not it
 * is a cluster member now, and every member.
 *
 * @param name         the host's name (vivarium.node.name)
 * @param state        the inventory's state, as VirtualCenter names a host's: {@value #CONNECTING}
 *                     (a member whose agent has not reported yet), {@value #CONNECTED} (takes VMs),
 *                     {@value #MAINTENANCE} (keeps what runs, takes no new VMs),
 *                     {@value #DISCONNECTED} (its node stopped cleanly, its VMs suspended and handed
 *                     back), {@value #NOT_RESPONDING} (lost: the cluster downed it, its VMs wait for
 *                     HA); null while the inventory does not know the host (it is still joining)
 * @param memberStatus Pekko's member status as this node sees it (Joining, WeaklyUp, Up, Leaving,
 *                     Exiting, Down), Unreachable when its failure detector has lost it, null when
 *                     the host is no cluster member (it stopped or was removed)
 * @param address      its Artery address, null when it is no member
 * @param capacityMips what it can deliver; this and the next three are null unless the host is up
 *                     (connected or in maintenance) and its HostAgent reports
 * @param usedMips     what its VMs use
 * @param memoryMiB    its memory budget for VMs
 * @param vms          how many VMs run there
 * @param inMaintenanceMode whether it is in maintenance mode (takes no VMs), null until the inventory knows it
 */
public record HostView(String name, String state, String memberStatus, String address,
                       Long capacityMips, Long usedMips, Long memoryMiB, Integer vms, Boolean inMaintenanceMode) {

    public static final String CONNECTING = "connecting";
    public static final String CONNECTED = "connected";
    public static final String MAINTENANCE = "maintenance";
    public static final String DISCONNECTED = "disconnected";
    public static final String NOT_RESPONDING = "notResponding";
}
