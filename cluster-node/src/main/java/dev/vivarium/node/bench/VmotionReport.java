package dev.vivarium.node.bench;

import dev.vivarium.node.api.Json;
import dev.vivarium.x86.bench.HostInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The benchmark's figures: a Markdown table of medians (with their range) and every run as JSON. */
public record VmotionReport(HostInfo machine, List<Double> loadBefore, List<Double> loadAfter, VmotionBench.Plan plan,
                            List<VmotionBench.Run> runs) {

    public static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> v >= 0).sorted().toList();
        if (sorted.isEmpty()) {
            return -1;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The runs of one VM size, workload and system. */
    private List<List<VmotionBench.Run>> rows() {
        Map<String, List<VmotionBench.Run>> rows = new LinkedHashMap<>();
        for (VmotionBench.Run r : runs) {
            rows.computeIfAbsent(r.sizeMiB() + "/" + r.workload() + "/" + r.system(), k -> new ArrayList<>()).add(r);
        }
        List<List<VmotionBench.Run>> sorted = new ArrayList<>(rows.values());
        sorted.sort(java.util.Comparator.<List<VmotionBench.Run>>comparingInt(l -> l.get(0).sizeMiB())
                .thenComparingInt(l -> workloadIndex(l.get(0).workload())));
        return sorted;
    }

    private static int workloadIndex(String name) {
        for (int i = 0; i < VmotionBench.WORKLOADS.size(); i++) {
            if (VmotionBench.WORKLOADS.get(i).name().equals(name)) {
                return i;
            }
        }
        return 99;
    }

    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Machine: %d CPUs (%s), %s, %s; load average %s before, %s after.%n%n",
                machine.cpus(), machine.cpuModel(), machine.java(), machine.qemu(), loadBefore, loadAfter));
        out.append("| VM | guest | system | downtime ms | QEMU's downtime ms | console gap ms | total ms | rounds | MiB sent | migrated | throttled |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (List<VmotionBench.Run> row : rows()) {
            VmotionBench.Run first = row.get(0);
            List<VmotionBench.Run> done = row.stream().filter(VmotionBench.Run::completed).toList();
            out.append(String.format(Locale.ROOT, "| %d MiB | %s | %s | %s | %s | %s | %s | %s | %s | %d/%d | %d |%n", first.sizeMiB(),
                    first.workload(), first.system(), figure(done, VmotionBench.Run::downtimeMs, 2),
                    figure(done, VmotionBench.Run::qemuDowntimeMs, 2), figure(done, VmotionBench.Run::consoleGapMs, 1),
                    figure(done, VmotionBench.Run::totalMs, 0), figure(done, r -> r.rounds(), 0),
                    figure(done, r -> r.bytes() / 1048576.0, 1), done.size(), row.size(),
                    row.stream().filter(VmotionBench.Run::throttled).count()));
        }
        out.append("\nMedians of the migrations that completed, their range in brackets. Downtime: the source's last guest "
                + "instruction to the target's first (ours: both hosts read one monotonic clock; QEMU: its source's STOP "
                + "to its target's RESUME event). QEMU's downtime: QEMU's own figure, measured on the source from the stop "
                + "to the end of the transfer (ours by that definition: the pause to the switch-over's last byte sent).\n");
        for (VmotionBench.Workload w : plan.workloads()) {
            out.append("- ").append(w.name()).append(": ").append(w.description()).append('\n');
        }
        return out.toString();
    }

    private static String figure(List<VmotionBench.Run> runs, ToDoubleFunction<VmotionBench.Run> f, int decimals) {
        List<Double> values = runs.stream().map(r -> f.applyAsDouble(r)).filter(v -> v >= 0).toList();
        if (values.isEmpty()) {
            return "-";
        }
        String format = "%." + decimals + "f";
        double min = values.stream().mapToDouble(v -> v).min().orElse(0);
        double max = values.stream().mapToDouble(v -> v).max().orElse(0);
        return String.format(Locale.ROOT, format, median(values)) + (values.size() > 1
                ? " (" + String.format(Locale.ROOT, format, min) + "–" + String.format(Locale.ROOT, format, max) + ")" : "");
    }

    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("machine", machine);
        m.put("loadBefore", loadBefore);
        m.put("loadAfter", loadAfter);
        m.put("budgetMs", plan.budgetMs());
        m.put("runsPerCase", plan.runs());
        m.put("runs", runs);
        return Json.write(m);
    }
}
