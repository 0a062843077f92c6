package dev.vivarium.node.inventory;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.Names;
import dev.vivarium.datastore.checkpoint.SnapshotInfo;
import dev.vivarium.datastore.checkpoint.SnapshotStore;
import dev.vivarium.datastore.lease.AcquireResult;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.storage.PayloadWriter;
import dev.vivarium.datastore.storage.SealedFile;
import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.hosts.HostFigures;
import dev.vivarium.node.hosts.VmActors;
import dev.vivarium.node.vm.SnapshotView;
import dev.vivarium.node.vm.VmTask;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vm.actor.VmCommand;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A VM's snapshots. They live on the shared datastore, so listing reads it directly. A running
 * VM's actor takes, reverts and deletes them (it holds the lease that every write needs); for a VM
 * that runs nowhere this node takes the VM's lease itself for the write: a delete, or a revert,
 * which makes the snapshot the VM's checkpoint so that its next power-on resumes from it.
 */
public final class VmSnapshots {

    /** What a snapshot operation needs. */
    public record Parts(InventoryAsk inventory, VmActors actors, HostFigures figures, Datastore datastore,
                        HostSession session, Executor io, Duration taskTimeout, Initiator by) {
    }

    private final Parts parts;

    public VmSnapshots(Parts parts) {
        this.parts = parts;
    }

    public CompletionStage<List<SnapshotView>> list(String vm) {
        return parts.inventory().vm(vm).thenCompose(record -> io(() -> {
            SnapshotStore store = parts.datastore().vm(vm).snapshots();
            List<SnapshotView> views = new ArrayList<>();
            for (SnapshotInfo info : store.list()) {
                try (SealedFile file = store.open(info)) {
                    var meta = store.metadata(file, info);
                    views.add(new SnapshotView(info.name(), meta.description(), info.seq(),
                            Instant.ofEpochMilli(meta.createdAtMillis()).toString()));
                }
            }
            return views;
        }));
    }

    public CompletionStage<VmTask> take(String vm, String snapshot, String description) {
        if (snapshot == null || !Names.isValid(snapshot)) {
            return CompletableFuture.failedFuture(ApiException.badRequest("name: '" + snapshot
                    + "' is not a snapshot name (1-64 of A-Z a-z 0-9 _ . -, starting with a letter or digit)"));
        }
        String text = description == null ? "" : description;
        return running(vm, "take a snapshot (a VM that runs nowhere has no state to capture)")
                .thenCompose(record -> find(vm, snapshot))
                .thenApply(existing -> {
                    if (existing != null) {
                        throw ApiException.conflict("VM " + vm + " already has a snapshot named '" + snapshot + "'");
                    }
                    return new VmTask("snapshot " + vm + " " + snapshot, logged(parts.actors()
                            .ask(vm, r -> new VmCommand.TakeSnapshot(snapshot, text, r), parts.taskTimeout())
                            .thenApply(VmActors::outcome), vm, "VmSnapshotTaken"));
                });
    }

    public CompletionStage<VmTask> revert(String vm, String snapshot) {
        String description = "revert " + vm + " to snapshot " + snapshot;
        return existing(vm, snapshot).thenApply(record -> {
            if (parts.figures().running(vm).isPresent()) {
                CompletionStage<String> reverted = parts.actors()
                        .ask(vm, r -> new VmCommand.RevertToSnapshot(snapshot, r), parts.taskTimeout())
                        .thenApply(VmActors::outcome);
                if (record.desired() == PowerState.PAUSED) {
                    // The actor resumes the guest at the snapshot; the inventory says paused, so pause it again.
                    reverted = reverted.thenCompose(done -> parts.actors()
                            .ask(vm, VmCommand.Pause::new, parts.taskTimeout()).thenApply(VmActors::outcome));
                }
                return new VmTask(description, logged(reverted, vm, "VmSnapshotReverted"));
            }
            return new VmTask(description, logged(withOwnLease(vm, lease -> {
                SnapshotStore store = parts.datastore().vm(vm).snapshots();
                SnapshotInfo info = store.find(snapshot).orElseThrow(() -> new IllegalStateException(
                        "VM " + vm + " has no snapshot named '" + snapshot + "' any more"));
                byte[] state;
                try (SealedFile file = store.open(info)) {
                    state = file.readPayload();
                }
                parts.datastore().vm(vm).checkpoints().writeFull(lease, PayloadWriter.of(state));
                return vm + ": reverted to snapshot " + snapshot + "; it resumes from there at its next power-on";
            }), vm, "VmSnapshotReverted"));
        });
    }

    public CompletionStage<VmTask> delete(String vm, String snapshot) {
        String description = "delete snapshot " + snapshot + " of " + vm;
        return existing(vm, snapshot).thenApply(record -> {
            if (parts.figures().running(vm).isPresent()) {
                return new VmTask(description, logged(parts.actors()
                        .ask(vm, r -> new VmCommand.DeleteSnapshot(snapshot, r), parts.taskTimeout())
                        .thenApply(VmActors::outcome), vm, "VmSnapshotDeleted"));
            }
            return new VmTask(description, logged(withOwnLease(vm, lease -> {
                parts.datastore().vm(vm).snapshots().delete(lease, snapshot);
                return vm + ": snapshot " + snapshot + " deleted";
            }), vm, "VmSnapshotDeleted"));
        });
    }

    private CompletionStage<String> logged(CompletionStage<String> outcome, String vm, String kind) {
        return parts.inventory().logged(outcome, vm, kind, parts.by());
    }

    /** The VM's record when it runs; 409 otherwise, saying it must run to {@code toDo}. */
    CompletionStage<VmRecord> running(String vm, String toDo) {
        return parts.inventory().vm(vm).thenApply(record -> {
            if (parts.figures().running(vm).isEmpty()) {
                throw ApiException.conflict("VM " + vm + " is " + record.desired().apiName()
                        + (record.desired().resident() ? " but runs on no host yet" : "")
                        + "; it must run to " + toDo);
            }
            return record;
        });
    }

    /** The VM's record; 404 for an unknown VM or snapshot, 409 while the VM is starting. */
    private CompletionStage<VmRecord> existing(String vm, String snapshot) {
        return parts.inventory().vm(vm).thenCompose(record -> find(vm, snapshot).thenApply(info -> {
            if (info == null) {
                throw ApiException.notFound("VM " + vm + " has no snapshot named '" + snapshot + "'");
            }
            // A VM that runs nowhere and should not is left to this node; its lease settles any race with a power-on.
            if (parts.figures().running(vm).isEmpty() && record.desired().resident()) {
                throw ApiException.conflict("VM " + vm + " is " + record.desired().apiName()
                        + " but runs on no host yet; try again once it runs");
            }
            return record;
        }));
    }

    private CompletionStage<SnapshotInfo> find(String vm, String snapshot) {
        return io(() -> Names.isValid(snapshot) ? parts.datastore().vm(vm).snapshots().find(snapshot).orElse(null) : null);
    }

    @FunctionalInterface
    private interface LeaseWork {
        String with(Lease lease) throws IOException;
    }

    /** Takes the lease of a VM that runs nowhere, does {@code work} under it, and gives it back. */
    private CompletionStage<String> withOwnLease(String vm, LeaseWork work) {
        return io(() -> {
            AcquireResult result = parts.session().tryAcquire(vm);
            if (!(result instanceof AcquireResult.Acquired acquired)) {
                throw new IllegalStateException("VM " + vm + " is being started elsewhere (its lease is taken); try again");
            }
            try {
                return work.with(acquired.lease());
            } finally {
                parts.session().release(acquired.lease());
            }
        });
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }

    private <T> CompletionStage<T> io(IoCall<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, parts.io());
    }
}
