package dev.vivarium.node.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Maps method and path to an endpoint; {placeholders} in a template match one path segment, and
 * of several matching templates the one with the fewest placeholders wins.
 */
public final class Router {

    private record Route(String method, String template, List<String> segments, Endpoint endpoint) {
    }

    /** A routed request: the template it matched (used as the metrics label) and its parameters. */
    public record Match(String template, Map<String, String> params, Endpoint endpoint) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** Every route as "METHOD template", sorted by template: the API's index ({@code GET /api/v1}). */
    public List<String> describe() {
        return routes.stream().sorted(java.util.Comparator.comparing(Route::template).thenComparing(Route::method))
                .map(r -> r.method() + " " + r.template()).toList();
    }

    public Router add(String method, String template, Endpoint endpoint) {
        routes.add(new Route(method, template, ApiRequest.segments(template), endpoint));
        return this;
    }

    /**
     * The endpoint for this request; 404 for a path no route has, 405 for a method it lacks. When
     * several templates match, the one with the most literal segments wins (so
     * {@code /vms/{name}/console} goes before {@code /vms/{name}/{operation}}), then the first added.
     */
    public Match route(String method, String path) {
        List<String> segments = ApiRequest.segments(path);
        TreeSet<String> allowed = new TreeSet<>();
        Match best = null;
        long bestLiterals = -1;
        for (Route r : routes) {
            Map<String, String> params = match(r.segments(), segments);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                long literals = r.segments().size() - params.size();
                if (literals > bestLiterals) {
                    best = new Match(r.template(), params, r.endpoint());
                    bestLiterals = literals;
                }
            }
            allowed.add(r.method());
        }
        if (best != null) {
            return best;
        }
        if (allowed.isEmpty()) {
            throw ApiException.notFound("no such resource: " + path);
        }
        throw new ApiException(405, method + " is not allowed on " + path + "; allowed: " + String.join(", ", allowed));
    }

    private static Map<String, String> match(List<String> template, List<String> path) {
        if (template.size() != path.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            String p = path.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (p.isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), p);
            } else if (!t.equals(p)) {
                return null;
            }
        }
        return params;
    }
}
