package dev.vivarium.node.lab;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vivarium.node.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

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

    public static LabManifest read(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), LabManifest.class);
    }

    /** Writes by rename, so a reader never sees half a file. */
    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this) + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
