package dev.vivarium.node.migration;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.vm.VmTask;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.MigrationStats;
import dev.vivarium.vcenter.migration.MigrationReply;
import dev.vivarium.vcenter.migration.MigrationRequest;
import dev.vivarium.vcenter.migration.MigrationResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Live migration for the API and maintenance mode, over this node's {@link MigrationCoordinator}:
 * a request answers once the migration is accepted (or fails at once, 404 or 409 with the
 * reason), and its task ends with the migration, carrying its figures as {@code details}.
 */
public final class MigrationService {

    /** An accepted migration: where from and to, and how it ends. */
    public record Accepted(String from, String to, CompletionStage<MigrationResult> result) {
    }

    private final ActorSystem<?> system;
    private final ActorRef<MigrationRequest> coordinator;
    private final Duration ask;
    private final AtomicLong requests = new AtomicLong();

    public MigrationService(ActorSystem<?> system, ActorRef<MigrationRequest> coordinator, Duration ask) {
        this.system = system;
        this.coordinator = coordinator;
        this.ask = ask;
    }

    /**
     * Asks for a migration of {@code vm} to {@code to} (null: the coordinator chooses). Completes
     * once it has begun; fails with 404 (no such VM) or 409 (refused, with why) when it may not.
     */
    public CompletionStage<Accepted> migrate(String vm, String to, boolean keepTogether, String task, Initiator by) {
        return migrate(vm, to, 0, keepTogether, task, by);
    }

    /** {@link #migrate(String, String, boolean, String, Initiator)} aiming for a pause of {@code budgetNanos} (0: the host's). */
    public CompletionStage<Accepted> migrate(String vm, String to, long budgetNanos, boolean keepTogether, String task,
                                             Initiator by) {
        CompletableFuture<Accepted> accepted = new CompletableFuture<>();
        CompletableFuture<MigrationResult> finished = new CompletableFuture<>();
        ActorRef<MigrationReply> replies = system.systemActorOf(Behaviors.receive(MigrationReply.class)
                .onMessage(MigrationReply.Accepted.class, a -> {
                    accepted.complete(new Accepted(a.from(), a.to(), finished));
                    return Behaviors.same();
                })
                .onMessage(MigrationReply.Finished.class, f -> {
                    MigrationResult r = f.result();
                    if (!accepted.isDone()) {
                        if (r.outcome() == MigrationResult.Outcome.NOT_FOUND) {
                            accepted.completeExceptionally(ApiException.notFound(r.reason()));
                        } else if (r.outcome() == MigrationResult.Outcome.REFUSED) {
                            accepted.completeExceptionally(ApiException.conflict(r.reason()));
                        } else {
                            accepted.complete(new Accepted(r.from(), r.to(), finished));
                        }
                    }
                    finished.complete(r);
                    return Behaviors.stopped();
                })
                .build(), "migration-request-" + requests.incrementAndGet(), Props.empty());
        coordinator.tell(new MigrationRequest.Migrate(vm, to, budgetNanos, keepTogether, task, by, replies));
        return accepted;
    }

    /** The API's task for a migration: its result line, its figures, and a cancel. */
    public CompletionStage<VmTask> task(String vm, String to, long budgetNanos, Initiator by) {
        return migrate(vm, to, budgetNanos, true, "API (" + by + ")", by).thenApply(a -> new VmTask("migrate " + vm + " from " + a.from()
                + " to " + a.to(), a.result().thenApply(MigrationService::outcome), a.result().thenApply(r -> (Object) details(r)),
                () -> cancel(vm).thenApply(c -> {
                    if (!c.cancelled()) {
                        throw new IllegalStateException(c.detail());
                    }
                    return "the migration of " + vm + " is cancelled";
                })));
    }

    /** Cancels the VM's migration from any node. */
    public CompletionStage<MigrationReply.CancelAnswer> cancel(String vm) {
        return AskPattern.<MigrationRequest, MigrationReply>ask(coordinator,
                        r -> new MigrationRequest.Cancel(vm, Initiator.api("api"), r), ask.multipliedBy(3), system.scheduler())
                .thenApply(reply -> (MigrationReply.CancelAnswer) reply);
    }

    /** The task's result line; a failure (with where the VM runs) for a migration that did not happen. */
    public static String outcome(MigrationResult r) {
        if (r.outcome() == MigrationResult.Outcome.MIGRATED) {
            return describe(r);
        }
        throw new IllegalStateException(describe(r));
    }

    /** How the migration ended, in a line: its figures, or why it did not happen and where the VM runs. */
    public static String describe(MigrationResult r) {
        MigrationStats s = r.stats();
        if (r.outcome() == MigrationResult.Outcome.MIGRATED) {
            return r.vm() + " migrated from " + r.from() + " to " + r.to() + (s == null ? " (" + r.reason() + ")"
                    : String.format(Locale.ROOT, ": downtime %.2f ms (source %.2f ms), total %.0f ms, %d rounds, %.1f MiB sent%s",
                    s.downtimeMs(), s.sourceDowntimeMs(), s.totalMs(), s.rounds(), s.bytesSent() / 1048576.0,
                    s.throttled() ? ", guest throttled by up to " + s.throttlePercent() + "%" : ""));
        }
        return (r.outcome() == MigrationResult.Outcome.CANCELLED ? "cancelled: " : "")
                + r.reason() + "; " + r.vm() + " runs " + (r.runsOn() == null ? "nowhere" : "on " + r.runsOn());
    }

    /** The task's {@code details}: from, to, the outcome and every figure, for scripts. */
    public static Map<String, Object> details(MigrationResult r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("from", r.from());
        d.put("to", r.to());
        d.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
        d.put("runsOn", r.runsOn());
        d.put("epoch", r.epoch());
        if (!r.reason().isEmpty()) {
            d.put("reason", r.reason());
        }
        MigrationStats s = r.stats();
        if (s != null) {
            d.put("downtimeMs", s.downtimeMs());
            d.put("sourceDowntimeMs", s.sourceDowntimeMs());
            d.put("totalMs", s.totalMs());
            d.put("rounds", s.rounds());
            d.put("bytesSent", s.bytesSent());
            d.put("pagesSent", s.pagesSent());
            d.put("zeroPages", s.zeroPages());
            d.put("switchPages", s.switchPages());
            d.put("diskSectors", s.diskSectors());
            d.put("converged", s.converged());
            d.put("throttled", s.throttled());
            d.put("throttlePercent", s.throttlePercent());
            d.put("bandwidthMBps", s.bandwidthMBps());
            d.put("budgetMs", s.budgetMs());
            d.put("stopMs", s.stopMs());
            d.put("loadMs", s.loadMs());
            d.put("handOverMs", s.handOverMs());
            d.put("resumeMs", s.resumeMs());
            d.put("rttMs", s.rttMs());
            d.put("sameClock", s.sameClock());
            d.put("memoryChecksum", s.memoryChecksum());
            d.put("verified", s.verified());
        }
        return d;
    }
}
