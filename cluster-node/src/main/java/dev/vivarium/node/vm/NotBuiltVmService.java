package dev.vivarium.node.vm;

import dev.vivarium.node.api.ApiException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What a node answers about VMs before the inventory is wired in: 501 for everything, honestly. */
public final class NotBuiltVmService implements VmService {

    static final String MESSAGE = "VM management is not built yet: this node runs without the inventory (vcenter) and VM actors";

    private static <T> CompletionStage<T> notBuilt() {
        return CompletableFuture.failedFuture(ApiException.notBuilt(MESSAGE));
    }

    @Override
    public CompletionStage<List<VmView>> list() {
        return notBuilt();
    }

    @Override
    public CompletionStage<VmView> get(String name) {
        return notBuilt();
    }

    @Override
    public CompletionStage<VmView> create(VmSpec spec) {
        return notBuilt();
    }

    @Override
    public CompletionStage<VmView> reconfigure(String name, Map<String, Object> changes) {
        return notBuilt();
    }

    @Override
    public CompletionStage<Void> delete(String name) {
        return notBuilt();
    }

    @Override
    public CompletionStage<VmTask> submit(String name, VmOperation operation, String argument) {
        return notBuilt();
    }
}
