package dev.vivarium.node.inventory;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.hosts.HostFigures;
import dev.vivarium.node.migration.MigrationService;
import dev.vivarium.node.vm.MigrationView;
import dev.vivarium.node.vm.SnapshotView;
import dev.vivarium.node.vm.VmOperation;
import dev.vivarium.node.vm.VmService;
import dev.vivarium.node.vm.VmSpec;
import dev.vivarium.node.vm.VmTask;
import dev.vivarium.node.vm.VmView;
import dev.vivarium.vcenter.inventory.Alarm;
import dev.vivarium.vcenter.inventory.ImageCatalog;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.InventoryEvent;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.RestartPriority;
import dev.vivarium.vcenter.inventory.VmConfig;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.inventory.VmValidation;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.Answers.VmList;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * The API's VMs over the inventory: what should be (configuration, desired power state, epoch)
 * from the inventory, what is (host, metrics) from the hosts' figures. Power operations record
 * the desired state; the reconciler makes it so, and the task completes when the hosts' figures
 * show the VM running (or no longer running). Operations that the running VM's actor carries
 * out are {@link RunningVmOperations}' and {@link VmSnapshots}'; live migration is {@link MigrationService}'s.
 */
public final class InventoryVmService implements VmService {

    public static final Initiator CALLER = Initiator.api("api");

    private final InventoryAsk inventory;
    private final HostFigures figures;
    private final RunningVmOperations running;
    private final VmSnapshots snapshots;
    private final MigrationService migrations;
    private final Duration taskTimeout;
    private final ClusterStatus admission;
    private final ImageCatalog catalog;
    private final BiConsumer<String, String> reconcileNow;

    /**
     * @param admission    HA's admission control of power-ons
     * @param catalog      the guests VMs are created from, checked before anything is stored
     * @param reconcileNow asks the reconciler to act at once on a power state just requested (the
     *                     VM, and why), rather than at its next period
     */
    public InventoryVmService(InventoryAsk inventory, HostFigures figures, RunningVmOperations running,
                              VmSnapshots snapshots, MigrationService migrations, Duration taskTimeout,
                              ClusterStatus admission, ImageCatalog catalog, BiConsumer<String, String> reconcileNow) {
        this.admission = admission;
        this.catalog = catalog;
        this.reconcileNow = reconcileNow;
        this.inventory = inventory;
        this.figures = figures;
        this.running = running;
        this.snapshots = snapshots;
        this.migrations = migrations;
        this.taskTimeout = taskTimeout;
    }

    @Override
    public CompletionStage<List<VmView>> list() {
        return inventory.<VmList>read(InventoryCommand.ListVms::new, inv -> new VmList(List.copyOf(inv.vms().values())))
                .thenApply(list -> {
                    // The list's failures from the node's mirror (up to a mirror period old): no second ask per list.
                    Optional<Inventory> mirrored = inventory.mirrored();
                    return list.vms().stream().map(vm -> view(vm, mirrored.flatMap(inv -> powerOnFailure(inv, vm.name())))).toList();
                });
    }

    @Override
    public CompletionStage<VmView> get(String name) {
        // The record and its standing failure from one read, so a power-on task seen failed shows its reason here too.
        // A VM the mirror does not know may be new: then the inventory's own answer says whether it exists.
        return inventory.read(InventoryCommand.GetInventory::new,
                inv -> inv.vms().containsKey(name) ? new InventorySnapshot(inv) : null).thenApply(snapshot -> {
            VmRecord vm = snapshot.inventory().vms().get(name);
            if (vm == null) {
                throw ApiException.notFound("no VM named " + name);
            }
            return view(vm, powerOnFailure(snapshot.inventory(), name));
        });
    }

    @Override
    public CompletionStage<VmView> create(VmSpec spec) {
        VmSpec s = spec.validated();
        VmConfig config = new VmConfig(s.name(), Math.toIntExact(s.memoryMiB()), s.image(), words(s.commandLine()),
                s.shares() == null ? VmValidation.NORMAL_SHARES : s.shares(), 0, 0, priority(s.restartPriority()),
                s.kernel(), s.initrd());
        VmValidation.check(config, catalog).ifPresent(problem -> {
            throw ApiException.badRequest(problem);
        });
        return inventory.change(r -> new InventoryCommand.CreateVm(config, CALLER, r)).thenCompose(ok -> get(s.name()));
    }

    @Override
    public CompletionStage<VmView> reconfigure(String name, Map<String, Object> changes) {
        return inventory.vm(name).thenCompose(vm -> {
            VmConfig c = vm.config();
            for (Map.Entry<String, Object> e : changes.entrySet()) {
                Object v = e.getValue();
                c = switch (e.getKey()) {
                    case "memoryMiB" -> c.withMemoryMiB(integer(e.getKey(), v));
                    case "shares" -> c.withShares(integer(e.getKey(), v));
                    case "commandLine" -> c.withCommandLine(words(String.valueOf(v)));
                    case "restartPriority" -> c.withRestartPriority(priority(String.valueOf(v)));
                    default -> throw ApiException.badRequest(e.getKey()
                            + ": cannot be changed (memoryMiB, commandLine, shares, restartPriority can)");
                };
            }
            VmConfig changed = c;
            return inventory.change(r -> new InventoryCommand.ReconfigureVm(changed, CALLER, r));
        }).thenCompose(ok -> get(name));
    }

    @Override
    public CompletionStage<Void> delete(String name) {
        return inventory.change(r -> new InventoryCommand.DeleteVm(name, CALLER, r)).thenApply(ok -> null);
    }

    @Override
    public CompletionStage<VmTask> submit(String name, VmOperation operation, String argument) {
        return switch (operation) {
            case RESET -> running.reset(name, CALLER);
            case SHUTDOWN -> running.shutdown(name, CALLER);
            case PAUSE -> running.pause(name, CALLER);
            case UNPAUSE -> running.unpause(name, CALLER);
            case SNAPSHOT -> snapshots.take(name, argument, "");
            case MIGRATE -> migrate(name, argument, null);
            case POWER_ON, RESUME -> inventory.vm(name).thenCompose(vm -> vm.desired() == PowerState.PAUSED
                    ? running.unpause(name, CALLER)
                    : (vm.desired().resident() ? inventory.vm(name) : admission.admit(vm))
                            .thenCompose(ok -> requestPower(name, operation, PowerState.POWERED_ON)));
            case POWER_OFF -> requestPower(name, operation, PowerState.POWERED_OFF);
            case SUSPEND -> requestPower(name, operation, PowerState.SUSPENDED);
        };
    }

    @Override
    public CompletionStage<VmTask> migrate(String name, String to, Double downtimeMs) {
        if (downtimeMs != null && !(downtimeMs > 0 && downtimeMs <= 60_000)) {
            throw ApiException.badRequest("downtimeMs: " + downtimeMs + " is not in (0, 60000]");
        }
        return migrations.task(name, to, downtimeMs == null ? 0 : Math.round(downtimeMs * 1e6), CALLER);
    }

    @Override
    public CompletionStage<List<?>> migrations(String name) {
        return inventory.snapshot().thenApply(inv -> {
            if (!inv.vms().containsKey(name)) {
                throw ApiException.notFound("no VM named " + name);
            }
            return inv.migrationsOf(name).stream().map(MigrationView::of).toList();
        });
    }

    @Override
    public CompletionStage<Map<String, Object>> cancelMigration(String name) {
        return inventory.vm(name).thenCompose(vm -> migrations.cancel(name)).thenApply(answer -> {
            if (!answer.cancelled()) {
                throw ApiException.conflict(answer.detail());
            }
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("vm", name);
            body.put("cancelled", true);
            body.put("detail", answer.detail());
            return body;
        });
    }

    @Override
    public CompletionStage<List<SnapshotView>> snapshots(String name) {
        return snapshots.list(name);
    }

    @Override
    public CompletionStage<VmTask> takeSnapshot(String name, String snapshot, String description) {
        return snapshots.take(name, snapshot, description);
    }

    @Override
    public CompletionStage<VmTask> revertToSnapshot(String name, String snapshot) {
        return snapshots.revert(name, snapshot);
    }

    @Override
    public CompletionStage<VmTask> deleteSnapshot(String name, String snapshot) {
        return snapshots.delete(name, snapshot);
    }

    /** Records the desired state; the reconciler makes it so, and the task ends when the figures show it. */
    private CompletionStage<VmTask> requestPower(String name, VmOperation operation, PowerState desired) {
        boolean wantRunning = desired.resident();
        Instant requested = Instant.now();
        return inventory.change(r -> new InventoryCommand.RequestPowerState(name, desired, CALLER, r))
                .thenApply(ok -> {
                    reconcileNow.accept(name, operation.urlName() + " " + name + " requested");
                    return new VmTask(operation.urlName() + " " + name, awaitRunning(name, wantRunning, requested));
                });
    }

    /**
     * Completes when the hosts' figures show the VM running (or not); a power-on fails as soon as
     * the reconciler records why it cannot happen (a failure newer than the request); any other
     * wait fails after the task timeout.
     */
    private CompletionStage<String> awaitRunning(String name, boolean running, Instant requested) {
        return FiguresPoll.untilAsync(inventory.system(), taskTimeout, name + " was not " + (running ? "running" : "stopped"),
                () -> {
                    var where = figures.running(name);
                    if (where.isPresent() == running) {
                        return CompletableFuture.completedFuture(
                                Optional.of(running ? name + " runs on " + where.get().host() : name + " runs nowhere"));
                    }
                    if (!running) {
                        return CompletableFuture.completedFuture(Optional.empty());
                    }
                    // The inventory itself, not this node's mirror of it (up to a mirror period old): a
                    // power-on that cannot happen fails as soon as the reconciler has recorded why.
                    return inventory.snapshot().thenApply(inv -> {
                        Optional<Alarm> failure = powerOnFailure(inv, name);
                        if (failure.isPresent() && !failure.get().raisedAt().isBefore(requested)) {
                            throw new IllegalStateException(name + " cannot be powered on: " + failure.get().message());
                        }
                        return Optional.<String>empty();
                    });
                });
    }

    /** The VM's standing power-on failure in {@code inv}. */
    private static Optional<Alarm> powerOnFailure(Inventory inv, String name) {
        return Optional.ofNullable(inv.alarms().get(name + "/" + InventoryEvent.POWER_ON_ALARM));
    }

    private VmView view(VmRecord vm, Optional<Alarm> failure) {
        var where = figures.running(vm.name());
        // What the VM does, not what the inventory wants: the two differ until the reconciler has acted.
        String power = where.isPresent() ? (where.get().paused() ? "paused" : "poweredOn")
                : vm.desired() == PowerState.SUSPENDED ? "suspended" : "poweredOff";
        VmView.Metrics metrics = where.map(w -> new VmView.Metrics(w.stats().deliveredMips() * 1e6,
                w.stats().demandMips() * 1e6, w.stats().readyPercent(), w.stats().dirtyPagesPerSecond())).orElse(null);
        return new VmView(vm.name(), power, vm.desired().apiName(), where.map(HostFigures.RunningVm::host).orElse(null),
                where.map(w -> w.stats().epoch()).orElse(vm.epoch()), vm.config().memoryMiB(), vm.config().image(), metrics,
                where.isPresent() ? null : failure.map(Alarm::message).orElse(null));
    }

    private static List<String> words(String commandLine) {
        return commandLine == null || commandLine.isBlank() ? List.of() : Arrays.asList(commandLine.strip().split("\\s+"));
    }

    private static RestartPriority priority(String text) {
        return text == null ? RestartPriority.MEDIUM : RestartPriority.valueOf(text.toUpperCase(Locale.ROOT));
    }

    private static int integer(String field, Object value) {
        if (value instanceof Number n && n.doubleValue() == n.intValue()) {
            return n.intValue();
        }
        throw ApiException.badRequest(field + ": " + value + " is not a whole number");
    }
}
