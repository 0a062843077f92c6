package dev.vivarium.node.experiment;

import dev.vivarium.drs.sim.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's time series as CSV files: hosts.csv (per host and sample: load, MIPS used, state),
 * imbalance.csv (per sample: imbalance, target, migrations under way, rules broken), vms.csv
 * (per VM and sample: host, demanded and delivered MIPS, ready time), migrations.csv and
 * events.csv.
 */
final class Recorder {

    private Recorder() {
    }

    static void write(Experiment.Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder hosts = new StringBuilder("t,host,state,load,usedMips\n");
        StringBuilder imbalance = new StringBuilder("t,imbalance,target,migrating,recommendations,brokenRules\n");
        StringBuilder vms = new StringBuilder("t,vm,host,demandMips,deliveredMips,readyPct\n");
        for (Simulation.Sample s : r.samples()) {
            for (Map.Entry<String, String> h : s.hostStates().entrySet()) {
                Double load = s.loads().get(h.getKey());
                Double used = s.usedMips().get(h.getKey());
                hosts.append(f(s.t())).append(',').append(h.getKey()).append(',').append(h.getValue()).append(',')
                        .append(load == null ? "" : f(load)).append(',').append(used == null ? "" : f(used)).append('\n');
            }
            imbalance.append(f(s.t())).append(',').append(f(s.imbalance())).append(',')
                    .append(Double.isFinite(s.target()) ? f(s.target()) : "").append(',').append(s.migrating()).append(',')
                    .append(s.recommendations()).append(',').append(csv(String.join(" ", s.brokenRules()))).append('\n');
            for (Simulation.VmSample v : s.vms()) {
                vms.append(f(s.t())).append(',').append(v.vm()).append(',').append(v.host() == null ? "" : v.host())
                        .append(',').append(f(v.demandMips())).append(',').append(f(v.deliveredMips())).append(',')
                        .append(f(v.readyPct())).append('\n');
            }
        }
        StringBuilder migrations = new StringBuilder("start,end,vm,from,to,reason,done,downtimeMs,why\n");
        for (Simulation.Migration m : r.migrations()) {
            migrations.append(f(m.start())).append(',').append(f(m.end())).append(',').append(m.vm()).append(',')
                    .append(m.from()).append(',').append(m.to()).append(',').append(m.reason()).append(',').append(m.done())
                    .append(',').append(Double.isFinite(m.downtimeMs()) ? f(m.downtimeMs()) : "").append(',')
                    .append(csv(m.why())).append('\n');
        }
        StringBuilder events = new StringBuilder("t,kind,subject,detail\n");
        for (Simulation.Event e : r.events()) {
            events.append(f(e.t())).append(',').append(e.kind()).append(',').append(csv(e.subject())).append(',')
                    .append(csv(e.detail())).append('\n');
        }
        for (Map.Entry<String, StringBuilder> file : List.of(Map.entry("hosts.csv", hosts), Map.entry("imbalance.csv", imbalance),
                Map.entry("vms.csv", vms), Map.entry("migrations.csv", migrations), Map.entry("events.csv", events))) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
    }

    private static String f(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }

    /** A CSV field: quoted when it holds a comma, a quote or a line break. */
    static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
