package dev.vivarium.node.cluster;

import dev.vivarium.node.config.NodeConfigLoader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/** The cluster's members as this node sees them, named by their host-name role. */
public final class ClusterMembership {

    private final Cluster cluster;
    private final HostResources resources;

    public ClusterMembership(ActorSystem<?> system, HostResources resources) {
        this.cluster = Cluster.get(system);
        this.resources = resources;
    }

    /** Every member, ordered by name. */
    public List<HostView> hosts() {
        CurrentClusterState state = cluster.state();
        Set<Member> unreachable = new HashSet<>(state.getUnreachable());
        List<HostView> hosts = new ArrayList<>();
        for (Member m : state.getMembers()) {
            String name = hostName(m);
            String status = unreachable.contains(m) ? "Unreachable" : m.status().toString();
            var capacity = resources.of(name);
            hosts.add(new HostView(name, status, m.address().toString(),
                    capacity.map(HostResources.Capacity::capacityMips).orElse(null),
                    capacity.map(HostResources.Capacity::usedMips).orElse(null),
                    capacity.map(HostResources.Capacity::memoryMiB).orElse(null),
                    capacity.map(HostResources.Capacity::vms).orElse(null),
                    resources.inMaintenanceMode(name).orElse(null)));
        }
        hosts.sort(Comparator.comparing(HostView::name));
        return hosts;
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
