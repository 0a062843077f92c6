package dev.vivarium.node.lab;

import dev.vivarium.node.client.ApiClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The lab's own network: as root (with iproute2 and nftables) a lab runs in a network namespace
 * of its own, each node on its own loopback address 127.0.0.(11+i) and in a cgroup of its own
 * ({@link LabCgroups}), so `fault partition` can drop the packets between two nodes with
 * nftables without touching the machine's network. The
 * API reaches the machine through the lab's gateway (see {@link ApiRelay}). Without root the lab
 * runs on the machine's 127.0.0.1 as before, and partitions are refused with that reason.
 */
public final class LabNetwork implements LabComponent {

    private static final Path IP = Path.of("/usr/sbin/ip");
    private static final Path NFT = Path.of("/usr/sbin/nft");
    private static final Path NSENTER = Path.of("/usr/bin/nsenter");

    @Override
    public String name() {
        return "network";
    }

    /** The namespace the lab's processes run in, or empty when they share the machine's loopback. */
    public static Optional<String> namespace(LabDir dir) {
        Path file = dir.path().resolve("netns");
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * What a process of the lab is started under: {@code nsenter --net=/run/netns/NS} in a
     * namespaced lab. Not {@code ip netns exec}: it mounts a /sys of its own without the cgroup
     * hierarchy, where a node's nft must find the groups its partition rules name.
     */
    public static List<String> prefix(LabDir dir) {
        return namespace(dir).map(ns -> List.of(NSENTER.toString(), "--net=/run/netns/" + ns)).orElse(List.of());
    }

    /** What a node's process is started under: in its own cgroup ({@link LabCgroups}), then in the lab's namespace. */
    static List<String> nodePrefix(LabDir dir, String node) throws IOException {
        List<String> out = new ArrayList<>(namespace(dir).isPresent() ? LabCgroups.joinPrefix(dir, node) : List.of());
        out.addAll(prefix(dir));
        return out;
    }

    /** The loopback address of the lab's {@code index}-th node (0-based) inside its namespace. */
    public static String nodeAddress(int index) {
        return "127.0.0." + (11 + index);
    }

    /** Whether the lab can have a namespace here: root, iproute2 and nftables; else why not. */
    public static Optional<String> unavailable() {
        if (!"0".equals(uid())) {
            return Optional.of("not root");
        }
        if (!Files.isExecutable(IP) || !Files.isExecutable(NFT) || !Files.isExecutable(NSENTER)) {
            return Optional.of("iproute2, nftables or nsenter (util-linux) missing");
        }
        if ("off".equals(System.getenv("VIVARIUM_LAB_NETNS"))) {
            return Optional.of("VIVARIUM_LAB_NETNS=off");
        }
        return Optional.empty();
    }

    @Override
    public String start(LabDir dir) throws IOException {
        Optional<String> why = unavailable();
        if (why.isPresent()) {
            Files.deleteIfExists(dir.path().resolve("netns"));
            return "";
        }
        String ns = "vivarium-" + Integer.toHexString(dir.path().toString().hashCode());
        run(IP.toString(), "netns", "del", ns); // a namespace left by a lab that was not stopped
        if (run(IP.toString(), "netns", "add", ns) != 0 || run(IP.toString(), "-n", ns, "link", "set", "lo", "up") != 0) {
            throw new IOException("cannot make the lab's network namespace " + ns + " (ip netns add)");
        }
        Files.writeString(dir.path().resolve("netns"), ns + "\n");
        LabCgroups.create(dir, ns); // without cgroup v2 the lab runs, and `fault partition` says why it cannot
        return "vivarium.lab.api-relay = on\n";
    }

    /** Starts the gateway: 127.0.0.1:port of each node leads to its API socket in the namespace. */
    static void startGateway(LabDir dir, List<String> nodes, int[] ports) throws IOException {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            args.add(ports[i] + "=" + apiSocket(dir, nodes.get(i)));
        }
        Process p = NodeProcesses.startJava(LabGateway.class.getName(), args, dir.path().resolve("gateway.log"), List.of());
        Files.writeString(dir.path().resolve("gateway.pid"), p.pid() + "\n" + NodeProcesses.startedOf(p.toHandle()) + "\n");
    }

    /** The Unix socket a node inside the namespace serves its API on. */
    public static Path apiSocket(LabDir dir, String node) {
        return dir.nodeDatastore(node).resolveSibling("api.sock");
    }

    @Override
    public void afterNodesUp(LabDir dir, ApiClient api, int vms, PrintStream out) {
    }

    @Override
    public void stop(LabDir dir, PrintStream out) throws IOException {
        Path pid = dir.path().resolve("gateway.pid");
        if (Files.isRegularFile(pid)) {
            List<String> lines = Files.readAllLines(pid);
            NodeProcesses.find(Long.parseLong(lines.get(0).strip()), lines.size() > 1 ? lines.get(1).strip() : "")
                    .ifPresent(p -> NodeProcesses.stop(List.of(p), java.time.Duration.ofSeconds(5)));
            Files.deleteIfExists(pid);
        }
        Optional<String> ns = namespace(dir);
        if (ns.isPresent()) {
            run(IP.toString(), "netns", "del", ns.get());
            Files.deleteIfExists(dir.path().resolve("netns"));
            out.println("Removed the lab's network namespace " + ns.get() + ".");
        }
        LabCgroups.remove(dir);
    }

    private static String uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1];
                }
            }
        } catch (IOException e) {
            // not Linux: no namespaces either
        }
        return "unknown";
    }

    /** Runs a command of the machine's (ip, nft), its output discarded; its exit status, -1 when it could not run. */
    public static int run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
