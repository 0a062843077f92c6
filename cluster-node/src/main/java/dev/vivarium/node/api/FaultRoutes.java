package dev.vivarium.node.api;

import dev.vivarium.node.fault.FaultRequest;
import dev.vivarium.node.fault.Faults;
import java.util.concurrent.CompletableFuture;

/** {@code /api/v1/faults}: the lab's fault injection (403 outside a lab). */
public final class FaultRoutes {

    private FaultRoutes() {
    }

    /** {@code GET /api/v1/cluster}: the cluster as HA sees it (failover capacity, admission control). */
    public static void addClusterTo(Router router, java.util.function.Supplier<java.util.concurrent.CompletionStage<java.util.Map<String, Object>>> cluster) {
        router.add("GET", "/api/v1/cluster", r -> cluster.get().thenApply(ApiResponse::ok));
    }

    public static void addTo(Router router, Faults faults) {
        router.add("GET", "/api/v1/faults", r -> CompletableFuture.completedFuture(ApiResponse.ok(faults.list())));
        router.add("POST", "/api/v1/faults", r -> faults.inject(Json.readBody(r.body(), FaultRequest.class))
                .thenApply(f -> ApiResponse.created(f, "/api/v1/faults")));
    }
}
