package dev.vivarium.node.lab;

import java.io.IOException;
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
                Process p = NodeProcesses.start(dir.nodeConfig(node), dir.nodeLog(node));
                nodes.add(new LabManifest.Node(n.name(), n.api(), n.artery(), p.pid(), NodeProcesses.startedOf(p.toHandle())));
            } else {
                nodes.add(n);
            }
        }
        new LabManifest(nodes).write(dir.manifest());
    }
}
