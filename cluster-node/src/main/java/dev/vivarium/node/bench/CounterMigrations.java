package dev.vivarium.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.checkpoint.SnapshotInfo;
import dev.vivarium.datastore.checkpoint.SnapshotStore;
import dev.vivarium.datastore.storage.SealedFile;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code counter} guest migrated back and forth between two node processes while it runs:
 * its console must never skip or repeat a line, and because guest time follows instructions its
 * state at the instruction count of a snapshot taken after the migrations must be byte for byte
 * the state the same machine reaches, from a snapshot taken before them, without any migration
 * (a bare emulator, run to that count).
 */
public final class CounterMigrations {

    /** What a run found. */
    public record Report(int migrations, List<Double> downtimesMs, long firstNumber, long lastNumber, List<String> problems,
                         long instructionsCompared) {
        public boolean passed() {
            return problems.isEmpty();
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("migrations", migrations);
            m.put("downtimesMs", downtimesMs);
            m.put("downtimeMedianMs", VmotionReport.median(downtimesMs));
            m.put("firstNumber", firstNumber);
            m.put("lastNumber", lastNumber);
            m.put("instructionsCompared", instructionsCompared);
            m.put("passed", passed());
            m.put("problems", problems);
            return m;
        }

        public String text() {
            return String.format(Locale.ROOT, "%d migrations of counter: console %d .. %d without a gap or a repeat: %s; "
                            + "state after %,d instructions byte-identical to a run without migration: %s; downtime median %.2f ms "
                            + "(%.2f .. %.2f)%s%n", migrations, firstNumber, lastNumber, problems.stream().noneMatch(p -> p.startsWith("console")),
                    instructionsCompared, problems.stream().noneMatch(p -> p.startsWith("state")), VmotionReport.median(downtimesMs),
                    downtimesMs.stream().mapToDouble(d -> d).min().orElse(0), downtimesMs.stream().mapToDouble(d -> d).max().orElse(0),
                    problems.isEmpty() ? "" : "\nPROBLEMS:\n  " + String.join("\n  ", problems));
        }
    }

    private static final String VM = "counter-mig";
    private static final String CMDLINE = "period_ms=10";

    private CounterMigrations() {
    }

    /** Runs {@code count} migrations in a two-node lab of its own (in {@code folder}, or a temporary one). */
    public static Report run(int count, Path folder, PrintStream log) throws IOException, InterruptedException, ApiError {
        try (BenchLab lab = BenchLab.start(folder, null, log)) {
            lab.run(VM, "counter", CMDLINE, 16);
            List<String> problems = new ArrayList<>();
            List<Double> downtimes = new ArrayList<>();
            try (ConsoleTap console = new ConsoleTap(lab.api, VM)) {
                awaitLines(console, 5);
                snapshot(lab, "before");
                for (int i = 0; i < count; i++) {
                    // No host named: the other one of the two (a read of the inventory might not have the last move yet).
                    JsonNode task = lab.task("/api/v1/vms/" + VM + "/migrate", Map.of());
                    if (!"succeeded".equals(task.path("state").asText())) {
                        problems.add("migration " + (i + 1) + " failed: " + task.path("reason").asText());
                        break;
                    }
                    String from = task.path("details").path("from").asText();
                    String to = task.path("details").path("to").asText();
                    downtimes.add(task.path("details").path("downtimeMs").asDouble());
                    log.printf(Locale.ROOT, "migration %d: %s -> %s, downtime %.2f ms%n", i + 1, from, to,
                            task.path("details").path("downtimeMs").asDouble());
                    awaitLines(console, console.numbers("counter").size() + 2); // it runs there before it moves again
                }
                snapshot(lab, "after");
                awaitLines(console, console.numbers("counter").size() + 3);
                List<Long> numbers = console.numbers("counter");
                for (int i = 1; i < numbers.size(); i++) {
                    if (numbers.get(i) != numbers.get(i - 1) + 1) {
                        problems.add("console: line " + i + " is counter " + numbers.get(i) + " after counter " + numbers.get(i - 1));
                    }
                }
                long compared = compareWithAReferenceRun(lab.dir, problems);
                lab.remove(VM);
                return new Report(downtimes.size(), downtimes, numbers.isEmpty() ? 0 : numbers.get(0),
                        numbers.isEmpty() ? 0 : numbers.get(numbers.size() - 1), problems, compared);
            }
        }
    }

    private static void awaitLines(ConsoleTap console, int lines) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (console.numbers("counter").size() < lines) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the counter printed " + console.numbers("counter").size() + " lines, not " + lines);
            }
            Thread.sleep(20);
        }
    }

    private static void snapshot(BenchLab lab, String name) throws ApiError, IOException, InterruptedException {
        JsonNode task;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                task = lab.task("/api/v1/vms/" + VM + "/snapshots", Map.of("name", name));
                break;
            } catch (ApiError notThereYet) {
                // The node asked may not have heard yet where the VM runs (just powered on, or just moved).
                if (System.nanoTime() - deadline > 0 || !String.valueOf(notThereYet.getMessage()).contains("runs on no host yet")) {
                    throw notThereYet;
                }
                Thread.sleep(200);
            }
        }
        if (!"succeeded".equals(task.path("state").asText())) {
            throw new IOException("snapshot " + name + " failed: " + task.path("reason").asText());
        }
    }

    /**
     * Restores the snapshot before the migrations into a bare machine, runs it to the instruction
     * count of the snapshot after them, and compares the two captures byte for byte.
     *
     * @return the instructions the reference ran
     */
    private static long compareWithAReferenceRun(LabDir dir, List<String> problems) throws IOException {
        SnapshotStore snapshots = Datastore.open(dir.datastore(), DatastoreSettings.DEFAULTS).vm(VM).snapshots();
        byte[] before = payload(snapshots, "before");
        byte[] after = payload(snapshots, "after");
        byte[] image = Files.readAllBytes(LabDir.repositoryRoot().resolve("guests/images/counter.elf"));
        MachineConfig config = new MachineConfig(16L << 20, new MachineConfig.MultibootKernel(image, CMDLINE), null, false,
                MachineConfig.DEFAULT_START_EPOCH_NANOS);
        try (PcMachine target = PcMachine.createForRestore(config); PcMachine reference = PcMachine.createForRestore(config)) {
            target.restore(after);
            reference.restore(before);
            long start = reference.cpu().instructions();
            long end = target.cpu().instructions();
            while (reference.cpu().instructions() < end) {
                RunResult r = reference.run(end - reference.cpu().instructions());
                if (r instanceof RunResult.Halted h) {
                    if (reference.cpu().instructions() < end) {
                        reference.idleUntil(h.untilNanos()); // not at the end: how far the VM skipped there is decided below
                    }
                } else if (!(r instanceof RunResult.BudgetUsed)) {
                    problems.add("state: the reference run ended early: " + r);
                    return reference.cpu().instructions() - start;
                }
            }
            // A halted guest's host skips its idle time ahead (to its next timer at most) whenever it likes, so the
            // snapshot may come after such a skip at this very instruction: the reference skips as far. A clock
            // that differed while the guest ran would still show (it only moves with instructions then).
            if (reference.cpu().halted() && target.clock().nanos() > reference.clock().nanos()) {
                reference.idleUntil(target.clock().nanos());
            }
            byte[] expected = reference.capture();
            if (!java.util.Arrays.equals(expected, after)) {
                problems.add("state: after " + (end - start) + " instructions the migrated VM's capture differs from the reference's"
                        + " at byte " + java.util.Arrays.mismatch(expected, after) + " of " + after.length + " (guest clock "
                        + target.clock().nanos() + " ns there, " + reference.clock().nanos() + " ns in the reference; halted "
                        + target.cpu().halted() + "/" + reference.cpu().halted() + ")");
            }
            return end - start;
        }
    }

    private static byte[] payload(SnapshotStore snapshots, String name) throws IOException {
        SnapshotInfo info = snapshots.find(name).orElseThrow(() -> new IOException("no snapshot " + name));
        try (SealedFile file = snapshots.open(info)) {
            return file.readPayload();
        }
    }

    /** For the command's --json. */
    public static String json(Report report) {
        return Json.write(report.json());
    }
}
