package dev.vivarium.node.fault;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.node.lab.LabManifest;
import dev.vivarium.node.lab.NodeProcesses;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals to a lab's node processes, found by the lab's manifest: SIGKILL, SIGSTOP, SIGCONT. */
final class HostProcesses {

    private final LabDir lab;

    HostProcesses(LabDir lab) {
        this.lab = lab;
    }

    /** The pid of the host's node process; 404 when the lab has no such host, 409 when it is not running. */
    long pid(String host) {
        LabManifest manifest;
        try {
            manifest = LabManifest.read(lab.manifest());
        } catch (IOException e) {
            throw new ApiException(500, "cannot read the lab's manifest: " + e.getMessage());
        }
        LabManifest.Node node = manifest.nodes().stream().filter(n -> n.name().equals(host)).findFirst()
                .orElseThrow(() -> ApiException.notFound("the lab has no host named " + host));
        return NodeProcesses.find(node.pid(), node.started())
                .orElseThrow(() -> ApiException.conflict("host " + host + " is not running (pid " + node.pid() + " is gone)"))
                .pid();
    }

    /** Sends {@code signal} (KILL, STOP, CONT) to the process. */
    static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new ApiException(500, "kill -" + signal + " " + pid + " failed: " + new String(kill.getInputStream().readAllBytes()).strip());
            }
        } catch (IOException e) {
            throw new ApiException(500, "cannot run kill: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(500, "interrupted while signalling " + pid);
        }
    }
}
