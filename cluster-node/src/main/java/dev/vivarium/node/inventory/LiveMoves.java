package dev.vivarium.node.inventory;

import dev.vivarium.node.hosts.HostDirectory;
import dev.vivarium.node.hosts.HostFigures;
import dev.vivarium.vcenter.drs.MoveChannel;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.MigrationStats;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import dev.vivarium.vm.migration.MigrationFigures;
import dev.vivarium.vm.migration.MigrationOutcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * DRS's moves by VMotion, through the hosts' own migration entry point ({@link
 * HostCommand.MigrateVm}): the inventory marks the migration as begun (it refuses one that may not
 * happen), the source host's agent migrates the VM live to the target's agent, and the inventory
 * records how it ended, with the figures the hosts measured and the lease epoch the VM runs under
 * on the target. This is the whole cluster-side protocol of a live migration; a cluster-level
 * migration coordinator, when there is one, can take its place behind {@link MoveChannel}.
 */
public final class LiveMoves implements MoveChannel {

    public static final String HOW = "vmotion";
    private static final Duration ASK = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofMillis(250);

    private final InventoryAsk inventory;
    private final HostFigures figures;
    private final Duration timeout;

    public LiveMoves(InventoryAsk inventory, HostFigures figures, Duration timeout) {
        this.inventory = inventory;
        this.figures = figures;
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<Outcome> move(String vm, String from, String to, String why) {
        long started = System.nanoTime();
        return inventory.change(r -> new InventoryCommand.StartMigration(vm, to, "", false, Initiator.drs(), r))
                .thenCompose(accepted -> agents().thenCompose(agents -> {
                    ActorRef<HostCommand> source = agents.get(from);
                    ActorRef<HostCommand> target = agents.get(to);
                    if (source == null || target == null) {
                        MigrationOutcome none = new MigrationOutcome(vm, from, to, MigrationOutcome.Result.REFUSED,
                                "no host agent named " + (source == null ? from : to) + " answers", from, 0, MigrationFigures.NONE);
                        return CompletableFuture.completedFuture(none);
                    }
                    return AskPattern.<HostCommand, MigrationOutcome>ask(source,
                            reply -> new HostCommand.MigrateVm(vm, to, target, 0, reply), timeout, inventory.system().scheduler());
                }).exceptionallyCompose(e -> {
                    // Begun in the inventory but not answered: say so there, as the VM stays where it was.
                    MigrationOutcome lost = new MigrationOutcome(vm, from, to, MigrationOutcome.Result.FAILED,
                            "the source host did not answer: " + e.getMessage(), from, 0, MigrationFigures.NONE);
                    return CompletableFuture.completedFuture(lost);
                }))
                .thenCompose(o -> record(o).handle((recorded, notRecorded) -> {
                    // The hosts' outcome is what happened; the inventory not taking it is said beside it.
                    double totalMs = (System.nanoTime() - started) / 1e6;
                    MigrationFigures f = o.figures();
                    double downtimeMs = f.downtimeNanos() < 0 ? Double.NaN : f.downtimeNanos() / 1e6;
                    String message = o.migrated()
                            ? String.format(Locale.ROOT, "VM %s runs on %s after %d pre-copy rounds", vm, to, f.rounds())
                            : o.result().name().toLowerCase(Locale.ROOT) + ": " + o.reason();
                    return new Outcome(o.migrated(), HOW, downtimeMs, totalMs, notRecorded == null ? message
                            : message + " (the inventory did not record it: " + notRecorded.getMessage() + ")");
                }));
    }

    /** The inventory learns how the migration ended; a migrated VM with the epoch its new host reports. */
    private CompletionStage<Void> record(MigrationOutcome o) {
        MigrationStats stats = stats(o.figures());
        if (!o.migrated()) {
            return inventory.change(r -> new InventoryCommand.RecordMigrationFailed(o.vm(), o.from(), o.to(), o.reason(),
                    o.runsOn(), o.result() == MigrationOutcome.Result.CANCELLED, stats, Initiator.drs(), r)).thenAccept(ok -> { });
        }
        return FiguresPoll.until(inventory.system(), timeout, "VM " + o.vm() + " was not reported on " + o.to(),
                        () -> figures.running(o.vm()).filter(r -> r.host().equals(o.to()))
                                .map(r -> Long.toString(r.stats().epoch())))
                .thenCompose(epoch -> migrated(o, Long.parseLong(epoch), stats, System.nanoTime() + timeout.toNanos()));
    }

    /**
     * Records the arrival. The hosts report on their own what stopped and started on them, and the
     * source's "stopped" may land first: the inventory then has the VM on no host and refuses an
     * arrival from the source until the target's "started" puts it on the target under the new
     * epoch, which is the arrival again. So a refusal is tried again until the timeout.
     */
    private CompletionStage<Void> migrated(MigrationOutcome o, long epoch, MigrationStats stats, long deadlineNanos) {
        return inventory.change(r -> new InventoryCommand.RecordVmMigrated(o.vm(), o.from(), o.to(), epoch, Initiator.drs(),
                        r, stats))
                .<CompletionStage<Void>>handle((ok, e) -> {
                    if (e == null) {
                        return CompletableFuture.completedFuture(null);
                    }
                    if (System.nanoTime() - deadlineNanos > 0) {
                        return CompletableFuture.failedFuture(e);
                    }
                    CompletableFuture<Void> again = new CompletableFuture<>();
                    inventory.system().scheduler().scheduleOnce(RETRY, () -> migrated(o, epoch, stats, deadlineNanos)
                            .whenComplete((v, f) -> {
                                if (f != null) {
                                    again.completeExceptionally(f);
                                } else {
                                    again.complete(null);
                                }
                            }), inventory.system().executionContext());
                    return again;
                })
                .thenCompose(stage -> stage);
    }

    /** Every host's agent by its host's name (the agents say their names in their figures). */
    private CompletionStage<Map<String, ActorRef<HostCommand>>> agents() {
        var system = inventory.system();
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                        r -> Receptionist.find(HostDirectory.AGENTS, r), ASK, system.scheduler())
                .thenCompose(listing -> {
                    List<CompletableFuture<Optional<Map.Entry<String, ActorRef<HostCommand>>>>> asks =
                            listing.getServiceInstances(HostDirectory.AGENTS).stream()
                                    .map(agent -> AskPattern.<HostCommand, HostReply>ask(agent, HostCommand.GetStats::new, ASK,
                                                    system.scheduler()).toCompletableFuture()
                                            .thenApply(reply -> reply instanceof HostReply.HostStats s
                                                    ? Optional.of(Map.entry(s.host(), agent)) : Optional.<Map.Entry<String,
                                                    ActorRef<HostCommand>>>empty())
                                            .exceptionally(e -> Optional.empty()))
                                    .toList();
                    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
                        Map<String, ActorRef<HostCommand>> byName = new HashMap<>();
                        asks.forEach(a -> a.join().ifPresent(e -> byName.put(e.getKey(), e.getValue())));
                        return byName;
                    });
                });
    }

    /** The hosts' figures as the inventory keeps them (milliseconds; -1 unknown). */
    static MigrationStats stats(MigrationFigures f) {
        return new MigrationStats(ms(f.downtimeNanos()), ms(f.sourceDowntimeNanos()), ms(f.totalNanos()), f.rounds(),
                f.bytesSent(), f.pagesSent(), f.zeroPages(), f.switchPages(), f.diskSectors(), f.converged(),
                f.throttlePercent() > 0, f.throttlePercent(), f.bandwidthBytesPerSecond() / 1e6, ms(f.budgetNanos()),
                ms(f.stopNanos()), ms(f.loadNanos()), ms(f.handOverNanos()), ms(f.resumeNanos()), ms(f.rttNanos()),
                f.sameClock(), String.format(Locale.ROOT, "%08x", f.memoryChecksum()), f.verified());
    }

    private static double ms(long nanos) {
        return nanos < 0 ? -1 : nanos / 1e6;
    }
}
