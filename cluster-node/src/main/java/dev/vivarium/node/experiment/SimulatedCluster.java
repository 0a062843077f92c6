package dev.vivarium.node.experiment;

import dev.vivarium.drs.core.DrsSettings;
import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.Rule;
import dev.vivarium.drs.model.Vm;
import dev.vivarium.drs.sim.Simulation;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The scenario on DRS's core with modelled VMs ({@link Simulation}): a VM at duty d demands d%
 * of {@code vm-speed-mips}; time is simulated, so a scenario of hundreds of hosts runs in
 * seconds. HA restarts a failed host's VMs 5 s after the failure, as the lab's HA aims to.
 */
final class SimulatedCluster implements ClusterUnderTest {

    private Simulation sim;
    private Scenario scenario;
    private final Map<String, Set<String>> groups = new HashMap<>();

    @Override
    public String mode() {
        return "simulated";
    }

    @Override
    public void start(Scenario s) {
        scenario = s;
        Scenario.Drs d = s.drs();
        DrsSettings drs = DrsSettings.DEFAULTS.withThreshold(d.threshold()).withMaxMoves(d.maxMoves())
                .withCost(Simulation.Settings.LAB.drs().cost());
        sim = new Simulation(new Simulation.Settings(drs, d.periodSeconds(), d.smoothingSeconds(), d.maxConcurrentMoves(),
                d.automation().equals("fullyAutomated"), Simulation.Settings.LAB.haRestartSeconds(),
                Simulation.Settings.LAB.switchOverMs()));
        s.hosts().forEach(h -> sim.addHost(Host.connected(h.name(), h.capacityMips(), h.memoryMiB())));
        for (Scenario.VmSpec v : s.vms()) {
            int priority = switch (v.restartPriority().toLowerCase(Locale.ROOT)) {
                case "high" -> 3;
                case "low" -> 1;
                case "disabled" -> 0;
                default -> 2;
            };
            sim.addVm(new Vm(v.name(), null, 0, v.reservationMips(), v.limitMips(), v.shares(), v.memoryMiB(),
                    v.dirtyPagesPerSec(), 0, priority), demand(v.duty()));
        }
        s.hostGroups().forEach(g -> groups.put(g.name(), Set.copyOf(g.hosts())));
        s.rules().forEach(r -> sim.addRule(rule(r)));
        sim.powerOn(s.vms().stream().map(Scenario.VmSpec::name).toList());
    }

    private double demand(int duty) {
        return scenario.vmSpeedMips() * duty / 100.0;
    }

    private Rule rule(Scenario.RuleSpec r) {
        return switch (r.kind()) {
            case "affinity" -> new Rule.Affinity(r.name(), r.vms());
            case "anti-affinity" -> new Rule.AntiAffinity(r.name(), r.vms());
            default -> new Rule.VmHost(r.name(), r.vms(), r.hostGroup(), groups.get(r.hostGroup()),
                    r.kind().startsWith("must") ? Rule.Strength.MUST : Rule.Strength.SHOULD, !r.kind().contains("not"));
        };
    }

    @Override
    public void setDuty(String vm, int duty) {
        sim.setDemand(vm, demand(duty));
    }

    @Override
    public List<String> vmsOn(String host) {
        return sim.vmsOn(host);
    }

    @Override
    public void apply(Scenario.Action a) {
        if (a instanceof Scenario.FailHost f) {
            sim.failHost(f.host());
        } else if (a instanceof Scenario.EnterMaintenance m) {
            sim.enterMaintenance(m.host());
        } else if (a instanceof Scenario.ExitMaintenance m) {
            sim.exitMaintenance(m.host());
        } else if (a instanceof Scenario.AddRule r) {
            sim.addRule(rule(r.rule()));
        } else if (a instanceof Scenario.RemoveRule r) {
            sim.removeRule(r.rule());
        } else if (a instanceof Scenario.PowerOn p) {
            sim.powerOn(p.vms());
        } else if (a instanceof Scenario.PowerOff p) {
            p.vms().forEach(sim::powerOff);
        } else {
            throw new IllegalArgumentException("not a cluster action: " + a);
        }
    }

    @Override
    public Simulation.Sample sample(double t) {
        return sim.step(Math.max(0, t - sim.time()));
    }

    @Override
    public List<Simulation.Migration> migrations() {
        return sim.migrations();
    }

    @Override
    public List<Simulation.Event> events() {
        return sim.events();
    }

    @Override
    public void close() {
    }
}
