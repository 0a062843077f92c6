package dev.vivarium.node.api;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vivarium.node.cluster.HostView;
import dev.vivarium.node.events.EventLog;
import dev.vivarium.node.hosts.HostMaintenance;
import dev.vivarium.node.vm.VmOperation;
import dev.vivarium.node.vm.VmService;
import dev.vivarium.node.vm.VmSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.stream.Materializer;

/** The API's routes under /api/v1 and /metrics, each a small function of the node's parts. */
public final class ApiRoutes {

    private ApiRoutes() {
    }

    /** The parts of a node the API reads and drives. */
    public record Parts(Supplier<List<HostView>> hosts, EventLog events, TaskRegistry tasks, VmService vms,
                        ApiMetrics metrics, Materializer materializer, HostMaintenance maintenance) {

        /** Parts without maintenance mode (it answers 501). */
        public Parts(Supplier<List<HostView>> hosts, EventLog events, TaskRegistry tasks, VmService vms,
                     ApiMetrics metrics, Materializer materializer) {
            this(hosts, events, tasks, vms, metrics, materializer, HostMaintenance.NOT_BUILT);
        }
    }

    public static Router router(Parts parts) {
        EventStreams streams = new EventStreams(parts.events(), parts.materializer());
        Router router = new Router();
        // The index: every route this node answers, contributions included (read when asked).
        router.add("GET", "/api/v1", r -> done(ApiResponse.ok(Map.of("routes", router.describe()))));
        router.add("GET", "/api/v1/hosts", r -> done(ApiResponse.ok(parts.hosts().get())));
        router.add("GET", "/api/v1/hosts/{name}", r -> done(ApiResponse.ok(parts.hosts().get().stream()
                .filter(h -> h.name().equals(r.param("name"))).findFirst()
                .orElseThrow(() -> ApiException.notFound("no host named " + r.param("name"))))));

        router.add("GET", "/api/v1/tasks", r -> done(ApiResponse.ok(parts.tasks().all())));
        router.add("GET", "/api/v1/tasks/{id}", r -> done(ApiResponse.ok(parts.tasks().get(r.param("id"))
                .orElseThrow(() -> ApiException.notFound("no task " + r.param("id")
                        + " on this node (a task is kept by the node that accepted it, named in its id)")))));
        router.add("DELETE", "/api/v1/tasks/{id}", r -> parts.tasks().cancel(r.param("id"))
                .orElseThrow(() -> ApiException.notFound("no task " + r.param("id") + " on this node (a task is kept by the node "
                        + "that accepted it, named in its id; a migration is also cancelled by DELETE /api/v1/vms/NAME/migration "
                        + "on any node)"))
                .handle((result, failure) -> {
                    if (failure != null) {
                        Throwable cause = Failures.cause(failure);
                        throw cause instanceof ApiException api ? api : ApiException.conflict(cause.getMessage());
                    }
                    return ApiResponse.ok(Map.of("task", r.param("id"), "result", result));
                }));

        router.add("GET", "/api/v1/events", r -> {
            if (r.acceptsEventStream()) {
                return done(new ApiResponse.EventStream(streams.after(r.longQuery("after", 0), !"false".equals(r.query().get("named")))));
            }
            return done(ApiResponse.ok(parts.events().recent(r.intQuery("limit", 100, 1, 100_000))));
        });
        router.add("GET", "/api/v1/events/stream", r -> done(new ApiResponse.EventStream(
                streams.after(r.longQuery("after", 0), !"false".equals(r.query().get("named"))))));

        VmService vms = parts.vms();
        router.add("GET", "/api/v1/vms", r -> vms.list().thenApply(ApiResponse::ok));
        router.add("POST", "/api/v1/vms", r -> {
            VmSpec spec = Json.readBody(r.body(), VmSpec.class).validated();
            return vms.create(spec).thenApply(vm -> ApiResponse.created(vm, "/api/v1/vms/" + vm.name()));
        });
        router.add("GET", "/api/v1/vms/{name}", r -> vms.get(r.param("name")).thenApply(ApiResponse::ok));
        router.add("PATCH", "/api/v1/vms/{name}", r -> vms.reconfigure(r.param("name"), changes(r.body())).thenApply(ApiResponse::ok));
        router.add("DELETE", "/api/v1/vms/{name}", r -> vms.delete(r.param("name"))
                .thenApply(v -> ApiResponse.ok(Map.of("deleted", r.param("name")))));
        router.add("POST", "/api/v1/vms/{name}/{operation}", r -> {
            VmOperation op = VmOperation.fromUrl(r.param("operation"));
            OperationBody body = r.body().isBlank() ? new OperationBody(null, null, null) : Json.readBody(r.body(), OperationBody.class);
            if (op == VmOperation.MIGRATE) {
                return OperationRoutes.accepted(parts, vms.migrate(r.param("name"), body.value(), body.downtimeMs()));
            }
            return OperationRoutes.accepted(parts, vms.submit(r.param("name"), op, body.value()));
        });
        router.add("GET", "/api/v1/vms/{name}/migrations", r -> vms.migrations(r.param("name")).thenApply(ApiResponse::ok));
        router.add("DELETE", "/api/v1/vms/{name}/migration", r -> vms.cancelMigration(r.param("name")).thenApply(ApiResponse::ok));

        OperationRoutes.addTo(router, parts);

        router.add("GET", "/metrics", r -> done(new ApiResponse.Text(200, ApiMetrics.CONTENT_TYPE, parts.metrics().scrape())));
        return router;
    }

    /**
     * The optional body of a VM operation: {"argument": "snapshot-1"} or a target host, which a
     * migration also takes as {"to": "host-2"}, with the pause it may aim for ({"downtimeMs": 5},
     * default: the source host's downtime-budget).
     */
    public record OperationBody(String argument, String to, Double downtimeMs) {
        String value() {
            if (argument != null && to != null && !argument.equals(to)) {
                throw ApiException.badRequest("argument and to name different hosts: " + argument + ", " + to);
            }
            return to != null ? to : argument;
        }
    }

    private static final Set<String> RECONFIGURABLE = Set.of("memoryMiB", "commandLine", "shares", "restartPriority");

    private static Map<String, Object> changes(String body) {
        Map<String, Object> changes = Json.readBody(body, new TypeReference<Map<String, Object>>() { });
        for (String key : changes.keySet()) {
            if (!RECONFIGURABLE.contains(key)) {
                throw ApiException.badRequest(key + ": cannot be changed; reconfigurable: " + new TreeSet<>(RECONFIGURABLE));
            }
        }
        if (changes.isEmpty()) {
            throw ApiException.badRequest("no change given; reconfigurable: " + new TreeSet<>(RECONFIGURABLE));
        }
        return changes;
    }

    private static CompletionStage<ApiResponse> done(ApiResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
