package dev.vivarium.ha.agent;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.VmFiles;
import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.datastore.lease.HeartbeatObserver;
import dev.vivarium.datastore.lease.LeaseRecord;
import dev.vivarium.ha.decide.Candidate;
import dev.vivarium.ha.decide.HaAction;
import dev.vivarium.ha.decide.HaDecisions;
import dev.vivarium.ha.decide.HeldVm;
import dev.vivarium.ha.decide.HostObservation;
import dev.vivarium.ha.place.RestartPlacement;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.Reply;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * VMware HA's agent, one on every node (no singleton: a decision that needs one would wait for
 * it to move, which waits for the Split Brain Resolver). Every watch period it reads every host's
 * datastore heartbeat through this host's own lease observer and the cluster's reachability, asks
 * {@link HaDecisions} which hosts failed and which of their VMs to restart, places them through
 * the cluster's placement, and starts those placed on its own host through the local
 * {@link dev.vivarium.vm.host.HostAgent}, which takes the lease at the next epoch: of several
 * agents racing for one VM exactly one wins the lease, so a VM never runs twice. Restarts
 * are events, and the inventory records them (again until it answers: HA runs without it).
 */
public final class HaAgent {

    /** What an agent needs; {@code hostName} names a cluster member as a host. */
    public record Parts(String self, Datastore datastore, HostSession session, ActorRef<HostCommand> hostAgent,
                        ActorRef<InventoryCommand> inventory, HaView view, RestartPlacement placement, HaSettings settings,
                        Executor io, Function<Member, String> hostName, HaEvents events) {
    }

    public sealed interface Msg {
    }

    private enum Tick implements Msg { INSTANCE }

    private record Scanned(List<HostObservation> seen, Set<String> failed, List<HeldVm> held) implements Msg {
    }

    private record ScanFailed(String why) implements Msg {
    }

    private record Started(HostReply reply, Candidate candidate) implements Msg {
    }

    private record Record(String vm, long epoch) implements Msg {
    }

    private record Recorded(String vm, long epoch, Reply reply, Throwable failure) implements Msg {
    }

    /** When a candidate may be tried again, and how often it was. */
    private record Retry(long atNanos, int attempts) {
    }

    private static final Duration RECORD_ASK = Duration.ofSeconds(3);
    /** How much longer than the lease wait a restart may take to answer (the restore from the checkpoint). */
    private static final Duration START_ASK_MARGIN = Duration.ofSeconds(30);
    private static final Duration RECORD_AGAIN = Duration.ofSeconds(1);

    private final ActorContext<Msg> ctx;
    private final TimerScheduler<Msg> timers;
    private final Parts parts;
    private final HeartbeatObserver observer;
    private final Duration leaseTime;
    private boolean scanning;
    /** Restarts sent to the local host agent and not answered yet: VM to candidate. */
    private final Map<String, Candidate> inFlight = new HashMap<>();
    /** When this node first saw each candidate (for the fallback race). */
    private final Map<String, Long> pendingSince = new HashMap<>();
    private final Map<String, Retry> retries = new HashMap<>();
    /** Hosts announced failed (one event per failure), VMs announced without room. */
    private final Set<String> announcedFailed = new HashSet<>();
    private final Set<String> announcedNoRoom = new HashSet<>();

    public static Behavior<Msg> create(Parts parts) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, parts.settings().watchPeriod());
            return new HaAgent(ctx, timers, parts).behavior();
        }));
    }

    private HaAgent(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, Parts parts) {
        this.ctx = ctx;
        this.timers = timers;
        this.parts = parts;
        this.observer = parts.session().heartbeatObserver();
        this.leaseTime = parts.datastore().settings().leaseTime();
    }

    private Behavior<Msg> behavior() {
        return Behaviors.receive(Msg.class)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(Scanned.class, this::onScanned)
                .onMessage(ScanFailed.class, f -> {
                    scanning = false;
                    ctx.getLog().warn("HA cannot read the datastore: {}", f.why());
                    return Behaviors.same();
                })
                .onMessage(Started.class, this::onStarted)
                .onMessage(Record.class, r -> {
                    record(r.vm(), r.epoch());
                    return Behaviors.same();
                })
                .onMessage(Recorded.class, this::onRecorded)
                .build();
    }

    // ---- watching ----

    private Behavior<Msg> onTick() {
        if (scanning) {
            return Behaviors.same(); // the datastore is slow: one scan at a time
        }
        Cluster cluster = Cluster.get(ctx.getSystem());
        MemberStatus selfStatus = cluster.selfMember().status();
        if (selfStatus != MemberStatus.up() && selfStatus != MemberStatus.weaklyUp()) {
            return Behaviors.same(); // not (or no longer) a member: another node's HA acts
        }
        Set<String> reachable = reachableHosts(cluster.state());
        scanning = true;
        ActorRef<Msg> self = ctx.getSelf();
        CompletableFuture.runAsync(() -> {
            try {
                self.tell(scan(reachable));
            } catch (IOException | RuntimeException e) {
                self.tell(new ScanFailed(String.valueOf(e.getMessage())));
            }
        }, parts.io());
        return Behaviors.same();
    }

    /** Members the failure detector reaches and that have not left (Down, Removed: gone). */
    private Set<String> reachableHosts(CurrentClusterState state) {
        Set<Member> unreachable = new HashSet<>(state.getUnreachable());
        Set<String> out = new HashSet<>();
        for (Member m : state.getMembers()) {
            MemberStatus s = m.status();
            if (!unreachable.contains(m) && s != MemberStatus.down() && s != MemberStatus.removed()) {
                out.add(parts.hostName().apply(m));
            }
        }
        return out;
    }

    /** On the I/O executor: every host's heartbeat, and the VMs whose leases the failed ones hold. */
    private Scanned scan(Set<String> reachable) throws IOException {
        List<HostObservation> seen = new ArrayList<>();
        for (String host : parts.datastore().heartbeats().hosts()) {
            if (!host.equals(parts.self())) {
                seen.add(new HostObservation(host, reachable.contains(host), observer.observe(host).silentFor()));
            }
        }
        Set<String> failed = HaDecisions.failedHosts(parts.self(), seen, leaseTime);
        List<HeldVm> held = new ArrayList<>();
        if (!failed.isEmpty()) {
            for (String vm : parts.datastore().vms()) {
                VmFiles files = parts.datastore().vm(vm);
                Optional<LeaseRecord> lease = files.currentLease();
                if (lease.isPresent() && lease.get().isHeld() && failed.contains(lease.get().owner())) {
                    RestartPriority priority;
                    try {
                        priority = files.readConfig().restartPriority();
                    } catch (IOException unreadable) {
                        priority = RestartPriority.MEDIUM; // its power-on reports the configuration's problem
                    }
                    held.add(new HeldVm(vm, lease.get().owner(), lease.get().epoch(), priority, files.markedPaused()));
                }
            }
        }
        return new Scanned(seen, failed, held);
    }

    // ---- deciding ----

    private Behavior<Msg> onScanned(Scanned s) {
        scanning = false;
        long now = System.nanoTime();
        announceFailures(s);
        Optional<Inventory> inventory = parts.view().inventory();
        List<Candidate> all = HaDecisions.candidates(s.failed(), s.held(), inventory);
        Set<String> names = new HashSet<>();
        all.forEach(c -> names.add(c.vm()));
        // A VM no longer held by a failed host was restarted (here or elsewhere) or stopped: forget it.
        pendingSince.keySet().retainAll(names);
        retries.keySet().retainAll(names);
        announcedNoRoom.retainAll(names);
        List<Candidate> now_ = new ArrayList<>();
        for (Candidate c : all) {
            pendingSince.putIfAbsent(c.vm(), now);
            Retry r = retries.get(c.vm());
            if (!inFlight.containsKey(c.vm()) && (r == null || now - r.atNanos() >= 0)) {
                now_.add(c);
            }
        }
        if (now_.isEmpty()) {
            return Behaviors.same();
        }
        Map<String, Optional<String>> placement = inventory
                .map(inv -> parts.placement().place(inv, parts.view().reports(), s.failed(), now_))
                .orElse(Map.of());
        for (HaAction a : HaDecisions.decide(parts.self(), now_, placement, pendingSince, now, parts.settings().fallbackAfter())) {
            if (a instanceof HaAction.Restart r) {
                restart(r);
            } else if (a instanceof HaAction.NoRoom n) {
                backOff(n.candidate().vm(), now);
                if (announcedNoRoom.add(n.candidate().vm())) {
                    parts.events().publish("HaRestartPending", n.candidate().vm(), "HA cannot restart VM " + n.candidate().vm()
                            + " of failed host " + n.candidate().from() + " yet: " + n.why() + "; retrying");
                }
            }
        }
        return Behaviors.same();
    }

    private void announceFailures(Scanned s) {
        for (HostObservation o : s.seen()) {
            if (s.failed().contains(o.host()) && announcedFailed.add(o.host())) {
                String silence = "its datastore heartbeat stood still for " + o.heartbeatSilentFor().toMillis() + " ms (lease time "
                        + leaseTime.toMillis() + " ms); it has fenced itself";
                parts.events().publish("HostFailed", o.host(), "HA: host " + o.host() + " failed: " + silence
                        + (HaDecisions.failedByBoth(o) ? "; the cluster does not reach it either"
                        : "; the cluster still reaches it (it lost its storage, or the failure detector has not noticed yet)"));
            } else if (!s.failed().contains(o.host())) {
                announcedFailed.remove(o.host());
            }
        }
    }

    // ---- restarting ----

    private void restart(HaAction.Restart r) {
        Candidate c = r.candidate();
        inFlight.put(c.vm(), c);
        parts.events().publish("HaRestarting", c.vm(), "HA restarts VM " + c.vm() + " (priority "
                + c.priority().name().toLowerCase() + (c.paused() ? ", paused" : "") + ") on " + parts.self() + ": " + r.why());
        // An ask per restart, not a message adapter: the context keeps one adapter per reply class, so
        // with two restarts at once both answers would be read as the later VM's.
        ctx.ask(HostReply.class, parts.hostAgent(), parts.settings().acquireTimeout().plus(START_ASK_MARGIN),
                replyTo -> new HostCommand.PowerOn(c.vm(), parts.settings().acquireTimeout().toMillis(), c.paused(), replyTo),
                (reply, failure) -> new Started(reply, c));
    }

    private Behavior<Msg> onStarted(Started s) {
        Candidate c = s.candidate();
        inFlight.remove(c.vm());
        if (s.reply() instanceof HostReply.VmStarted started) {
            retries.remove(c.vm());
            pendingSince.remove(c.vm());
            parts.events().publish("VmRestartedByHa", c.vm(), "VM " + c.vm() + " restarted by HA on " + parts.self()
                    + " (epoch " + started.epoch() + ", " + (started.restoredSeq() < 0 ? "cold boot: no checkpoint"
                    : "from checkpoint " + started.restoredSeq()) + "); it ran on failed host " + c.from() + " at epoch " + c.epoch());
            record(c.vm(), started.epoch());
        } else if (s.reply() instanceof HostReply.Refused refused) {
            // Most often another survivor won the lease; the next scan no longer lists the VM then.
            ctx.getLog().info("HA restart of {} on {} refused: {}", c.vm(), parts.self(), refused.reason());
            backOff(c.vm(), System.nanoTime());
        } else {
            // No answer in time: tried again after the back-off; the lease keeps a late start from running twice.
            ctx.getLog().warn("HA restart of {} on {}: no answer from the host agent ({})", c.vm(), parts.self(), s.reply());
            backOff(c.vm(), System.nanoTime());
        }
        return Behaviors.same();
    }

    private void backOff(String vm, long now) {
        Retry before = retries.get(vm);
        int attempts = before == null ? 0 : before.attempts() + 1;
        long wait = parts.settings().retryMin().toNanos() << Math.min(attempts, 20);
        wait = Math.min(wait, parts.settings().retryMax().toNanos());
        retries.put(vm, new Retry(now + wait, attempts));
    }

    // ---- telling the inventory ----

    /** Tells the inventory HA restarted the VM here; asked again until it answers (it may be moving or down). */
    private void record(String vm, long epoch) {
        ctx.ask(Reply.class, parts.inventory(), RECORD_ASK,
                r -> new InventoryCommand.RecordVmStarted(vm, parts.self(), epoch, Initiator.ha(), r),
                (reply, failure) -> new Recorded(vm, epoch, reply, failure));
    }

    private Behavior<Msg> onRecorded(Recorded r) {
        if (r.failure() != null) {
            timers.startSingleTimer("record-" + r.vm(), new Record(r.vm(), r.epoch()), RECORD_AGAIN);
        } else if (r.reply() instanceof Reply.Rejected rejected) {
            // Stale: the VM moved on since (or the host reported it first). Nothing to repeat.
            ctx.getLog().info("the inventory did not record HA's restart of {} at epoch {}: {}", r.vm(), r.epoch(),
                    rejected.rejection().message());
        }
        return Behaviors.same();
    }
}
