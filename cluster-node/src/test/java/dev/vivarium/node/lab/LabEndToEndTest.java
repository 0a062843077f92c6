package dev.vivarium.node.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.Cli;
import dev.vivarium.node.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lab up` as real processes: three nodes, the CLI over their API, one node crashed, one stopped, `lab down`. */
class LabEndToEndTest {

    @TempDir
    Path scratch;

    private Path lab;
    private Cli cli;
    private final List<Process> followers = new ArrayList<>();

    /** Whatever happened, no node process (nor the inventory's database) outlives the test. */
    @AfterEach
    void tearDown() throws IOException {
        followers.forEach(Process::destroyForcibly);
        LabProcesses.killAll(lab);
    }

    /** Every host the API lists, with its state in the inventory, by name. */
    private Map<String, String> hosts() throws Exception {
        Cli.Result r = cli.run("host", "list", "--json", "--dir", lab.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, String> states = new TreeMap<>();
        Json.MAPPER.readTree(r.out()).forEach(h -> states.put(h.path("name").asText(), h.path("state").asText()));
        return states;
    }

    /** One host as `host list --json` shows it. */
    private JsonNode host(String name) throws Exception {
        Cli.Result r = cli.run("host", "list", "--json", "--dir", lab.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        for (JsonNode h : Json.MAPPER.readTree(r.out())) {
            if (h.path("name").asText().equals(name)) {
                return h;
            }
        }
        throw new AssertionError("no host " + name + " in " + r.out());
    }

    @Test
    void labUpServesTheClusterAndLabDownStopsEveryProcess() throws Exception {
        lab = scratch.resolve("lab");
        cli = new Cli(scratch);

        Cli.Result up = cli.run("lab", "up", "--nodes", "3", "--vms", "6", "--dir", lab.toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).contains("Lab running in " + lab, "Token file: " + lab.resolve("api-token"), "host list");
        LabManifest manifest = LabManifest.read(lab.resolve("lab.json"));
        assertThat(manifest.nodes()).extracting(LabManifest.Node::name).containsExactly("host-1", "host-2", "host-3");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lab.resolve("api-token")))).isEqualTo("rw-------");
        // The launcher has exited; the nodes live on.
        assertThat(manifest.nodes()).allMatch(n -> ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive).orElse(false));

        Map<String, String> connected = Map.of("host-1", "connected", "host-2", "connected", "host-3", "connected");
        await().atMost(Duration.ofSeconds(30)).until(() -> hosts().equals(connected));
        Cli.Result table = cli.run("host", "list", "--dir", lab.toString());
        assertThat(table.out()).startsWith("NAME").containsPattern("host-2 +connected +Up +pekko://");

        assertThat(up.out()).contains("vm list", "events --follow", "lab down");

        // The six demo VMs run, spread over the hosts by the reconciler, with their hosts' live figures.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Cli.Result vms = cli.run("vm", "list", "--json", "--dir", lab.toString());
            assertThat(vms.exit()).as(vms.err()).isZero();
            JsonNode list = Json.MAPPER.readTree(vms.out());
            assertThat(list).hasSize(6);
            Set<String> on = new TreeSet<>();
            list.forEach(vm -> {
                assertThat(vm.path("powerState").asText()).as(vm.toString()).isEqualTo("poweredOn");
                assertThat(vm.path("desiredPowerState").asText()).isEqualTo("poweredOn");
                assertThat(vm.path("memoryMiB").asLong()).isEqualTo(16);
                assertThat(vm.path("epoch").asLong()).isPositive();
                assertThat(vm.path("metrics").path("deliveredIps").asDouble()).as(vm.toString()).isPositive();
                assertThat(vm.path("metrics").has("readyPct")).isTrue();
                on.add(vm.path("host").asText());
            });
            assertThat(on).as("hosts running the demo VMs").hasSizeGreaterThanOrEqualTo(2);
        });
        Cli.Result hostFigures = cli.run("host", "list", "--json", "--dir", lab.toString());
        JsonNode figures = Json.MAPPER.readTree(hostFigures.out());
        assertThat(figures).allSatisfy(h -> assertThat(h.path("capacityMips").asLong()).isPositive());
        int hosted = 0;
        for (JsonNode h : figures) {
            hosted += h.path("vms").asInt();
        }
        assertThat(hosted).as(hostFigures.out()).isEqualTo(6);

        operateOnAVmAndAHost();

        Cli.Result again = cli.run("lab", "up", "--nodes", "5", "--dir", lab.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already running").doesNotContain("host-4");
        assertThat(cli.run("lab", "status", "--dir", lab.toString()).exit()).isZero();
        assertThat(cli.run("lab", "logs", "host-2", "--dir", lab.toString()).out()).contains("vivarium node host-2: cluster member at");

        // Follow the event log of host-1 while host-3 crashes and host-2 stops cleanly.
        Process follow = new ProcessBuilder(Cli.command("events", "--follow", "--json", "--dir", lab.toString()))
                .redirectError(scratch.resolve("follow.err").toFile()).start();
        followers.add(follow);
        List<String> followed = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(followed::add);
            } catch (IOException e) {
                followed.add("read failed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> followed.stream().anyMatch(l -> l.contains("\"HostUp\"")));

        // A crash (SIGKILL): the failure detector loses host-3, the Split Brain Resolver downs it
        // (two of three is a majority) and the survivors remove it.
        ProcessHandle third = ProcessHandle.of(manifest.nodes().get(2).pid()).orElseThrow();
        long crashed = System.nanoTime();
        third.destroyForcibly();
        // It stays listed, as VirtualCenter lists a host it lost contact with: not responding, no figures.
        await().atMost(Duration.ofSeconds(90)).until(() -> hosts().equals(
                Map.of("host-1", "connected", "host-2", "connected", "host-3", "notResponding")));
        System.out.printf("host-3 killed: not responding in the inventory after %.1f s%n", (System.nanoTime() - crashed) / 1e9);
        // HA's datastore lease marks the host lost (notResponding) before the Split Brain Resolver
        // downs and removes the member (~10 s in the lab): until then it is listed as Unreachable.
        await().atMost(Duration.ofSeconds(60)).until(() -> host("host-3").get("memberStatus").isNull());
        JsonNode lost = host("host-3");
        assertThat(lost.get("capacityMips").isNull()).as(lost.toString()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> followed.stream().anyMatch(l -> l.contains("\"HostDowned\",\"subject\":\"host-3\"")));
        assertThat(followed).anyMatch(l -> l.contains("\"HostUnreachable\",\"subject\":\"host-3\""));

        // A clean stop (SIGTERM): host-1 leaves through CoordinatedShutdown, nobody has to down it.
        // It is the first node of lab.json, so from now on the CLI finds the API on host-2.
        ProcessHandle first = ProcessHandle.of(manifest.nodes().get(0).pid()).orElseThrow();
        first.destroy();
        assertThat(first.onExit()).succeedsWithin(Duration.ofSeconds(60));
        assertThat(Files.readString(lab.resolve("host-1.log"))).contains("vivarium node host-1: stopped (");
        await().atMost(Duration.ofSeconds(60)).until(() -> hosts().equals(
                Map.of("host-1", "disconnected", "host-2", "connected", "host-3", "notResponding")));
        assertThat(host("host-1").get("vms").isNull()).isTrue();
        assertThat(followed).noneMatch(l -> l.contains("\"HostDowned\",\"subject\":\"host-1\""));
        // events --follow lost host-1 and goes on with host-2's live events.
        await().atMost(Duration.ofSeconds(30)).until(() -> followed.stream().anyMatch(
                l -> l.contains("\"HostRemoved\",\"subject\":\"host-1\",\"by\":\"host host-2\"")));

        Cli.Result partial = cli.run("lab", "status", "--dir", lab.toString());
        assertThat(partial.exit()).isEqualTo(1);
        assertThat(partial.out()).contains("1 of 3 nodes running");

        Cli.Result down = cli.run("lab", "down", "--dir", lab.toString());
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(down.out()).contains("Stopped host-2.", "Stopped the inventory database.").doesNotContain("host-1", "host-3");
        assertThat(manifest.nodes()).noneMatch(n -> ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive).orElse(false));

        assertThat(follow.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("events --follow ends with the lab").isTrue();
        assertThat(follow.exitValue()).isEqualTo(1);
        assertThat(Files.readString(scratch.resolve("follow.err"))).contains("no node of the lab answers");

        Cli.Result downAgain = cli.run("lab", "down", "--dir", lab.toString());
        assertThat(downAgain.exit()).isZero();
        assertThat(downAgain.out()).contains("is not running");
        Cli.Result unreachable = cli.run("host", "list", "--dir", lab.toString());
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).contains("no node of the lab answers");

        assertThat(cli.run("lab", "destroy", "--dir", lab.toString()).exit()).isZero();
        assertThat(lab).doesNotExist();
    }

    /** Pause, unpause, reset and a snapshot of a demo VM, and maintenance mode of its host, through the CLI. */
    private void operateOnAVmAndAHost() throws Exception {
        String d = lab.toString();
        assertThat(cli.run("vm", "pause", "counter-1", "--dir", d).out()).isEqualTo("counter-1: paused\n");
        Cli.Result list = cli.run("vm", "list", "--dir", d);
        assertThat(list.out()).containsPattern("counter-1 +paused +paused");
        assertThat(cli.run("vm", "unpause", "counter-1", "--dir", d).out()).isEqualTo("counter-1: running\n");
        assertThat(cli.run("vm", "reset", "counter-1", "--dir", d).out()).isEqualTo("counter-1: reset\n");
        assertThat(cli.run("vm", "snapshot", "create", "counter-1", "s1", "--dir", d).out()).isEqualTo("counter-1: snapshot s1 taken\n");
        assertThat(cli.run("vm", "snapshot", "list", "counter-1", "--dir", d).out()).contains("s1");

        String host = Json.MAPPER.readTree(cli.run("vm", "get", "counter-1", "--json", "--dir", d).out()).path("host").asText();
        Cli.Result entered = cli.run("host", "maintenance", "enter", host, "--dir", d);
        assertThat(entered.exit()).as(entered.err()).isZero();
        assertThat(entered.out()).startsWith(host + " is in maintenance mode; moved").contains("counter-1");
        JsonNode moved = Json.MAPPER.readTree(cli.run("vm", "get", "counter-1", "--json", "--dir", d).out());
        assertThat(moved.path("host").asText()).isNotEqualTo(host);
        assertThat(moved.path("powerState").asText()).isEqualTo("poweredOn");
        Cli.Result exited = cli.run("host", "maintenance", "exit", host, "--dir", d);
        assertThat(exited.exit()).as(exited.err()).isZero();
    }
}
