package dev.vivarium.ha.monitor;

import dev.vivarium.ha.agent.HaEvents;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.actor.VmState;
import dev.vivarium.vm.actor.VmStatus;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * VM monitoring on one node: every period it asks this host's VMs for their status and feeds
 * each one's tools heartbeat count to its {@link HeartbeatWatch}; a guest that stopped sending
 * them while it runs is reset (an event, {@code VmMonitoringReset}), within the hourly limit.
 */
public final class VmMonitor {

    /** @param failureInterval how long a running guest's heartbeat may stand still */
    public record Settings(Duration period, Duration failureInterval, int maxResetsPerHour) {
    }

    public sealed interface Msg {
    }

    private enum Tick implements Msg { INSTANCE }

    private record Listed(HostReply reply) implements Msg {
    }

    private record Found(HostReply reply) implements Msg {
    }

    private record Status(String vm, ActorRef<VmCommand> ref, VmReply reply) implements Msg {
    }

    private static final Duration ASK = Duration.ofSeconds(3);

    public static Behavior<Msg> create(String host, ActorRef<HostCommand> agent, Settings settings, HaEvents events) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.period());
            Map<String, HeartbeatWatch> watches = new HashMap<>();
            return Behaviors.receive(Msg.class)
                    .onMessageEquals(Tick.INSTANCE, () -> {
                        ctx.ask(HostReply.class, agent, ASK, HostCommand.GetStats::new, (r, f) -> new Listed(r));
                        return Behaviors.same();
                    })
                    .onMessage(Listed.class, l -> {
                        if (l.reply() instanceof HostReply.HostStats stats) {
                            watches.keySet().retainAll(stats.vms().stream().map(HostReply.VmStats::vm).toList());
                            stats.vms().forEach(v -> ctx.ask(HostReply.class, agent, ASK, r -> new HostCommand.FindVm(v.vm(), r),
                                    (r, f) -> new Found(r)));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Found.class, f -> {
                        if (f.reply() instanceof HostReply.VmFound found) {
                            ctx.ask(VmReply.class, found.ref(), ASK, VmCommand.GetStatus::new,
                                    (r, failure) -> new Status(found.vm(), found.ref(), r));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Status.class, s -> {
                        if (s.reply() instanceof VmStatus status) {
                            HeartbeatWatch watch = watches.computeIfAbsent(s.vm(),
                                    vm -> new HeartbeatWatch(settings.failureInterval(), settings.maxResetsPerHour()));
                            switch (watch.sample(System.nanoTime(), status.state() == VmState.RUNNING, status.toolsHeartbeats())) {
                                case RESET -> {
                                    events.publish("VmMonitoringReset", s.vm(), "VM monitoring reset VM " + s.vm() + " on " + host
                                            + ": its guest sent no tools heartbeat for " + settings.failureInterval().toSeconds()
                                            + " s while it ran (last count " + status.toolsHeartbeats() + ")");
                                    s.ref().tell(new VmCommand.Reset(ctx.getSystem().ignoreRef()));
                                }
                                case RESET_SUPPRESSED -> events.publish("VmMonitoringResetSuppressed", s.vm(), "VM monitoring leaves VM "
                                        + s.vm() + " as it is: its guest sends no tools heartbeat, but it was reset "
                                        + settings.maxResetsPerHour() + " times in the last hour already");
                                case OK -> {
                                }
                            }
                        }
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    private VmMonitor() {
    }
}
