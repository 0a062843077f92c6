package dev.vivarium.vm.processes;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@link HostProcessMain} JVM; its stdout lines are collected as they come. */
final class ProcessHost implements AutoCloseable {
    private static final Pattern COUNTER = Pattern.compile("console (\\S+) counter (\\d+)");

    /** A line and when the test JVM read it. */
    record Line(String text, long readAtNanos) {
    }

    private final String name;
    private final Process process;
    private final Path stderr;
    private final Thread reader;
    private final List<Line> lines = new ArrayList<>();

    private ProcessHost(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(this::read, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static ProcessHost start(String host, Path datastore, Path logs, int checkpointMs, String... vmArgs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), HostProcessMain.class.getName(),
                datastore.toString(), host, dev.vivarium.vm.Lab.images().toString(), Integer.toString(checkpointMs)));
        command.addAll(List.of(vmArgs));
        Path stderr = logs.resolve(host + "-" + System.nanoTime() + ".stderr");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ProcessHost(host, process, stderr);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this) {
                    lines.add(new Line(line, System.nanoTime()));
                }
            }
        } catch (IOException e) {
            // the process died; what was read stays
        }
    }

    /** Waits for a line starting with {@code prefix}. */
    Line awaitLine(String prefix, Duration timeout) {
        return await().alias(name + " to print '" + prefix + "'").atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> find(prefix), Optional::isPresent).orElseThrow();
    }

    synchronized Optional<Line> find(String prefix) {
        return lines.stream().filter(l -> l.text().startsWith(prefix)).findFirst();
    }

    /** The counter values the VM printed, in order. */
    synchronized List<Long> counter(String vm) {
        List<Long> values = new ArrayList<>();
        for (Line line : lines) {
            Matcher m = COUNTER.matcher(line.text());
            if (m.matches() && m.group(1).equals(vm)) {
                values.add(Long.parseLong(m.group(2)));
            }
        }
        return values;
    }

    /** Every console line the VM printed, in order. */
    synchronized List<String> console(String vm) {
        String prefix = "console " + vm + " ";
        return lines.stream().map(Line::text).filter(t -> t.startsWith(prefix)).map(t -> t.substring(prefix.length())).toList();
    }

    long lastCounter(String vm) {
        List<Long> values = counter(vm);
        return values.isEmpty() ? 0 : values.get(values.size() - 1);
    }

    /** What the process logged (warnings and errors). */
    String stderr() throws IOException {
        return java.nio.file.Files.readString(stderr);
    }

    /** Sends a signal, e.g. STOP or CONT. */
    void signal(String signal) throws IOException, InterruptedException {
        int status = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (status != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed with " + status);
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no lease release. Returns once its output is fully read. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        reader.join(5_000);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized String toString() {
        return name + " (" + lines.size() + " lines; last: " + (lines.isEmpty() ? "-" : lines.get(lines.size() - 1).text()) + ")";
    }
}
