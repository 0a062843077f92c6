package dev.vivarium.node.experiment;

import dev.vivarium.drs.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Plays a scenario's timeline on a cluster and samples it every sample interval: the load
 * changes (on the VMs named, or on those a host runs when the step comes), day/night cycles,
 * failures, maintenance and rule changes, each also an event of the run.
 */
final class Experiment {

    /** What a run recorded. */
    record Result(Scenario scenario, String mode, List<Simulation.Sample> samples, List<Simulation.Migration> migrations,
                  List<Simulation.Event> events) {
    }

    private final Scenario scenario;
    private final ClusterUnderTest cluster;
    private final Consumer<String> progress;
    private final List<Simulation.Event> timelineEvents = new ArrayList<>();

    /** A day/night cycle under way: when it began and when its duties were last set. */
    private static final class Cycle {
        final Scenario.Diurnal spec;
        final double start;
        double lastSet = Double.NEGATIVE_INFINITY;

        Cycle(Scenario.Diurnal spec, double start) {
            this.spec = spec;
            this.start = start;
        }
    }

    Experiment(Scenario scenario, ClusterUnderTest cluster, Consumer<String> progress) {
        this.scenario = scenario;
        this.cluster = cluster;
        this.progress = progress;
    }

    Result run() throws Exception {
        cluster.start(scenario);
        List<Simulation.Sample> samples = new ArrayList<>();
        List<Scenario.Step> pending = new ArrayList<>(scenario.timeline());
        List<Cycle> cycles = new ArrayList<>();
        int steps = (int) Math.round(scenario.durationSeconds() / scenario.sampleSeconds());
        for (int k = 0; k <= steps; k++) {
            double t = k * scenario.sampleSeconds();
            while (!pending.isEmpty() && pending.get(0).atSeconds() <= t + 1e-9) {
                Scenario.Step step = pending.remove(0);
                act(step, cycles);
            }
            for (Cycle c : cycles) {
                if (t - c.lastSet >= c.spec.stepSeconds() - 1e-9) {
                    c.lastSet = t;
                    for (int i = 0; i < c.spec.vms().size(); i++) {
                        cluster.setDuty(c.spec.vms().get(i), c.spec.dutyAt(i, t - c.start));
                    }
                }
            }
            Simulation.Sample s = cluster.sample(t);
            samples.add(s);
            progress.accept(String.format(Locale.ROOT, "[%s %5.0f/%.0f s] imbalance %.3f (target %s), %d migrations%s",
                    scenario.name(), t, scenario.durationSeconds(), s.imbalance(),
                    Double.isFinite(s.target()) ? String.format(Locale.ROOT, "%.3f", s.target()) : "none",
                    cluster.migrations().size(), s.migrating() > 0 ? ", " + s.migrating() + " under way" : ""));
        }
        List<Simulation.Event> events = new ArrayList<>(timelineEvents);
        events.addAll(cluster.events());
        events.sort(java.util.Comparator.comparingDouble(Simulation.Event::t));
        return new Result(scenario, cluster.mode(), samples, cluster.migrations(), events);
    }

    private void act(Scenario.Step step, List<Cycle> cycles) throws Exception {
        Scenario.Action a = step.action();
        timelineEvents.add(new Simulation.Event(step.atSeconds(), "timeline", kind(a), a.describe()));
        if (a instanceof Scenario.Load load) {
            List<String> vms = load.host() != null ? cluster.vmsOn(load.host()) : load.vms();
            for (String vm : vms) {
                cluster.setDuty(vm, load.duty());
            }
        } else if (a instanceof Scenario.Diurnal d) {
            cycles.add(new Cycle(d, step.atSeconds()));
        } else {
            cluster.apply(a);
        }
    }

    private static String kind(Scenario.Action a) {
        return a.getClass().getSimpleName();
    }
}
