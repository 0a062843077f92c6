package dev.vivarium.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one JSON mapping of the API and its client: records as objects, nulls written out. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }

    /** Reads a request body; a body that is not the expected JSON is the caller's error (400). */
    public static <T> T readBody(String body, Class<T> type) {
        return readBody(body, MAPPER.constructType(type));
    }

    /** {@link #readBody(String, Class)} for a generic type such as {@code Map<String, Object>}. */
    public static <T> T readBody(String body, TypeReference<T> type) {
        return readBody(body, MAPPER.constructType(type));
    }

    private static <T> T readBody(String body, JavaType type) {
        if (body.isBlank()) {
            throw ApiException.badRequest("the request needs a JSON body");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiException.badRequest("the request needs a JSON object, not null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid JSON body: " + e.getOriginalMessage());
        }
    }
}
