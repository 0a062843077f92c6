package dev.vivarium.node.inventory;

import dev.vivarium.node.api.Failures;
import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.hosts.HostFigures;
import dev.vivarium.node.hosts.HostMaintenance;
import dev.vivarium.node.hosts.VmActors;
import dev.vivarium.node.migration.MigrationService;
import dev.vivarium.node.vm.VmTask;
import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.HostState;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.migration.MigrationResult;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vm.actor.VmCommand;
import java.time.Duration;
import dev.vivarium.drs.core.Placement;
import dev.vivarium.drs.core.Placer;
import dev.vivarium.vcenter.placement.ClusterView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance mode over the inventory. Entering marks the host (the reconciler then places
 * nothing there) and empties it: each running VM moves live (VMotion, to the host with the most
 * room, a few at a time by the host's limit), and one that cannot move live moves cold,
 * suspended to the datastore here and resumed from its checkpoint wherever the reconciler places
 * it. When the other hosts have no room for them all, the request fails before anything
 * changes, unless it asked to power those VMs off (vSphere refuses likewise: no host can take
 * these VMs). The task succeeds once no VM runs on the host and the moved ones run elsewhere.
 */
public final class InventoryMaintenance implements HostMaintenance {

    private static final Logger LOG = LoggerFactory.getLogger(InventoryMaintenance.class);

    private final InventoryAsk inventory;
    private final VmActors actors;
    private final HostFigures figures;
    private final Duration taskTimeout;
    private final Initiator caller;
    private final MigrationService migrations;

    public InventoryMaintenance(InventoryAsk inventory, VmActors actors, HostFigures figures, Duration taskTimeout,
                                Initiator caller, MigrationService migrations) {
        this.inventory = inventory;
        this.actors = actors;
        this.figures = figures;
        this.taskTimeout = taskTimeout;
        this.caller = caller;
        this.migrations = migrations;
    }

    /** Which VMs of the host move elsewhere, and which no other host can take (and why not, by VM). */
    record Evacuation(List<VmRecord> moving, List<VmRecord> homeless, Map<String, String> why) {
    }

    @Override
    public CompletionStage<VmTask> enter(String host, boolean powerOffVms) {
        return inventory.snapshot().thenApply(inv -> {
            HostRecord h = inv.hosts().get(host);
            if (h == null) {
                throw ApiException.notFound("no host named " + host);
            }
            if (h.state() != HostState.CONNECTED) {
                throw ApiException.conflict("host " + host + " is " + (h.state() == HostState.MAINTENANCE
                        ? "already in maintenance mode" : h.state().name().toLowerCase() + "; only a connected host enters maintenance mode"));
            }
            Evacuation plan = plan(inv, host, figures::vmsOn, figures.demands());
            return new VmTask("enter maintenance mode " + host, evacuate(inv, host, plan, powerOffVms));
        });
    }

    @Override
    public CompletionStage<VmTask> exit(String host) {
        return inventory.change(r -> new InventoryCommand.ExitMaintenance(host, caller, r))
                .thenApply(ok -> new VmTask("exit maintenance mode " + host,
                        CompletableFuture.completedFuture(host + " exited maintenance mode and takes VMs again")));
    }

    /**
     * Where the host's VMs go, by DRS's placement (the choice a maintenance move makes in a DRS
     * round): each to a connected host with its memory and reservation free that keeps the
     * rules, highest restart priority first. What runs where is the union of the inventory's
     * records and the hosts' reports ({@code runningOn}): a VM that has just started is in the
     * reports before the inventory has recorded it, and one just stopped the other way round.
     */
    static Evacuation plan(Inventory inv, String host, Function<String, List<String>> runningOn,
                           Map<String, ClusterView.Figures> figures) {
        Map<String, String> where = new HashMap<>();
        for (HostRecord h : inv.hosts().values()) {
            if (h.state().up()) {
                on(inv, h.name(), runningOn).forEach(v -> where.putIfAbsent(v.name(), h.name()));
            }
        }
        on(inv, host, runningOn).forEach(v -> where.put(v.name(), host));
        List<VmRecord> moving = new ArrayList<>();
        List<VmRecord> homeless = new ArrayList<>();
        Map<String, String> why = new HashMap<>();
        for (Placement p : Placer.evacuate(ClusterView.of(inv, where, figures, Set.of()), host)) {
            if (p instanceof Placement.Unplaced u) {
                homeless.add(inv.vms().get(p.vm()));
                why.put(p.vm(), u.why());
            } else {
                moving.add(inv.vms().get(p.vm()));
            }
        }
        return new Evacuation(moving, homeless, why);
    }

    static Evacuation plan(Inventory inv, String host, Function<String, List<String>> runningOn) {
        return plan(inv, host, runningOn, Map.of());
    }

    /** The inventory's VMs that should run and run on {@code host} by its records or by the host's report. */
    private static List<VmRecord> on(Inventory inv, String host, Function<String, List<String>> runningOn) {
        Set<String> reported = new HashSet<>(runningOn.apply(host));
        // A VM the inventory wants stopped is being stopped where it is: it needs no room elsewhere.
        return inv.vms().values().stream().filter(v -> v.desired().resident())
                .filter(v -> host.equals(v.host()) || reported.contains(v.name())).toList();
    }

    private CompletionStage<String> evacuate(Inventory inv, String host, Evacuation plan, boolean powerOffVms) {
        if (!plan.homeless().isEmpty() && !powerOffVms) {
            return CompletableFuture.failedFuture(new IllegalStateException("no host can take these VMs of " + host + ": "
                    + String.join(", ", plan.homeless().stream().map(v -> v.name() + " (" + plan.why().get(v.name()) + ")")
                            .toList()) + "; host " + host
                    + " stays out of maintenance mode. Ask with powerOffVms (CLI: --power-off-vms) to power them off instead"));
        }
        LOG.info("host {} enters maintenance mode: moving [{}], powering off [{}]", host, names(plan.moving()),
                names(plan.homeless()));
        Set<String> handled = ConcurrentHashMap.newKeySet();
        Set<String> cold = ConcurrentHashMap.newKeySet();
        plan.homeless().forEach(vm -> handled.add(vm.name()));
        // The reconciler stops these (they should not run); suspending them would leave a checkpoint to resume from.
        inv.vms().values().stream().filter(v -> !v.desired().resident()).forEach(v -> handled.add(v.name()));
        AtomicReference<String> failure = new AtomicReference<>();
        return inventory.change(r -> new InventoryCommand.EnterMaintenance(host, caller, r)).thenCompose(entered -> {
            List<CompletableFuture<?>> steps = new ArrayList<>();
            for (VmRecord vm : plan.homeless()) {
                steps.add(inventory.change(r -> new InventoryCommand.RequestPowerState(vm.name(), PowerState.POWERED_OFF,
                        caller, r)).toCompletableFuture());
            }
            return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
        }).thenCompose(off -> FiguresPoll.until(inventory.system(), taskTimeout, "host " + host + " still runs VMs", () -> {
            if (failure.get() != null) {
                throw new IllegalStateException(failure.get());
            }
            List<String> left = figures.vmsOn(host);
            // Also a VM whose placement here was under way when the host entered maintenance mode.
            left.stream().filter(handled::add).forEach(vm -> move(host, vm, cold, failure));
            return left.isEmpty() ? Optional.of("") : Optional.empty();
        })).thenCompose(empty -> landed(host, plan))
                .thenApply(done -> host + " is in maintenance mode"
                        + (plan.moving().isEmpty() ? "" : "; moved " + names(plan.moving()) + " ("
                        + (cold.isEmpty() ? "live" : "live but for " + String.join(", ", cold) + ", suspended here and resumed elsewhere") + ")")
                        + (plan.homeless().isEmpty() ? "" : "; powered off " + names(plan.homeless())));
    }

    /**
     * Moves a VM of the host live, to whichever host has the most room (affinity partners move
     * one after the other, so the rule is broken for a moment); one that cannot move live moves
     * cold instead.
     */
    private void move(String host, String vm, Set<String> cold, AtomicReference<String> failure) {
        migrations.migrate(vm, null, false, "maintenance mode of " + host, caller)
                .thenCompose(MigrationService.Accepted::result)
                .whenComplete((result, refused) -> {
                    if (refused == null && result.outcome() == MigrationResult.Outcome.MIGRATED) {
                        LOG.info("maintenance of {}: {} moved live to {}", host, vm, result.to());
                    } else if (figures.vmsOn(host).contains(vm)) {
                        LOG.info("maintenance of {}: {} cannot move live ({}), so it moves cold", host, vm,
                                refused != null ? rootMessage(refused) : result.reason());
                        cold.add(vm);
                        suspend(host, vm, failure);
                    }
                });
    }

    /** Suspends a VM of the host; the inventory still wants it running, so the reconciler resumes it on a host outside maintenance. */
    private void suspend(String host, String vm, AtomicReference<String> failure) {
        actors.ask(vm, VmCommand.Suspend::new, taskTimeout).thenApply(VmActors::outcome).whenComplete((done, failed) -> {
            if (failed != null) {
                failure.compareAndSet(null, "suspending " + vm + " failed: " + rootMessage(failed));
            }
            LOG.info("maintenance of {}: {}", host, failed == null ? done : failure.get());
        });
    }

    private static String rootMessage(Throwable failed) {
        Throwable cause = Failures.cause(failed);
        return cause.getMessage();
    }

    /**
     * Waits until every moved VM runs on another host (the reconciler resumes it there; one the
     * inventory wants paused, it resumes paused).
     */
    private CompletionStage<?> landed(String host, Evacuation plan) {
        List<CompletableFuture<?>> moves = new ArrayList<>();
        for (VmRecord vm : plan.moving()) {
            moves.add(FiguresPoll.until(inventory.system(), taskTimeout,
                    "VM " + vm.name() + " was not running on another host",
                    () -> figures.running(vm.name()).map(w -> w.host()).filter(h -> !h.equals(host))).toCompletableFuture());
        }
        return CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new));
    }

    private static String names(List<VmRecord> vms) {
        return String.join(", ", vms.stream().map(VmRecord::name).toList());
    }
}
