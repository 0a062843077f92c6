package dev.vivarium.node.hosts;

import dev.vivarium.node.cluster.ClusterMembership;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.Reply;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Makes this node's host known to the inventory (join, then connect, again until the inventory
 * answers: it may still be starting or moving), and marks a member the cluster downed or removed
 * as lost, so its VMs wait for HA instead of being placed twice.
 */
public final class HostRegistration {

    private static final Duration ASK = Duration.ofSeconds(10);
    private static final Duration RETRY = Duration.ofSeconds(2);

    public sealed interface Msg {
    }

    private enum Join implements Msg { INSTANCE }

    private record Joined() implements Msg {
    }

    private record Connected(Reply reply) implements Msg {
    }

    private record Member(ClusterEvent.MemberEvent event) implements Msg {
    }

    /** The host's name and what it offers (its agent's CPU budget, its memory budget for VMs). */
    public record Host(String name, long capacityMips, int memoryMiB) {
    }

    public static Behavior<Msg> create(Host host, ActorRef<InventoryCommand> inventory) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ActorRef<ClusterEvent.MemberEvent> members = ctx.messageAdapter(ClusterEvent.MemberEvent.class, Member::new);
            Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(members, ClusterEvent.MemberEvent.class));
            ctx.getSelf().tell(Join.INSTANCE);
            Initiator me = Initiator.host(host.name());
            return Behaviors.receive(Msg.class)
                    .onMessageEquals(Join.INSTANCE, () -> {
                        // Already known (a restarted node) is fine: connecting is what counts.
                        ctx.ask(Reply.class, inventory, ASK,
                                r -> new InventoryCommand.JoinHost(host.name(), host.capacityMips(), host.memoryMiB(), me, r),
                                (reply, failure) -> failure == null ? new Joined() : Join.INSTANCE);
                        return Behaviors.same();
                    })
                    .onMessage(Joined.class, j -> {
                        ctx.ask(Reply.class, inventory, ASK, r -> new InventoryCommand.ConnectHost(host.name(), me, r),
                                (reply, failure) -> failure == null ? new Connected(reply) : Join.INSTANCE);
                        return Behaviors.same();
                    })
                    .onMessage(Connected.class, c -> {
                        if (c.reply() instanceof Reply.Rejected rejected) {
                            ctx.getLog().warn("the inventory refused to connect host {}: {}", host.name(),
                                    rejected.rejection().message());
                            timers.startSingleTimer(Join.INSTANCE, RETRY);
                        } else {
                            ctx.getLog().info("host {} is connected in the inventory", host.name());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Member.class, m -> {
                        ClusterEvent.MemberEvent e = m.event();
                        String name = ClusterMembership.hostName(e.member());
                        if (leftTheCluster(e) && !name.equals(host.name()) && stillAMember(ctx)) {
                            inventory.tell(new InventoryCommand.MarkHostLost(name, me, ctx.getSystem().ignoreRef()));
                        }
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    /**
     * A member that really left: downed, or removed after it was downed or exited. A node that
     * shuts down itself publishes every other member as removed (its view empties), with the
     * status they still had, Up: that says nothing of them and must not mark them lost.
     */
    private static boolean leftTheCluster(ClusterEvent.MemberEvent e) {
        if (e instanceof ClusterEvent.MemberDowned) {
            return true;
        }
        return e instanceof ClusterEvent.MemberRemoved r
                && (r.previousStatus() == MemberStatus.down() || r.previousStatus() == MemberStatus.exiting());
    }

    /** This node is itself Up (or weakly Up): once it leaves, its view of the others is not news. */
    private static boolean stillAMember(ActorContext<Msg> ctx) {
        MemberStatus self = Cluster.get(ctx.getSystem()).selfMember().status();
        return self == MemberStatus.up() || self == MemberStatus.weaklyUp();
    }

    private HostRegistration() {
    }
}
