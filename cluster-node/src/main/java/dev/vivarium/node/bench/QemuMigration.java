package dev.vivarium.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.io.FileTrees;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One live migration by QEMU on loopback, for the side-by-side table: a source
 * {@code qemu-system-i386} running the guest, a target started with {@code -incoming}, both driven
 * through QMP. QEMU's default bandwidth cap (128 MiB/s) is lifted so it does not decide the
 * figures, and auto-converge is on, as ours is. Besides QEMU's own downtime (measured on the
 * source: stop to completion), the downtime as this project defines it is read from the QMP
 * events: the source's STOP to the target's RESUME, both stamped by the same wall clock.
 */
final class QemuMigration {

    /** What one QEMU migration measured; -1 where it did not complete. */
    record Result(boolean completed, double downtimeMs, double qemuDowntimeMs, double totalMs, long rounds, long bytes,
                  long zeroPages, double consoleGapMs, String status) {
    }

    private static final long MIGRATION_TIMEOUT_NANOS = 60_000_000_000L;

    private final Path qemu;

    QemuMigration(Path qemu) {
        this.qemu = qemu;
    }

    Result migrate(Path image, String cmdline, int memoryMiB, double downtimeLimitMs) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("vivarium-qemu");
        try (Vm source = new Vm(dir, "source", image, cmdline, memoryMiB, false);
             Vm target = new Vm(dir, "target", image, cmdline, memoryMiB, true)) {
            // The target listens on a port the kernel picks (port 0), read back from QEMU: a port
            // chosen here and handed over could be taken by someone else in between.
            target.qmp.execute("migrate-incoming", Map.of("uri", "tcp:127.0.0.1:0"));
            int migrationPort = target.qmp.execute("query-migrate", Map.of()).path("socket-address").path(0).path("port").asInt();
            if (migrationPort <= 0) {
                throw new IOException("QEMU's target did not say which port it listens on for the migration");
            }
            source.awaitOutput(5, 60);
            Thread.sleep(500); // the guest past its boot and into its loop, as ours is when it moves
            source.qmp.execute("migrate-set-capabilities", Map.of("capabilities",
                    List.of(Map.of("capability", "auto-converge", "state", true))));
            source.qmp.execute("migrate-set-parameters", Map.of("max-bandwidth", 100L << 30,
                    "downtime-limit", Math.max(1, Math.round(downtimeLimitMs))));
            long started = System.nanoTime();
            source.qmp.execute("migrate", Map.of("uri", "tcp:127.0.0.1:" + migrationPort));
            JsonNode info;
            while (true) {
                info = source.qmp.execute("query-migrate", Map.of());
                String status = info.path("status").asText();
                if (status.equals("completed") || status.equals("failed") || status.equals("cancelled")) {
                    break;
                }
                if (System.nanoTime() - started > MIGRATION_TIMEOUT_NANOS) {
                    source.qmp.execute("migrate_cancel", Map.of());
                    return new Result(false, -1, -1, -1, info.path("ram").path("dirty-sync-count").asLong(),
                            info.path("ram").path("transferred").asLong(), info.path("ram").path("duplicate").asLong(), -1,
                            "did not complete within 60 s");
                }
                Thread.sleep(5);
            }
            if (!info.path("status").asText().equals("completed")) {
                return new Result(false, -1, -1, -1, 0, 0, 0, -1, info.path("status").asText() + ": "
                        + info.path("error-desc").asText());
            }
            double stopped = source.qmp.eventTime("STOP", 10);
            double resumed = target.qmp.eventTime("RESUME", 10);
            target.awaitOutput(source.lines() > 0 ? 2 : 0, 30);
            JsonNode ram = info.path("ram");
            long gap = longestGap(source.lineTimes(), target.lineTimes());
            return new Result(true, stopped > 0 && resumed > 0 ? (resumed - stopped) * 1000 : -1, info.path("downtime").asDouble(),
                    info.path("total-time").asDouble(), ram.path("dirty-sync-count").asLong(), ram.path("transferred").asLong(),
                    ram.path("duplicate").asLong(), gap / 1e6, "completed");
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            // a temporary folder left behind holds nothing anyone needs
        }
    }

    /** The longest wall-clock gap in the serial stream: the source's lines, then the target's. */
    private static long longestGap(List<Long> source, List<Long> target) {
        List<Long> all = new ArrayList<>(source);
        all.addAll(target);
        long longest = 0;
        for (int i = Math.max(1, source.size() - 1); i < Math.min(all.size(), source.size() + 2); i++) {
            longest = Math.max(longest, all.get(i) - all.get(i - 1));
        }
        return longest;
    }

    String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(qemu.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out.lines().findFirst().orElse("unknown").strip();
    }

    /** One QEMU process: its serial lines with their arrival times, and its QMP connection. */
    private final class Vm implements AutoCloseable {
        final Process process;
        final Qmp qmp;
        private final List<Long> lineTimes = new ArrayList<>();

        private final Path errors;

        /**
         * Starts QEMU with its QMP on a Unix socket in {@code dir} (no port to race for) and its
         * standard error in a file there, so a QEMU that gives up can say why.
         */
        Vm(Path dir, String name, Path image, String cmdline, int memoryMiB, boolean incoming) throws IOException, InterruptedException {
            Path socket = dir.resolve(name + ".qmp");
            errors = dir.resolve(name + ".stderr");
            List<String> command = new ArrayList<>(List.of(qemu.toString(), "-kernel", image.toString(), "-append", cmdline,
                    "-m", Integer.toString(memoryMiB), "-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot",
                    "-qmp", "unix:" + socket + ",server=on,wait=off"));
            if (incoming) {
                command.addAll(List.of("-incoming", "defer"));
            }
            process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            Thread reader = new Thread(this::readSerial, "qemu-serial");
            reader.setDaemon(true);
            reader.start();
            try {
                qmp = Qmp.connect(socket, process, this::describeExit);
            } catch (IOException | RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
        }

        /** Why QEMU is gone, or that it still runs: its exit code and the end of what it printed to standard error. */
        private String describeExit() {
            String said;
            try {
                said = Files.readString(errors, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                said = "";
            }
            if (said.length() > 2000) {
                said = said.substring(said.length() - 2000);
            }
            String state = process.isAlive() ? "QEMU still runs" : "QEMU exited with " + process.exitValue();
            return said.isEmpty() ? state : state + ", saying: " + said;
        }

        private void readSerial() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.ISO_8859_1))) {
                while (in.readLine() != null) {
                    synchronized (this) {
                        lineTimes.add(System.nanoTime());
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        synchronized List<Long> lineTimes() {
            return List.copyOf(lineTimes);
        }

        synchronized int lines() {
            return lineTimes.size();
        }

        void awaitOutput(int lines, int seconds) throws InterruptedException, IOException {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (lines() < lines) {
                if (System.nanoTime() - deadline > 0 || !process.isAlive()) {
                    throw new IOException("QEMU printed " + lines() + " serial lines, not " + lines);
                }
                Thread.sleep(10);
            }
        }

        @Override
        public void close() {
            qmp.close();
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A QMP connection: commands answered in order, events collected as they come. */
    private static final class Qmp implements AutoCloseable {
        private final SocketChannel channel;
        private final Supplier<String> whyGone;
        private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
        private final List<JsonNode> events = new ArrayList<>();

        private Qmp(SocketChannel channel, Supplier<String> whyGone) throws IOException, InterruptedException {
            this.channel = channel;
            this.whyGone = whyGone;
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            if (in.readLine() == null) {
                throw new IOException("QEMU closed its QMP connection before greeting (" + whyGone.get() + ")");
            }
            Thread reader = new Thread(() -> read(in), "qmp");
            reader.setDaemon(true);
            reader.start();
            execute("qmp_capabilities", Map.of());
        }

        /** Connects once QEMU has made its socket; gives up at once when QEMU has exited, saying why. */
        static Qmp connect(Path socket, Process process, Supplier<String> whyGone) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                SocketChannel channel = null;
                try {
                    channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    return new Qmp(channel, whyGone);
                } catch (IOException e) {
                    if (channel != null) {
                        channel.close();
                    }
                    if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                        throw new IOException("QEMU's QMP at " + socket + " does not answer: " + e.getMessage() + " (" + whyGone.get() + ")");
                    }
                    Thread.sleep(20);
                }
            }
        }

        private void read(BufferedReader in) {
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode message = Json.MAPPER.readTree(line);
                    if (message.has("event")) {
                        synchronized (events) {
                            events.add(message);
                        }
                    } else {
                        answers.add(message);
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        synchronized JsonNode execute(String command, Map<String, Object> arguments) throws IOException, InterruptedException {
            String request = Json.write(arguments.isEmpty() ? Map.of("execute", command) : Map.of("execute", command, "arguments", arguments));
            // Written on the channel itself, not through Channels.newOutputStream: on this JDK that
            // stream takes the lock the reading thread holds while it waits for QEMU.
            ByteBuffer bytes = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            JsonNode answer = answers.poll(30, TimeUnit.SECONDS);
            if (answer == null) {
                throw new IOException("QMP " + command + ": no answer in 30 s (" + whyGone.get() + ")");
            }
            if (answer.has("error")) {
                throw new IOException("QMP " + command + ": " + answer.path("error").path("desc").asText());
            }
            return answer.path("return");
        }

        /** The wall-clock time (seconds) of the first event of this name, waiting up to {@code seconds}; -1 when none came. */
        double eventTime(String name, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() - deadline < 0) {
                synchronized (events) {
                    for (JsonNode e : events) {
                        if (e.path("event").asText().equals(name)) {
                            return e.path("timestamp").path("seconds").asLong() + e.path("timestamp").path("microseconds").asLong() / 1e6;
                        }
                    }
                }
                Thread.sleep(5);
            }
            return -1;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
