package dev.vivarium.node.client;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** The API refused a request (status and its message), or no node answered (status 0). */
public final class ApiError extends Exception {

    private final int status;

    public ApiError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The message of an API error body {"error": "..."}, if the body is one. */
    public static Optional<String> messageOf(String body) {
        try {
            Map<String, Object> object = JsonValues.object(body);
            return object.get("error") != null ? Optional.of(object.get("error").toString()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
