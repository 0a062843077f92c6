package dev.vivarium.node.web;

import dev.vivarium.node.cluster.ClusterMembership;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Where a browser reaches each node's API: every node carries its public URL in a cluster role
 * ({@value #ROLE_PREFIX}URL), so a page learns the others from the one serving it and moves to one
 * of them when its node dies.
 */
public final class WebPeers {

    public static final String ROLE_PREFIX = "web-url:";

    /** A node a page can move to. */
    public record Peer(String host, String url, boolean self) {
    }

    private final Cluster cluster;

    public WebPeers(ActorSystem<?> system) {
        this.cluster = Cluster.get(system);
    }

    /** The members that are up and reachable from here, with their URL, this node first. */
    public List<Peer> reachable() {
        CurrentClusterState state = cluster.state();
        Set<Member> unreachable = new HashSet<>(state.getUnreachable());
        Member self = cluster.selfMember();
        List<Peer> peers = new ArrayList<>();
        for (Member m : state.getMembers()) {
            boolean isSelf = m.equals(self);
            if ((m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()) && !unreachable.contains(m)) {
                url(m).ifPresent(url -> peers.add(new Peer(ClusterMembership.hostName(m), url, isSelf)));
            }
        }
        peers.sort((a, b) -> Boolean.compare(b.self(), a.self()));
        return peers;
    }

    private static Optional<String> url(Member m) {
        return m.getRoles().stream().filter(r -> r.startsWith(ROLE_PREFIX)).map(r -> r.substring(ROLE_PREFIX.length())).findFirst();
    }
}
