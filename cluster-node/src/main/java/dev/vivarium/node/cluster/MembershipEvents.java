package dev.vivarium.node.cluster;

import dev.vivarium.node.events.EventPublisher;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/** Turns what this node sees of membership into events of the log (host up, left, unreachable, ...). */
public final class MembershipEvents {

    private MembershipEvents() {
    }

    public static Behavior<ClusterEvent.ClusterDomainEvent> create(EventPublisher events, String selfName) {
        return Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().<ClusterEvent.MemberEvent>narrow(), ClusterEvent.MemberEvent.class));
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().<ClusterEvent.ReachabilityEvent>narrow(), ClusterEvent.ReachabilityEvent.class));
            String by = "host " + selfName;
            return Behaviors.receiveMessage(event -> {
                record(events, by, event);
                return Behaviors.same();
            });
        });
    }

    private static void record(EventPublisher events, String by, ClusterEvent.ClusterDomainEvent event) {
        if (event instanceof ClusterEvent.MemberUp e) {
            publish(events, by, "HostUp", e.member(), "is up");
        } else if (event instanceof ClusterEvent.MemberLeft e) {
            publish(events, by, "HostLeaving", e.member(), "is leaving the cluster");
        } else if (event instanceof ClusterEvent.MemberDowned e) {
            publish(events, by, "HostDowned", e.member(), "was downed");
        } else if (event instanceof ClusterEvent.MemberRemoved e) {
            publish(events, by, "HostRemoved", e.member(), "left the cluster (was " + e.previousStatus() + ")");
        } else if (event instanceof ClusterEvent.UnreachableMember e) {
            publish(events, by, "HostUnreachable", e.member(), "is unreachable");
        } else if (event instanceof ClusterEvent.ReachableMember e) {
            publish(events, by, "HostReachable", e.member(), "is reachable again");
        }
    }

    private static void publish(EventPublisher events, String by, String type,
                                Member member, String what) {
        String name = ClusterMembership.hostName(member);
        events.publish(type, name, by, "host " + name + " " + what);
    }
}
