package dev.vivarium.node.inventory;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.Rejection;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.mirror.InventoryMirror;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.Reply;
import dev.vivarium.vcenter.protocol.VmLookup;
import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import java.util.concurrent.CompletionStage;

/**
 * Asks the inventory (a cluster singleton) on behalf of the API: its rejections become the
 * API's 404, 409 and 400, so every caller maps them the same way.
 */
public final class InventoryAsk {

    private static final Duration ASK = Duration.ofSeconds(10);
    /**
     * A read the inventory has not answered within this is answered from the node's mirror: the
     * inventory's singleton is moving with a lost node (10 s and more) or its database is down,
     * and the API must still show where VMs run (the hosts' figures say it, not the inventory).
     */
    private static final Duration READ = Duration.ofMillis(300);

    private final ActorRef<InventoryCommand> inventory;
    private final ActorSystem<?> system;
    private final InventoryMirror mirror;
    /** When a change last went through this node; reads wait for the inventory for a while after it. */
    private volatile long lastChangeNanos = System.nanoTime() - Duration.ofHours(1).toNanos();
    private static final Duration WRITES_SETTLE = Duration.ofSeconds(5);

    public InventoryAsk(ActorRef<InventoryCommand> inventory, ActorSystem<?> system) {
        this(inventory, system, new InventoryMirror());
    }

    public InventoryAsk(ActorRef<InventoryCommand> inventory, ActorSystem<?> system, InventoryMirror mirror) {
        this.inventory = inventory;
        this.system = system;
        this.mirror = mirror;
    }

    /**
     * A read: the inventory's answer if it comes within {@link #READ}, else the mirror's (when the
     * node has seen the inventory at all), else the inventory's answer whenever it comes.
     */
    public <T> CompletionStage<T> read(Function<ActorRef<T>, InventoryCommand> command, Function<Inventory, T> fromMirror) {
        CompletionStage<T> asked = query(command);
        return asked.toCompletableFuture().copy().completeOnTimeout(null, READ.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .thenCompose(answer -> {
                    if (answer != null) {
                        return java.util.concurrent.CompletableFuture.completedFuture(answer);
                    }
                    // Read your writes: after a change through this node the mirror may not have it yet.
                    T mirrored = mirror.latest().isEmpty() || System.nanoTime() - lastChangeNanos < WRITES_SETTLE.toNanos()
                            ? null : fromMirror.apply(mirror.latest().get());
                    return mirrored != null ? java.util.concurrent.CompletableFuture.completedFuture(mirrored) : asked;
                });
    }

    /** The inventory as this node's mirror last saw it (every mirror period), empty before its first read. */
    public java.util.Optional<Inventory> mirrored() {
        return mirror.latest();
    }

    public ActorRef<InventoryCommand> ref() {
        return inventory;
    }

    public ActorSystem<?> system() {
        return system;
    }

    /** A query answered by a record of type {@code T}. */
    public <T> CompletionStage<T> query(Function<ActorRef<T>, InventoryCommand> command) {
        return AskPattern.ask(inventory, command::apply, ASK, system.scheduler());
    }

    /** The VM's record; 404 when the inventory has no such VM. */
    public CompletionStage<VmRecord> vm(String name) {
        // A VM the mirror does not know may be new: the inventory's own answer says whether it exists.
        return this.<VmLookup>read(r -> new InventoryCommand.GetVm(name, r), inv -> inv.vms().containsKey(name)
                ? new VmLookup.Found(inv.vms().get(name)) : null).thenApply(lookup -> {
            if (lookup instanceof VmLookup.Found found) {
                return found.vm();
            }
            throw rejected(((Reply.Rejected) lookup).rejection());
        });
    }

    /** The whole inventory as it is now. */
    public CompletionStage<Inventory> snapshot() {
        return this.<InventorySnapshot>query(InventoryCommand.GetInventory::new).thenApply(InventorySnapshot::inventory);
    }

    /** A change; fails with the API's status for the inventory's rejection. */
    public CompletionStage<Reply.Accepted> change(Function<ActorRef<Reply>, InventoryCommand> command) {
        lastChangeNanos = System.nanoTime();
        return accepted(command);
    }

    /**
     * A line for the inventory's event log that changes nothing a read shows (a lab fault): unlike
     * {@link #change}, reads through this node do not wait for the inventory after it. They would
     * for {@link #WRITES_SETTLE}, and a fault that kills the inventory's node left this node's
     * reads waiting for the moving singleton instead of answering from the mirror.
     */
    public CompletionStage<Reply.Accepted> logLine(Function<ActorRef<Reply>, InventoryCommand> command) {
        return accepted(command);
    }

    private CompletionStage<Reply.Accepted> accepted(Function<ActorRef<Reply>, InventoryCommand> command) {
        return this.<Reply>query(command).thenApply(reply -> {
            if (reply instanceof Reply.Accepted ok) {
                return ok;
            }
            throw rejected(((Reply.Rejected) reply).rejection());
        });
    }

    /**
     * Logs what a VM's actor did (the inventory keeps no state for it) with who asked: the log
     * line is "VM " and the outcome. The outcome passes through whether or not the log took it.
     */
    public CompletionStage<String> logged(CompletionStage<String> outcome, String vm, String kind, Initiator by) {
        return outcome.thenCompose(result -> change(r -> new InventoryCommand.RecordVmOperation(vm, kind, "VM " + result, by, r))
                .handle((ok, notLogged) -> result));
    }

    static ApiException rejected(Rejection r) {
        return switch (r.reason()) {
            case NOT_FOUND -> ApiException.notFound(r.message());
            case CONFLICT -> ApiException.conflict(r.message());
            case BAD_REQUEST -> ApiException.badRequest(r.message());
        };
    }
}
