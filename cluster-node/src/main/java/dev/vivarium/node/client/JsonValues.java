package dev.vivarium.node.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON read into plain values (Map, List, String, the number Jackson's parser sees, Boolean,
 * null) by jackson-core's streaming parser alone. The command line reads the API's answers with
 * it: starting Jackson's data binding (an ObjectMapper) cost a quick command like {@code vm list}
 * a few hundred milliseconds, more than the rest of what it does.
 */
public final class JsonValues {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonValues() {
    }

    /** The value {@code json} holds; IOException when it is not JSON. */
    public static Object parse(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                throw new IOException("no JSON value");
            }
            Object value = value(p);
            if (p.nextToken() != null) {
                throw new IOException("more than one JSON value");
            }
            return value;
        }
    }

    /** A JSON array of objects, as the API's lists are. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> objects(String json) throws IOException {
        Object value = parse(json);
        if (!(value instanceof List<?> list) || !list.stream().allMatch(o -> o instanceof Map)) {
            throw new IOException("not a JSON array of objects");
        }
        return (List<Map<String, Object>>) value;
    }

    /** A JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String json) throws IOException {
        if (!(parse(json) instanceof Map<?, ?> map)) {
            throw new IOException("not a JSON object");
        }
        return (Map<String, Object>) map;
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, value(p));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + t + " in JSON");
        }
    }
}
