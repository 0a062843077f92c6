package dev.vivarium.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.lab.LabConnection;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.node.lab.LabStatus;
import dev.vivarium.node.lab.LabUp;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A lab of its own for a benchmark: two node processes on loopback (host-1, host-2), no demo
 * VMs, in a folder of its own that goes with it. Progress goes to {@code log} (stderr), so
 * stdout stays the report.
 */
final class BenchLab implements AutoCloseable {

    private static final Duration TASK_WAIT = Duration.ofMinutes(5);

    final LabDir dir;
    final ApiClient api;
    private final PrintStream log;
    private final boolean keep;

    private BenchLab(LabDir dir, ApiClient api, PrintStream log, boolean keep) {
        this.dir = dir;
        this.api = api;
        this.log = log;
        this.keep = keep;
    }

    /** Starts two nodes in {@code folder} (a new temporary one when null); {@code local} settings for both. */
    static BenchLab start(Path folder, String local, PrintStream log) throws IOException, InterruptedException, ApiError {
        boolean keep = folder != null;
        LabDir dir = new LabDir(folder != null ? folder : Files.createTempDirectory("vivarium-bench-"));
        Files.createDirectories(dir.path());
        if (local != null) {
            for (String host : new String[] {"host-1", "host-2"}) {
                Files.writeString(dir.nodeLocalConfig(host), local);
            }
        }
        log.println("Starting a two-node lab in " + dir.path() + " ...");
        if (new LabUp(dir, log, log).run(2, 0, Duration.ofMinutes(3)) != 0) {
            new LabStatus(dir, log, log).destroy();
            throw new IOException("the benchmark's lab did not start (see above)");
        }
        BenchLab lab = new BenchLab(dir, LabConnection.open(dir), log, keep);
        try {
            lab.awaitConnected(2, Duration.ofMinutes(3));
        } catch (IOException | ApiError | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /**
     * Waits until the inventory has {@code hosts} connected hosts: a node is Up before its host
     * registered, and until then HA's admission control counts one host fewer and a migration
     * has no target.
     */
    private void awaitConnected(int hosts, Duration limit) throws IOException, ApiError, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            int connected = 0;
            for (JsonNode h : get("/api/v1/hosts")) {
                if ("connected".equals(h.path("state").asText())) {
                    connected++;
                }
            }
            if (connected >= hosts) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("only " + connected + " of the lab's " + hosts + " hosts connected within " + limit);
            }
            Thread.sleep(100);
        }
    }

    JsonNode get(String path) throws ApiError, IOException {
        return Json.MAPPER.readTree(api.get(path).body());
    }

    JsonNode post(String path, Object body) throws ApiError, IOException {
        return Json.MAPPER.readTree(api.send("POST", path, body == null ? null : Json.write(body)).body());
    }

    /** Starts a task and waits for its end; the task as it ended. */
    JsonNode task(String path, Object body) throws ApiError, IOException, InterruptedException {
        ApiClient.Answer accepted = api.send("POST", path, body == null ? null : Json.write(body));
        JsonNode task = Json.MAPPER.readTree(accepted.body());
        long deadline = System.nanoTime() + TASK_WAIT.toNanos();
        while ("running".equals(task.path("state").asText())) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("task " + task.path("id").asText() + " (" + path + ") did not end within " + TASK_WAIT);
            }
            Thread.sleep(50);
            task = Json.MAPPER.readTree(api.getFrom(accepted.node(), "/api/v1/tasks/" + task.path("id").asText()).body());
        }
        return task;
    }

    /** Creates a VM and powers it on, waiting until a host runs it; the host. */
    String run(String vm, String image, String cmdline, int memoryMiB) throws ApiError, IOException, InterruptedException {
        post("/api/v1/vms", Map.of("name", vm, "image", image, "memoryMiB", memoryMiB, "commandLine", cmdline));
        JsonNode on = task("/api/v1/vms/" + vm + "/power-on", null);
        if (!"succeeded".equals(on.path("state").asText())) {
            throw new IOException("VM " + vm + " did not start: " + on.path("reason").asText());
        }
        return get("/api/v1/vms/" + vm).path("host").asText();
    }

    /** Powers a VM off and deletes it. */
    void remove(String vm) throws ApiError, IOException, InterruptedException {
        task("/api/v1/vms/" + vm + "/power-off", null);
        for (int i = 0; i < 100; i++) {
            try {
                api.send("DELETE", "/api/v1/vms/" + vm, null);
                return;
            } catch (ApiError stillOn) {
                Thread.sleep(100); // the inventory records the stop a moment after the host reports it
            }
        }
    }

    @Override
    public void close() throws IOException {
        LabStatus status = new LabStatus(dir, log, log);
        if (keep) {
            status.down();
        } else {
            status.destroy();
        }
    }
}
