package dev.vivarium.node.hosts;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.vm.VmTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Maintenance mode, as {@code POST /api/v1/hosts/{name}/maintenance} drives it. The returned
 * stage completes once the request is accepted (or fails at once with 404/409); its task
 * completes when the host is in (or out of) maintenance mode.
 */
public interface HostMaintenance {

    /**
     * Takes no new VMs on the host and moves its running VMs to other hosts; the task succeeds
     * when no VM runs there.
     *
     * @param powerOffVms power off the VMs no other host can take, rather than fail
     */
    CompletionStage<VmTask> enter(String host, boolean powerOffVms);

    /** The host takes VMs again. */
    CompletionStage<VmTask> exit(String host);

    /** A node without the inventory: 501. */
    HostMaintenance NOT_BUILT = new HostMaintenance() {
        @Override
        public CompletionStage<VmTask> enter(String host, boolean powerOffVms) {
            return exit(host);
        }

        @Override
        public CompletionStage<VmTask> exit(String host) {
            return CompletableFuture.failedFuture(ApiException.notBuilt(
                    "maintenance mode is not built on this node: it runs without the inventory (vcenter)"));
        }
    };
}
