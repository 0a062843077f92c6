package dev.vivarium.node.api;

import static dev.vivarium.node.WiredCluster.get;
import static dev.vivarium.node.api.ApiServerTest.assertError;
import static dev.vivarium.node.api.ApiServerTest.json;
import static dev.vivarium.node.WiredCluster.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.HostNode;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.WiredCluster;
import dev.vivarium.node.hosts.VmActors;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM operations carried out by a VM's actor (reset, guest shutdown, pause, snapshots) and
 * maintenance mode, against two real nodes: the inventory on H2, HostAgents running the guest
 * images. Each test has VMs of its own; maintenance mode, which moves every VM of a host, goes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VmOperationsApiTest {

    @TempDir
    static Path dir;

    static WiredCluster cluster;
    static HostNode api;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WiredCluster(dir, List.of("host-1", "host-2"), 256);
        api = cluster.node(0);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return send(api, "POST", path, body, TestNodes.TOKEN);
    }

    /** The task a 202 answer started, once it has ended. */
    static JsonNode finished(HttpResponse<String> accepted) throws Exception {
        return finished(api, accepted);
    }

    /** The task a 202 answer of {@code node} started, once it has ended (a task is kept by the node that accepted it). */
    static JsonNode finished(HostNode node, HttpResponse<String> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = json(accepted).path("id").asText();
        JsonNode[] task = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            task[0] = json(get(node, "/api/v1/tasks/" + id));
            return !task[0].path("state").asText().equals("running");
        });
        return task[0];
    }

    static JsonNode succeeded(HttpResponse<String> accepted) throws Exception {
        return succeeded(api, accepted);
    }

    static JsonNode succeeded(HostNode node, HttpResponse<String> accepted) throws Exception {
        JsonNode task = finished(node, accepted);
        assertThat(task.path("state").asText()).as(task.toString()).isEqualTo("succeeded");
        return task;
    }

    static JsonNode vm(String name) throws Exception {
        return json(get(api, "/api/v1/vms/" + name));
    }

    /** Creates a counter VM and powers it on, waiting until it runs. */
    static void running(String name) throws Exception {
        HttpResponse<String> created = post("/api/v1/vms", "{\"name\":\"" + name + "\",\"image\":\"counter\",\"memoryMiB\":16}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        succeeded(post("/api/v1/vms/" + name + "/power-on", null));
    }

    @Test
    @Order(1)
    void pauseUnpauseAndResetReachTheVmsActorAndTheInventory() throws Exception {
        running("op-1");
        long epoch = vm("op-1").path("epoch").asLong();

        assertThat(succeeded(post("/api/v1/vms/op-1/pause", null)).path("result").asText()).isEqualTo("op-1: paused");
        JsonNode paused = vm("op-1");
        assertThat(paused.path("powerState").asText()).isEqualTo("paused");
        assertThat(paused.path("desiredPowerState").asText()).isEqualTo("paused");
        // A paused guest runs no instruction, and the reconciler leaves it where it is.
        await().atMost(Duration.ofSeconds(10)).until(() -> vm("op-1").path("metrics").path("deliveredIps").asDouble() == 0);
        assertThat(vm("op-1").path("epoch").asLong()).isEqualTo(epoch);
        assertError(post("/api/v1/vms/op-1/pause", null), 409, "already paused");
        assertError(post("/api/v1/vms/op-1/reset", null), 409, "only a powered-on VM can reset");
        assertError(post("/api/v1/vms/op-1/suspend", null), 409, "cannot become suspended");

        assertThat(succeeded(post("/api/v1/vms/op-1/unpause", null)).path("result").asText()).isEqualTo("op-1: running");
        assertThat(vm("op-1").path("powerState").asText()).isEqualTo("poweredOn");
        await().atMost(Duration.ofSeconds(10)).until(() -> vm("op-1").path("metrics").path("deliveredIps").asDouble() > 0);
        assertError(post("/api/v1/vms/op-1/unpause", null), 409, "poweredOn, not paused");

        assertThat(succeeded(post("/api/v1/vms/op-1/reset", null)).path("result").asText()).isEqualTo("op-1: reset");
        assertThat(vm("op-1").path("epoch").asLong()).as("a reset keeps the VM on its lease").isEqualTo(epoch);
        await().atMost(Duration.ofSeconds(10)).until(() -> loggedByApi("op-1").contains("VmReset: VM op-1: reset"));

        // Power-on of a paused VM lets it run again, as VirtualCenter's does.
        succeeded(post("/api/v1/vms/op-1/pause", null));
        succeeded(post("/api/v1/vms/op-1/power-on", null));
        assertThat(vm("op-1").path("desiredPowerState").asText()).isEqualTo("poweredOn");

        assertThat(loggedByApi("op-1")).contains("VmPowerRequested: VM op-1 requested paused");
    }

    @Test
    @Order(1)
    void aVmThatShouldBePausedButRunsShowsSoUntilTheReconcilerPausesItAgain() throws Exception {
        running("held-2");
        succeeded(post("/api/v1/vms/held-2/pause", null));
        long epoch = vm("held-2").path("epoch").asLong();
        assertThat(vm("held-2").path("powerState").asText()).as("the pause task ends when the figures show it").isEqualTo("paused");
        // Read from the node whose host runs the VM: its own host's figures arrive with the report to the reconciler,
        // so it shows the VM running for at least a reconcile period before the correction can reach its figures.
        String host = vm("held-2").path("host").asText();
        HostNode owner = cluster.nodes.stream().filter(n -> n.settings().name().equals(host)).findFirst().orElseThrow();

        // As a host process restarted after a crash resumes its VMs: unpaused, without asking the inventory.
        ActorRef<VmCommand> actor = new VmActors(owner.system()).find("held-2").toCompletableFuture()
                .get(10, TimeUnit.SECONDS).orElseThrow();
        VmReply unpaused = AskPattern.<VmCommand, VmReply>ask(actor, VmCommand.Unpause::new, Duration.ofSeconds(10),
                owner.system().scheduler()).toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertThat(unpaused).isEqualTo(new VmReply.Done("held-2", "running"));

        // The API says what the VM does (running) while the inventory still wants it paused; then the reconciler pauses it.
        List<String> seen = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            JsonNode view = json(get(owner, "/api/v1/vms/held-2"));
            String state = view.path("powerState").asText() + "/" + view.path("desiredPowerState").asText();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) {
                seen.add(state);
            }
            return seen.contains("poweredOn/paused") && state.equals("paused/paused");
        });
        assertThat(seen).as("running while it should be paused, then paused again; never stopped or moved")
                .containsOnly("poweredOn/paused", "paused/paused").endsWith("paused/paused");
        await().atMost(Duration.ofSeconds(10)).until(() -> vm("held-2").path("metrics").path("deliveredIps").asDouble() == 0);
        assertThat(vm("held-2").path("epoch").asLong()).as("paused where it runs, not restarted").isEqualTo(epoch);
    }

    @Test
    @Order(2)
    void guestShutdownEndsPoweredOff() throws Exception {
        running("op-2");
        JsonNode task = succeeded(post("/api/v1/vms/op-2/shutdown", null));
        assertThat(task.path("result").asText()).startsWith("op-2: guest shut down");
        JsonNode off = vm("op-2");
        assertThat(off.path("desiredPowerState").asText()).isEqualTo("poweredOff");
        await().atMost(Duration.ofSeconds(10)).until(() -> vm("op-2").path("powerState").asText().equals("poweredOff"));
        assertThat(vm("op-2").path("host").isNull()).isTrue();
    }

    @Test
    @Order(3)
    void whatAVmsStateForbidsIs409AndUnknownNamesAre404() throws Exception {
        assertThat(post("/api/v1/vms", "{\"name\":\"off-1\",\"image\":\"counter\",\"memoryMiB\":16}").statusCode()).isEqualTo(201);
        for (String op : List.of("reset", "shutdown", "pause")) {
            assertError(post("/api/v1/vms/off-1/" + op, null), 409, "off-1 is poweredOff");
            assertError(post("/api/v1/vms/none/" + op, null), 404, "no VM named none");
        }
        assertError(post("/api/v1/vms/off-1/unpause", null), 409, "poweredOff, not paused");
        assertError(post("/api/v1/vms/off-1/snapshots", "{\"name\":\"s1\"}"), 409, "it must run to take a snapshot");
        assertError(post("/api/v1/vms/off-1/snapshot", "{\"argument\":\"s1\"}"), 409, "it must run to take a snapshot");
        assertError(post("/api/v1/vms/off-1/migrate", "{\"argument\":\"host-2\"}"), 409, "VM off-1 is not running");
        assertError(post("/api/v1/vms/none/migrate", "{\"argument\":\"host-2\"}"), 404, "no VM named none");
        assertError(get(api, "/api/v1/vms/none/snapshots"), 404, "no VM named none");
        assertError(post("/api/v1/vms/off-1/snapshots/s9/revert", null), 404, "no snapshot named 's9'");
        assertError(send(api, "DELETE", "/api/v1/vms/off-1/snapshots/s9", null, TestNodes.TOKEN), 404, "no snapshot named 's9'");
        assertError(post("/api/v1/vms/off-1/snapshots", "{\"description\":\"x\"}"), 400, "name: required");
        assertError(post("/api/v1/vms/off-1/snapshots", "{\"name\":\"a/b\"}"), 400, "not a snapshot name");
        assertError(post("/api/v1/vms/off-1/snapshots", "{\"name\":"), 400, "invalid JSON");
        assertError(post("/api/v1/vms/off-1/snapshots", "{\"name\":\"s\",\"colour\":1}"), 400, "colour");
        assertThat(json(get(api, "/api/v1/vms/off-1/snapshots"))).isEmpty();
        for (String path : List.of("/api/v1/vms/off-1/snapshots", "/api/v1/vms/off-1/snapshots/s1/revert",
                "/api/v1/hosts/host-1/maintenance", "/api/v1/vms/off-1/pause")) {
            assertError(send(api, "POST", path, "{}", null), 401, "bearer token");
            assertError(send(api, "POST", path, "{}", "wrong"), 401, "bearer token");
        }
        assertError(send(api, "GET", "/api/v1/vms/off-1/snapshots", null, "wrong"), 401, "bearer token");
        assertError(send(api, "DELETE", "/api/v1/vms/off-1/snapshots/s1", null, null), 401, "bearer token");
    }

    @Test
    @Order(4)
    void snapshotsAreTakenListedRevertedAndDeletedRunningOrNot() throws Exception {
        running("snap-1");
        JsonNode taken = succeeded(post("/api/v1/vms/snap-1/snapshots", "{\"name\":\"s1\",\"description\":\"before the test\"}"));
        assertThat(taken.path("result").asText()).isEqualTo("snap-1: snapshot s1 taken");
        assertThat(taken.path("description").asText()).isEqualTo("snapshot snap-1 s1");
        succeeded(post("/api/v1/vms/snap-1/snapshot", "{\"argument\":\"s2\"}"));
        JsonNode list = json(get(api, "/api/v1/vms/snap-1/snapshots"));
        assertThat(list.findValuesAsText("name")).containsExactly("s1", "s2");
        assertThat(list.get(0).path("description").asText()).isEqualTo("before the test");
        assertThat(list.get(0).path("created").asText()).endsWith("Z");
        assertThat(list.get(1).path("seq").asLong()).isGreaterThan(list.get(0).path("seq").asLong());
        assertError(post("/api/v1/vms/snap-1/snapshots", "{\"name\":\"s1\"}"), 409, "already has a snapshot named 's1'");

        assertThat(succeeded(post("/api/v1/vms/snap-1/snapshots/s1/revert", null)).path("result").asText())
                .isEqualTo("snap-1: reverted to snapshot s1");
        assertThat(vm("snap-1").path("powerState").asText()).isEqualTo("poweredOn");
        assertThat(succeeded(send(api, "DELETE", "/api/v1/vms/snap-1/snapshots/s2", null, TestNodes.TOKEN))
                .path("result").asText()).isEqualTo("snap-1: snapshot s2 deleted");

        // Powered off, the VM keeps its snapshots on the datastore: they list, revert and delete all the same.
        succeeded(post("/api/v1/vms/snap-1/power-off", null));
        assertThat(json(get(api, "/api/v1/vms/snap-1/snapshots")).findValuesAsText("name")).containsExactly("s1");
        assertThat(succeeded(post("/api/v1/vms/snap-1/snapshots/s1/revert", null)).path("result").asText())
                .contains("reverted to snapshot s1", "next power-on");
        // It resumes from the snapshot: on the lease after the one the revert took.
        long offEpoch = vm("snap-1").path("epoch").asLong();
        succeeded(post("/api/v1/vms/snap-1/power-on", null));
        assertThat(vm("snap-1").path("epoch").asLong()).isGreaterThan(offEpoch + 1);
        succeeded(post("/api/v1/vms/snap-1/power-off", null));
        assertThat(succeeded(send(api, "DELETE", "/api/v1/vms/snap-1/snapshots/s1", null, TestNodes.TOKEN))
                .path("result").asText()).isEqualTo("snap-1: snapshot s1 deleted");
        assertThat(json(get(api, "/api/v1/vms/snap-1/snapshots"))).isEmpty();
        assertError(send(api, "DELETE", "/api/v1/vms/snap-1/snapshots/s1", null, TestNodes.TOKEN), 404, "no snapshot named 's1'");

        // Each operation of the VM's actor is in the event log with who asked for it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(loggedByApi("snap-1")).contains("VmSnapshotTaken: VM snap-1: snapshot s1 taken",
                "VmSnapshotReverted: VM snap-1: reverted to snapshot s1",
                "VmSnapshotDeleted: VM snap-1: snapshot s2 deleted", "VmSnapshotDeleted: VM snap-1: snapshot s1 deleted"));
    }

    @Test
    @Order(5)
    void maintenanceModeEmptiesAHostAndTakesNothingNewUntilItExits() throws Exception {
        // With host-2 in maintenance, the new VMs can only land on host-1.
        String host = "host-1";
        String other = "host-2";
        succeeded(post("/api/v1/hosts/" + other + "/maintenance", "{\"enabled\":true}"));
        running("mm-1");
        running("mm-2");
        assertThat(vm("mm-1").path("host").asText()).isEqualTo(host);
        assertThat(vm("mm-2").path("host").asText()).isEqualTo(host);
        succeeded(post("/api/v1/vms/mm-2/pause", null));
        succeeded(post("/api/v1/hosts/" + other + "/maintenance", "{\"enabled\":false}"));

        JsonNode task = succeeded(post("/api/v1/hosts/" + host + "/maintenance", "{\"enabled\":true}"));
        assertThat(task.path("result").asText()).startsWith(host + " is in maintenance mode; moved");
        String target = other;
        assertThat(task.path("result").asText()).contains("mm-1", "mm-2");
        for (String name : List.of("mm-1", "mm-2")) {
            assertThat(vm(name).path("host").asText()).isEqualTo(target);
        }
        assertThat(vm("mm-2").path("powerState").asText()).as("a paused VM stays paused where it lands").isEqualTo("paused");
        await().atMost(Duration.ofSeconds(10)).until(() -> vm("mm-2").path("metrics").path("deliveredIps").asDouble() == 0);
        String inMaintenance = host;
        await().atMost(Duration.ofSeconds(10)).until(() -> hostView(inMaintenance).path("inMaintenanceMode").asBoolean());
        assertThat(hostView(inMaintenance).path("vms").asInt()).isZero();
        assertError(post("/api/v1/hosts/" + host + "/maintenance", "{\"enabled\":true}"), 409, "already in maintenance mode");

        // With the only other host in maintenance too, nothing can take the VMs: the request fails, changing nothing.
        JsonNode refused = finished(post("/api/v1/hosts/" + other + "/maintenance", "{\"enabled\":true}"));
        assertThat(refused.path("state").asText()).isEqualTo("failed");
        assertThat(refused.path("reason").asText()).contains("no host can take these VMs", "mm-1");
        assertThat(hostView(other).path("inMaintenanceMode").asBoolean()).isFalse();
        assertThat(vm("mm-1").path("powerState").asText()).isEqualTo("poweredOn");

        // Exiting makes the host placeable again (host-2 took the moved VMs after its exit above).
        assertThat(succeeded(post("/api/v1/hosts/" + host + "/maintenance", "{\"enabled\":false}")).path("result").asText())
                .contains("exited maintenance mode");
        await().atMost(Duration.ofSeconds(10)).until(() -> !hostView(inMaintenance).path("inMaintenanceMode").asBoolean());
        assertError(post("/api/v1/hosts/" + host + "/maintenance", "{\"enabled\":false}"), 409, "not in maintenance mode");
        assertError(post("/api/v1/hosts/host-9/maintenance", "{\"enabled\":true}"), 404, "no host named host-9");
        assertError(post("/api/v1/hosts/host-9/maintenance", "{\"enabled\":false}"), 404, "no host named host-9");
        assertError(post("/api/v1/hosts/" + host + "/maintenance", "{}"), 400, "enabled: required");
        assertError(post("/api/v1/hosts/" + host + "/maintenance", ""), 400, "needs a JSON body");

        // Asked to, maintenance powers off what no other host can take.
        succeeded(post("/api/v1/hosts/" + host + "/maintenance", "{\"enabled\":true}"));
        JsonNode forced = succeeded(post("/api/v1/hosts/" + other + "/maintenance", "{\"enabled\":true,\"powerOffVms\":true}"));
        assertThat(forced.path("result").asText()).contains("powered off", "mm-1", "mm-2");
        assertThat(vm("mm-1").path("desiredPowerState").asText()).isEqualTo("poweredOff");
        for (String h : List.of(host, other)) {
            succeeded(post("/api/v1/hosts/" + h + "/maintenance", "{\"enabled\":false}"));
        }

        List<String> messages = json(get(api, "/api/v1/events?limit=1000")).findValuesAsText("message");
        assertThat(messages).contains("Host " + host + " entered maintenance mode", "Host " + host + " exited maintenance mode");
    }

    /** The event log's lines about {@code vm} that an API caller caused, as "TYPE: message". */
    static List<String> loggedByApi(String vm) throws Exception {
        List<String> logged = new ArrayList<>();
        json(get(api, "/api/v1/events?limit=1000")).forEach(e -> {
            if (e.path("subject").asText().equals(vm) && e.path("by").asText().equals("api:api")) {
                logged.add(e.path("type").asText() + ": " + e.path("message").asText());
            }
        });
        return logged;
    }

    static JsonNode hostView(String name) throws Exception {
        return json(get(api, "/api/v1/hosts/" + name));
    }
}
