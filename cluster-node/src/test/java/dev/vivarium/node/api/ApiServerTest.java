package dev.vivarium.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.HostNode;
import dev.vivarium.node.NodeServices;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.cluster.HostResources;
import dev.vivarium.node.vm.NotBuiltVmService;
import dev.vivarium.node.vm.VmOperation;
import dev.vivarium.node.vm.VmService;
import dev.vivarium.node.vm.VmSpec;
import dev.vivarium.node.vm.VmTask;
import dev.vivarium.node.vm.VmView;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint against a real bound server of a one-member cluster, through java.net.http. */
class ApiServerTest {

    @TempDir
    static Path dir;

    static HostNode node;
    static HostNode bare;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Power-on of vm-1 finishes when the test completes this. */
    static final CompletableFuture<String> POWER_ON = new CompletableFuture<>();

    /**
     * The VM seam as the inventory will fill it, reduced to what the routes' contract needs:
     * vm-1 exists and is powered off, anything else is unknown, vm-1 cannot be paused.
     */
    static final class OneVm implements VmService {
        static final VmView VM = new VmView("vm-1", "poweredOff", "poweredOff", null, 0, 64, "primes",
                new VmView.Metrics(0, 0, 0, 0));

        private static CompletableFuture<VmView> find(String name) {
            return name.equals("vm-1") ? CompletableFuture.completedFuture(VM)
                    : CompletableFuture.failedFuture(ApiException.notFound("no VM named " + name));
        }

        @Override
        public CompletionStage<List<VmView>> list() {
            return CompletableFuture.completedFuture(List.of(VM));
        }

        @Override
        public CompletionStage<VmView> get(String name) {
            return find(name);
        }

        @Override
        public CompletionStage<VmView> create(VmSpec spec) {
            return CompletableFuture.failedFuture(ApiException.conflict("a VM named " + spec.name() + " exists"));
        }

        @Override
        public CompletionStage<VmView> reconfigure(String name, Map<String, Object> changes) {
            return find(name);
        }

        @Override
        public CompletionStage<Void> delete(String name) {
            return find(name).thenApply(v -> null);
        }

        @Override
        public CompletionStage<VmTask> submit(String name, VmOperation operation, String argument) {
            return find(name).thenApply(vm -> switch (operation) {
                case POWER_ON -> new VmTask("power-on vm-1", POWER_ON);
                case SNAPSHOT -> new VmTask("snapshot vm-1 " + argument, CompletableFuture.failedFuture(
                        new IllegalStateException("datastore full")));
                default -> throw ApiException.conflict("vm-1 is powered off: cannot " + operation.urlName());
            });
        }
    }

    @BeforeAll
    static void start() throws Exception {
        // The inventory knows host-1, a host that stopped cleanly and one it lost; the agents report figures for any name.
        HostResources resources = new HostResources() {
            @Override
            public Optional<Capacity> of(String name) {
                return Optional.of(new HostResources.Capacity(1000, 250, 2048, 1));
            }

            @Override
            public Map<String, String> inventoryStates() {
                return Map.of("host-1", "connected", "host-0", "disconnected", "host-7", "notResponding");
            }
        };
        node = TestNodes.start(dir, "host-1", new NodeServices(new OneVm(), resources));
        bare = TestNodes.start(dir, "host-2", NodeServices.notBuiltYet());
        TestNodes.join(node, node);
        TestNodes.join(bare, bare);
        await().atMost(Duration.ofSeconds(30)).until(() -> json(get(node, "/api/v1/hosts/host-1")).path("memberStatus").asText().equals("Up"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (bare != null) {
            bare.close();
        }
    }

    static HttpResponse<String> send(HostNode n, String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.apiUrl() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json"); // the API reads JSON bodies only
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(HostNode n, String path) throws Exception {
        return send(n, "GET", path, null, TestNodes.TOKEN);
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    static void assertError(HttpResponse<String> r, int status, String text) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(r).path("error").asText()).contains(text);
    }

    @Test
    void everyRequestNeedsTheToken() throws Exception {
        for (String path : List.of("/api/v1/hosts", "/metrics", "/api/v1/vms", "/api/v1/no-such-thing")) {
            assertError(send(node, "GET", path, null, null), 401, "bearer token");
            assertError(send(node, "GET", path, null, "wrong"), 401, "bearer token");
        }
        assertThat(send(node, "GET", "/api/v1/hosts", null, null).headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        HttpRequest basic = HttpRequest.newBuilder(URI.create(node.apiUrl() + "/api/v1/hosts"))
                .header("Authorization", "Basic " + TestNodes.TOKEN).build();
        assertThat(HTTP.send(basic, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void hostsAreTheInventorysWithTheirStateMembershipAndTheHostAgentsFigures() throws Exception {
        JsonNode hosts = json(get(node, "/api/v1/hosts"));
        assertThat(hosts.findValuesAsText("name")).containsExactly("host-0", "host-1", "host-7");
        JsonNode member = hosts.get(1);
        assertThat(member.path("state").asText()).isEqualTo("connected");
        assertThat(member.path("memberStatus").asText()).isEqualTo("Up");
        assertThat(member.path("inMaintenanceMode").asBoolean()).isFalse();
        assertThat(member.path("address").asText()).startsWith("pekko://vivarium@127.0.0.1:");
        assertThat(member.path("capacityMips").asLong()).isEqualTo(1000);
        assertThat(member.path("vms").asInt()).isEqualTo(1);
        // Hosts that stopped or were lost stay listed with the inventory's state, no membership and no figures.
        assertThat(hosts.get(0).path("state").asText()).isEqualTo("disconnected");
        assertThat(hosts.get(2).path("state").asText()).isEqualTo("notResponding");
        for (JsonNode down : List.of(hosts.get(0), hosts.get(2))) {
            for (String field : List.of("memberStatus", "address", "capacityMips", "usedMips", "memoryMiB", "vms")) {
                assertThat(down.get(field).isNull()).as(down + " " + field).isTrue();
            }
            assertThat(down.path("inMaintenanceMode").asBoolean()).isFalse();
        }
        assertThat(json(get(node, "/api/v1/hosts/host-0")).path("state").asText()).isEqualTo("disconnected");

        assertThat(json(get(node, "/api/v1/hosts/host-1")).path("usedMips").asLong()).isEqualTo(250);
        assertError(get(node, "/api/v1/hosts/host-9"), 404, "no host named host-9");
    }

    @Test
    void withoutHostAgentsTheCapacitiesAreNull() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> json(get(bare, "/api/v1/hosts")).path(0).path("memberStatus").asText().equals("Up"));
        JsonNode host = json(get(bare, "/api/v1/hosts")).get(0);
        assertThat(host.path("name").asText()).isEqualTo("host-2");
        for (String field : List.of("state", "capacityMips", "usedMips", "memoryMiB", "vms", "inMaintenanceMode")) {
            assertThat(host.has(field)).as(field).isTrue();
            assertThat(host.get(field).isNull()).as(field).isTrue();
        }
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        assertError(get(node, "/api/v1/nothing"), 404, "no such resource: /api/v1/nothing");
        assertError(send(node, "DELETE", "/api/v1/hosts", null, TestNodes.TOKEN), 405, "allowed: GET");
    }

    @Test
    void vmEndpointsAnswer501UntilTheInventoryIsWired() throws Exception {
        assertError(get(bare, "/api/v1/vms"), 501, "not built yet");
        assertError(get(bare, "/api/v1/vms/vm-1"), 501, "not built yet");
        assertError(send(bare, "DELETE", "/api/v1/vms/vm-1", null, TestNodes.TOKEN), 501, "not built yet");
        assertError(send(bare, "PATCH", "/api/v1/vms/vm-1", "{\"memoryMiB\": 128}", TestNodes.TOKEN), 501, "not built yet");
        assertError(send(bare, "POST", "/api/v1/vms/vm-1/power-on", null, TestNodes.TOKEN), 501, "not built yet");
        assertError(send(bare, "POST", "/api/v1/vms", "{\"name\":\"vm-2\",\"image\":\"primes\",\"memoryMiB\":64}", TestNodes.TOKEN),
                501, "not built yet");
        assertThat(new NotBuiltVmService().list().toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void invalidVmRequestsAre400BeforeAnythingElse() throws Exception {
        assertError(send(bare, "POST", "/api/v1/vms", "{\"name\":", TestNodes.TOKEN), 400, "invalid JSON body");
        assertError(send(bare, "POST", "/api/v1/vms", "", TestNodes.TOKEN), 400, "needs a JSON body");
        assertError(send(bare, "POST", "/api/v1/vms", "{\"name\":\"vm-2\",\"image\":\"primes\",\"memoryMiB\":0}", TestNodes.TOKEN),
                400, "memoryMiB: 0");
        assertError(send(bare, "POST", "/api/v1/vms", "{\"name\":\"VM 2\",\"image\":\"primes\",\"memoryMiB\":64}", TestNodes.TOKEN),
                400, "name:");
        assertError(send(bare, "POST", "/api/v1/vms", "{\"name\":\"vm-2\",\"image\":\"p\",\"memoryMiB\":64,\"colour\":1}", TestNodes.TOKEN),
                400, "colour");
        assertError(send(bare, "POST", "/api/v1/vms", "{\"name\":\"vm-2\",\"image\":\"p\",\"memoryMiB\":64,\"restartPriority\":\"urgent\"}",
                TestNodes.TOKEN), 400, "restartPriority");
        assertError(send(bare, "PATCH", "/api/v1/vms/vm-1", "{\"name\": \"other\"}", TestNodes.TOKEN), 400, "name: cannot be changed");
        assertError(send(bare, "PATCH", "/api/v1/vms/vm-1", "{}", TestNodes.TOKEN), 400, "no change");
        assertError(send(bare, "POST", "/api/v1/vms/vm-1/explode", null, TestNodes.TOKEN), 400, "unknown operation 'explode'");
    }

    @Test
    void vmRequestsReachTheWiredService() throws Exception {
        assertThat(json(get(node, "/api/v1/vms")).get(0).path("powerState").asText()).isEqualTo("poweredOff");
        assertThat(json(get(node, "/api/v1/vms/vm-1")).path("workload").asText()).isEqualTo("primes");
        assertError(get(node, "/api/v1/vms/vm-7"), 404, "no VM named vm-7");
        assertError(send(node, "POST", "/api/v1/vms", "{\"name\":\"vm-1\",\"image\":\"primes\",\"memoryMiB\":64}", TestNodes.TOKEN),
                409, "exists");
        assertError(send(node, "POST", "/api/v1/vms/vm-1/pause", null, TestNodes.TOKEN), 409, "cannot pause");
        assertThat(json(send(node, "DELETE", "/api/v1/vms/vm-1", null, TestNodes.TOKEN)).path("deleted").asText()).isEqualTo("vm-1");
    }

    @Test
    void operationsThatTakeTimeAre202AndATask() throws Exception {
        HttpResponse<String> accepted = send(node, "POST", "/api/v1/vms/vm-1/power-on", null, TestNodes.TOKEN);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = json(accepted).path("id").asText();
        assertThat(id).startsWith("host-1-");
        assertThat(accepted.headers().firstValue("Location")).hasValue("/api/v1/tasks/" + id);
        assertThat(json(get(node, "/api/v1/tasks/" + id)).path("state").asText()).isEqualTo("running");

        POWER_ON.complete("vm-1 powered on at host-1");
        JsonNode done = json(get(node, "/api/v1/tasks/" + id));
        assertThat(done.path("state").asText()).isEqualTo("succeeded");
        assertThat(done.path("result").asText()).isEqualTo("vm-1 powered on at host-1");
        assertThat(done.path("finished").isNull()).isFalse();

        HttpResponse<String> snapshot = send(node, "POST", "/api/v1/vms/vm-1/snapshot", "{\"argument\":\"before-upgrade\"}", TestNodes.TOKEN);
        assertThat(snapshot.statusCode()).isEqualTo(202);
        JsonNode failed = json(get(node, "/api/v1/tasks/" + json(snapshot).path("id").asText()));
        assertThat(failed.path("description").asText()).isEqualTo("snapshot vm-1 before-upgrade");
        assertThat(failed.path("state").asText()).isEqualTo("failed");
        assertThat(failed.path("reason").asText()).isEqualTo("datastore full");

        assertThat(json(get(node, "/api/v1/tasks")).findValuesAsText("id")).contains(id);
        assertError(get(node, "/api/v1/tasks/host-1-999999"), 404, "no task host-1-999999");
        assertError(send(node, "POST", "/api/v1/vms/vm-1/snapshot", "{\"argument\":", TestNodes.TOKEN), 400, "invalid JSON");
        assertError(send(node, "POST", "/api/v1/vms/vm-8/power-on", null, TestNodes.TOKEN), 404, "no VM named vm-8");
    }

    @Test
    void eventsListTheLogAndValidateTheLimit() throws Exception {
        node.events().publish("Test", "host-1", "a test", "first");
        node.events().publish("Test", "host-1", "a test", "second");
        JsonNode last = json(get(node, "/api/v1/events?limit=1"));
        assertThat(last).hasSize(1);
        assertThat(last.get(0).path("message").asText()).isEqualTo("second");
        assertThat(json(get(node, "/api/v1/events")).findValuesAsText("type")).contains("HostUp", "Test");
        assertError(get(node, "/api/v1/events?limit=0"), 400, "limit=0");
        assertError(get(node, "/api/v1/events?limit=ten"), 400, "limit=ten");
        assertError(get(node, "/api/v1/events/stream?after=x"), 400, "after=x");
    }

    @Test
    void eventsStreamAsServerSentEvents() throws Exception {
        long before = json(get(node, "/api/v1/events?limit=1")).get(0).path("seq").asLong();
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.apiUrl() + "/api/v1/events?after=" + before))
                .header("Authorization", "Bearer " + TestNodes.TOKEN).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            node.events().publish("StreamTest", "vm-1", "a test", "live one");
            assertThat(lines.readLine()).isEqualTo("id: " + (before + 1));
            assertThat(lines.readLine()).isEqualTo("event: StreamTest");
            String data = lines.readLine();
            assertThat(data).startsWith("data: ");
            assertThat(Json.MAPPER.readTree(data.substring(6)).path("message").asText()).isEqualTo("live one");
        }
    }

    @Test
    void theClientSkipsANodeThatIsDownAndReportsTheApisMessage() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ApiClient client = new ApiClient(List.of("http://127.0.0.1:" + closedPort, bare.apiUrl()), TestNodes.TOKEN);

        assertThat(client.get("/api/v1/hosts").node()).isEqualTo(URI.create(bare.apiUrl()));
        assertThatThrownBy(() -> client.get("/api/v1/vms"))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(501);
                    assertThat(e.getMessage()).contains("not built yet");
                });
        assertThatThrownBy(() -> new ApiClient(List.of("http://127.0.0.1:" + closedPort), TestNodes.TOKEN).get("/api/v1/hosts"))
                .isInstanceOf(ApiError.class).hasMessageContaining("no node of the lab answers");
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        get(node, "/api/v1/hosts");
        HttpResponse<String> r = get(node, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("vivarium_cluster_members{state=\"Up\"} 1.0", "vivarium_hosts{state=\"connected\"} 1.0",
                "vivarium_hosts{state=\"disconnected\"} 1.0", "vivarium_hosts{state=\"notResponding\"} 1.0",
                "vivarium_hosts{state=\"maintenance\"} 0.0");
        assertThat(r.body()).containsPattern("vivarium_api_requests_seconds_count\\{method=\"GET\",route=\"/api/v1/hosts\",status=\"200\"\\} \\d+");
    }

    @Test
    void snapshotsAndMaintenanceAnswer501WithoutTheInventory() throws Exception {
        assertError(get(bare, "/api/v1/vms/vm-1/snapshots"), 501, "snapshots are not built");
        assertError(send(bare, "POST", "/api/v1/vms/vm-1/snapshots", "{\"name\":\"s1\"}", TestNodes.TOKEN), 501, "snapshots are not built");
        assertError(send(bare, "POST", "/api/v1/vms/vm-1/snapshots/s1/revert", null, TestNodes.TOKEN), 501, "snapshots are not built");
        assertError(send(bare, "DELETE", "/api/v1/vms/vm-1/snapshots/s1", null, TestNodes.TOKEN), 501, "snapshots are not built");
        assertError(send(bare, "POST", "/api/v1/hosts/host-2/maintenance", "{\"enabled\":true}", TestNodes.TOKEN), 501,
                "maintenance mode is not built");
    }
}
