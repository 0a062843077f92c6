package dev.vivarium.node.lab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lab's demo VMs: {@code --vms N} VMs of the guest workloads in turn (a counter, a CPU
 * burner, a memory dirtier), 16 MiB each, created and powered on through the API as a user
 * would; waits until every one runs. VMs that exist already (a lab brought up again) are kept as
 * the inventory wants them: those that should run come back from their checkpoints (paused if
 * they were paused), those powered off or suspended stay so.
 */
public final class DemoVms implements LabComponent {

    /** The workloads in turn: image and command line (see guests/README.md). */
    private static final List<List<String>> WORKLOADS = List.of(
            List.of("counter", ""),
            List.of("cpuburn", "duty=30 report=50"),
            List.of("memdirty", "wss_kb=2048 rate_pages=32 report=500"));
    private static final long MEMORY_MIB = 16;
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
    private static final java.util.Set<String> RUNNING = java.util.Set.of("poweredOn", "paused");

    @Override
    public String name() {
        return "demo VMs";
    }

    @Override
    public String start(LabDir dir) {
        return "";
    }

    /** The demo VMs' names: counter-1, cpuburn-1, memdirty-1, counter-2, ... */
    public static List<String> names(int vms) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < vms; i++) {
            names.add(WORKLOADS.get(i % WORKLOADS.size()).get(0) + "-" + (i / WORKLOADS.size() + 1));
        }
        return names;
    }

    @Override
    public void afterNodesUp(LabDir dir, ApiClient api, int vms, PrintStream out) throws ApiError {
        if (vms == 0) {
            return;
        }
        awaitConnected(api);
        List<String> names = names(vms);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < vms; i++) {
            List<String> workload = WORKLOADS.get(i % WORKLOADS.size());
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("name", names.get(i));
            spec.put("image", workload.get(0));
            spec.put("memoryMiB", MEMORY_MIB);
            spec.put("commandLine", workload.get(1));
            // A lab brought up again: its VMs exist (409), and a power-on would undo a pause or power-off.
            if (created(api, Json.write(spec))) {
                api.send("POST", "/api/v1/vms/" + names.get(i) + "/power-on", "{}");
            } else {
                kept.add(names.get(i));
            }
        }
        out.println(summary(vms, kept));
        awaitRunning(api, names);
    }

    /**
     * What {@link #afterNodesUp} did: created and powered on the new VMs, and left those that
     * existed (a lab brought up again) as the inventory wants them.
     */
    static String summary(int vms, List<String> kept) {
        int created = vms - kept.size();
        String existing = kept.size() + " exist already and stay as they were (" + String.join(", ", kept) + ")";
        String made = "Created and powered on " + created + (created == 1 ? " demo VM" : " demo VMs");
        String done = kept.isEmpty() ? made
                : created == 0 ? "The " + vms + " demo VMs exist already and stay as they were"
                : made + "; " + existing;
        return done + "; waiting until those that should run do ...";
    }

    /** Whether the VM was created now (false: it exists already). */
    private static boolean created(ApiClient api, String spec) throws ApiError {
        try {
            api.send("POST", "/api/v1/vms", spec);
            return true;
        } catch (ApiError e) {
            if (e.status() != 409) {
                throw e;
            }
            return false;
        }
    }

    /**
     * Every member is connected in the inventory: placement spreads the VMs over all of them, and
     * HA's admission control counts them all (a host that has not connected yet is no failover room).
     */
    private static void awaitConnected(ApiClient api) throws ApiError {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                List<Map<String, Object>> hosts = Json.MAPPER.readValue(api.get("/api/v1/hosts").body(), new TypeReference<>() { });
                if (!hosts.isEmpty() && hosts.stream().filter(h -> "Up".equals(h.get("memberStatus")))
                        .allMatch(h -> "connected".equals(h.get("state")))) {
                    return;
                }
            } catch (JsonProcessingException e) {
                throw new ApiError(0, "cannot read the host list: " + e.getMessage());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiError(0, "interrupted while waiting for the hosts to connect");
            }
        }
        throw new ApiError(0, "the hosts did not all connect in the inventory within " + RUN_TIMEOUT.toSeconds() + " s");
    }

    private static void awaitRunning(ApiClient api, List<String> names) throws ApiError {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        List<String> waiting = names;
        while (System.nanoTime() - deadline < 0) {
            List<Map<String, Object>> vms;
            try {
                vms = Json.MAPPER.readValue(api.get("/api/v1/vms").body(), new TypeReference<>() { });
            } catch (JsonProcessingException e) {
                throw new ApiError(0, "cannot read the VM list: " + e.getMessage());
            }
            // Running as the inventory wants it (poweredOn or paused); one it wants stopped is not waited for.
            List<String> on = vms.stream().filter(v -> v.get("powerState").equals(v.get("desiredPowerState"))
                            || !RUNNING.contains(v.get("desiredPowerState")))
                    .map(v -> (String) v.get("name")).toList();
            waiting = names.stream().filter(n -> !on.contains(n)).toList();
            if (waiting.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiError(0, "interrupted while waiting for the demo VMs");
            }
        }
        throw new ApiError(0, "demo VMs not running after " + RUN_TIMEOUT.toSeconds() + " s: " + String.join(", ", waiting));
    }

    @Override
    public void stop(LabDir dir, PrintStream out) {
        // The VMs stop with their nodes; their checkpoints stay in the datastore.
    }
}
