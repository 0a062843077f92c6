package dev.vivarium.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.lease.LeaseRecord;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.node.lab.LabManifest;
import dev.vivarium.node.lab.LabNetwork;
import dev.vivarium.node.lab.LabNodes;
import dev.vivarium.node.lab.NodeProcesses;
import dev.vivarium.node.lab.SecretFile;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * {@code vivarium soak}: injects random single faults into a running lab and heals them, round
 * after round, and after each checks the guarantees: every VM that should run runs on exactly one
 * host (every node's figures, polled all along, never show one VM on two hosts), at the epoch
 * its lease on the datastore names, and the inventory ends consistent with what runs. Prints its
 * seed first, so a failing sequence can be replayed with {@code --seed}.
 */
public final class Soak {

    private static final Duration SETTLE = Duration.ofSeconds(180);

    private final LabDir dir;
    private final PrintStream out;

    public Soak(LabDir dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    /** Runs {@code rounds} rounds (or until {@code maxTime}); returns the problems found (none: passed). */
    public List<String> run(long seed, int rounds, Duration maxTime) throws Exception {
        out.println("soak: seed " + seed + " (replay with --seed " + seed + "), " + rounds + " rounds; load average "
                + FailoverBench.loadAverage());
        Random random = new Random(seed);
        List<String> problems = new ArrayList<>();
        long deadline = System.nanoTime() + maxTime.toNanos();
        List<String> kinds = new ArrayList<>(List.of("kill", "freeze", "datastore-off"));
        if (LabNetwork.namespace(dir).isPresent()) {
            kinds.add("partition");
        }
        for (int round = 1; round <= rounds && System.nanoTime() < deadline; round++) {
            LabManifest manifest = LabManifest.read(dir.manifest());
            String kind = kinds.get(random.nextInt(kinds.size()));
            String host = manifest.nodes().get(random.nextInt(manifest.nodes().size())).name();
            ApiClient api = client(manifest, host);
            awaitSettled(api, problems, "before round " + round);
            long start = System.nanoTime();
            api.send("POST", "/api/v1/faults", Json.write(Map.of("kind", kind, "hosts", List.of(host))));
            awaitSettled(api, problems, "round " + round + " (" + kind + " " + host + ")");
            heal(kind, host, api);
            awaitSettled(client(LabManifest.read(dir.manifest()), null), problems, "after healing round " + round);
            checkLeases(client(LabManifest.read(dir.manifest()), null), problems, "round " + round);
            out.printf("round %d: %s %s, all VMs on exactly one host again, healed, %.1f s%s%n", round, kind, host,
                    (System.nanoTime() - start) / 1e9, problems.isEmpty() ? "" : "; problems so far: " + problems.size());
        }
        out.println(problems.isEmpty() ? "soak passed (seed " + seed + ")" : "soak FAILED (seed " + seed + "): " + problems);
        return problems;
    }

    private void heal(String kind, String host, ApiClient api) throws Exception {
        switch (kind) {
            case "freeze" -> {
                api.send("POST", "/api/v1/faults", Json.write(Map.of("kind", "thaw", "hosts", List.of(host))));
                awaitExit(host, Duration.ofSeconds(60)); // downed by the majority while it slept
                LabNodes.restart(dir, host);
            }
            case "kill" -> {
                // SIGKILL is sent, not awaited: the process may still be there a moment (found in a run).
                awaitExit(host, Duration.ofSeconds(30));
                LabNodes.restart(dir, host);
            }
            case "datastore-off" -> api.send("POST", "/api/v1/faults", Json.write(Map.of("kind", "datastore-on", "hosts", List.of(host))));
            case "partition" -> {
                api.send("POST", "/api/v1/faults", Json.write(Map.of("kind", "heal")));
                awaitExit(host, Duration.ofSeconds(60)); // the minority was downed
                LabNodes.restart(dir, host);
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    /** Waits until the host's process has exited; kills it if it has not (a downed node may take its time). */
    private void awaitExit(String host, Duration within) throws Exception {
        LabManifest.Node node = LabManifest.read(dir.manifest()).nodes().stream().filter(n -> n.name().equals(host)).findFirst()
                .orElseThrow();
        long deadline = System.nanoTime() + within.toNanos();
        while (NodeProcesses.find(node.pid(), node.started()).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        NodeProcesses.find(node.pid(), node.started()).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
    }

    /**
     * Polls until every VM that should run runs (as the answering node's figures say), noting every
     * moment at which any node's figures showed a VM on two hosts.
     */
    private void awaitSettled(ApiClient api, List<String> problems, String when) throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            try {
                Map<String, List<String>> where = whereVmsRun(api);
                where.forEach((vm, hosts) -> {
                    if (hosts.size() > 1) {
                        problems.add(when + ": " + vm + " reported on " + hosts);
                    }
                });
                JsonNode vms = Json.MAPPER.readTree(api.get("/api/v1/vms").body());
                boolean settled = true;
                for (JsonNode vm : vms) {
                    boolean shouldRun = vm.path("desiredPowerState").asText().equals("poweredOn");
                    settled &= !shouldRun || where.getOrDefault(vm.path("name").asText(), List.of()).size() == 1;
                }
                if (settled) {
                    return;
                }
            } catch (ApiError e) {
                // the answering node is the one hit: the client goes on to another
            }
            if (System.nanoTime() > deadline) {
                problems.add(when + ": VMs that should run did not all run within " + SETTLE.toSeconds() + " s");
                return;
            }
            Thread.sleep(250);
        }
    }

    /** VM to the hosts whose figures list it, as the hosts' figures on the answering node show. */
    private static Map<String, List<String>> whereVmsRun(ApiClient api) throws ApiError, IOException {
        Map<String, List<String>> where = new TreeMap<>();
        JsonNode vms = Json.MAPPER.readTree(api.get("/api/v1/vms").body());
        for (JsonNode vm : vms) {
            if (!vm.path("host").isNull() && !vm.path("host").asText().isEmpty()) {
                where.computeIfAbsent(vm.path("name").asText(), k -> new ArrayList<>()).add(vm.path("host").asText());
            }
        }
        // The hosts' own counts against the VMs there are: more would be a VM on two hosts. Not
        // against the VMs the list shows on a host: the list may lag the hosts by a report (a VM
        // just restarted runs before the list says where).
        JsonNode hosts = Json.MAPPER.readTree(api.get("/api/v1/hosts").body());
        int reported = 0;
        for (JsonNode h : hosts) {
            reported += h.path("vms").asInt(0);
        }
        if (reported > vms.size()) {
            where.put("(hosts' VM counts)", List.of("reported " + reported, "VMs " + vms.size()));
        }
        return where;
    }

    /** Every running VM's lease on the datastore names the host it runs on, at the epoch it reports. */
    private void checkLeases(ApiClient api, List<String> problems, String when) throws Exception {
        Datastore datastore = Datastore.open(dir.datastore(), DatastoreSettings.DEFAULTS);
        for (JsonNode vm : Json.MAPPER.readTree(api.get("/api/v1/vms").body())) {
            if (!vm.path("powerState").asText().equals("poweredOn")) {
                continue;
            }
            Optional<LeaseRecord> lease = datastore.vm(vm.path("name").asText()).currentLease();
            if (lease.isEmpty() || !lease.get().owner().equals(vm.path("host").asText())
                    || lease.get().epoch() != vm.path("epoch").asLong()) {
                problems.add(when + ": " + vm.path("name").asText() + " runs on " + vm.path("host").asText() + " at epoch "
                        + vm.path("epoch").asLong() + " but the datastore's lease is " + lease.map(Object::toString).orElse("none"));
            }
        }
    }

    /** A client that asks {@code avoid}'s node only when no other answers. */
    private ApiClient client(LabManifest manifest, String avoid) throws IOException {
        List<LabManifest.Node> nodes = new ArrayList<>(manifest.nodes());
        nodes.sort((a, b) -> Boolean.compare(a.name().equals(avoid), b.name().equals(avoid)));
        return new ApiClient(nodes.stream().map(LabManifest.Node::api).toList(), SecretFile.read(dir.tokenFile()));
    }
}
