package dev.vivarium.x86.bench;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The report as Markdown: one table row per workload, then the conditions, ready for the README. */
final class MarkdownReport {

    static final List<String> COLUMNS = List.of("workload", "guest instructions", "native", "QEMU whole run",
            "QEMU net of start-up", "Vivarium whole run", "Vivarium net (warm, in one JVM)", "Vivarium / native",
            "Vivarium / QEMU (whole runs, net)", "overhead: Vivarium / native − 1",
            "seed, VMware Server 2007: overhead (loss)");

    private MarkdownReport() {
    }

    static String format(OverheadReport report) {
        StringBuilder out = new StringBuilder();
        out.append(row(COLUMNS));
        out.append(row(COLUMNS.stream().map(c -> "---").toList()));
        for (WorkloadResult r : report.workloads()) {
            out.append(row(List.of(
                    "`" + r.workload().name() + " " + r.workload().cmdline() + "`",
                    f("%.1f M", r.instructions() / 1e6),
                    time(r.nativeSeconds(), r.mips(r.nativeSeconds())),
                    f("%.3f s", r.qemuSeconds()),
                    time(r.qemuNetSeconds(), r.mips(r.qemuNetSeconds())),
                    r.vivariumWhole().map(t -> f("%.3f s", t.medianSeconds())).orElse("not measured"),
                    time(r.vivariumSeconds(), r.mips(r.vivariumSeconds())),
                    ratio(r.vivariumOverNative()),
                    r.vivariumWholeOverQemuWhole().map(MarkdownReport::ratio).orElse("–") + ", "
                            + ratio(r.vivariumOverQemuNet()),
                    f("%+,.0f %%", r.overheadPercent()),
                    r.seed().map(s -> f("%+.1f %% (%.0f %%)", s.overheadPercent(), s.lossPercent()))
                            .orElse("not measured"))));
        }
        out.append('\n');
        out.append(f("Medians of %d runs each, wall time, after one untimed warm-up run of each. ", report.runs()));
        out.append("MIPS: guest (i686) instructions retired in Vivarium per second, the same count for all three. ");
        out.append("Vivarium's whole runs are fresh `vivarium x86 run` processes (JVM start-up, loading and the JIT's ");
        out.append("warm-up included), the counterpart of a whole QEMU process; its net runs time the emulation alone, ");
        out.append("on a fresh machine in the benchmark's JVM after a warm-up run; those warm-up runs took ");
        out.append(report.workloads().stream()
                .map(r -> f("%.2f s (%s)", r.vivariumWarmup() / 1e9, r.workload().name()))
                .collect(Collectors.joining(", ")));
        out.append(". Native and QEMU times are whole processes; QEMU's start-up and boot (the `hello` guest) took ");
        if (!report.workloads().isEmpty()) {
            out.append(f("%.3f s", report.workloads().get(0).qemuStartup().medianSeconds()));
        }
        out.append(". The seed's \"Verlust\" (loss) is 1 − native / VM time, in brackets.\n\n");
        HostInfo h = report.before();
        out.append(f("Machine: %d CPUs, %s; %s; %s. Load average (1, 5, 15 min): %s at start, %s at end.%n",
                h.cpus(), h.cpuModel(), h.java(), h.qemu(), load(h), load(report.after())));
        return out.toString();
    }

    private static String row(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String time(double seconds, double mips) {
        return f(mips >= 100 ? "%.3f s (%,.0f MIPS)" : "%.3f s (%.1f MIPS)", seconds, mips);
    }

    private static String ratio(double r) {
        return r >= 100 ? f("%,.0f ×", r) : r >= 10 ? f("%.1f ×", r) : f("%.2f ×", r);
    }

    private static String load(HostInfo h) {
        return h.loadAverage().isEmpty() ? "unknown"
                : h.loadAverage().stream().map(l -> f("%.2f", l)).collect(Collectors.joining(" "));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
