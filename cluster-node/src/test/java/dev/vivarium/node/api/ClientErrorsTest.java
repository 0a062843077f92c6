package dev.vivarium.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.Cli;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.WiredCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sends wrong gets a 4xx that says what is wrong, never a 500, on every route of a
 * really wired node; and the mistakes a user makes with VMs (an image outside the catalog, more
 * memory than any host has, a power-on no host has room for, deleting a VM that should run) are
 * refused at once with the reason and the figures, through the API and the CLI.
 */
class ClientErrorsTest {

    @TempDir
    static Path dir;

    static WiredCluster cluster;
    static Path lab;
    static Cli cli;
    /** Hosts' memory for VMs: one 48 MiB VM fills most of a host. */
    static final int HOST_MIB = 64;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WiredCluster(dir, List.of("host-1", "host-2"), HOST_MIB);
        lab = cluster.labDir();
        cli = new Cli(dir);
        assertThat(send("POST", "/api/v1/vms", "{\"name\":\"probe\",\"image\":\"counter\",\"memoryMiB\":16}").statusCode())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body, "application/json");
    }

    static HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        return WiredCluster.send(cluster.node(0), method, path, body, TestNodes.TOKEN, contentType);
    }

    /** Bodies no route takes: each must be refused with 400, 413 or 415 and a message. */
    static Map<String, String[]> badBodies() {
        Map<String, String[]> bodies = new LinkedHashMap<>();
        bodies.put("malformed JSON", new String[] {"{\"name\": ", "application/json"});
        bodies.put("JSON null", new String[] {"null", "application/json"});
        bodies.put("an array", new String[] {"[1, 2]", "application/json"});
        bodies.put("a string", new String[] {"\"text\"", "application/json"});
        bodies.put("wrong field types", new String[] {"{\"name\": 5, \"memoryMiB\": \"lots\", \"text\": [], \"argument\": {},"
                + " \"to\": 7, \"kind\": 1, \"hosts\": \"h\", \"vms\": 3}", "application/json"});
        bodies.put("unknown fields only", new String[] {"{\"colour\": \"blue\"}", "application/json"});
        bodies.put("not JSON", new String[] {"name=x", "application/x-www-form-urlencoded"});
        bodies.put("text", new String[] {"{}", "text/plain"});
        bodies.put("2 MiB", new String[] {"{\"name\": \"" + "x".repeat(2 << 20) + "\"}", "application/json"});
        return bodies;
    }

    /** Path values no resource has, for every {placeholder}. */
    static final List<String> BAD_NAMES = List.of("no-such-thing", "...", "%00", "a%2Fb", "x".repeat(300), "%E2%98%83", "-");

    @Test
    void noRouteAnswers500ToWhatAClientSends() throws Exception {
        HttpResponse<String> index = send("GET", "/api/v1", null);
        assertThat(index.statusCode()).as(index.body()).isEqualTo(200);
        List<String> routes = new ArrayList<>();
        Json.MAPPER.readTree(index.body()).path("routes").forEach(r -> routes.add(r.asText()));
        assertThat(routes).as("the index lists the routes").contains("POST /api/v1/vms", "GET /api/v1/vms/{name}",
                "POST /api/v1/vms/{name}/{operation}", "POST /api/v1/rules");

        List<String> wrong = new ArrayList<>();
        int requests = 0;
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' '));
            String template = route.substring(route.indexOf(' ') + 1);
            if (template.contains("{")) {
                for (String bad : BAD_NAMES) {
                    String path = template.replaceAll("\\{[^}]+}", bad);
                    requests++;
                    check(wrong, route + " with " + abbreviate(bad), send(method, path, method.equals("GET") || method.equals("DELETE")
                            ? null : "{}"));
                }
            }
            if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
                // The probe VM and the first host exist: the body is what is wrong.
                String path = template.replace("{name}", "probe").replace("{operation}", "snapshot")
                        .replace("{snapshot}", "s1").replace("{host}", "host-1").replaceAll("\\{[^}]+}", "x");
                for (Map.Entry<String, String[]> body : badBodies().entrySet()) {
                    requests++;
                    check(wrong, route + " with " + body.getKey(), send(method, path, body.getValue()[0], body.getValue()[1]));
                }
            }
        }
        assertThat(wrong).as("of " + requests + " requests to " + routes.size() + " routes").isEmpty();
        assertThat(requests).isGreaterThan(100);

        // The 10 MB body, once answered "500 ... Request too large".
        HttpResponse<String> big = send("POST", "/api/v1/vms", "{\"name\": \"" + "x".repeat(10_000_000) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(error(big)).contains(String.valueOf(HttpApi.MAX_BODY_BYTES));
        HttpResponse<String> text = send("POST", "/api/v1/vms", "{}", "text/plain");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(error(text)).contains("application/json");
    }

    /** Adds to {@code wrong} an answer that is not a 4xx with a message (a 503 of a slow lookup counts as wrong too). */
    private static void check(List<String> wrong, String what, HttpResponse<String> r) {
        boolean clientError = r.statusCode() >= 400 && r.statusCode() < 500;
        String message = "";
        try {
            message = Json.MAPPER.readTree(r.body()).path("error").asText("");
        } catch (Exception e) {
            // not JSON: counted below
        }
        if (!clientError || message.isBlank()) {
            wrong.add(what + " -> " + r.statusCode() + " " + abbreviate(r.body()));
        }
    }

    private static String error(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body()).path("error").asText();
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    @Test
    void createRefusesAnImageOutsideTheCatalogAndMemoryNoHostHas() throws Exception {
        HttpResponse<String> outside = send("POST", "/api/v1/vms", "{\"name\":\"x1\",\"image\":\"../../../bin/ls\",\"memoryMiB\":16}");
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(error(outside)).contains("../../../bin/ls", "not in the image catalog", "counter", "cpuburn");
        HttpResponse<String> missing = send("POST", "/api/v1/vms", "{\"name\":\"x2\",\"image\":\"nonesuch\",\"memoryMiB\":16}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(error(missing)).contains("nonesuch", "counter");
        HttpResponse<String> huge = send("POST", "/api/v1/vms", "{\"name\":\"huge\",\"image\":\"counter\",\"memoryMiB\":4096}");
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(error(huge)).contains("4096", "more than any host", HOST_MIB + " MiB");
        assertThat(send("GET", "/api/v1/vms/x1", null).statusCode()).as("nothing stored").isEqualTo(404);
        assertThat(send("GET", "/api/v1/vms/huge", null).statusCode()).as("nothing stored").isEqualTo(404);

        Cli.Result cliOutside = cli("vm", "create", "x3", "--image", "../../../../etc/hostname");
        assertThat(cliOutside.exit()).isEqualTo(1);
        assertThat(cliOutside.err()).contains("not in the image catalog", "counter");
        Cli.Result cliHuge = cli("vm", "create", "huge", "--image", "counter", "--memory", "4096");
        assertThat(cliHuge.exit()).isEqualTo(1);
        assertThat(cliHuge.err()).contains("more than any host");
    }

    @Test
    void aPowerOnNoHostHasRoomForFailsWithTheFiguresAndTheVmSaysWhy() throws Exception {
        for (String vm : List.of("fill-1", "fill-2", "third")) {
            assertThat(send("POST", "/api/v1/vms", "{\"name\":\"" + vm + "\",\"image\":\"counter\",\"memoryMiB\":48}").statusCode())
                    .isEqualTo(201);
        }
        assertThat(cli("vm", "power-on", "fill-1").exit()).isZero();
        assertThat(cli("vm", "power-on", "fill-2").exit()).isZero();

        long start = System.nanoTime();
        Cli.Result third = cli("vm", "power-on", "third");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(third.exit()).as(third.out()).isEqualTo(1);
        // The reconciler's reason, not the task's timeout ("was not running within 60 s").
        assertThat(third.err()).contains("third cannot be powered on", "48 MiB", "the most free: 16 MiB")
                .doesNotContain("within");
        System.out.printf("power-on without room failed after %.2f s (CLI process included)%n", seconds);

        // The same through the API alone, no CLI process: from the request to the task's failure.
        assertThat(send("POST", "/api/v1/vms/third/power-off", null).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Json.MAPPER.readTree(send("GET", "/api/v1/vms/third", null).body())
                .path("desiredPowerState").asText().equals("poweredOff"));
        long apiStart = System.nanoTime();
        HttpResponse<String> accepted = send("POST", "/api/v1/vms/third/power-on", null);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String task = "/api/v1/tasks/" + Json.MAPPER.readTree(accepted.body()).path("id").asText();
        JsonNode[] ended = new JsonNode[1];
        await().pollInterval(Duration.ofMillis(10)).atMost(Duration.ofSeconds(60)).until(() -> {
            ended[0] = Json.MAPPER.readTree(send("GET", task, null).body());
            return !ended[0].path("state").asText().equals("running");
        });
        double apiSeconds = (System.nanoTime() - apiStart) / 1e9;
        assertThat(ended[0].path("state").asText()).as(ended[0].toString()).isEqualTo("failed");
        assertThat(ended[0].path("reason").asText()).contains("third cannot be powered on", "48 MiB");
        System.out.printf("power-on without room failed after %.3f s through the API (request to the task's end)%n", apiSeconds);

        JsonNode vm = Json.MAPPER.readTree(send("GET", "/api/v1/vms/third", null).body());
        assertThat(vm.path("lastFailure").asText()).contains("48 MiB");
        assertThat(vm.path("powerState").asText()).isEqualTo("poweredOff");
        assertThat(vm.path("desiredPowerState").asText()).isEqualTo("poweredOn");
        JsonNode alarms = Json.MAPPER.readTree(send("GET", "/api/v1/alarms", null).body());
        assertThat(alarms.toString()).contains("third", "powerOn");
        await().atMost(Duration.ofSeconds(30)).until(() -> send("GET", "/api/v1/events?limit=1000", null).body()
                .contains("VM third could not be powered on"));

        HttpResponse<String> delete = send("DELETE", "/api/v1/vms/third", null);
        assertThat(delete.statusCode()).isEqualTo(409);
        assertThat(error(delete)).isEqualTo("VM third's desired power state is poweredOn (it is not running now); "
                + "power it off before deleting it");

        // Room freed: the VM comes up without a new request.
        assertThat(cli("vm", "power-off", "fill-2").exit()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> Json.MAPPER.readTree(send("GET", "/api/v1/vms/third", null).body())
                .path("powerState").asText().equals("poweredOn"));
        assertThat(Json.MAPPER.readTree(send("GET", "/api/v1/vms/third", null).body()).path("lastFailure").isNull()).isTrue();
    }

    private static Cli.Result cli(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--dir", lab.toString()));
        return cli.run(all.toArray(String[]::new));
    }
}
