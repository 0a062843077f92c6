package dev.vivarium.node.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
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
            JsonNode node = Json.MAPPER.readTree(body);
            return node != null && node.hasNonNull("error") ? Optional.of(node.get("error").asText()) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
