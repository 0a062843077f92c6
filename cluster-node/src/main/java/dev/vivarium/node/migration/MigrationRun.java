package dev.vivarium.node.migration;

import dev.vivarium.node.hosts.AgentHosts;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.MigrationDecisions;
import dev.vivarium.vcenter.inventory.MigrationStats;
import dev.vivarium.vcenter.inventory.Rejection;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.migration.MigrationReply;
import dev.vivarium.vcenter.migration.MigrationRequest;
import dev.vivarium.vcenter.migration.MigrationResult;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.Reply;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import dev.vivarium.vm.migration.MigrationOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One migration from request to record: the inventory says whether and where (choosing the
 * host when none is named), records the start, the source host's agent carries it out, and the
 * inventory records how it ended. If the source's node goes away meanwhile, the hosts are asked
 * where the VM runs and that is recorded.
 */
final class MigrationRun {

    interface Msg {
    }

    private record Observed(Inventory inventory) implements Msg {
    }

    /** Look again: the inventory records a VM's start a reconcile period after its host reports it. */
    private record LookAgain() implements Msg {
    }

    private static final int LOOKS = 20;
    private static final Duration LOOK_EVERY = Duration.ofMillis(250);
    private int looks;

    private record Agents(Inventory inventory, String to, Map<String, ActorRef<HostCommand>> agents) implements Msg {
    }

    private record Started(String from, String to, ActorRef<HostCommand> source, ActorRef<HostCommand> target, Reply reply)
            implements Msg {
    }

    private record Ended(MigrationOutcome outcome) implements Msg {
    }

    private record SourceLost(String from, String to) implements Msg {
    }

    /** Where the VM runs, with the lease epoch its host reports. */
    private record Found(String host, long epoch) {
    }

    private record Located(String from, String to, Optional<Found> where) implements Msg {
    }

    private record Recorded(MigrationResult result) implements Msg {
    }

    /** The inventory did not take the end's record (its singleton moving to another node): try again. */
    private record RecordAgain(MigrationOutcome outcome, int attempt) implements Msg {
    }


    private record Broken(String why) implements Msg {
    }

    /** What a run needs from its node. */
    record Parts(ActorRef<InventoryCommand> inventory, Duration ask, Duration runTimeout) {
    }

    private final ActorContext<Msg> ctx;
    private final Parts parts;
    private final MigrationRequest.Migrate request;
    private final String vm;

    static Behavior<Msg> create(Parts parts, MigrationRequest.Migrate request) {
        return Behaviors.setup(ctx -> new MigrationRun(ctx, parts, request).start());
    }

    private MigrationRun(ActorContext<Msg> ctx, Parts parts, MigrationRequest.Migrate request) {
        this.ctx = ctx;
        this.parts = parts;
        this.request = request;
        this.vm = request.vm();
    }

    private Behavior<Msg> start() {
        look();
        return Behaviors.receive(Msg.class)
                .onMessage(Observed.class, this::observed)
                .onMessage(LookAgain.class, l -> {
                    look();
                    return Behaviors.same();
                })
                .onMessage(Agents.class, this::withAgents)
                .onMessage(Started.class, this::started)
                .onMessage(Ended.class, e -> record(e.outcome(), 1))
                .onMessage(RecordAgain.class, again -> record(again.outcome(), again.attempt()))
                .onMessage(SourceLost.class, this::sourceLost)
                .onMessage(Located.class, this::located)
                .onMessage(Recorded.class, r -> {
                    request.replyTo().tell(new MigrationReply.Finished(r.result()));
                    return Behaviors.stopped();
                })
                .onMessage(Broken.class, b -> finish(MigrationResult.refused(vm, null, request.toHost(), b.why())))
                .build();
    }

    private void look() {
        looks++;
        ctx.ask(InventorySnapshot.class, parts.inventory(), parts.ask(), InventoryCommand.GetInventory::new,
                (snapshot, failure) -> snapshot != null ? new Observed(snapshot.inventory())
                        : new Broken("the inventory did not answer: " + failure.getMessage()));
    }

    private Behavior<Msg> observed(Observed o) {
        Inventory inv = o.inventory();
        VmRecord record = inv.vms().get(vm);
        if (record == null) {
            return finish(new MigrationResult(vm, null, request.toHost(), MigrationResult.Outcome.NOT_FOUND, "no VM named " + vm,
                    null, 0, null));
        }
        if (!record.running() && record.desired().resident() && looks < LOOKS) {
            ctx.scheduleOnce(LOOK_EVERY, ctx.getSelf(), new LookAgain()); // just powered on: its host's report is on its way
            return Behaviors.same();
        }
        String to = request.toHost();
        if (to == null) {
            String[] why = new String[1];
            Optional<String> chosen = MigrationDecisions.chooseTarget(inv, vm, request.keepTogether(), Instant.now(), why);
            if (chosen.isEmpty()) {
                return finish(MigrationResult.refused(vm, record.host(), null, why[0]));
            }
            to = chosen.get();
        }
        String target = to;
        ctx.pipeToSelf(AgentHosts.byHost(ctx.getSystem(), parts.ask()), (agents, failure) -> agents != null
                ? new Agents(inv, target, agents) : new Broken("the hosts' agents could not be listed: " + failure.getMessage()));
        return Behaviors.same();
    }

    private Behavior<Msg> withAgents(Agents a) {
        VmRecord record = a.inventory().vms().get(vm);
        String from = record.host();
        ActorRef<HostCommand> source = from == null ? null : a.agents().get(from);
        ActorRef<HostCommand> target = a.agents().get(a.to());
        // The inventory refuses first, with its reasons (not running, unknown target, maintenance, room, rules).
        ctx.ask(Reply.class, parts.inventory(), parts.ask(),
                r -> new InventoryCommand.StartMigration(vm, a.to(), request.task(), request.keepTogether(), request.by(), r),
                (reply, failure) -> reply != null ? new Started(from, a.to(), source, target, reply)
                        : new Broken("the inventory did not answer: " + failure.getMessage()));
        return Behaviors.same();
    }

    private Behavior<Msg> started(Started s) {
        if (s.reply() instanceof Reply.Rejected rejected) {
            return finish(new MigrationResult(vm, s.from(), s.to(), rejected.rejection().reason() == Rejection.Reason.NOT_FOUND
                    ? MigrationResult.Outcome.NOT_FOUND : MigrationResult.Outcome.REFUSED, rejected.rejection().message(),
                    s.from(), 0, null));
        }
        if (s.source() == null || s.target() == null) {
            // Recorded as begun: it must be recorded as ended too.
            String missing = s.source() == null ? s.from() : s.to();
            return record(new MigrationOutcome(vm, s.from(), s.to(), MigrationOutcome.Result.REFUSED,
                    "host " + missing + " has no agent in the cluster (its node is down or still starting)", s.from(), 0, null), 1);
        }
        request.replyTo().tell(new MigrationReply.Accepted(vm, s.from(), s.to()));
        ActorRef<MigrationOutcome> outcomes = ctx.messageAdapter(MigrationOutcome.class, Ended::new);
        ctx.watchWith(s.source(), new SourceLost(s.from(), s.to()));
        s.source().tell(new HostCommand.MigrateVm(vm, s.to(), s.target(), request.downtimeBudgetNanos(), outcomes));
        ctx.scheduleOnce(parts.runTimeout(), ctx.getSelf(), new SourceLost(s.from(), s.to()));
        return Behaviors.same();
    }

    private boolean ending;

    /** The source's node went away, or never answered: where does the VM run now? */
    private Behavior<Msg> sourceLost(SourceLost lost) {
        if (ending) {
            return Behaviors.same();
        }
        ending = true;
        ctx.pipeToSelf(AgentHosts.byHost(ctx.getSystem(), parts.ask()).thenCompose(agents -> {
            List<CompletableFuture<Found>> asks = agents.entrySet().stream().map(e -> AskPattern.<HostCommand, HostReply>ask(
                            e.getValue(), HostCommand.GetStats::new, parts.ask(), ctx.getSystem().scheduler())
                    .toCompletableFuture().handle((reply, f) -> reply instanceof HostReply.HostStats stats
                            ? stats.vms().stream().filter(v -> v.vm().equals(vm)).findFirst()
                                    .map(v -> new Found(e.getKey(), v.epoch())).orElse(null) : null)).toList();
            return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                    .thenApply(done -> asks.stream().map(CompletableFuture::join).filter(Objects::nonNull).findFirst());
        }), (where, failure) -> new Located(lost.from(), lost.to(), where == null ? Optional.empty() : where));
        return Behaviors.same();
    }

    private Behavior<Msg> located(Located l) {
        String where = l.where().map(Found::host).orElse(null);
        boolean moved = l.to().equals(where);
        return record(new MigrationOutcome(vm, l.from(), l.to(), moved ? MigrationOutcome.Result.MIGRATED : MigrationOutcome.Result.FAILED,
                "no answer from the source host during the migration; the VM runs " + (where == null ? "nowhere" : "on " + where),
                where, moved ? l.where().get().epoch() : 0, null), 1);
    }

    /**
     * Records how it ended, then answers. The record is tried again while the inventory does not
     * answer (its node may have been the one that failed): a migration left as begun would hold
     * the VM from the reconciler until it expires.
     */
    private Behavior<Msg> record(MigrationOutcome o, int attempt) {
        ending = true;
        MigrationStats stats = Stats.of(o.figures());
        MigrationResult result = new MigrationResult(vm, o.from(), o.to(), switch (o.result()) {
            case MIGRATED -> MigrationResult.Outcome.MIGRATED;
            case CANCELLED -> MigrationResult.Outcome.CANCELLED;
            case REFUSED, FAILED -> MigrationResult.Outcome.FAILED;
        }, o.reason(), o.runsOn(), o.epoch(), stats);
        long attempts = Math.max(1, parts.runTimeout().toMillis() / parts.ask().toMillis());
        org.apache.pekko.japi.function.Function2<Reply, Throwable, Msg> then = (reply, failure) -> reply != null || attempt >= attempts
                ? new Recorded(result) : new RecordAgain(o, attempt + 1);
        if (attempt > 1) {
            ctx.getLog().info("migration of {}: recording its end again (attempt {})", vm, attempt);
        }
        if (o.migrated() && o.epoch() > 0) {
            ctx.ask(Reply.class, parts.inventory(), parts.ask(),
                    r -> new InventoryCommand.RecordVmMigrated(vm, o.from(), o.to(), o.epoch(), request.by(), r, stats), then);
        } else if (!o.migrated()) {
            ctx.ask(Reply.class, parts.inventory(), parts.ask(),
                    r -> new InventoryCommand.RecordMigrationFailed(vm, o.from(), o.to(), o.reason(), o.runsOn(),
                            o.result() == MigrationOutcome.Result.CANCELLED, stats, request.by(), r), then);
        } else {
            ctx.getSelf().tell(new Recorded(result));
        }
        return Behaviors.same();
    }

    private Behavior<Msg> finish(MigrationResult result) {
        request.replyTo().tell(new MigrationReply.Finished(result));
        return Behaviors.stopped();
    }
}
