package dev.vivarium.node.experiment;

import dev.vivarium.drs.sim.Simulation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The figures of a run, as summary.json gives them.
 *
 * <ul>
 * <li>the disturbance is the first step of the timeline (a hotspot, a failure, maintenance);
 * <li>{@code imbalanceBefore}: the imbalance just before it; {@code imbalancePeak}: the highest
 *     after it; {@code imbalanceAfter}: the mean over the last tenth of the run;
 * <li>{@code secondsToBalance}: from the disturbance until the imbalance is back within the
 *     threshold's target after its peak (0 when it never left it, null when it never came back),
 *     and the same in DRS periods;
 * <li>{@code migrations}: the migrations made, {@code medianDowntimeMs} their median downtime;
 * <li>{@code ruleViolations}: samples times rules broken in them (0: no rule was ever broken).
 * </ul>
 */
final class Summary {

    private Summary() {
    }

    static Map<String, Object> of(Experiment.Result r) {
        List<Simulation.Sample> samples = r.samples();
        Scenario s = r.scenario();
        double t0 = s.timeline().stream().filter(step -> !(step.action() instanceof Scenario.PowerOn))
                .mapToDouble(Scenario.Step::atSeconds).min().orElse(0);
        double before = Double.NaN;
        double peak = Double.NEGATIVE_INFINITY;
        double peakAt = t0;
        for (Simulation.Sample x : samples) {
            if (x.t() < t0 - 1e-9) {
                before = x.imbalance();
            } else if (x.imbalance() > peak) {
                peak = x.imbalance();
                peakAt = x.t();
            }
        }
        if (Double.isNaN(before) && !samples.isEmpty()) {
            before = samples.get(0).imbalance();
        }
        Double toBalance = null;
        boolean everAbove = false;
        for (Simulation.Sample x : samples) {
            if (x.t() >= t0 - 1e-9 && x.imbalance() > x.target()) {
                everAbove = true;
            }
        }
        if (!everAbove) {
            toBalance = 0.0;
        } else {
            for (Simulation.Sample x : samples) {
                if (x.t() >= peakAt && x.imbalance() <= x.target()) {
                    toBalance = x.t() - t0;
                    break;
                }
            }
        }
        int tail = Math.max(1, samples.size() / 10);
        double after = samples.subList(samples.size() - tail, samples.size()).stream()
                .mapToDouble(Simulation.Sample::imbalance).average().orElse(Double.NaN);
        List<Simulation.Migration> done = r.migrations().stream().filter(Simulation.Migration::done).toList();
        double[] downtimes = done.stream().mapToDouble(Simulation.Migration::downtimeMs).filter(Double::isFinite).sorted()
                .toArray();
        int violations = 0;
        TreeSet<String> broken = new TreeSet<>();
        for (Simulation.Sample x : samples) {
            violations += x.brokenRules().size();
            broken.addAll(x.brokenRules());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", s.name());
        out.put("mode", r.mode());
        out.put("hosts", s.hosts().size());
        out.put("vms", s.vms().size());
        out.put("durationSeconds", s.durationSeconds());
        out.put("disturbanceAtSeconds", t0);
        out.put("imbalanceBefore", finite(before));
        out.put("imbalancePeak", finite(peak));
        out.put("imbalancePeakAtSeconds", peakAt);
        out.put("imbalanceAfter", finite(after));
        out.put("target", samples.isEmpty() ? null : finite(samples.get(samples.size() - 1).target()));
        out.put("secondsToBalance", toBalance);
        out.put("drsPeriodsToBalance", toBalance == null ? null : toBalance / s.drs().periodSeconds());
        out.put("drsPeriodSeconds", s.drs().periodSeconds());
        out.put("migrations", done.size());
        out.put("migrationsFailed", r.migrations().size() - done.size());
        out.put("medianDowntimeMs", downtimes.length == 0 ? null : median(downtimes));
        out.put("maxDowntimeMs", downtimes.length == 0 ? null : downtimes[downtimes.length - 1]);
        out.put("ruleViolations", violations);
        out.put("rulesBroken", new ArrayList<>(broken));
        out.put("failures", r.events().stream().filter(e -> e.kind().equals("hostFailure")
                || (e.kind().equals("timeline") && e.subject().equals("FailHost"))).count());
        out.put("restarts", r.events().stream().filter(e -> e.kind().equals("haRestart")).count());
        return out;
    }

    static double median(double[] sorted) {
        double[] s = sorted.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }
}
