package dev.vivarium.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.Cli;
import dev.vivarium.node.WiredCluster;
import dev.vivarium.node.api.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM, snapshot, maintenance and task commands as processes against two real nodes, through a
 * lab.json whose first node is down (the CLI passes over it).
 */
class VmCliTest {

    @TempDir
    static Path dir;

    static WiredCluster cluster;
    static Path lab;
    static Cli cli;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WiredCluster(dir, List.of("host-1", "host-2"), 256);
        lab = cluster.labDir();
        cli = new Cli(dir);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Cli.Result run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--dir", lab.toString()));
        return cli.run(all.toArray(String[]::new));
    }

    static Cli.Result ok(String... args) throws Exception {
        Cli.Result r = run(args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    static Cli.Result fails(String... args) throws Exception {
        Cli.Result r = run(args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.out()).isEqualTo(1);
        return r;
    }

    @Test
    void aVmsLifeThroughTheCli() throws Exception {
        Cli.Result created = ok("vm", "create", "cli-1", "--image", "counter", "--memory", "16", "--shares", "2000",
                "--restart-priority", "high");
        assertThat(created.out()).startsWith("FIELD").contains("name", "cli-1", "powerState", "poweredOff");
        assertThat(fails("vm", "create", "cli-1", "--image", "counter").err())
                .isEqualTo("vivarium vm create: a VM named cli-1 already exists\n");
        JsonNode reconfigured = Json.MAPPER.readTree(ok("vm", "reconfigure", "cli-1", "--memory", "24", "--json").out());
        assertThat(reconfigured.path("memoryMiB").asLong()).isEqualTo(24);
        assertThat(fails("vm", "reconfigure", "cli-1").err()).contains("no change given");

        assertThat(ok("vm", "power-on", "cli-1").out()).startsWith("cli-1 runs on host-");
        assertThat(ok("vm", "pause", "cli-1").out()).isEqualTo("cli-1: paused\n");
        assertThat(ok("vm", "get", "cli-1").out()).containsPattern("powerState +paused");
        assertThat(fails("vm", "pause", "cli-1").err()).isEqualTo("vivarium vm pause: VM cli-1 is already paused\n");

        String id = ok("vm", "unpause", "cli-1", "--no-wait").out().strip();
        assertThat(id).matches("host-[12]-\\d+");
        await().atMost(Duration.ofSeconds(30)).until(() -> run("task", "get", id).out().equals("cli-1: running\n"));
        JsonNode task = Json.MAPPER.readTree(ok("task", "get", id, "--json").out());
        assertThat(task.path("state").asText()).isEqualTo("succeeded");
        assertThat(fails("task", "get", "host-1-99999").err()).contains("no task host-1-99999");

        assertThat(ok("vm", "snapshot", "create", "cli-1", "s1", "--description", "first one").out())
                .isEqualTo("cli-1: snapshot s1 taken\n");
        assertThat(ok("vm", "snapshot", "list", "cli-1").out()).startsWith("NAME").contains("s1", "first one");
        assertThat(ok("vm", "snapshot", "revert", "cli-1", "s1").out()).isEqualTo("cli-1: reverted to snapshot s1\n");
        assertThat(fails("vm", "snapshot", "revert", "cli-1", "s7").err()).contains("no snapshot named 's7'");
        assertThat(ok("vm", "snapshot", "delete", "cli-1", "s1").out()).isEqualTo("cli-1: snapshot s1 deleted\n");
        assertThat(ok("vm", "reset", "cli-1").out()).isEqualTo("cli-1: reset\n");
        // Live migration to the other host and back; a refusal names its reason.
        String from = Json.MAPPER.readTree(ok("vm", "get", "cli-1", "--json").out()).path("host").asText();
        String to = from.equals("host-1") ? "host-2" : "host-1";
        assertThat(ok("vm", "migrate", "cli-1", "--to", to).out()).startsWith("cli-1 migrated from " + from + " to " + to + ": downtime ");
        JsonNode back = Json.MAPPER.readTree(ok("vm", "migrate", "cli-1", "--json").out());
        assertThat(back.path("details").path("to").asText()).as("the only other host").isEqualTo(from);
        assertThat(back.path("details").path("downtimeMs").asDouble()).isPositive();
        assertThat(fails("vm", "migrate", "cli-1", "--to", from).err()).isEqualTo("vivarium vm migrate: VM cli-1 already runs on " + from + "\n");
        assertThat(fails("vm", "migrate", "cli-1", "--to", "host-9").err()).contains("no host named host-9");
        assertThat(ok("vm", "migrations", "cli-1").out()).startsWith("STARTED").contains(from + " ", "migrated");
        assertThat(fails("vm", "migrate", "--cancel", "cli-1").err()).contains("no migration of VM cli-1 runs");
        assertThat(fails("vm", "pause", "nobody").err()).isEqualTo("vivarium vm pause: no VM named nobody\n");

        // Maintenance: the VM's host empties; with the other host in maintenance too, nothing can take it (the task fails).
        String host = Json.MAPPER.readTree(ok("vm", "get", "cli-1", "--json").out()).path("host").asText();
        String other = host.equals("host-1") ? "host-2" : "host-1";
        assertThat(ok("host", "maintenance", "enter", host).out()).startsWith(host + " is in maintenance mode; moved cli-1");
        assertThat(ok("host", "list").out()).containsPattern(host + " .* true\n");
        Cli.Result refused = fails("host", "maintenance", "enter", other);
        assertThat(refused.err()).startsWith("vivarium host maintenance enter: task host-").contains("failed: no host can take these VMs");
        assertThat(ok("host", "maintenance", "exit", host).out()).contains(host + " exited maintenance mode");
        assertThat(fails("host", "maintenance", "exit", host).err()).contains("not in maintenance mode");

        assertThat(ok("vm", "shutdown", "cli-1").out()).startsWith("cli-1: guest shut down");
        assertThat(ok("vm", "delete", "cli-1").out()).isEqualTo("Deleted VM cli-1.\n");
        assertThat(ok("task", "list").out()).startsWith("ID").contains("pause cli-1");
    }

    @Test
    void rulesAndHostGroupsKeepVmsWhereTheySay() throws Exception {
        assertThat(ok("host", "group", "create", "edge", "--hosts", "host-2").out()).contains("edge", "host-2");
        assertThat(ok("host", "group", "list").out()).startsWith("NAME").containsPattern("edge +host-2");
        assertThat(fails("host", "group", "create", "far", "--hosts", "host-9").err()).contains("no host named host-9");
        ok("vm", "create", "r-1", "--image", "counter");
        ok("vm", "create", "r-2", "--image", "counter");
        assertThat(ok("rule", "create", "apart", "--kind", "anti-affinity", "--vms", "r-1,r-2").out()).contains("anti-affinity");
        ok("rule", "create", "r1-edge", "--kind", "must-run-on", "--vms", "r-1", "--host-group", "edge");
        assertThat(fails("rule", "create", "odd", "--kind", "sideways", "--vms", "r-1").err()).contains("unknown rule kind sideways");
        assertThat(fails("rule", "create", "odd", "--kind", "must-run-on", "--vms", "r-1").err()).contains("needs a host group");
        assertThat(fails("rule", "create", "apart", "--kind", "affinity", "--vms", "r-1,r-2").err()).contains("already exists");

        // The must rule puts r-1 on host-2; anti-affinity then keeps r-2 off it.
        assertThat(ok("vm", "power-on", "r-1").out()).startsWith("r-1 runs on host-2");
        assertThat(ok("vm", "power-on", "r-2").out()).startsWith("r-2 runs on host-1");
        JsonNode rules = Json.MAPPER.readTree(ok("rule", "list", "--json").out());
        assertThat(rules).extracting(r -> r.path("name").asText() + ":" + r.path("kind").asText() + ":" + r.path("broken").asBoolean())
                .containsExactly("apart:anti-affinity:false", "r1-edge:must-run-on:false");
        assertThat(ok("rule", "list").out()).containsPattern("r1-edge +must-run-on +r-1 +edge +false");

        assertThat(fails("host", "group", "delete", "edge").err()).contains("rule r1-edge names host group edge");
        assertThat(ok("rule", "delete", "r1-edge").out()).isEqualTo("Deleted rule r1-edge.\n");
        assertThat(ok("host", "group", "delete", "edge").out()).isEqualTo("Deleted host group edge.\n");
        assertThat(fails("rule", "delete", "r1-edge").err()).contains("no rule named r1-edge");
        ok("vm", "power-off", "r-1");
        ok("vm", "power-off", "r-2");
        ok("vm", "delete", "r-1");
        ok("vm", "delete", "r-2");
        assertThat(Json.MAPPER.readTree(ok("rule", "list", "--json").out())).isEmpty();
    }

    @Test
    void drsSettingsStatusRecommendationsAndRounds() throws Exception {
        JsonNode status = Json.MAPPER.readTree(ok("drs", "status", "--json").out());
        assertThat(status.path("automation").asText()).isEqualTo("fullyAutomated");
        assertThat(status.path("threshold").asInt()).isEqualTo(3);
        assertThat(fails("drs", "set", "--threshold", "9").err()).contains("1 (conservative) to 5 (aggressive)");
        assertThat(fails("drs", "set", "--automation", "sometimes").err()).contains("unknown automation level sometimes");
        assertThat(ok("drs", "set", "--automation", "manual", "--threshold", "2").out())
                .startsWith("automation manual, migration threshold 2");
        JsonNode round = Json.MAPPER.readTree(ok("drs", "run", "--json").out());
        assertThat(round.path("rounds").asLong()).isPositive();
        assertThat(round.path("connectedHosts").asInt()).isEqualTo(2);
        assertThat(round.path("loads").has("host-1")).isTrue();
        assertThat(Json.MAPPER.readTree(ok("drs", "recommendations", "--json").out()).isArray()).isTrue();
        assertThat(ok("drs", "status").out()).contains("imbalance", "HOST", "host-2");
        assertThat(fails("drs", "apply", "drs-999").err()).contains("no recommendation drs-999");
        ok("drs", "set", "--automation", "fullyAutomated", "--threshold", "3");
        assertThat(ok("events").out()).contains("DRS set to manual, migration threshold 2");
    }

    /**
     * Fully automated DRS keeps a rule made while its VM runs elsewhere by a live migration of
     * the VM (VMotion, through the hosts' migration protocol), logged with its reason and the
     * downtime the hosts measured.
     */
    @Test
    void drsMovesARunningVmLiveToKeepARule() throws Exception {
        ok("drs", "set", "--automation", "fullyAutomated", "--threshold", "3");
        ok("vm", "create", "d-1", "--image", "counter", "--memory", "16");
        String placed = ok("vm", "power-on", "d-1").out();
        assertThat(placed).startsWith("d-1 runs on host-");
        String from = placed.substring("d-1 runs on ".length()).split("[^a-z0-9-]")[0];
        String to = from.equals("host-1") ? "host-2" : "host-1";
        ok("host", "group", "create", "there", "--hosts", to);
        ok("rule", "create", "d1-there", "--kind", "must-run-on", "--vms", "d-1", "--host-group", "there");

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            JsonNode status = Json.MAPPER.readTree(ok("drs", "run", "--json").out());
            assertThat(status.path("movesDone").asLong()).as(status.toString()).isPositive();
        });
        JsonNode status = Json.MAPPER.readTree(ok("drs", "status", "--json").out());
        JsonNode move = status.path("recentMoves").get(status.path("recentMoves").size() - 1);
        assertThat(move.path("vm").asText()).isEqualTo("d-1");
        assertThat(move.path("from").asText()).isEqualTo(from);
        assertThat(move.path("to").asText()).isEqualTo(to);
        assertThat(move.path("reason").asText()).isEqualTo("rule");
        assertThat(move.path("how").asText()).isEqualTo("vmotion");
        assertThat(move.path("downtimeMs").asDouble()).isPositive();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Json.MAPPER.readTree(ok("vm", "get", "d-1", "--json").out()).path("host").asText()).isEqualTo(to));
        assertThat(ok("events").out()).contains("DRS moved VM d-1 from " + from + " to " + to).contains("by vmotion");
        assertThat(Json.MAPPER.readTree(ok("rule", "list", "--json").out()).get(0).path("broken").asBoolean()).isFalse();

        ok("rule", "delete", "d1-there");
        ok("host", "group", "delete", "there");
        ok("vm", "power-off", "d-1");
        ok("vm", "delete", "d-1");
    }
}
