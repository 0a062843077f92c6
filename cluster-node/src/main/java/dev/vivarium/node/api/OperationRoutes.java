package dev.vivarium.node.api;

import dev.vivarium.node.vm.VmService;
import dev.vivarium.node.vm.VmTask;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** The routes of VM snapshots and host maintenance mode: operations that take time answer 202 and a task. */
final class OperationRoutes {

    private OperationRoutes() {
    }

    /** The body of {@code POST .../snapshots}. */
    record SnapshotBody(String name, String description) {
    }

    /**
     * The body of {@code POST /api/v1/hosts/{name}/maintenance}.
     *
     * @param enabled     true to enter maintenance mode, false to exit it
     * @param powerOffVms power off the VMs no other host can take, instead of failing (default false)
     */
    record MaintenanceBody(Boolean enabled, Boolean powerOffVms) {
    }

    static void addTo(Router router, ApiRoutes.Parts parts) {
        VmService vms = parts.vms();
        router.add("GET", "/api/v1/vms/{name}/snapshots", r -> vms.snapshots(r.param("name")).thenApply(ApiResponse::ok));
        router.add("POST", "/api/v1/vms/{name}/snapshots", r -> {
            SnapshotBody body = Json.readBody(r.body(), SnapshotBody.class);
            if (body.name() == null) {
                throw ApiException.badRequest("name: required");
            }
            return accepted(parts, vms.takeSnapshot(r.param("name"), body.name(), body.description()));
        });
        router.add("POST", "/api/v1/vms/{name}/snapshots/{snapshot}/revert",
                r -> accepted(parts, vms.revertToSnapshot(r.param("name"), r.param("snapshot"))));
        router.add("DELETE", "/api/v1/vms/{name}/snapshots/{snapshot}",
                r -> accepted(parts, vms.deleteSnapshot(r.param("name"), r.param("snapshot"))));

        router.add("POST", "/api/v1/hosts/{name}/maintenance", r -> {
            MaintenanceBody body = Json.readBody(r.body(), MaintenanceBody.class);
            if (body.enabled() == null) {
                throw ApiException.badRequest("enabled: required (true to enter maintenance mode, false to exit it)");
            }
            String host = r.param("name");
            return accepted(parts, body.enabled() ? parts.maintenance().enter(host, Boolean.TRUE.equals(body.powerOffVms()))
                    : parts.maintenance().exit(host));
        });
    }

    /** 202 with the task registered for {@code task}, and its address in Location. */
    static CompletionStage<ApiResponse> accepted(ApiRoutes.Parts parts, CompletionStage<VmTask> task) {
        return task.thenApply(t -> {
            TaskView view = parts.tasks().start(t.description(), t.outcome(), t.details(), t.cancel());
            return new ApiResponse.JsonBody(202, view, Map.of("Location", "/api/v1/tasks/" + view.id()));
        });
    }
}
