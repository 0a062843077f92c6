package dev.vivarium.node.migration;

import static dev.vivarium.node.WiredCluster.get;
import static dev.vivarium.node.WiredCluster.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.Cli;
import dev.vivarium.node.HostNode;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.WiredCluster;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.console.SseClient;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.Reply;
import dev.vivarium.vcenter.singleton.InventorySingleton;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live migration through the API and the CLI, on three real nodes in one JVM: a counter moves
 * and its console stream goes on without a gap or a repeat, the task carries the figures, the
 * inventory keeps the history whichever node answers, every refusal says why and changes
 * nothing, a migration that cannot converge is cancelled, and maintenance mode moves VMs live.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationApiTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    static WiredCluster cluster;
    static HostNode api;
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        // Pre-copy goes on until cancelled (a failpoint of dirty-1): its rounds are short, so no limit of rounds, and minutes.
        cluster = new WiredCluster(dir, List.of("host-1", "host-2", "host-3"), 256,
                Map.of("vivarium.migration.max-rounds", Integer.MAX_VALUE, "vivarium.migration.max-time", "5m",
                        "vivarium.migration.failpoints", List.of("never-converge:dirty-1")));
        api = cluster.node(0);
        cli = new Cli(dir);
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

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    static JsonNode vm(String name) throws Exception {
        return json(get(api, "/api/v1/vms/" + name));
    }

    /** The task a 202 answer started, once it has ended. */
    static JsonNode finished(HttpResponse<String> accepted) throws Exception {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = json(accepted).path("id").asText();
        JsonNode[] task = new JsonNode[1];
        await().atMost(WAIT).until(() -> {
            task[0] = json(get(api, "/api/v1/tasks/" + id));
            return !task[0].path("state").asText().equals("running");
        });
        return task[0];
    }

    static void running(String name, String image, String cmdline, int memoryMiB) throws Exception {
        HttpResponse<String> created = post("/api/v1/vms", Json.write(Map.of("name", name, "image", image, "memoryMiB", memoryMiB,
                "commandLine", cmdline)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(finished(post("/api/v1/vms/" + name + "/power-on", null)).path("state").asText()).isEqualTo("succeeded");
        await().atMost(WAIT).until(() -> !vm(name).path("host").isNull());
    }

    static String other(String host) {
        return host.equals("host-1") ? "host-2" : "host-1";
    }

    static void assertRefused(HttpResponse<String> r, String... reason) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(json(r).path("error").asText()).contains(reason);
    }

    @Test
    @Order(1)
    void aCounterMovesLiveAndItsConsoleGoesOnWithoutAGapOrARepeat() throws Exception {
        running("mig-1", "counter", "period_ms=20", 16);
        try (SseClient console = new SseClient(api.apiUrl(), "/api/v1/vms/mig-1/console", TestNodes.TOKEN)) {
            await().atMost(WAIT).until(() -> console.numbers().size() >= 5);
            for (int i = 0; i < 4; i++) {
                JsonNode before = vm("mig-1");
                String from = before.path("host").asText();
                String to = other(from);
                JsonNode task = finished(post("/api/v1/vms/mig-1/migrate", "{\"to\":\"" + to + "\"}"));
                assertThat(task.path("state").asText()).as(task.toString()).isEqualTo("succeeded");
                assertThat(task.path("result").asText()).startsWith("mig-1 migrated from " + from + " to " + to + ": downtime ");
                JsonNode d = task.path("details");
                assertThat(d.path("from").asText()).isEqualTo(from);
                assertThat(d.path("to").asText()).isEqualTo(to);
                assertThat(d.path("downtimeMs").asDouble()).isPositive();
                assertThat(d.path("totalMs").asDouble()).isGreaterThanOrEqualTo(d.path("downtimeMs").asDouble());
                assertThat(d.path("rounds").asInt()).isPositive();
                assertThat(d.path("bytesSent").asLong()).isPositive();
                assertThat(d.path("pagesSent").asLong()).isPositive();
                assertThat(d.path("zeroPages").asLong()).isPositive();
                assertThat(d.path("converged").asBoolean()).isTrue();
                assertThat(d.has("throttled")).isTrue();
                assertThat(d.path("verified").asBoolean()).as("the source's memory matches the target's checksum").isTrue();
                await().atMost(WAIT).until(() -> vm("mig-1").path("host").asText().equals(to));
                assertThat(vm("mig-1").path("epoch").asLong()).isEqualTo(before.path("epoch").asLong() + 1);
                int seen = console.numbers().size();
                await().atMost(WAIT).until(() -> console.numbers().size() >= seen + 3);
            }
            List<Long> numbers = console.numbers();
            for (int i = 1; i < numbers.size(); i++) {
                assertThat(numbers.get(i)).as("line %d of %s", i, numbers).isEqualTo(numbers.get(i - 1) + 1);
            }
            assertThat(console.types()).as("the stream followed the VM from host to host").contains("attached", "detached");
        }
        // The inventory keeps the history, whichever node answers.
        for (HostNode node : cluster.nodes) {
            JsonNode history = json(get(node, "/api/v1/vms/mig-1/migrations"));
            assertThat(history).hasSize(4);
            assertThat(history).allSatisfy(m -> {
                assertThat(m.path("outcome").asText()).isEqualTo("migrated");
                assertThat(m.path("stats").path("downtimeMs").asDouble()).isPositive();
                assertThat(m.path("ended").isNull()).isFalse();
            });
        }
        JsonNode events = json(get(api, "/api/v1/events?limit=1000"));
        List<String> kinds = new ArrayList<>();
        events.forEach(e -> kinds.add(e.path("type").asText()));
        assertThat(kinds).contains("VmMigrationStarted", "VmMigrated");
    }

    @Test
    @Order(2)
    void everyRefusalIs409WithItsReasonThroughTheApiAndTheCliAndChangesNothing() throws Exception {
        running("stay-1", "counter", "period_ms=100", 16);
        JsonNode vm = vm("stay-1");
        String host = vm.path("host").asText();
        String other = other(host);
        HttpResponse<String> created = post("/api/v1/vms", "{\"name\":\"off-9\",\"image\":\"counter\",\"memoryMiB\":16}");
        assertThat(created.statusCode()).isEqualTo(201);
        Path lab = cluster.labDir();

        assertRefused(post("/api/v1/vms/off-9/migrate", "{\"to\":\"host-2\"}"), "VM off-9 is not running");
        assertRefused(post("/api/v1/vms/stay-1/migrate", "{\"to\":\"host-9\"}"), "no host named host-9");
        assertRefused(post("/api/v1/vms/stay-1/migrate", "{\"to\":\"" + host + "\"}"), "already runs on " + host);
        assertThat(post("/api/v1/vms/none/migrate", "{\"to\":\"host-2\"}").statusCode()).isEqualTo(404);
        assertThat(post("/api/v1/vms/stay-1/migrate", "{\"to\":\"host-2\",\"downtimeMs\":-1}").statusCode()).isEqualTo(400);
        assertThat(cli.run("vm", "migrate", "off-9", "--to", "host-2", "--dir", lab.toString()).err())
                .contains("vivarium vm migrate: VM off-9 is not running");
        assertThat(cli.run("vm", "migrate", "stay-1", "--to", "host-9", "--dir", lab.toString()).err())
                .contains("vivarium vm migrate: no host named host-9");

        // A host in maintenance mode takes no VM.
        String third = List.of("host-1", "host-2", "host-3").stream().filter(h -> !h.equals(host) && !h.equals(other)).findFirst()
                .orElseThrow();
        assertThat(finished(post("/api/v1/hosts/" + third + "/maintenance", "{\"enabled\":true}")).path("state").asText())
                .isEqualTo("succeeded");
        assertRefused(post("/api/v1/vms/stay-1/migrate", "{\"to\":\"" + third + "\"}"), "host " + third + " is in maintenance mode");
        assertThat(cli.run("vm", "migrate", "stay-1", "--to", third, "--dir", lab.toString()).err()).contains("maintenance mode");

        // No room: a 200 MiB VM fills most of the other host.
        running("big-1", "counter", "period_ms=1000", 200);
        String bigHost = vm("big-1").path("host").asText();
        if (bigHost.equals(host)) {
            assertThat(finished(post("/api/v1/vms/big-1/migrate", "{\"to\":\"" + other + "\"}")).path("state").asText())
                    .isEqualTo("succeeded");
        }
        running("mid-1", "counter", "period_ms=1000", 64);
        if (!vm("mid-1").path("host").asText().equals(host)) {
            assertThat(finished(post("/api/v1/vms/mid-1/migrate", "{\"to\":\"" + host + "\"}")).path("state").asText())
                    .isEqualTo("succeeded");
        }
        assertRefused(post("/api/v1/vms/mid-1/migrate", "{\"to\":\"" + other + "\"}"), "host " + other + " has", "MiB free");
        assertThat(cli.run("vm", "migrate", "mid-1", "--to", other, "--dir", lab.toString()).err()).contains("MiB free");

        // A rule it would break: stay-1 and big-1 kept apart, and stay-1 would go to big-1's host.
        addRule(new Rule("apart", Rule.Kind.ANTI_AFFINITY, List.of("stay-1", "big-1")));
        assertRefused(post("/api/v1/vms/stay-1/migrate", "{\"to\":\"" + other + "\"}"), "anti-affinity", "big-1");
        assertThat(cli.run("vm", "migrate", "stay-1", "--to", other, "--dir", lab.toString()).err()).contains("anti-affinity");

        // Nothing changed: the VM runs where it ran, under its epoch, and no migration was recorded.
        assertThat(vm("stay-1").path("host").asText()).isEqualTo(host);
        assertThat(vm("stay-1").path("epoch").asLong()).isEqualTo(vm.path("epoch").asLong());
        assertThat(json(get(api, "/api/v1/vms/stay-1/migrations"))).isEmpty();
        assertThat(finished(post("/api/v1/hosts/" + third + "/maintenance", "{\"enabled\":false}")).path("state").asText())
                .isEqualTo("succeeded");
        for (String name : List.of("stay-1", "big-1", "mid-1")) {
            assertThat(finished(post("/api/v1/vms/" + name + "/power-off", null)).path("state").asText()).isEqualTo("succeeded");
        }
    }

    @Test
    @Order(3)
    void aMigrationThatCannotConvergeIsRefusedASecondTimeAndCancelledFromAnyNode() throws Exception {
        running("dirty-1", "memdirty", "wss_kb=4096 rate_pages=16 period_ms=2 report=0", 16);
        String host = vm("dirty-1").path("host").asText();
        String to = other(host);
        // Its migrations stay in pre-copy (a failpoint of this VM), so they can be caught and cancelled.
        HttpResponse<String> accepted = post("/api/v1/vms/dirty-1/migrate", "{\"to\":\"" + to + "\",\"downtimeMs\":0.5}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        await().atMost(WAIT).untilAsserted(() ->
                assertRefused(post("/api/v1/vms/dirty-1/migrate", "{\"to\":\"" + to + "\"}"), "already migrating"));
        assertThat(cli.run("vm", "migrate", "dirty-1", "--to", to, "--dir", cluster.labDir().toString()).err())
                .contains("already migrating");
        HttpResponse<String> cancelled = send(cluster.node(2), "DELETE", "/api/v1/vms/dirty-1/migration", null, TestNodes.TOKEN);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        JsonNode task = finished(accepted);
        assertThat(task.path("state").asText()).isEqualTo("failed");
        assertThat(task.path("reason").asText()).startsWith("cancelled: ").endsWith("dirty-1 runs on " + host);
        assertThat(task.path("details").path("outcome").asText()).isEqualTo("cancelled");
        assertThat(task.path("details").path("rounds").asInt()).isGreaterThan(1);
        assertThat(vm("dirty-1").path("host").asText()).isEqualTo(host);
        await().atMost(WAIT).until(() -> json(get(api, "/api/v1/vms/dirty-1/migrations")).get(0).path("outcome").asText()
                .equals("cancelled"));
        assertThat(send(api, "DELETE", "/api/v1/vms/dirty-1/migration", null, TestNodes.TOKEN).statusCode())
                .as("nothing to cancel now").isEqualTo(409);

        // Through its task, on the node that holds it.
        HttpResponse<String> again = post("/api/v1/vms/dirty-1/migrate", "{\"to\":\"" + to + "\"}");
        String id = json(again).path("id").asText();
        await().atMost(WAIT).until(() -> send(api, "DELETE", "/api/v1/tasks/" + id, null, TestNodes.TOKEN).statusCode() == 200);
        assertThat(finished(again).path("details").path("outcome").asText()).isEqualTo("cancelled");
        assertThat(send(cluster.node(1), "DELETE", "/api/v1/tasks/" + id, null, TestNodes.TOKEN).statusCode())
                .as("another node does not hold it").isEqualTo(404);
        assertThat(finished(post("/api/v1/vms/dirty-1/power-off", null)).path("state").asText()).isEqualTo("succeeded");
    }

    @Test
    @Order(4)
    void maintenanceModeMovesRunningVmsLive() throws Exception {
        String host = vm("mig-1").path("host").asText();
        JsonNode task = finished(post("/api/v1/hosts/" + host + "/maintenance", "{\"enabled\":true}"));
        assertThat(task.path("state").asText()).as(task.toString()).isEqualTo("succeeded");
        assertThat(task.path("result").asText()).contains("moved", "mig-1", "(live)");
        assertThat(vm("mig-1").path("host").asText()).isNotEqualTo(host);
        JsonNode history = json(get(api, "/api/v1/vms/mig-1/migrations"));
        assertThat(history.get(history.size() - 1).path("outcome").asText()).isEqualTo("migrated");
        assertThat(history.get(history.size() - 1).path("task").asText()).isEqualTo("maintenance mode of " + host);
        assertThat(finished(post("/api/v1/hosts/" + host + "/maintenance", "{\"enabled\":false}")).path("state").asText())
                .isEqualTo("succeeded");
    }

    @Test
    @Order(5)
    void anAppliedDrsRecommendationMovesTheVmThroughTheMigrationCoordinator() throws Exception {
        running("drs-1", "counter", "", 16);
        String from = vm("drs-1").path("host").asText();
        String to = List.of("host-1", "host-2", "host-3").stream().filter(h -> !h.equals(from)).findFirst().orElseThrow();
        HttpResponse<String> manual = send(api, "PATCH", "/api/v1/drs", "{\"automation\":\"manual\"}", TestNodes.TOKEN);
        assertThat(manual.statusCode()).as(manual.body()).isEqualTo(200);
        // A rule DRS must keep, broken: its recommendation is to move drs-1 there.
        assertThat(post("/api/v1/host-groups", "{\"name\":\"drs-target\",\"hosts\":[\"" + to + "\"]}").statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/rules", "{\"name\":\"drs-1-there\",\"kind\":\"must-run-on\",\"vms\":[\"drs-1\"],"
                + "\"hostGroup\":\"drs-target\"}").statusCode()).isEqualTo(201);
        JsonNode[] recommendation = new JsonNode[1];
        await().atMost(WAIT).until(() -> {
            assertThat(post("/api/v1/drs/rounds", null).statusCode()).isEqualTo(200);
            for (JsonNode r : json(get(api, "/api/v1/drs/recommendations"))) {
                if (r.path("vm").asText().equals("drs-1") && r.path("to").asText().equals(to)) {
                    recommendation[0] = r;
                    return true;
                }
            }
            return false;
        });

        JsonNode task = finished(post("/api/v1/drs/recommendations/" + recommendation[0].path("id").asText() + "/apply", null));
        assertThat(task.path("state").asText()).as(task.toString()).isEqualTo("succeeded");
        assertThat(task.path("result").asText()).contains("drs-1 moved from " + from + " to " + to + " by vmotion", "downtime");
        // The VM list shows it there once the hosts' figures are polled again (every period).
        await().atMost(WAIT).until(() -> vm("drs-1").path("host").asText().equals(to));
        // Recorded by the coordinator, like the API's and maintenance mode's migrations.
        JsonNode history = json(get(api, "/api/v1/vms/drs-1/migrations"));
        JsonNode last = history.get(history.size() - 1);
        assertThat(last.path("outcome").asText()).isEqualTo("migrated");
        assertThat(last.path("task").asText()).startsWith("DRS: ");
        assertThat(last.path("by").asText()).containsIgnoringCase("drs");
        assertThat(last.path("stats").path("downtimeMs").asDouble()).isPositive();
    }

    private static void addRule(Rule rule) throws Exception {
        ActorRef<InventoryCommand> inventory = InventorySingleton.init(api.system());
        Reply reply = AskPattern.<InventoryCommand, Reply>ask(inventory, r -> new InventoryCommand.AddRule(rule,
                Initiator.api("test"), r), Duration.ofSeconds(20), api.system().scheduler()).toCompletableFuture().get();
        assertThat(reply).isInstanceOf(Reply.Accepted.class);
    }
}
