package dev.vivarium.node.api;

import java.util.Map;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** What an endpoint answers; {@link HttpApi} turns it into an HTTP response. */
public sealed interface ApiResponse {

    int status();

    /** A JSON body: {@code value} is written with {@link Json}. */
    record JsonBody(int status, Object value, Map<String, String> headers) implements ApiResponse {
    }

    /** A text body of the given content type (Prometheus text format). */
    record Text(int status, String contentType, String text) implements ApiResponse {
    }

    /** A server-sent event stream that lasts as long as the client listens. */
    record EventStream(Source<ByteString, ?> events) implements ApiResponse {
        @Override
        public int status() {
            return 200;
        }
    }

    static ApiResponse ok(Object value) {
        return new JsonBody(200, value, Map.of());
    }

    static ApiResponse created(Object value, String location) {
        return new JsonBody(201, value, Map.of("Location", location));
    }
}
