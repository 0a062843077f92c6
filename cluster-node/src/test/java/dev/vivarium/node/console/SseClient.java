package dev.vivarium.node.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** A test's reader of a console stream: every event in order, and the counter's numbers in its output. */
public final class SseClient implements AutoCloseable {

    /** One server-sent event. */
    public record Event(String type, JsonNode data) {
    }

    private static final Pattern COUNTER = Pattern.compile("counter (\\d+)\n");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final HttpResponse<Stream<String>> response;

    /** Opens {@code GET baseUrl + path} as an event stream; the status and body are there when it is refused. */
    public SseClient(String baseUrl, String path, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
        response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() == 200) {
            Thread reader = new Thread(this::read, "sse " + path);
            reader.setDaemon(true);
            reader.start();
        }
    }

    public int status() {
        return response.statusCode();
    }

    /** The body of a refused request. */
    public String body() {
        return String.join("\n", response.body().toList());
    }

    private void read() {
        String type = null;
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    events.add(new Event(type, Json.MAPPER.readTree(line.substring(6))));
                }
            }
            ended.complete(null);
        } catch (IOException | UncheckedIOException e) {
            ended.complete(null); // closed by the test or the server: the events so far stand
        }
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<String> types() {
        return events.stream().map(Event::type).toList();
    }

    /** Whether the server ended the stream. */
    public boolean ended() {
        return ended.isDone();
    }

    /** The counter's numbers in the output after the {@code from}-th event, in order. */
    public List<Long> numbers(int from) {
        StringBuilder text = new StringBuilder();
        List<Event> all = events();
        for (Event e : all.subList(Math.min(from, all.size()), all.size())) {
            if ("output".equals(e.type())) {
                text.append(e.data().path("text").asText());
            }
        }
        List<Long> numbers = new ArrayList<>();
        Matcher m = COUNTER.matcher(text);
        while (m.find()) {
            numbers.add(Long.parseLong(m.group(1)));
        }
        return numbers;
    }

    public List<Long> numbers() {
        return numbers(0);
    }

    /** The index of the last event of a type, -1 for none. */
    public int lastIndexOf(String type) {
        List<String> types = types();
        return types.lastIndexOf(type);
    }

    @Override
    public void close() {
        response.body().close();
    }
}
