package dev.vivarium.node.cluster;

import dev.vivarium.node.config.NodeConfigLoader;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The hosts as VirtualCenter lists them: every host the inventory knows, with its state there
 * (a host that stopped or was lost stays listed), joined with the cluster's members as this node
 * sees them (named by their host-name role) and the figures of those that are up.
 */
public final class ClusterMembership {

    private static final Set<String> UP = Set.of(HostView.CONNECTED, HostView.MAINTENANCE);

    private final Cluster cluster;
    private final HostResources resources;

    public ClusterMembership(ActorSystem<?> system, HostResources resources) {
        this.cluster = Cluster.get(system);
        this.resources = resources;
    }

    /** Every host the inventory knows and every member, ordered by name. */
    public List<HostView> hosts() {
        CurrentClusterState state = cluster.state();
        Set<Member> unreachable = new HashSet<>(state.getUnreachable());
        Map<String, Member> members = new TreeMap<>();
        for (Member m : state.getMembers()) {
            members.put(hostName(m), m);
        }
        Map<String, String> known = resources.inventoryStates();
        Set<String> names = new HashSet<>(members.keySet());
        names.addAll(known.keySet());
        return names.stream().sorted().map(name -> {
            Member m = members.get(name);
            String inventoryState = known.get(name);
            String status = m == null ? null : unreachable.contains(m) ? "Unreachable" : m.status().toString();
            // A host the inventory holds down shows no figures, even if this node still has its last ones.
            boolean up = inventoryState == null ? m != null : UP.contains(inventoryState);
            Optional<HostResources.Capacity> capacity = up ? resources.of(name) : Optional.empty();
            return new HostView(name, inventoryState, status, m == null ? null : m.address().toString(),
                    capacity.map(HostResources.Capacity::capacityMips).orElse(null),
                    capacity.map(HostResources.Capacity::usedMips).orElse(null),
                    capacity.map(HostResources.Capacity::memoryMiB).orElse(null),
                    capacity.map(HostResources.Capacity::vms).orElse(null),
                    inventoryState == null ? null : inventoryState.equals(HostView.MAINTENANCE));
        }).toList();
    }

    /** This node's own member status, e.g. Up. */
    public String selfStatus() {
        return cluster.selfMember().status().toString();
    }

    /** The host name a member carries in its roles; its address when it has none (not a Vivarium node). */
    public static String hostName(Member member) {
        for (String role : member.getRoles()) {
            if (role.startsWith(NodeConfigLoader.NAME_ROLE_PREFIX)) {
                return role.substring(NodeConfigLoader.NAME_ROLE_PREFIX.length());
            }
        }
        return member.address().toString();
    }
}
