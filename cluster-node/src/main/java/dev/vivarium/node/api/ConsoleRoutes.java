package dev.vivarium.node.api;

import dev.vivarium.node.console.ConsoleEvent;
import dev.vivarium.node.console.Consoles;
import java.time.Duration;
import org.apache.pekko.util.ByteString;

/**
 * A VM's serial console: {@code GET /api/v1/vms/{name}/console} streams it as server-sent
 * events ({@code attached}, {@code output}, {@code detached}, {@code end}; see {@link ConsoleEvent}),
 * {@code POST} with {"text": "..."} types on it.
 */
public final class ConsoleRoutes {

    /** A comment line keeps idle connections (and proxies) from timing out. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /** The body of a POST: the bytes to type, one char each (ISO-8859-1). */
    public record Input(String text) {
    }

    private ConsoleRoutes() {
    }

    public static void addTo(Router router, Consoles consoles) {
        router.add("GET", "/api/v1/vms/{name}/console", r -> consoles.follow(r.param("name"))
                .thenApply(events -> new ApiResponse.EventStream(events.map(ConsoleRoutes::frame)
                        .keepAlive(KEEP_ALIVE, () -> ByteString.fromString(":\n\n")))));
        router.add("POST", "/api/v1/vms/{name}/console", r -> {
            Input input = Json.readBody(r.body(), Input.class);
            if (input.text() == null || input.text().isEmpty()) {
                throw ApiException.badRequest("text: missing or empty; send {\"text\": \"what to type\"}");
            }
            if (input.text().length() > Consoles.MAX_INPUT) {
                throw ApiException.badRequest("text: " + input.text().length() + " bytes; at most " + Consoles.MAX_INPUT + " per request");
            }
            return consoles.type(r.param("name"), input.text()).thenApply(ApiResponse::ok);
        });
    }

    private static ByteString frame(ConsoleEvent event) {
        return ByteString.fromString("event: " + event.type() + "\ndata: " + Json.write(event) + "\n\n");
    }
}
