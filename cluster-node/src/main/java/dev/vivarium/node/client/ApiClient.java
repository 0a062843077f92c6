package dev.vivarium.node.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The CLI's side of the API. Every node serves the same API, so a request goes to the first
 * node that answers; a node that is down (connection refused, no answer) is skipped.
 */
public final class ApiClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    private final List<URI> nodes;
    private final String token;
    /** For PATCH and event streams only, made on first use: starting it (a selector thread, TLS defaults) costs more than a plain exchange. */
    private HttpClient http;

    public ApiClient(List<String> baseUrls, String token) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("no API address to talk to");
        }
        this.nodes = baseUrls.stream().map(URI::create).toList();
        this.token = token;
    }

    /** An answer with a 2xx status: its body. */
    public record Answer(int status, String body, URI node) {
    }

    public Answer get(String path) throws ApiError {
        return send("GET", path, null);
    }

    public Answer send(String method, String path, String jsonBody) throws ApiError {
        return onFirstAnsweringNode(node -> exchange(node, method, path, jsonBody));
    }

    private Answer exchange(URI node, String method, String path, String jsonBody)
            throws IOException, InterruptedException, ApiError {
        if (!method.equals("PATCH")) {
            return plainExchange(node, method, path, jsonBody);
        }
        // HttpURLConnection knows no PATCH; the few commands that send one pay for java.net.http's start.
        HttpRequest request = request(node, path, "application/json", REQUEST_TIMEOUT)
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody))
                .build();
        HttpResponse<String> response = http().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw refusal(response.statusCode(), response.body(), node);
        }
        return new Answer(response.statusCode(), response.body(), node);
    }

    /**
     * An exchange through HttpURLConnection: a CLI command starts in a fraction of the time
     * without java.net.http's client (its selector thread, and TLS set up even for plain HTTP:
     * some 600 classes more). A POST or PUT sends its body (empty when none) as JSON.
     */
    private Answer plainExchange(URI node, String method, String path, String jsonBody) throws IOException, ApiError {
        HttpURLConnection c = (HttpURLConnection) node.resolve(path).toURL().openConnection();
        try {
            c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            c.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
            c.setRequestMethod(method);
            c.setRequestProperty("Authorization", "Bearer " + token);
            c.setRequestProperty("Accept", "application/json");
            if (jsonBody != null || method.equals("POST") || method.equals("PUT")) {
                byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
                c.setRequestProperty("Content-Type", "application/json");
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            InputStream in = status / 100 == 2 ? c.getInputStream() : c.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (status / 100 != 2) {
                throw refusal(status, body, node);
            }
            return new Answer(status, body, node);
        } catch (SocketTimeoutException e) {
            throw new HttpTimeoutException("no answer in time");
        } finally {
            c.disconnect();
        }
    }

    private synchronized HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        }
        return http;
    }

    /** GET from one node: a task lives on the node that accepted it. */
    public Answer getFrom(URI node, String path) throws ApiError {
        try {
            return exchange(node, "GET", path, null);
        } catch (IOException e) {
            throw new ApiError(0, node + " does not answer (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(0, "interrupted");
        }
    }

    /**
     * GET from the first node that has it: a node that answers 404 (a task another node keeps)
     * or does not answer is passed over; the last 404 is reported when no node has it.
     */
    public Answer getFromAny(String path) throws ApiError {
        ApiError notFound = null;
        for (URI node : nodes) {
            try {
                return getFrom(node, path);
            } catch (ApiError e) {
                if (e.status() != 404 && e.status() != 0) {
                    throw e;
                }
                notFound = e.status() == 404 || notFound == null ? e : notFound;
            }
        }
        throw notFound;
    }

    /**
     * Follows the event stream, handing each event's JSON to {@code onEvent}, until no node
     * answers. The first node that answers sends its kept events, then live ones; when it goes
     * away the next node that answers continues with its live events (each node keeps its own
     * log until the inventory's shared one is wired, so its history would repeat what was seen).
     */
    public void followEvents(Consumer<String> onEvent) throws ApiError {
        Map<URI, Long> lastSeen = new HashMap<>();
        while (true) {
            long started = System.nanoTime();
            onFirstAnsweringNode(node -> {
                long after = lastSeen.getOrDefault(node, lastSeen.isEmpty() ? 0 : Long.MAX_VALUE);
                lastSeen.putIfAbsent(node, after);
                HttpRequest request = request(node, "/api/v1/events/stream?after=" + after, "text/event-stream", null).GET().build();
                HttpResponse<Stream<String>> response = http().send(request, HttpResponse.BodyHandlers.ofLines());
                try (Stream<String> lines = response.body()) {
                    if (response.statusCode() != 200) {
                        throw refusal(response.statusCode(), String.join("\n", lines.toList()), node);
                    }
                    lines.forEach(l -> {
                        if (l.startsWith("id: ")) {
                            lastSeen.put(node, Long.parseLong(l.substring(4).strip()));
                        } else if (l.startsWith("data: ")) {
                            onEvent.accept(l.substring(6));
                        }
                    });
                } catch (UncheckedIOException e) {
                    // The node went away in the middle of the stream: go on with the next one.
                    throw e.getCause();
                }
                return null;
            });
            if (System.nanoTime() - started < RECONNECT_PAUSE.toNanos()) {
                // A stream that ends at once (a node shutting down) must not make this loop spin.
                try {
                    Thread.sleep(RECONNECT_PAUSE.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ApiError(0, "interrupted");
                }
            }
        }
    }

    /** An open server-sent event stream: its lines as they come, from the node that answered. */
    public record EventLines(URI node, Stream<String> lines) implements AutoCloseable {
        @Override
        public void close() {
            lines.close();
        }
    }

    /** Opens {@code path} as a server-sent event stream on the first node that answers it with 200. */
    public EventLines openEventStream(String path) throws ApiError {
        return onFirstAnsweringNode(node -> {
            HttpRequest request = request(node, path, "text/event-stream", null).GET().build();
            HttpResponse<Stream<String>> response = http().send(request, HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                try (Stream<String> lines = response.body()) {
                    throw refusal(response.statusCode(), String.join("\n", lines.toList()), node);
                }
            }
            return new EventLines(node, response.body());
        });
    }

    /** One exchange with one node; an IOException means the node is down and the next one is tried. */
    @FunctionalInterface
    private interface Exchange<T> {
        T with(URI node) throws IOException, InterruptedException, ApiError;
    }

    private <T> T onFirstAnsweringNode(Exchange<T> exchange) throws ApiError {
        List<String> tried = new ArrayList<>();
        for (URI node : nodes) {
            try {
                return exchange.with(node);
            } catch (IOException e) {
                tried.add(node + " (" + describe(e) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiError(0, "interrupted");
            }
        }
        throw new ApiError(0, "no node of the lab answers: " + String.join(", ", tried));
    }

    private static ApiError refusal(int status, String body, URI node) {
        return new ApiError(status, ApiError.messageOf(body).orElse("HTTP " + status + " from " + node));
    }

    private HttpRequest.Builder request(URI node, String path, String accept, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(node.resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", accept)
                .header("Content-Type", "application/json");
        return timeout == null ? b : b.timeout(timeout);
    }

    private static String describe(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "no answer in time";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
