package dev.vivarium.node.vm;

import java.util.List;
import java.util.Map;
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
}
