package dev.vivarium.node.inventory;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.hosts.HostFigures;
import dev.vivarium.node.vm.VmOperation;
import dev.vivarium.node.vm.VmService;
import dev.vivarium.node.vm.VmSpec;
import dev.vivarium.node.vm.VmTask;
import dev.vivarium.node.vm.VmView;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.Rejection;
import dev.vivarium.vcenter.inventory.RestartPriority;
import dev.vivarium.vcenter.inventory.VmConfig;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.inventory.VmValidation;
import dev.vivarium.vcenter.protocol.Answers.VmList;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.Reply;
import dev.vivarium.vcenter.protocol.VmLookup;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The API's VMs over the inventory: what should be (configuration, desired power state, epoch)
 * from the inventory, what is (host, metrics) from the hosts' figures. Power operations record
 * the desired state; the reconciler makes it so, and the task completes when the hosts' figures
 * show the VM running (or no longer running).
 */
public final class InventoryVmService implements VmService {

    private static final Initiator CALLER = Initiator.api("api");
    private static final Duration ASK = Duration.ofSeconds(10);

    private final ActorRef<InventoryCommand> inventory;
    private final HostFigures figures;
    private final ActorSystem<?> system;
    private final Duration taskTimeout;

    public InventoryVmService(ActorRef<InventoryCommand> inventory, HostFigures figures, ActorSystem<?> system,
                              Duration taskTimeout) {
        this.inventory = inventory;
        this.figures = figures;
        this.system = system;
        this.taskTimeout = taskTimeout;
    }

    @Override
    public CompletionStage<List<VmView>> list() {
        return AskPattern.<InventoryCommand, VmList>ask(inventory, InventoryCommand.ListVms::new, ASK, system.scheduler())
                .thenApply(list -> list.vms().stream().map(this::view).toList());
    }

    @Override
    public CompletionStage<VmView> get(String name) {
        return record(name).thenApply(this::view);
    }

    @Override
    public CompletionStage<VmView> create(VmSpec spec) {
        VmSpec s = spec.validated();
        VmConfig config = new VmConfig(s.name(), Math.toIntExact(s.memoryMiB()), s.image(), words(s.commandLine()),
                s.shares() == null ? VmValidation.NORMAL_SHARES : s.shares(), 0, 0, priority(s.restartPriority()));
        return change(r -> new InventoryCommand.CreateVm(config, CALLER, r)).thenCompose(ok -> get(s.name()));
    }

    @Override
    public CompletionStage<VmView> reconfigure(String name, Map<String, Object> changes) {
        return record(name).thenCompose(vm -> {
            VmConfig c = vm.config();
            for (Map.Entry<String, Object> e : changes.entrySet()) {
                Object v = e.getValue();
                c = switch (e.getKey()) {
                    case "memoryMiB" -> c.withMemoryMiB(integer(e.getKey(), v));
                    case "shares" -> c.withShares(integer(e.getKey(), v));
                    case "commandLine" -> new VmConfig(c.name(), c.memoryMiB(), c.image(), words(String.valueOf(v)),
                            c.cpuShares(), c.reservationMips(), c.limitMips(), c.restartPriority());
                    case "restartPriority" -> new VmConfig(c.name(), c.memoryMiB(), c.image(), c.commandLine(),
                            c.cpuShares(), c.reservationMips(), c.limitMips(), priority(String.valueOf(v)));
                    default -> throw ApiException.badRequest(e.getKey()
                            + ": cannot be changed (memoryMiB, commandLine, shares, restartPriority can)");
                };
            }
            VmConfig changed = c;
            return change(r -> new InventoryCommand.ReconfigureVm(changed, CALLER, r));
        }).thenCompose(ok -> get(name));
    }

    @Override
    public CompletionStage<Void> delete(String name) {
        return change(r -> new InventoryCommand.DeleteVm(name, CALLER, r)).thenApply(ok -> null);
    }

    @Override
    public CompletionStage<VmTask> submit(String name, VmOperation operation, String argument) {
        PowerState desired = switch (operation) {
            case POWER_ON, RESUME -> PowerState.POWERED_ON;
            case POWER_OFF -> PowerState.POWERED_OFF;
            case SUSPEND -> PowerState.SUSPENDED;
            default -> null;
        };
        if (desired == null) {
            return CompletableFuture.failedFuture(ApiException.notBuilt(operation.urlName()
                    + " is not wired to the hosts yet (power-on, power-off, suspend and resume are)"));
        }
        boolean wantRunning = desired.resident();
        return change(r -> new InventoryCommand.RequestPowerState(name, desired, CALLER, r))
                .thenApply(ok -> new VmTask(operation.urlName() + " " + name, awaitRunning(name, wantRunning)));
    }

    /** Completes when the hosts' figures show the VM running (or not), polling them; fails after the task timeout. */
    private CompletionStage<String> awaitRunning(String name, boolean running) {
        CompletableFuture<String> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + taskTimeout.toNanos();
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            var where = figures.running(name);
            if (where.isPresent() == running) {
                done.complete(running ? name + " runs on " + where.get().host() : name + " runs nowhere");
            } else if (System.nanoTime() - deadline > 0) {
                done.completeExceptionally(new IllegalStateException(name + " was not " + (running ? "running" : "stopped")
                        + " within " + taskTimeout.toSeconds() + " s"));
            } else {
                system.scheduler().scheduleOnce(Duration.ofMillis(250), poll[0], system.executionContext());
            }
        };
        poll[0].run();
        return done;
    }

    private CompletionStage<VmRecord> record(String name) {
        return AskPattern.<InventoryCommand, VmLookup>ask(inventory, r -> new InventoryCommand.GetVm(name, r), ASK,
                        system.scheduler())
                .thenApply(lookup -> {
                    if (lookup instanceof VmLookup.Found found) {
                        return found.vm();
                    }
                    throw rejected(((Reply.Rejected) lookup).rejection());
                });
    }

    private CompletionStage<Reply.Accepted> change(Function<ActorRef<Reply>, InventoryCommand> command) {
        return AskPattern.<InventoryCommand, Reply>ask(inventory, command::apply, ASK, system.scheduler())
                .thenApply(reply -> {
                    if (reply instanceof Reply.Accepted ok) {
                        return ok;
                    }
                    throw rejected(((Reply.Rejected) reply).rejection());
                });
    }

    private VmView view(VmRecord vm) {
        var where = figures.running(vm.name());
        String power = where.isPresent() ? (vm.desired() == PowerState.PAUSED ? "paused" : "poweredOn")
                : vm.desired() == PowerState.SUSPENDED ? "suspended" : "poweredOff";
        VmView.Metrics metrics = where.map(w -> new VmView.Metrics(w.stats().deliveredMips() * 1e6,
                w.stats().demandMips() * 1e6, w.stats().readyPercent(), w.stats().dirtyPagesPerSecond())).orElse(null);
        return new VmView(vm.name(), power, vm.desired().apiName(), where.map(HostFigures.RunningVm::host).orElse(null),
                where.map(w -> w.stats().epoch()).orElse(vm.epoch()), vm.config().memoryMiB(), vm.config().image(), metrics);
    }

    private static ApiException rejected(Rejection r) {
        return switch (r.reason()) {
            case NOT_FOUND -> ApiException.notFound(r.message());
            case CONFLICT -> ApiException.conflict(r.message());
            case BAD_REQUEST -> ApiException.badRequest(r.message());
        };
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
