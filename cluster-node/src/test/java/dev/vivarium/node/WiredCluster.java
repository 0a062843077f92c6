package dev.vivarium.node;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.config.NodeConfigLoader;
import dev.vivarium.node.lab.LabManifest;
import dev.vivarium.vcenter.persistence.H2ServerMain.H2TcpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real nodes in one JVM, wired as `vivarium node` wires them ({@link NodeWiring}): the inventory
 * on an H2 server, a HostAgent each on a shared datastore, the guest images of the repository.
 * Closing stops the nodes, then the database.
 */
public final class WiredCluster implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final Path dir;
    public final List<HostNode> nodes = new ArrayList<>();
    private final H2TcpServer database;

    /** Starts {@code names.size()} nodes, each with {@code memoryMiB} for VMs, and waits until every one takes VMs. */
    public WiredCluster(Path dir, List<String> names, int memoryMiB) throws Exception {
        this(dir, names, memoryMiB, Map.of());
    }

    /** The same, each node with {@code settings} over the test defaults. */
    public WiredCluster(Path dir, List<String> names, int memoryMiB, Map<String, Object> settings) throws Exception {
        this.dir = dir;
        this.database = H2TcpServer.start(Files.createDirectories(dir.resolve("inventory-db")));
        try {
            for (String name : names) {
                Config config = ConfigFactory.parseMap(Map.of(
                        "pekko-persistence-jdbc.shared-databases.slick.db.url", database.url("inventory"),
                        "vivarium.datastore.path", dir.resolve("datastore").toString(),
                        "vivarium.vm.image-directory", images().toString(),
                        "vivarium.wiring.memory-mib", memoryMiB,
                        "vivarium.wiring.guest-shutdown-timeout", "20s",
                        // Below the tests' own waits, so a stuck task fails with its reason first.
                        "vivarium.wiring.task-timeout", "60s"))
                        .withFallback(ConfigFactory.parseMap(settings))
                        .withFallback(TestNodes.config(dir, name));
                nodes.add(HostNode.start(NodeConfigLoader.load(config), (system, events) -> NodeWiring.wire(system, name, events)));
            }
            nodes.forEach(n -> TestNodes.join(n, nodes.get(0)));
            // Every host is a member, reports its figures and is connected in the inventory.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode hosts = Json.MAPPER.readTree(get(nodes.get(0), "/api/v1/hosts").body());
                int ready = 0;
                for (JsonNode h : hosts) {
                    ready += h.path("state").asText().equals("connected") && h.path("memberStatus").asText().equals("Up")
                            && h.path("capacityMips").isNumber()
                            && h.path("inMaintenanceMode").isBoolean() ? 1 : 0;
                }
                return ready == names.size();
            });
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    public static Path images() {
        String root = System.getenv("VIVARIUM_ROOT");
        return (root == null ? Path.of("..") : Path.of(root)).resolve("guests/images").toAbsolutePath().normalize();
    }

    public HostNode node(int i) {
        return nodes.get(i);
    }

    /**
     * A lab folder for the CLI: lab.json naming these nodes' APIs after a node that is down (the
     * CLI must pass over it), the token already in {@link #dir}.
     */
    public Path labDir() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        List<LabManifest.Node> entries = new ArrayList<>();
        entries.add(new LabManifest.Node("host-0", "http://127.0.0.1:" + closedPort, "", ProcessHandle.current().pid(), ""));
        for (HostNode n : nodes) {
            entries.add(new LabManifest.Node(n.settings().name(), n.apiUrl(), "", ProcessHandle.current().pid(), ""));
        }
        new LabManifest(entries).write(dir.resolve("lab.json"));
        return dir;
    }

    public static HttpResponse<String> send(HostNode n, String method, String path, String body, String token) throws Exception {
        return send(n, method, path, body, token, "application/json"); // the API reads JSON bodies only
    }

    /** {@link #send(HostNode, String, String, String, String)} with the body's content type ({@code null}: none). */
    public static HttpResponse<String> send(HostNode n, String method, String path, String body, String token,
                                            String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.apiUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> get(HostNode n, String path) throws Exception {
        return send(n, "GET", path, null, TestNodes.TOKEN);
    }

    @Override
    public void close() {
        for (HostNode n : nodes) {
            try {
                n.close();
            } catch (RuntimeException e) {
                System.err.println("stopping " + n.settings().name() + ": " + e.getMessage());
            }
        }
        database.close();
    }
}
