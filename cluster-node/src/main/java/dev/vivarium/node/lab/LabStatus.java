package dev.vivarium.node.lab;

import dev.vivarium.node.client.Table;
import dev.vivarium.node.io.FileTrees;
import dev.vivarium.node.web.LoginLinks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code lab status}, {@code lab down}, {@code lab logs}, {@code lab login} and {@code lab destroy} on an existing lab folder. */
public final class LabStatus {

    /**
     * Long enough for a node to suspend its VMs to the datastore, leave the cluster and unbind its
     * API (CoordinatedShutdown; see vivarium.wiring.suspend-timeout).
     */
    private static final Duration GRACE = Duration.ofSeconds(90);

    private final LabDir dir;
    private final PrintStream out;
    private final PrintStream err;

    public LabStatus(LabDir dir, PrintStream out, PrintStream err) {
        this.dir = dir;
        this.out = out;
        this.err = err;
    }

    /** The lab's node processes that still run, by node name; empty when there is no lab. */
    public static Map<String, ProcessHandle> running(LabDir dir) throws IOException {
        Map<String, ProcessHandle> running = new LinkedHashMap<>();
        if (!Files.isRegularFile(dir.manifest())) {
            return running;
        }
        for (LabManifest.Node n : LabManifest.read(dir.manifest()).nodes()) {
            NodeProcesses.find(n.pid(), n.started()).ifPresent(p -> running.put(n.name(), p));
        }
        return running;
    }

    /** 0 when every node runs, 1 when some or none do (or there is no lab). */
    public int status() throws IOException {
        if (!Files.isRegularFile(dir.manifest())) {
            out.println("No lab at " + dir.path() + ".");
            return 1;
        }
        LabManifest manifest = LabManifest.read(dir.manifest());
        Map<String, ProcessHandle> running = running(dir);
        Table table = new Table("NODE", "PROCESS", "PID", "API", "LOG");
        for (LabManifest.Node n : manifest.nodes()) {
            table.row(n.name(), running.containsKey(n.name()) ? "running" : "stopped", n.pid(), n.api(), dir.nodeLog(n.name()));
        }
        out.print(table.render());
        out.println(running.size() == manifest.nodes().size() ? "Lab running in " + dir.path() + "."
                : running.size() + " of " + manifest.nodes().size() + " nodes running in " + dir.path() + ".");
        return running.size() == manifest.nodes().size() ? 0 : 1;
    }

    /** Prints a one-time login link to the web client on the first node that runs; 1 when none runs. */
    public int login() throws IOException {
        Map<String, ProcessHandle> running = running(dir);
        if (running.isEmpty()) {
            err.println("vivarium lab login: no node of the lab at " + dir.path() + " runs (start it with ./vivarium lab up)");
            return 1;
        }
        for (LabManifest.Node n : LabManifest.read(dir.manifest()).nodes()) {
            if (running.containsKey(n.name())) {
                out.println(LoginLinks.link(SecretFile.read(dir.tokenFile()), n.name(), n.api()));
                err.println("(opens the web client on " + n.name() + " and signs in; works once, within "
                        + LoginLinks.TTL.toMinutes() + " minutes)");
                return 0;
            }
        }
        return 1;
    }

    /** Stops every node (SIGTERM, then SIGKILL after the grace time) and the lab's components; 0 also when nothing ran. */
    public int down() throws IOException {
        Map<String, ProcessHandle> running = running(dir);
        if (running.isEmpty()) {
            out.println("The lab at " + dir.path() + " is not running.");
        } else {
            List<String> names = new ArrayList<>(running.keySet());
            List<NodeProcesses.Stopped> how = NodeProcesses.stop(new ArrayList<>(running.values()), GRACE);
            for (int i = 0; i < names.size(); i++) {
                out.println("Stopped " + names.get(i) + (how.get(i) == NodeProcesses.Stopped.CLEANLY
                        ? "." : " (it did not stop within " + GRACE.toSeconds() + " s and was killed)."));
            }
        }
        for (LabComponent c : LabComponent.all()) {
            c.stop(dir, out);
        }
        return 0;
    }

    /** Prints a node's log; 1 for a node the lab does not have. */
    public int logs(String node) throws IOException {
        if (!Files.isRegularFile(dir.manifest())) {
            err.println("vivarium lab logs: no lab at " + dir.path());
            return 1;
        }
        List<String> names = LabManifest.read(dir.manifest()).nodes().stream().map(LabManifest.Node::name).toList();
        if (!names.contains(node)) {
            err.println("vivarium lab logs: the lab has no node " + node + "; it has " + String.join(", ", names));
            return 1;
        }
        Path log = dir.nodeLog(node);
        if (Files.isRegularFile(log)) {
            try (var in = Files.newInputStream(log)) {
                in.transferTo(out);
            }
        }
        out.flush();
        return 0;
    }

    /** Stops the lab and deletes its folder; refuses a folder that is not a lab's. */
    public int destroy() throws IOException {
        if (!Files.exists(dir.path())) {
            out.println("No lab at " + dir.path() + ".");
            return 0;
        }
        if (!Files.exists(dir.manifest()) && !Files.exists(dir.tokenFile())) {
            err.println("vivarium lab destroy: " + dir.path() + " holds no lab.json or api-token; not deleting a folder that is not a lab's");
            return 1;
        }
        down();
        FileTrees.delete(dir.path());
        out.println("Deleted " + dir.path() + ".");
        return 0;
    }
}
