package dev.vivarium.node.hosts;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.vcenter.host.HostDirective;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.protocol.Answers.HostList;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.reconcile.HostReport;
import dev.vivarium.vcenter.reconcile.ReconcilerActor;
import dev.vivarium.vcenter.reconcile.VmLoad;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per node: finds every host's agent through the Receptionist, polls their figures into
 * {@link HostFigures}, and delivers the reconciler's {@link HostDirective}s to the agent of the
 * host they name. About its own host it reports to the reconciler what runs there, and tells
 * the inventory when a VM started or stopped on it (the host is the witness of both).
 */
public final class HostDirectory {

    /** Every node's HostAgent registers under this key. */
    public static final ServiceKey<HostCommand> AGENTS = ServiceKey.create(HostCommand.class, "vivarium-host-agent");

    public sealed interface Msg {
    }

    /** A directive from the reconciler (sent on this node: the channel is local). */
    public record Directive(HostDirective directive) implements Msg {
    }

    private enum Tick implements Msg { INSTANCE }

    private record Agents(Receptionist.Listing listing) implements Msg {
    }

    private record Answer(HostReply reply) implements Msg {
    }

    private record Hosts(HostList hosts) implements Msg {
    }

    private record Figures(ActorRef<HostCommand> agent, HostReply.HostStats stats) implements Msg {
    }

    private record NoFigures(ActorRef<HostCommand> agent) implements Msg {
    }

    /** The inventory's answer (any: taken, or refused as stale) to this host's record of a start or stop; null when none came. */
    private record Recorded(String vm, long epoch, boolean start, dev.vivarium.vcenter.protocol.Reply reply) implements Msg {
    }

    /** What a directory needs. */
    public record Parts(String self, ActorRef<InventoryCommand> inventory, ActorRef<ReconcilerActor.Msg> reconciler,
                        HostFigures figures, Datastore datastore, Executor io, Duration acquireTimeout,
                        Duration period) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(HostDirectory.class);

    private final ActorContext<Msg> ctx;
    private final Parts parts;
    private final ActorRef<HostReply> replies;
    private final ActorRef<HostList> hostLists;
    private final Set<ActorRef<HostCommand>> listed = new HashSet<>();
    /** Listed agents by the host name their figures carry. */
    private final Map<String, ActorRef<HostCommand>> agents = new HashMap<>();
    /** Directives for a running VM's actor (stop, pause, unpause), sent once its agent has found it: by VM. */
    private final Map<String, HostDirective> awaitingActor = new HashMap<>();
    /** Where each VM was last sent to power on: a refusal names no host, the reconciler needs it. */
    private final Map<String, String> poweringOnAt = new HashMap<>();
    /** What this node's host ran at its previous report: VM to epoch. */
    private Map<String, Long> ownRunning = Map.of();
    /**
     * Starts and stops on this host the inventory has not answered yet (VM to epoch): told again at
     * every report until it does, since a record sent while the inventory moves or its database is
     * down is lost, and nothing else would tell it.
     */
    private final Map<String, Long> unrecordedStarts = new HashMap<>();
    private final Map<String, Long> unrecordedStops = new HashMap<>();

    public static Behavior<Msg> create(Parts parts) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, parts.period());
            return new HostDirectory(ctx, parts).behavior();
        }));
    }

    private HostDirectory(ActorContext<Msg> ctx, Parts parts) {
        this.ctx = ctx;
        this.parts = parts;
        this.replies = ctx.messageAdapter(HostReply.class, Answer::new);
        this.hostLists = ctx.messageAdapter(HostList.class, Hosts::new);
        ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class, Agents::new);
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(AGENTS, listings));
    }

    private Behavior<Msg> behavior() {
        return Behaviors.receive(Msg.class)
                .onMessage(Agents.class, a -> {
                    listed.clear();
                    listed.addAll(a.listing().getServiceInstances(AGENTS));
                    agents.entrySet().removeIf(e -> {
                        boolean gone = !listed.contains(e.getValue());
                        if (gone) {
                            parts.figures().forget(e.getKey());
                        }
                        return gone;
                    });
                    // New agents are named by their first figures.
                    listed.forEach(this::askFigures);
                    return Behaviors.same();
                })
                .onMessageEquals(Tick.INSTANCE, () -> {
                    listed.forEach(this::askFigures);
                    parts.inventory().tell(new InventoryCommand.ListHosts(hostLists));
                    return Behaviors.same();
                })
                .onMessage(Figures.class, f -> {
                    if (listed.contains(f.agent())) {
                        agents.put(f.stats().host(), f.agent());
                        parts.figures().update(f.stats());
                        if (f.stats().host().equals(parts.self())) {
                            reportOwn(f.stats());
                        }
                    }
                    return Behaviors.same();
                })
                .onMessage(NoFigures.class, f -> Behaviors.same())
                .onMessage(Recorded.class, r -> {
                    if (r.reply() != null) {
                        (r.start() ? unrecordedStarts : unrecordedStops).remove(r.vm(), r.epoch());
                    }
                    return Behaviors.same();
                })
                .onMessage(Hosts.class, h -> {
                    parts.figures().inventory(h.hosts().hosts());
                    return Behaviors.same();
                })
                .onMessage(Answer.class, a -> onReply(a.reply()))
                .onMessage(Directive.class, d -> onDirective(d.directive()))
                .build();
    }

    private void askFigures(ActorRef<HostCommand> agent) {
        ctx.ask(HostReply.class, agent, parts.period(), HostCommand.GetStats::new,
                (reply, failure) -> reply instanceof HostReply.HostStats s ? new Figures(agent, s) : new NoFigures(agent));
    }

    private Behavior<Msg> onReply(HostReply reply) {
        if (reply instanceof HostReply.VmFound found) {
            HostDirective directive = awaitingActor.remove(found.vm());
            if (directive != null && epoch(directive) != found.epoch()) {
                // Decided on a report from another run of the VM (it left and came back since): not for this one.
                ctx.getLog().info("{} for VM {} at epoch {} not carried out: it runs here at epoch {} now", directive.getClass()
                        .getSimpleName(), found.vm(), epoch(directive), found.epoch());
            } else if (directive != null) {
                found.ref().tell(command(directive));
            }
        } else if (reply instanceof HostReply.NotHere notHere) {
            awaitingActor.remove(notHere.vm());
        } else if (reply instanceof HostReply.Refused refused && !refused.alreadyThere()) {
            // The reconciler records why (the VM's last failure, its power-on task) and backs off.
            String host = Objects.requireNonNullElse(poweringOnAt.remove(refused.vm()), "a host");
            ctx.getLog().info("{} refused to power on {}: {}", host, refused.vm(), refused.reason());
            parts.reconciler().tell(new ReconcilerActor.Refused(refused.vm(), host, refused.reason()));
        }
        return Behaviors.same();
    }

    /** The lease epoch of the run a stop or pause directive is about. */
    private static long epoch(HostDirective directive) {
        if (directive instanceof HostDirective.Stop stop) {
            return stop.epoch();
        }
        if (directive instanceof HostDirective.SetPaused set) {
            return set.epoch();
        }
        throw new IllegalArgumentException("no run named by " + directive);
    }

    /** The VM actor's command that carries out a stop or pause directive; its answer is not needed (the figures show it). */
    private VmCommand command(HostDirective directive) {
        ActorRef<VmReply> ignore = ctx.getSystem().ignoreRef();
        if (directive instanceof HostDirective.Stop stop) {
            return stop.suspend() ? new VmCommand.Suspend(ignore) : new VmCommand.PowerOff(ignore);
        }
        if (directive instanceof HostDirective.SetPaused set) {
            return set.paused() ? new VmCommand.Pause(ignore) : new VmCommand.Unpause(ignore);
        }
        throw new IllegalArgumentException("no VM command for " + directive);
    }

    /** Tells the reconciler what runs here, and the inventory what started or stopped since the last report. */
    private void reportOwn(HostReply.HostStats stats) {
        Map<String, Long> running = new HashMap<>();
        Set<String> paused = new HashSet<>();
        Map<String, VmLoad> loads = new HashMap<>();
        stats.vms().forEach(v -> {
            running.put(v.vm(), v.epoch());
            if (v.paused()) {
                paused.add(v.vm());
            }
            loads.put(v.vm(), new VmLoad(v.demandMips(), v.deliveredMips(), v.readyPercent(), v.dirtyPagesPerSecond()));
        });
        parts.reconciler().tell(new ReconcilerActor.Report(new HostReport(parts.self(), running, paused, loads)));
        running.forEach((vm, epoch) -> {
            if (!epoch.equals(ownRunning.get(vm))) {
                unrecordedStarts.put(vm, epoch);
            }
        });
        ownRunning.forEach((vm, epoch) -> {
            if (!epoch.equals(running.get(vm))) {
                unrecordedStops.put(vm, epoch);
            }
        });
        // A start not yet recorded whose run has ended since is recorded by its stop (or not at all).
        unrecordedStarts.entrySet().removeIf(e -> !e.getValue().equals(running.get(e.getKey())));
        ownRunning = running;
        unrecordedStarts.forEach((vm, epoch) -> record(vm, epoch, true));
        unrecordedStops.forEach((vm, epoch) -> record(vm, epoch, false));
    }

    private void record(String vm, long epoch, boolean start) {
        Initiator me = Initiator.host(parts.self());
        ctx.ask(dev.vivarium.vcenter.protocol.Reply.class, parts.inventory(), parts.period(),
                r -> start ? new InventoryCommand.RecordVmStarted(vm, parts.self(), epoch, me, r)
                        : new InventoryCommand.RecordVmStopped(vm, parts.self(), epoch, me, r),
                (reply, failure) -> new Recorded(vm, epoch, start, reply));
    }

    private Behavior<Msg> onDirective(HostDirective directive) {
        ActorRef<HostCommand> agent = agents.get(directive.host());
        if (agent == null) {
            // The reconciler sends it again next period while the difference lasts.
            ctx.getLog().info("no agent known for host {} yet; directive for {} dropped", directive.host(), directive.vm());
            return Behaviors.same();
        }
        if (directive instanceof HostDirective.PowerOn on) {
            poweringOnAt.put(on.vm(), on.host());
            long timeout = parts.acquireTimeout().toMillis();
            ActorRef<HostReply> replyTo = replies;
            // The agent reads the VM's configuration from the shared datastore: write it first (blocking I/O).
            CompletableFuture.runAsync(() -> {
                try {
                    parts.datastore().vm(on.vm()).writeConfig(DatastoreConfigs.of(on.config()));
                    agent.tell(new HostCommand.PowerOn(on.vm(), timeout, on.paused(), replyTo));
                } catch (Exception e) {
                    LOG.warn("cannot write the configuration of VM {}: {}", on.vm(), e.toString());
                    parts.reconciler().tell(new ReconcilerActor.Refused(on.vm(), on.host(),
                            "its configuration cannot be written to the datastore: " + e.getMessage()));
                }
            }, parts.io());
        } else {
            awaitingActor.put(directive.vm(), directive);
            agent.tell(new HostCommand.FindVm(directive.vm(), replies));
        }
        return Behaviors.same();
    }
}
