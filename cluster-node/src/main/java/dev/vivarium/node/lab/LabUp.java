package dev.vivarium.node.lab;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.web.LoginLinks;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code lab up}: starts a lab's node processes and waits until every node is an Up member. */
public final class LabUp {

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration POLL = Duration.ofMillis(500);

    private final LabDir dir;
    private final PrintStream out;
    private final PrintStream err;

    public LabUp(LabDir dir, PrintStream out, PrintStream err) {
        this.dir = dir;
        this.out = out;
        this.err = err;
    }

    /** Returns the exit status: 0 when the lab runs (started now or already), 1 when it could not start. */
    public int run(int nodes, int vms, Duration timeout) throws IOException, InterruptedException {
        return run(nodes, vms, timeout, name -> "");
    }

    /** @param settings HOCON added to each node's file, by node name (an experiment's host budgets) */
    public int run(int nodes, int vms, Duration timeout, java.util.function.Function<String, String> settings)
            throws IOException, InterruptedException {
        if (!LabStatus.running(dir).isEmpty()) {
            out.println("The lab at " + dir.path() + " is already running (--nodes and --vms are ignored).");
            printSummary(LabManifest.read(dir.manifest()), vms);
            return 0;
        }
        Path profile = LabDir.repositoryRoot().resolve("config/lab.conf");
        if (!Files.isRegularFile(profile)) {
            err.println("vivarium lab up: the lab profile " + profile + " is missing (set VIVARIUM_ROOT to the repository)");
            return 1;
        }
        Files.createDirectories(dir.path());
        SecretFile.ensure(dir.tokenFile());

        StringBuilder componentSettings = new StringBuilder();
        for (LabComponent c : LabComponent.all()) {
            componentSettings.append(c.start(dir)).append('\n');
        }
        int[] ports = freePorts(2 * nodes);
        boolean namespaced = LabNetwork.namespace(dir).isPresent();
        List<String> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int[] apiPorts = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            seeds.add(address(namespaced, i) + ":" + ports[2 * i]);
            names.add("host-" + (i + 1));
            apiPorts[i] = ports[2 * i + 1];
        }
        if (namespaced) {
            // Inside the namespace each node has an address of its own; outside, the gateway keeps the API on 127.0.0.1.
            LabNetwork.startGateway(dir, names, apiPorts);
        } else {
            err.println("The lab runs on 127.0.0.1 without a network namespace (" + LabNetwork.unavailable().orElse("")
                    + "): `fault partition` is not available; every other fault is.");
        }
        List<LabManifest.Node> started = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            String name = "host-" + (i + 1);
            linkDatastore(name);
            Files.writeString(dir.nodeConfig(name), nodeConfig(profile, name, ports[2 * i], ports[2 * i + 1], seeds, dir.tokenFile(),
                    dir.nodeDatastore(name), dir.path()) + "vivarium.lab.dir = " + Json.write(dir.path().toString()) + "\n"
                    + (namespaced ? "vivarium.node.host = \"" + address(true, i) + "\"\nvivarium.api.host = \"" + address(true, i) + "\"\n"
                            // Browsers reach a namespaced node through the gateway's relay on 127.0.0.1, as the manifest says:
                            // the page fails over to the address each node announces.
                            + "vivarium.web.public-url = \"http://" + LOOPBACK + ":" + ports[2 * i + 1] + "\"\n" : "")
                    + minimumMembers(nodes) + componentSettings + settings.apply(name)
                    + "include file(" + Json.write(dir.nodeLocalConfig(name).toString()) + ")\n"); // optional: the node's own
            Process p = NodeProcesses.start(dir, name, dir.nodeConfig(name));
            started.add(new LabManifest.Node(name, "http://" + LOOPBACK + ":" + ports[2 * i + 1],
                    seeds.get(i), p.pid(), NodeProcesses.startedOf(p.toHandle())));
            // Written after each start, so `lab down` finds every process even if this one fails later.
            new LabManifest(started).write(dir.manifest());
        }
        out.println("Starting " + nodes + " nodes in " + dir.path() + " ...");
        String problem = awaitUp(new LabManifest(started), timeout);
        if (problem != null) {
            err.println("vivarium lab up: " + problem);
            err.println("Stopping the lab; the node logs stay in " + dir.path());
            new LabStatus(dir, out, err).down();
            return 1;
        }
        for (LabComponent c : LabComponent.all()) {
            try {
                c.afterNodesUp(dir, LabConnection.open(dir), vms, out);
            } catch (ApiError e) {
                err.println("vivarium lab up: " + c.name() + ": " + e.getMessage());
                return 1;
            }
        }
        printSummary(new LabManifest(started), vms);
        return 0;
    }

    /** Where node {@code i} listens: its own address in the lab's namespace, else the machine's loopback. */
    private static String address(boolean namespaced, int i) {
        return namespaced ? LabNetwork.nodeAddress(i) : LOOPBACK;
    }

    /**
     * The node reaches the datastore through a link of its own, as a host through its own mount:
     * the lab's {@code fault datastore-off} switches it away. A lab started again gets it anew.
     */
    private void linkDatastore(String node) throws IOException {
        Path link = dir.nodeDatastore(node);
        Files.createDirectories(link.getParent());
        Files.createDirectories(dir.datastore());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, dir.datastore());
    }

    /** @param lab the lab's folder: the session cookie is named after it, the same on every node */
    private static String nodeConfig(Path profile, String name, int artery, int api, List<String> seeds, Path token,
                                     Path datastore, Path lab) {
        return "# Written by `vivarium lab up`; the lab's settings are in the profile included here.\n"
                + "include required(file(" + Json.write(profile.toString()) + "))\n"
                + "vivarium.node.name = " + Json.write(name) + "\n"
                + "vivarium.node.port = " + artery + "\n"
                + "vivarium.node.seed-nodes = " + Json.write(seeds) + "\n"
                + "vivarium.api.port = " + api + "\n"
                + "vivarium.api.token-file = " + Json.write(token.toString()) + "\n"
                + "vivarium.datastore.path = " + Json.write(datastore.toString()) + "\n"
                + "vivarium.web.session-cookie = " + Json.write(LoginLinks.cookieName(lab)) + "\n"
                + "vivarium.vm.image-directory = " + Json.write(LabDir.repositoryRoot().resolve("guests/images").toString()) + "\n";
    }

    /**
     * The lab's members become Up together, once all of them have joined (see config/lab.conf): the
     * inventory and the reconciler (singletons) start with every host there, and the VMs of a lab
     * brought up again spread over all of them instead of landing on the first.
     */
    private static String minimumMembers(int nodes) {
        // A lone host has no failover room: HA's admission control would refuse every power-on.
        return "pekko.cluster.min-nr-of-members = " + nodes + "\n"
                + (nodes == 1 ? "vivarium.ha.host-failures-to-tolerate = 0\n" : "");
    }

    /** Null when every node reports every node Up; otherwise why not. */
    private String awaitUp(LabManifest manifest, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String token = SecretFile.read(dir.tokenFile());
        String lastState = "no node answered yet";
        Map<String, ApiClient> clients = new HashMap<>();
        for (LabManifest.Node n : manifest.nodes()) {
            clients.put(n.name(), new ApiClient(List.of(n.api()), token));
        }
        while (System.nanoTime() < deadline) {
            for (LabManifest.Node n : manifest.nodes()) {
                if (NodeProcesses.find(n.pid(), n.started()).isEmpty()) {
                    return n.name() + " exited while starting; the end of " + dir.nodeLog(n.name()) + ":\n" + tail(dir.nodeLog(n.name()), 20);
                }
            }
            int ready = 0;
            for (LabManifest.Node n : manifest.nodes()) {
                try {
                    List<Map<String, Object>> hosts = Json.MAPPER.readValue(
                            clients.get(n.name()).get("/api/v1/hosts").body(), new TypeReference<>() { });
                    long up = hosts.stream().filter(h -> "Up".equals(h.get("memberStatus"))).count();
                    if (up == manifest.nodes().size()) {
                        ready++;
                    } else {
                        lastState = n.name() + " sees " + up + " of " + manifest.nodes().size() + " nodes Up";
                    }
                } catch (ApiError e) {
                    lastState = n.name() + ": " + e.getMessage();
                }
            }
            if (ready == manifest.nodes().size()) {
                return null;
            }
            Thread.sleep(POLL.toMillis());
        }
        return "the nodes were not all Up within " + timeout.toSeconds() + " s (" + lastState + ")";
    }

    private void printSummary(LabManifest manifest, int vms) {
        out.println();
        out.println("Lab running in " + dir.path() + ":");
        for (LabManifest.Node n : manifest.nodes()) {
            out.println("  " + n.name() + "  API " + n.api() + "  cluster " + n.artery() + "  pid " + n.pid());
        }
        out.println("Web client: " + manifest.nodes().get(0).api() + "/  (any node serves it)");
        out.println("Sign in:    " + loginLink(manifest) + "  (works once, for "
                + LoginLinks.TTL.toMinutes() + " min; ./vivarium lab login" + (dir.equals(LabDir.defaultDir()) ? "" : " --dir " + dir.path())
                + " prints another)");
        out.println("API:        " + manifest.nodes().get(0).api() + "/api/v1 (any node serves it)");
        out.println("Token file: " + dir.tokenFile());
        out.println("Datastore:  " + dir.datastore());
        out.println();
        out.println("Try next:");
        String dirOption = dir.equals(LabDir.defaultDir()) ? "" : " --dir " + dir.path();
        out.println("  ./vivarium vm list" + dirOption + "          (--json for scripts)");
        out.println("  ./vivarium host list" + dirOption);
        out.println("  ./vivarium events --follow" + dirOption);
        if (vms > 0) {
            out.println("  ./vivarium console " + DemoVms.names(1).get(0) + dirOption + "     (Ctrl-] detaches)");
        }
        out.println("  curl -H \"Authorization: Bearer $(cat " + dir.tokenFile() + ")\" " + manifest.nodes().get(0).api() + "/metrics");
        out.println("  ./vivarium lab status" + dirOption + "     ./vivarium lab down" + dirOption);
    }

    private String loginLink(LabManifest manifest) {
        try {
            return LoginLinks.link(SecretFile.read(dir.tokenFile()), manifest.nodes().get(0).name(), manifest.nodes().get(0).api());
        } catch (IOException e) {
            return "(cannot read " + dir.tokenFile() + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Free TCP ports on loopback, all distinct: every socket stays open until all are chosen. A
     * port may still be taken by someone else before the node binds it; the node then fails and
     * `lab up` reports it with the node's log.
     */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
