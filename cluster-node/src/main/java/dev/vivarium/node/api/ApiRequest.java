package dev.vivarium.node.api;

import java.util.List;
import java.util.Map;

/**
 * A request after routing: its path parameters by name, query parameters and the whole body.
 *
 * @param method     GET, POST, ...
 * @param path       the path as sent
 * @param params     values of the route's {placeholders}
 * @param query      query parameters (the last value of each)
 * @param acceptsEventStream whether the caller asked for text/event-stream
 * @param body       the entity as text, empty when there is none
 */
public record ApiRequest(String method, String path, Map<String, String> params, Map<String, String> query,
                         boolean acceptsEventStream, String body) {

    public String param(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no {" + name + "}");
        }
        return value;
    }

    /** An integer query parameter within bounds, or the default when absent; otherwise 400. */
    public int intQuery(String name, int defaultValue, int min, int max) {
        String text = query.get(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("query parameter " + name + "=" + text + " is not an integer in " + min + ".." + max);
    }

    /** A long query parameter, or the default when absent; otherwise 400. */
    public long longQuery(String name, long defaultValue) {
        String text = query.get(name);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("query parameter " + name + "=" + text + " is not an integer");
        }
    }

    static List<String> segments(String path) {
        return List.of(path.replaceAll("^/+|/+$", "").split("/+", -1));
    }
}
