package dev.vivarium.node.drs;

import dev.vivarium.node.api.ApiResponse;
import dev.vivarium.node.api.ApiRoutes;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.api.Router;
import dev.vivarium.node.api.TaskView;
import java.util.Map;

/**
 * {@code /api/v1/drs}: DRS's status and settings, its recommendations, applying one (202 and a
 * task), and a round on demand.
 */
public final class DrsRoutes {

    private DrsRoutes() {
    }

    /** The body of {@code PATCH /api/v1/drs}; fields left out stay as they are. */
    record Settings(String automation, Integer threshold, Integer maxMoves) {
    }

    /** The body of a request that takes none: nothing, or an empty object; anything else is a 400. */
    record Nothing() {
    }

    private static void noBody(String body) {
        if (!body.isBlank()) {
            Json.readBody(body, Nothing.class);
        }
    }

    public static void addTo(Router router, ApiRoutes.Parts parts, DrsService drs) {
        router.add("GET", "/api/v1/drs", r -> drs.status().thenApply(ApiResponse::ok));
        router.add("PATCH", "/api/v1/drs", r -> {
            Settings s = Json.readBody(r.body(), Settings.class);
            return drs.configure(s.automation(), s.threshold(), s.maxMoves()).thenApply(ApiResponse::ok);
        });
        router.add("GET", "/api/v1/drs/recommendations", r -> drs.recommendations().thenApply(ApiResponse::ok));
        router.add("POST", "/api/v1/drs/recommendations/{id}/apply", r -> {
            noBody(r.body());
            return drs.apply(r.param("id")).thenApply(t -> {
                TaskView view = parts.tasks().start(t.description(), t.outcome());
                return new ApiResponse.JsonBody(202, view, Map.of("Location", "/api/v1/tasks/" + view.id()));
            });
        });
        router.add("POST", "/api/v1/drs/rounds", r -> {
            noBody(r.body());
            return drs.runRound().thenApply(ApiResponse::ok);
        });
    }
}
