package dev.vivarium.node.inventory;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.hosts.HostFigures;
import dev.vivarium.node.hosts.VmActors;
import dev.vivarium.node.vm.VmTask;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vm.actor.VmCommand;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The operations carried out by a running VM's actor: reset, guest shutdown, pause and unpause.
 * Each is refused (409) unless the VM runs in a state that allows it; its task ends with the
 * actor's answer. Pause and guest shutdown also change what the inventory wants, so the
 * reconciler keeps the VM paused, and does not start again a VM whose guest has shut down.
 */
public final class RunningVmOperations {

    private final InventoryAsk inventory;
    private final VmActors actors;
    private final HostFigures figures;
    private final Duration answerTimeout;
    private final Duration shutdownTimeout;

    /**
     * @param answerTimeout   how long the actor may take to answer
     * @param shutdownTimeout how long the guest has to shut down before it is powered off hard
     */
    public RunningVmOperations(InventoryAsk inventory, VmActors actors, HostFigures figures, Duration answerTimeout,
                               Duration shutdownTimeout) {
        this.inventory = inventory;
        this.actors = actors;
        this.figures = figures;
        this.answerTimeout = answerTimeout;
        this.shutdownTimeout = shutdownTimeout;
    }

    public CompletionStage<VmTask> reset(String vm, Initiator by) {
        return poweredOnAndRunning(vm, "reset").thenApply(record -> new VmTask("reset " + vm, inventory.logged(
                actors.ask(vm, VmCommand.Reset::new, answerTimeout).thenApply(VmActors::outcome), vm, "VmReset", by)));
    }

    /** Asks the guest to shut down; once it has (or was powered off hard), the inventory wants it powered off. */
    public CompletionStage<VmTask> shutdown(String vm, Initiator by) {
        return poweredOnAndRunning(vm, "shut down its guest").thenApply(record -> new VmTask("shutdown " + vm,
                actors.ask(vm, r -> new VmCommand.ShutdownGuest(shutdownTimeout.toMillis(), r),
                                shutdownTimeout.plus(answerTimeout))
                        .thenApply(VmActors::outcome)
                        .thenCompose(done -> requestPower(vm, PowerState.POWERED_OFF, by)
                                // Already powered off (someone asked meanwhile) is as good.
                                .handle((ok, refused) -> done))));
    }

    /** Records desired paused first (so the reconciler leaves it), then pauses; puts it back if the actor fails. */
    public CompletionStage<VmTask> pause(String vm, Initiator by) {
        return runningIfOn(vm).thenCompose(record -> requestPower(vm, PowerState.PAUSED, by))
                .thenApply(ok -> new VmTask("pause " + vm, actors.ask(vm, VmCommand.Pause::new, answerTimeout)
                        .thenApply(VmActors::outcome)
                        .whenComplete((done, failed) -> {
                            if (failed != null) {
                                requestPower(vm, PowerState.POWERED_ON, by);
                            }
                        })
                        .thenCompose(done -> shown(vm, true, done))));
    }

    public CompletionStage<VmTask> unpause(String vm, Initiator by) {
        return inventory.vm(vm).thenCompose(record -> {
            if (record.desired() != PowerState.PAUSED) {
                throw ApiException.conflict("VM " + vm + " is " + record.desired().apiName() + ", not paused");
            }
            return requestPower(vm, PowerState.POWERED_ON, by);
        }).thenApply(ok -> new VmTask("unpause " + vm, actors.ask(vm, VmCommand.Unpause::new, answerTimeout)
                .thenApply(VmActors::outcome)
                .thenCompose(done -> shown(vm, false, done))));
    }

    /**
     * Completes with {@code result} once the hosts' figures show the VM {@code paused} (or not
     * running any more): the API's power state comes from them, so a finished task is visible there.
     */
    private CompletionStage<String> shown(String vm, boolean paused, String result) {
        return FiguresPoll.until(inventory.system(), answerTimeout, vm + "'s host did not report it " + (paused ? "paused" : "running"),
                () -> figures.running(vm).filter(where -> where.paused() != paused).isPresent() ? Optional.empty() : Optional.of(result));
    }

    private CompletionStage<?> requestPower(String vm, PowerState desired, Initiator by) {
        return inventory.change(r -> new InventoryCommand.RequestPowerState(vm, desired, by, r));
    }

    /** 409 unless the inventory wants the VM powered on and a host runs it. */
    private CompletionStage<VmRecord> poweredOnAndRunning(String vm, String toDo) {
        return inventory.vm(vm).thenApply(record -> {
            if (record.desired() != PowerState.POWERED_ON) {
                throw ApiException.conflict("VM " + vm + " is " + record.desired().apiName()
                        + "; only a powered-on VM can " + toDo);
            }
            return requireRunning(record);
        });
    }

    /** A VM the inventory wants powered on must also run (not still be starting); other states are the inventory's to refuse. */
    private CompletionStage<VmRecord> runningIfOn(String vm) {
        return inventory.vm(vm).thenApply(record -> record.desired() == PowerState.POWERED_ON ? requireRunning(record) : record);
    }

    private VmRecord requireRunning(VmRecord record) {
        if (figures.running(record.name()).isEmpty()) {
            throw ApiException.conflict("VM " + record.name() + " is powered on but runs on no host yet; try again once it runs");
        }
        return record;
    }
}
