package dev.vivarium.node.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code vivarium console VM} without the terminal: the VM's console output (the API's event
 * stream) copied byte for byte to {@code out}, {@code in} typed on the console, until {@code in}
 * ends or carries the detach byte (Ctrl-], as telnet). Notes for the person (connected, the VM
 * moved, detached) go to {@code notes}, so {@code out} holds only the guest's bytes. When the
 * node it streams from goes away, it goes on through the next node of the lab.
 */
public final class ConsoleAttachment {

    /** Ctrl-]: leaves the console, as in telnet. */
    public static final int DETACH = 0x1d;

    private final ApiClient api;
    private final String vm;
    private final String path;
    private final PrintStream notes;
    private final CompletableFuture<Integer> finished = new CompletableFuture<>();
    private volatile ApiClient.EventLines stream;
    /** Whether the guest's output so far ends a line, so a note needs no line break of its own first. */
    private volatile boolean atLineStart = true;

    public ConsoleAttachment(ApiClient api, String vm, PrintStream notes) {
        this.api = api;
        this.vm = vm;
        this.path = "/api/v1/vms/" + URLEncoder.encode(vm, StandardCharsets.UTF_8) + "/console";
        this.notes = notes;
    }

    /** Attaches and returns the exit status once detached: 0 (detach key, end of input, VM gone), 1 (API error, no node). */
    public int run(InputStream in, OutputStream out) throws InterruptedException {
        try {
            stream = api.openEventStream(path);
        } catch (ApiError e) {
            notes.println("vivarium console: " + e.getMessage());
            return 1;
        }
        note("Connected to " + vm + " (detach with Ctrl-])");
        Thread output = new Thread(() -> copyOutput(out), "console output");
        Thread input = new Thread(() -> typeInput(in), "console input");
        output.setDaemon(true);
        input.setDaemon(true);
        output.start();
        input.start();
        try {
            return finished.get();
        } catch (ExecutionException e) {
            notes.println("vivarium console: " + e.getCause());
            return 1;
        } finally {
            stream.close();
        }
    }

    /** A line for the person: on its own line, with \r\n so it also reads right in raw mode. */
    private void note(String text) {
        notes.print((atLineStart ? "" : "\r\n") + "[" + text + "]\r\n");
        notes.flush();
        atLineStart = true;
    }

    private void copyOutput(OutputStream out) {
        try {
            while (!finished.isDone()) {
                readEvents(out);
                if (finished.isDone()) {
                    return;
                }
                // The node went away mid-stream (stopped, crashed): go on through the next one that answers.
                try {
                    stream = api.openEventStream(path);
                    note("reconnected through " + stream.node() + "; the VM's recent output follows again");
                } catch (ApiError e) {
                    note("detached: " + e.getMessage());
                    finished.complete(1);
                }
            }
        } catch (IOException | RuntimeException e) {
            note("detached: " + e);
            finished.complete(1);
        }
    }

    private void readEvents(OutputStream out) throws IOException {
        String type = null;
        boolean first = true;
        try {
            for (String line : (Iterable<String>) stream.lines()::iterator) {
                if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    JsonNode data = Json.MAPPER.readTree(line.substring(6));
                    switch (type == null ? "" : type) {
                        case "output" -> {
                            byte[] bytes = data.path("text").asText().getBytes(StandardCharsets.ISO_8859_1);
                            out.write(bytes);
                            out.flush();
                            if (bytes.length > 0) {
                                atLineStart = bytes[bytes.length - 1] == '\n';
                            }
                        }
                        case "attached" -> {
                            if (!first) {
                                note(vm + " runs on " + data.path("host").asText() + " now; attached again");
                            }
                        }
                        case "detached" -> note(data.path("reason").asText());
                        case "end" -> {
                            note("detached: " + data.path("reason").asText());
                            finished.complete(0);
                            return;
                        }
                        default -> {
                            // an event a newer server sends: nothing to show
                        }
                    }
                    first = false;
                }
            }
        } catch (UncheckedIOException e) {
            if (finished.isDone()) {
                return; // closed on purpose
            }
            // The connection broke: the caller reconnects.
        }
    }

    private void typeInput(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            while (!finished.isDone()) {
                int n = in.read(buffer);
                if (n < 0) {
                    finished.complete(0);
                    return;
                }
                int detach = indexOf(buffer, n, DETACH);
                int send = detach < 0 ? n : detach;
                if (send > 0) {
                    type(Arrays.copyOf(buffer, send));
                }
                if (detach >= 0) {
                    note("detached from " + vm);
                    finished.complete(0);
                    return;
                }
            }
        } catch (IOException e) {
            note("cannot read the input: " + e.getMessage());
            finished.complete(1);
        }
    }

    private void type(byte[] bytes) {
        try {
            api.send("POST", path, Json.write(Map.of("text", new String(bytes, StandardCharsets.ISO_8859_1))));
        } catch (ApiError e) {
            // The VM may be between hosts (409): the person sees it and types again.
            note("input not delivered: " + e.getMessage());
        }
    }

    private static int indexOf(byte[] bytes, int length, int value) {
        for (int i = 0; i < length; i++) {
            if ((bytes[i] & 0xFF) == value) {
                return i;
            }
        }
        return -1;
    }
}
