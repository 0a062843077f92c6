package dev.vivarium.node.lab;

import dev.vivarium.node.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts one node of a running lab again (after a fault killed it), as `lab up` started it. */
public final class LabNodes {

    private LabNodes() {
    }

    /** Starts the node's process with its configuration and log of before; the manifest gets its new pid. */
    public static void restart(LabDir dir, String node) throws IOException {
        LabManifest manifest = LabManifest.read(dir.manifest());
        List<LabManifest.Node> nodes = new ArrayList<>();
        for (LabManifest.Node n : manifest.nodes()) {
            if (n.name().equals(node)) {
                if (NodeProcesses.find(n.pid(), n.started()).isPresent()) {
                    throw new IllegalStateException("host " + node + " still runs (pid " + n.pid() + ")");
                }
                Process p = NodeProcesses.start(dir, node, rejoinConfig(dir, node, manifest));
                nodes.add(new LabManifest.Node(n.name(), n.api(), n.artery(), p.pid(), NodeProcesses.startedOf(p.toHandle())));
            } else {
                nodes.add(n);
            }
        }
        new LabManifest(nodes).write(dir.manifest());
    }

    /**
     * The node's configuration with only the other nodes as seeds: started again alone (host-1 is
     * the first seed), it would form a cluster of its own if the others did not answer within the
     * seed-node timeout, as on a loaded machine; joining only the others, it waits for them.
     */
    private static Path rejoinConfig(LabDir dir, String node, LabManifest manifest) throws IOException {
        List<String> others = manifest.nodes().stream().filter(n -> !n.name().equals(node)).map(LabManifest.Node::artery).toList();
        Path file = dir.path().resolve(node + ".rejoin.conf");
        Files.writeString(file, "# Written when the lab started " + node + " again: it joins the others, never forms a cluster alone.\n"
                + "include required(file(" + Json.write(dir.nodeConfig(node).toString()) + "))\n"
                + "vivarium.node.seed-nodes = " + Json.write(others) + "\n");
        return file;
    }
}
