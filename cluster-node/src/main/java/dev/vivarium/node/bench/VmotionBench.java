package dev.vivarium.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.x86.bench.HostInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vivarium bench vmotion}: VMs of several sizes running {@code memdirty} at dirty rates
 * from none to more than the link carries, migrated live between two node processes on
 * loopback, and the same image, sizes and rates migrated by QEMU (once with its default downtime
 * limit, once with ours), side by side.
 */
public final class VmotionBench {

    /** A guest load: an image and its command line for a VM of {@code sizeMiB}. */
    public record Workload(String name, String image, String description) {
        String cmdline(int sizeMiB) {
            int wssKb = Math.min(32 << 10, sizeMiB << 9); // half the VM, at most 32 MiB (QEMU's reference figure)
            int pages = wssKb / 4;
            return switch (name) {
                case "idle" -> "period_ms=10";
                case "1mib" -> "wss_kb=" + wssKb + " rate_pages=1 period_ms=4 report=1";
                case "32mib" -> "wss_kb=" + wssKb + " rate_pages=8 period_ms=1 report=4";
                case "flood" -> "wss_kb=" + wssKb + " rate_pages=" + pages + " period_ms=1 report=4";
                default -> throw new IllegalArgumentException("unknown workload " + name);
            };
        }
    }

    public static final List<Workload> WORKLOADS = List.of(
            new Workload("idle", "counter", "counter, a line every 10 ms: dirties almost nothing"),
            new Workload("1mib", "memdirty", "memdirty, one page every 4 ms: 1 MiB/s"),
            new Workload("32mib", "memdirty", "memdirty, 8 pages every ms: 31 MiB/s"),
            new Workload("flood", "memdirty", "memdirty, its whole working set every ms: more than any link carries"));

    /** One migration's figures, ours or QEMU's. */
    public record Run(int sizeMiB, String workload, String system, boolean completed, double downtimeMs,
                      double qemuDowntimeMs, double consoleGapMs, double totalMs, long rounds, long bytes, boolean throttled,
                      String note) {
    }

    /** What to measure. */
    public record Plan(List<Integer> sizes, List<Workload> workloads, int runs, double budgetMs, boolean withQemu,
                       Path labFolder) {
    }

    private final Plan plan;
    private final PrintStream log;

    public VmotionBench(Plan plan, PrintStream log) {
        this.plan = plan;
        this.log = log;
    }

    public VmotionReport run() throws IOException, InterruptedException, ApiError {
        Path qemu = plan.withQemu() ? findQemu() : null;
        QemuMigration qemuMigration = qemu == null ? null : new QemuMigration(qemu);
        HostInfo machine = HostInfo.probe(qemuMigration == null ? "not run" : qemuMigration.version());
        List<Double> loadBefore = HostInfo.readLoadAverage();
        List<Run> runs = new ArrayList<>();
        try (BenchLab lab = BenchLab.start(plan.labFolder(), null, log)) {
            for (int size : plan.sizes()) {
                for (Workload w : plan.workloads()) {
                    runs.addAll(ours(lab, size, w));
                }
            }
        }
        if (qemuMigration != null) {
            Path images = LabDir.repositoryRoot().resolve("guests/images");
            for (int size : plan.sizes()) {
                for (Workload w : plan.workloads()) {
                    for (double limit : List.of(300.0, plan.budgetMs())) {
                        for (int i = 0; i < plan.runs(); i++) {
                            QemuMigration.Result r = qemuMigration.migrate(images.resolve(w.image() + ".elf"), w.cmdline(size), size, limit);
                            String system = String.format(Locale.ROOT, "QEMU, limit %s ms", trim(limit));
                            log.printf(Locale.ROOT, "%s %d MiB %s: %s, downtime %.2f ms (QEMU's %.2f), total %.0f ms%n", system, size,
                                    w.name(), r.status(), r.downtimeMs(), r.qemuDowntimeMs(), r.totalMs());
                            runs.add(new Run(size, w.name(), system, r.completed(), r.downtimeMs(), r.qemuDowntimeMs(), r.consoleGapMs(),
                                    r.totalMs(), r.rounds(), r.bytes(), false, r.status()));
                        }
                    }
                }
            }
        }
        return new VmotionReport(machine, loadBefore, HostInfo.readLoadAverage(), plan, runs);
    }

    /** Our migrations of one case: one VM moved back and forth {@code runs} times. */
    private List<Run> ours(BenchLab lab, int size, Workload w) throws IOException, InterruptedException, ApiError {
        String vm = "bench-" + size + "-" + w.name();
        String host = lab.run(vm, w.image(), w.cmdline(size), size);
        List<Run> runs = new ArrayList<>();
        String system = String.format(Locale.ROOT, "Vivarium, budget %s ms", trim(plan.budgetMs()));
        try (ConsoleTap console = new ConsoleTap(lab.api, vm)) {
            awaitOutput(console, 5);
            Thread.sleep(500);
            for (int i = 0; i < plan.runs(); i++) {
                String to = host.equals("host-1") ? "host-2" : "host-1";
                long start = System.nanoTime();
                JsonNode task = lab.task("/api/v1/vms/" + vm + "/migrate", Map.of("to", to, "downtimeMs", plan.budgetMs()));
                int seen = console.size();
                awaitOutput(console, seen + 3); // the guest's output goes on there
                long end = System.nanoTime();
                JsonNode d = task.path("details");
                boolean moved = "succeeded".equals(task.path("state").asText());
                if (moved) {
                    host = to;
                }
                Run r = new Run(size, w.name(), system, moved, d.path("downtimeMs").asDouble(-1), d.path("sourceDowntimeMs").asDouble(-1),
                        console.longestGapNanos(start, end) / 1e6, d.path("totalMs").asDouble(-1), d.path("rounds").asLong(),
                        d.path("bytesSent").asLong(), d.path("throttled").asBoolean(), moved ? "" : task.path("reason").asText());
                log.printf(Locale.ROOT, "%s %d MiB %s: %s, downtime %.2f ms (source %.2f), console gap %.1f ms, total %.0f ms, %d rounds%n",
                        system, size, w.name(), moved ? "migrated" : "failed: " + r.note(), r.downtimeMs(), r.qemuDowntimeMs(),
                        r.consoleGapMs(), r.totalMs(), r.rounds());
                runs.add(r);
                Thread.sleep(300);
            }
        }
        lab.remove(vm);
        return runs;
    }

    private static void awaitOutput(ConsoleTap console, int pieces) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (console.size() < pieces) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the guest printed nothing for two minutes");
            }
            Thread.sleep(10);
        }
    }

    static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** qemu-system-i386 on the PATH, or null (then the table has no QEMU rows, and says so). */
    public static Path findQemu() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "qemu-system-i386");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
