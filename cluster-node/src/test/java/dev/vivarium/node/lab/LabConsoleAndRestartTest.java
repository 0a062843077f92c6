package dev.vivarium.node.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.Cli;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.console.SseClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One lab of real processes (three nodes, three demo VMs) through its life: the console of the
 * counter VM through the CLI, a node stopped cleanly (its VMs suspended and resumed on the others),
 * then `lab down` and `lab up` again, after which the counter goes on from where it was.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabConsoleAndRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern COUNTER = Pattern.compile("counter (\\d+)\n");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path scratch;
    static Path lab;
    static Cli cli;

    @BeforeAll
    static void labUp() throws Exception {
        lab = scratch.resolve("lab");
        cli = new Cli(scratch);
        Cli.Result up = cli.run("lab", "up", "--nodes", "3", "--vms", "3", "--dir", lab.toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();
    }

    @AfterAll
    static void killWhatRuns() throws IOException {
        LabProcesses.killAll(lab);
    }

    private static String token() throws IOException {
        return SecretFile.read(lab.resolve("api-token"));
    }

    /** The API of a node whose process runs. */
    private static String anyRunningApi(String except) throws IOException {
        var running = LabStatus.running(new LabDir(lab));
        return LabManifest.read(lab.resolve("lab.json")).nodes().stream()
                .filter(n -> running.containsKey(n.name()) && !n.name().equals(except))
                .map(LabManifest.Node::api).findFirst().orElseThrow();
    }

    /** Types on counter-1's console through the API and returns how many bytes the VM has taken in all. */
    private static long type(String text) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(anyRunningApi("") + "/api/v1/vms/counter-1/console"))
                .header("Authorization", "Bearer " + token()).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("text", text)))).build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body()).path("consoleInputBytes").asLong();
    }

    private static Map<String, JsonNode> vms() throws Exception {
        Cli.Result r = cli.run("vm", "list", "--json", "--dir", lab.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, JsonNode> vms = new TreeMap<>();
        Json.MAPPER.readTree(r.out()).forEach(vm -> vms.put(vm.path("name").asText(), vm));
        return vms;
    }

    /** `vivarium console counter-1` as its own process, its stdout and stderr collected as they come. */
    private static final class ConsoleProcess implements AutoCloseable {
        final Process process;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        ConsoleProcess(String vm) throws IOException {
            process = new ProcessBuilder(Cli.command("console", vm, "--dir", lab.toString())).start();
            pump(process.getInputStream(), out);
            pump(process.getErrorStream(), err);
        }

        private static void pump(InputStream from, ByteArrayOutputStream to) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try {
                    for (int n; (n = from.read(buffer)) >= 0; ) {
                        synchronized (to) {
                            to.write(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String out() {
            synchronized (out) {
                return out.toString(StandardCharsets.ISO_8859_1);
            }
        }

        String err() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        OutputStream stdin() {
            return process.getOutputStream();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static List<Long> numbers(String text) {
        Matcher m = COUNTER.matcher(text);
        List<Long> numbers = new java.util.ArrayList<>();
        while (m.find()) {
            numbers.add(Long.parseLong(m.group(1)));
        }
        return numbers;
    }

    @Test
    @Order(1)
    void theConsoleCommandShowsTheCounterAndTypesOnIt() throws Exception {
        try (ConsoleProcess console = new ConsoleProcess("counter-1")) {
            await().atMost(WAIT).until(() -> console.err().contains("Connected to counter-1 (detach with Ctrl-])")
                    && numbers(console.out()).size() >= 3);
            // Its stdout is the guest's bytes only: the counter from boot, one number after the other.
            List<Long> seen = numbers(console.out());
            assertThat(console.out()).startsWith("counter 1\n");
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i)).isEqualTo(seen.get(i - 1) + 1);
            }

            // What it reads from stdin reaches the VM: the VM counts six more bytes than this test typed itself.
            long before = type("a");
            console.stdin().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            console.stdin().flush();
            int[] probes = {1};
            await().atMost(WAIT).until(() -> type("b") == before + 6 + probes[0]++);

            // The end of its input ends it.
            console.stdin().close();
            assertThat(console.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(console.process.exitValue()).isZero();
        }
        try (ConsoleProcess console = new ConsoleProcess("counter-1")) {
            await().atMost(WAIT).until(() -> numbers(console.out()).size() >= 1);
            long before = type("c");
            // Ctrl-] leaves it at once, what came before it is still typed, the rest is not.
            console.stdin().write(new byte[] {'x', 'y', 0x1d, 'z'});
            console.stdin().flush();
            assertThat(console.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(console.process.exitValue()).isZero();
            assertThat(console.err()).contains("detached from counter-1");
            assertThat(type("d")).isEqualTo(before + 2 + 1);
        }
        Cli.Result unknown = cli.run("console", "nope-1", "--dir", lab.toString());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("vivarium console: no VM named nope-1");
    }

    @Test
    @Order(2)
    void aNodeStoppedCleanlySuspendsItsVmsAndTheyGoOnElsewhere() throws Exception {
        String host = vms().get("counter-1").path("host").asText();
        LabManifest.Node node = LabManifest.read(lab.resolve("lab.json")).nodes().stream()
                .filter(n -> n.name().equals(host)).findFirst().orElseThrow();
        String observer = anyRunningApi(host);
        try (SseClient console = new SseClient(observer, "/api/v1/vms/counter-1/console", token())) {
            await().atMost(WAIT).until(() -> console.numbers().size() >= 3);

            ProcessHandle process = ProcessHandle.of(node.pid()).orElseThrow();
            process.destroy(); // SIGTERM, as `lab down` and a service manager stop a node
            assertThat(process.onExit()).succeedsWithin(WAIT);

            await().atMost(WAIT).until(() -> console.lastIndexOf("attached") > console.lastIndexOf("detached")
                    && console.lastIndexOf("detached") > 0 && console.numbers(console.lastIndexOf("attached")).size() >= 2);
            int detached = console.lastIndexOf("detached");
            List<Long> before = console.numbers().subList(0, console.numbers().size() - console.numbers(detached).size());
            long last = before.get(before.size() - 1);
            String now = console.events().get(console.lastIndexOf("attached")).data().path("host").asText();
            assertThat(now).isNotEqualTo(host);
            // Suspended, not lost: the counter goes on from the state the stop wrote, with nothing repeated.
            assertThat(console.numbers(console.lastIndexOf("attached")).get(0)).isBetween(last + 1, last + 2);
        }
        assertThat(Files.readString(lab.resolve(host + ".log"))).contains("host " + host + " suspended");

        // The inventory took it as a clean stop: disconnected, never lost, and every VM runs on.
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, JsonNode> vms = vms();
            assertThat(vms).hasSize(3);
            vms.values().forEach(vm -> {
                assertThat(vm.path("powerState").asText()).as(vm.toString()).isEqualTo("poweredOn");
                assertThat(vm.path("host").asText()).isNotEqualTo(host);
            });
        });
        Cli.Result events = cli.run("events", "--json", "--limit", "1000", "--dir", lab.toString());
        assertThat(events.out()).contains("\"HostDisconnected\",\"subject\":\"" + host + "\"")
                .doesNotContain("\"HostLost\",\"subject\":\"" + host + "\"");
    }

    @Test
    @Order(3)
    void labDownAndUpBringsTheVmsBackFromWhereTheyWere() throws Exception {
        long last;
        try (SseClient console = new SseClient(anyRunningApi(""), "/api/v1/vms/counter-1/console", token())) {
            await().atMost(WAIT).until(() -> console.numbers().size() >= 3);
            last = console.numbers().get(console.numbers().size() - 1);
        }
        // A paused VM stays paused through the restart: the inventory wants it so, and the placement says so.
        Cli.Result pause = cli.run("vm", "pause", "memdirty-1", "--dir", lab.toString());
        assertThat(pause.exit()).as(pause.err()).isZero();
        Cli.Result down = cli.run("lab", "down", "--dir", lab.toString());
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(down.out()).contains("Stopped the inventory database.").doesNotContain("killed");

        Cli.Result up = cli.run("lab", "up", "--nodes", "3", "--vms", "3", "--dir", lab.toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).contains("The 3 demo VMs exist already and stay as they were").doesNotContain("Created and powered on");
        await().atMost(WAIT).untilAsserted(() -> assertThat(vms().values())
                .allSatisfy(vm -> assertThat(vm.path("powerState").asText()).as(vm.toString())
                        .isEqualTo(vm.path("name").asText().equals("memdirty-1") ? "paused" : "poweredOn"))
                .hasSize(3));
        // Its host's first figures after the restore show whether the guest ran: it did not.
        await().atMost(WAIT).until(() -> vms().get("memdirty-1").path("metrics").path("deliveredIps").isNumber());
        await().during(Duration.ofSeconds(2)).atMost(WAIT)
                .until(() -> vms().get("memdirty-1").path("metrics").path("deliveredIps").asDouble() == 0);
        assertThat(vms().get("memdirty-1").path("desiredPowerState").asText()).isEqualTo("paused");
        // The hosts came up together and the reconciler settled before placing: the VMs spread, not all on host-1.
        assertThat(vms().values().stream().map(vm -> vm.path("host").asText()).distinct().count())
                .as("hosts running the VMs after lab up: %s", vms()).isGreaterThanOrEqualTo(2);
        try (SseClient console = new SseClient(anyRunningApi(""), "/api/v1/vms/counter-1/console", token())) {
            await().atMost(WAIT).until(() -> console.numbers().size() >= 2);
            // The counter goes on: it never starts again at 1, and nothing it counted before the stop is lost.
            assertThat(console.numbers().get(0)).isGreaterThan(last);
        }
    }
}
