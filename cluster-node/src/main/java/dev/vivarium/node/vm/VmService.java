package dev.vivarium.node.vm;

import dev.vivarium.node.api.ApiException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Everything the API does with VMs, answered by the inventory (module vcenter) once it is wired
 * in; until then {@link NotBuiltVmService} answers 501. A stage that fails with an
 * {@link dev.vivarium.node.api.ApiException} becomes that status (404 unknown VM, 409 state
 * forbids it); any other failure is a 500.
 */
public interface VmService {

    CompletionStage<List<VmView>> list();

    CompletionStage<VmView> get(String name);

    CompletionStage<VmView> create(VmSpec spec);

    /** Changes the named fields (memoryMiB, commandLine, shares, restartPriority). */
    CompletionStage<VmView> reconfigure(String name, Map<String, Object> changes);

    CompletionStage<Void> delete(String name);

    /**
     * Accepts an operation that takes time. The returned stage completes once the operation is
     * accepted (or fails at once with 404/409); the task inside it completes when it is done.
     *
     * @param argument the operation's argument (a snapshot's name, a target host), may be null
     */
    CompletionStage<VmTask> submit(String name, VmOperation operation, String argument);

    /** The VM's snapshots, oldest first (they live on the datastore, so a powered-off VM has them too). */
    default CompletionStage<List<SnapshotView>> snapshots(String name) {
        return snapshotsNotBuilt();
    }

    /** Takes a snapshot of the running VM: 409 when it does not run, or has a snapshot of that name. */
    default CompletionStage<VmTask> takeSnapshot(String name, String snapshot, String description) {
        return snapshotsNotBuilt();
    }

    /** Returns the VM to a snapshot; 404 when it has no snapshot of that name. */
    default CompletionStage<VmTask> revertToSnapshot(String name, String snapshot) {
        return snapshotsNotBuilt();
    }

    /** Deletes a snapshot; 404 when the VM has no snapshot of that name. */
    default CompletionStage<VmTask> deleteSnapshot(String name, String snapshot) {
        return snapshotsNotBuilt();
    }

    /**
     * Migrates the running VM live to {@code to} (null: the host with the most room), aiming for
     * a pause of {@code downtimeMs} (null: the source host's budget); 409 with the reason when it
     * may not, 404 for an unknown VM.
     */
    default CompletionStage<VmTask> migrate(String name, String to, Double downtimeMs) {
        return submit(name, VmOperation.MIGRATE, to);
    }

    /** The VM's live migrations as the inventory keeps them, oldest first; 404 for an unknown VM. */
    default CompletionStage<List<?>> migrations(String name) {
        return CompletableFuture.failedFuture(ApiException.notBuilt("migration is not built on this node"));
    }

    /** Cancels the VM's running migration (from any node): its answer, 409 when there is none or it is too late. */
    default CompletionStage<Map<String, Object>> cancelMigration(String name) {
        return CompletableFuture.failedFuture(ApiException.notBuilt("migration is not built on this node"));
    }

    private static <T> CompletionStage<T> snapshotsNotBuilt() {
        return CompletableFuture.failedFuture(ApiException.notBuilt("snapshots are not built on this node"));
    }
}
