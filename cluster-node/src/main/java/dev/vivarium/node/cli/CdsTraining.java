package dev.vivarium.node.cli;

import com.sun.net.httpserver.HttpServer;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.api.TaskView;
import dev.vivarium.node.cluster.HostView;
import dev.vivarium.node.events.VivariumEvent;
import dev.vivarium.node.io.FileTrees;
import dev.vivarium.node.lab.LabManifest;
import dev.vivarium.node.vm.VmView;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run of the class-data sharing archive that makes the quick commands start fast:
 * {@code ./vivarium} runs it once after building the jar, with
 * {@code -XX:ArchiveClassesAtExit}, so that the JVM records every class {@code vm list},
 * {@code host list} and {@code events} load (the HTTP client, Jackson, the tables) in their
 * parsed and verified form, and those of a command picocli parses ({@code vm get}) and of one
 * that starts a task and waits for it ({@code vm power-on}); picocli's own classes cannot be
 * archived (their class-file version is too old). It runs those commands for real, against a
 * throw-away loopback server that answers with the API's own records, and prints nothing.
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path lab = Files.createTempDirectory("vivarium-cds-");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        VmView vm = new VmView("vm-1", "poweredOn", "poweredOn", "host-1", 1, 16, "counter", new VmView.Metrics(1e6, 1e6, 0.5, 10));
        Map<String, Object> answers = Map.of(
                "/api/v1/vms", List.of(vm),
                "/api/v1/vms/vm-1", vm,
                "/api/v1/vms/vm-1/power-on", new TaskView("host-1-1", "power on vm-1", TaskView.SUCCEEDED, "vm-1 is poweredOn on host-1",
                        null, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", null),
                "/api/v1/hosts", List.of(new HostView("host-1", HostView.CONNECTED, "Up", "pekko://vivarium@127.0.0.1:1",
                        1000L, 10L, 1024L, 1, false)),
                "/api/v1/events", List.of(new VivariumEvent(1, "2026-01-01T00:00:00Z", "HostUp", "host-1", "host:host-1", "is up")));
        server.createContext("/", exchange -> {
            byte[] body = Json.write(answers.getOrDefault(exchange.getRequestURI().getPath(), List.of())).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        PrintStream out = System.out;
        try {
            Files.writeString(lab.resolve("api-token"), "training\n");
            new LabManifest(List.of(new LabManifest.Node("host-1", "http://127.0.0.1:" + server.getAddress().getPort(), "", 0, "")))
                    .write(lab.resolve("lab.json"));
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            for (String[] command : List.of(new String[] {"vm", "list"}, new String[] {"host", "list"}, new String[] {"events"},
                    new String[] {"vm", "list", "--json"}, new String[] {"vm", "get", "vm-1"}, new String[] {"vm", "power-on", "vm-1"})) {
                String[] line = Stream.concat(Stream.of(command), Stream.of("--dir", lab.toString())).toArray(String[]::new);
                if (QuickCommands.run(line).orElseGet(() -> VivariumCommand.newCommandLine(line).execute(line)) != 0) {
                    throw new IllegalStateException("the training run of " + String.join(" ", command) + " failed");
                }
            }
        } finally {
            System.setOut(out);
            server.stop(0);
            FileTrees.delete(lab);
        }
    }
}
