package dev.vivarium.node.rules;

import dev.vivarium.node.api.ApiResponse;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.api.Router;
import dev.vivarium.vcenter.inventory.HostGroup;
import java.util.Map;

/** {@code /api/v1/rules} and {@code /api/v1/host-groups}: DRS rules and the host groups they name. */
public final class RuleRoutes {

    private RuleRoutes() {
    }

    public static void addTo(Router router, RuleService rules) {
        router.add("GET", "/api/v1/rules", r -> rules.list().thenApply(ApiResponse::ok));
        router.add("GET", "/api/v1/rules/{name}", r -> rules.get(r.param("name")).thenApply(ApiResponse::ok));
        router.add("POST", "/api/v1/rules", r -> rules.create(Json.readBody(r.body(), RuleSpec.class))
                .thenApply(rule -> ApiResponse.created(rule, "/api/v1/rules/" + rule.name())));
        router.add("DELETE", "/api/v1/rules/{name}", r -> rules.delete(r.param("name"))
                .thenApply(done -> ApiResponse.ok(Map.of("deleted", r.param("name")))));

        router.add("GET", "/api/v1/host-groups", r -> rules.hostGroups().thenApply(ApiResponse::ok));
        router.add("POST", "/api/v1/host-groups", r -> rules.defineHostGroup(Json.readBody(r.body(), HostGroup.class))
                .thenApply(g -> ApiResponse.created(g, "/api/v1/host-groups/" + g.name())));
        router.add("DELETE", "/api/v1/host-groups/{name}", r -> rules.deleteHostGroup(r.param("name"))
                .thenApply(done -> ApiResponse.ok(Map.of("deleted", r.param("name")))));
    }
}
