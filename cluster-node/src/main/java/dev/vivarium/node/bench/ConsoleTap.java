package dev.vivarium.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VM's serial console as the API streams it, with the wall-clock arrival of every piece of
 * output ({@link System#nanoTime()}): the gap a migration leaves in the stream is read from it.
 */
final class ConsoleTap implements AutoCloseable {

    /** Output as it arrived. */
    record Piece(long nanos, String text) {
    }

    private final ApiClient.EventLines lines;
    private final List<Piece> pieces = new ArrayList<>();
    private final Thread reader;

    ConsoleTap(ApiClient api, String vm) throws ApiError {
        this.lines = api.openEventStream("/api/v1/vms/" + vm + "/console");
        this.reader = new Thread(this::read, "console-" + vm);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        String type = null;
        try {
            for (String line : (Iterable<String>) lines.lines()::iterator) {
                if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ") && "output".equals(type)) {
                    JsonNode data = Json.MAPPER.readTree(line.substring(6));
                    synchronized (this) {
                        pieces.add(new Piece(System.nanoTime(), data.path("text").asText()));
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // closed: what came stands
        }
    }

    synchronized String text() {
        StringBuilder all = new StringBuilder();
        pieces.forEach(p -> all.append(p.text()));
        return all.toString();
    }

    synchronized int size() {
        return pieces.size();
    }

    /** The longest time without output between two pieces that arrived in [{@code from}, {@code to}] or bracket it. */
    synchronized long longestGapNanos(long from, long to) {
        long longest = 0;
        for (int i = 1; i < pieces.size(); i++) {
            long a = pieces.get(i - 1).nanos();
            long b = pieces.get(i).nanos();
            if (b >= from && a <= to) {
                longest = Math.max(longest, b - a);
            }
        }
        return longest;
    }

    /** The numbers of lines "PREFIX N", in order. */
    List<Long> numbers(String prefix) {
        List<Long> numbers = new ArrayList<>();
        Matcher m = Pattern.compile(Pattern.quote(prefix) + " (\\d+)\n").matcher(text());
        while (m.find()) {
            numbers.add(Long.parseLong(m.group(1)));
        }
        return numbers;
    }

    @Override
    public void close() {
        lines.close();
    }
}
