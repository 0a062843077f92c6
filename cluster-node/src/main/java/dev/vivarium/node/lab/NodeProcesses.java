package dev.vivarium.node.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Starting, finding and stopping a lab's node processes. */
public final class NodeProcesses {

    /** The main class a node process runs: the same command tree, its `node` subcommand. */
    private static final String MAIN = "dev.vivarium.node.cli.VivariumCommand";
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private NodeProcesses() {
    }

    /**
     * Starts the lab's {@code node} as {@code vivarium node --config CONFIG}, a process of its own
     * session (so it outlives the launcher and ignores the launcher's terminal), output appended to
     * its log; in the lab's network namespace and the node's cgroup when the lab has them.
     */
    public static Process start(LabDir dir, String node, Path config) throws IOException {
        return startJava(MAIN, List.of("node", "--config", config.toString()), dir.nodeLog(node), LabNetwork.nodePrefix(dir, node));
    }

    /**
     * Starts {@code java MAIN ARGS} on this launcher's class path in a session of its own, output
     * appended to {@code log}: a lab's node or its database server.
     */
    public static Process startJava(String main, List<String> args, Path log) throws IOException {
        return startJava(main, args, log, List.of());
    }

    /** {@link #startJava(String, List, Path)} under {@code prefix} (the lab's {@code nsenter --net=...}). */
    public static Process startJava(String main, List<String> args, Path log, List<String> prefix) throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv("VIVARIUM_NODE_JAVA_OPTS");
        // A lab runs several JVMs on one machine: a small heap each, unless told otherwise.
        command.addAll(List.of((opts == null || opts.isBlank() ? "-Xmx384m -XX:+UseSerialGC" : opts).strip().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true)
                .start();
    }

    /** The start time the OS reports for a process, to tell it apart from a later one with its pid. */
    public static String startedOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toString).orElse("");
    }

    /** The running process of a lab node, if it is still the one the lab started. */
    public static Optional<ProcessHandle> find(long pid, String started) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> started.isEmpty() || startedOf(p).isEmpty() || startedOf(p).equals(started));
    }

    /** How a process ended under {@link #stop}. */
    public enum Stopped { CLEANLY, KILLED }

    /**
     * SIGTERM (the node leaves the cluster through CoordinatedShutdown), then SIGKILL for any
     * process still there after {@code grace}. All processes are signalled at once.
     */
    public static List<Stopped> stop(List<ProcessHandle> processes, Duration grace) {
        processes.forEach(ProcessHandle::destroy);
        List<Stopped> result = new ArrayList<>();
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : processes) {
            if (awaitExit(p, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                result.add(Stopped.CLEANLY);
            } else {
                p.destroyForcibly();
                awaitExit(p, Duration.ofSeconds(10));
                result.add(Stopped.KILLED);
            }
        }
        return result;
    }

    private static boolean awaitExit(ProcessHandle p, Duration timeout) {
        CompletableFuture<ProcessHandle> exit = p.onExit();
        try {
            exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        } catch (Exception e) {
            return !p.isAlive();
        }
    }
}
