package dev.vivarium.datastore.processes;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A JVM started from the test's own class path, talked to by lines on stdin and stdout. */
final class JavaProcess implements AutoCloseable {
    /** A line the process printed, stamped with the test JVM's nanoTime when it was read. */
    record Line(String text, long readAtNanos) {
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final Path stderr;
    private final List<Line> lines = new ArrayList<>();
    private int cursor;

    private JavaProcess(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::readStdout, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static JavaProcess start(String name, Class<?> main, Path logs, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Path stderr = logs.resolve(name + ".stderr");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new JavaProcess(name, process, stderr);
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /** Sends {@code command} and returns the text of the next line starting with one of {@code answers}. */
    String ask(String command, Duration timeout, String... answers) throws IOException {
        send(command);
        return awaitNext(timeout, answers).text();
    }

    /**
     * Waits for the next line (after the one this method returned last) that starts with one of
     * {@code prefixes}; lines in between are skipped.
     */
    Line awaitNext(Duration timeout, String... prefixes) {
        Line line = await().alias(name + " to print " + List.of(prefixes) + "; " + this).atMost(timeout)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> next(prefixes), Optional::isPresent).orElseThrow();
        synchronized (this) {
            cursor = lines.indexOf(line) + 1;
        }
        return line;
    }

    private synchronized Optional<Line> next(String... prefixes) {
        for (Line line : lines.subList(cursor, lines.size())) {
            for (String prefix : prefixes) {
                if (line.text().startsWith(prefix)) {
                    return Optional.of(line);
                }
            }
        }
        return Optional.empty();
    }

    synchronized Optional<Line> find(String prefix) {
        return lines.stream().filter(l -> l.text().startsWith(prefix)).findFirst();
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /** Sends a signal (STOP, CONT) the way an operator would. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("sh", "-c", "kill -" + signal + " " + pid()).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid() + " failed");
        }
    }

    /** SIGKILL (which also ends a stopped process), then waits for it to be gone. */
    void killHard() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            killHard();
        }
    }

    @Override
    public synchronized String toString() {
        String errors;
        try {
            errors = Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            errors = "(stderr unreadable: " + e.getMessage() + ")";
        }
        return name + " stdout " + lines.stream().map(Line::text).toList() + (errors.isBlank() ? "" : " stderr: " + errors);
    }

    private void readStdout() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                synchronized (this) {
                    lines.add(new Line(line, System.nanoTime()));
                }
            }
        } catch (IOException closed) {
            // the process is gone; its lines so far are kept
        }
    }
}
