package dev.vivarium.node.lab;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * lab.json: what a lab runs and where, so that every later command finds it.
 *
 * @param nodes every node process, in start order
 */
public record LabManifest(List<Node> nodes) {

    /**
     * One node process.
     *
     * @param api     its API's base address
     * @param artery  its cluster address (host:port)
     * @param pid     its process id
     * @param started when the process started, as the OS reports it: tells the process apart
     *                from a later one that reuses the pid
     */
    public record Node(String name, String api, String artery, long pid, String started) {
    }

    public LabManifest {
        nodes = List.copyOf(nodes);
    }

    public List<String> apiAddresses() {
        return nodes.stream().map(Node::api).toList();
    }

    /**
     * Reads lab.json. Every command that talks to a lab does, so it is read without Jackson's data
     * binding (see {@link JsonValues}: a quick command would spend more on starting it than on
     * its work).
     */
    public static LabManifest read(Path file) throws IOException {
        Map<String, Object> manifest = JsonValues.object(Files.readString(file));
        if (!(manifest.get("nodes") instanceof List<?> nodes)) {
            throw new IOException(file + ": no nodes");
        }
        List<Node> read = new ArrayList<>();
        for (Object n : nodes) {
            if (!(n instanceof Map<?, ?> node) || !(node.get("pid") instanceof Number pid)) {
                throw new IOException(file + ": a node without its pid: " + n);
            }
            read.add(new Node(text(file, node, "name"), text(file, node, "api"), text(file, node, "artery"), pid.longValue(),
                    text(file, node, "started")));
        }
        return new LabManifest(read);
    }

    private static String text(Path file, Map<?, ?> node, String field) throws IOException {
        if (!(node.get(field) instanceof String value)) {
            throw new IOException(file + ": a node without its " + field + ": " + node);
        }
        return value;
    }

    /** Writes by rename, so a reader never sees half a file. */
    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this) + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
