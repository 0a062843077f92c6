package dev.vivarium.node.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What lab tests share to leave nothing behind: every process of a lab, killed whatever state it is in. */
public final class LabProcesses {

    private LabProcesses() {
    }

    /** Kills the lab's inventory database and node processes that still run (a test's clean-up, also after a failure). */
    public static void killAll(Path lab) throws IOException {
        if (lab == null) {
            return;
        }
        Path database = lab.resolve("inventory-db.pid");
        if (Files.isRegularFile(database)) {
            ProcessHandle.of(Long.parseLong(Files.readAllLines(database).get(0).strip())).ifPresent(LabProcesses::kill);
        }
        if (Files.isRegularFile(new LabDir(lab).manifest())) {
            for (LabManifest.Node n : LabManifest.read(new LabDir(lab).manifest()).nodes()) {
                ProcessHandle.of(n.pid()).ifPresent(LabProcesses::kill);
            }
        }
        if (Files.isDirectory(lab)) {
            new LabNetwork().stop(new LabDir(lab), System.out); // its gateway and its network namespace, if it had them
        }
    }

    private static void kill(ProcessHandle p) {
        p.destroyForcibly();
        p.onExit().join();
    }
}
