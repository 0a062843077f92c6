package dev.vivarium.drs.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.Rule;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {

    /** Three 40 MIPS hosts with nine idle 16 MiB VMs, placed. */
    private static Simulation cluster(Simulation.Settings settings) {
        Simulation sim = new Simulation(settings);
        for (int h = 1; h <= 3; h++) {
            sim.addHost(Host.connected("host-" + h, 40, 256));
        }
        List<String> names = new ArrayList<>();
        for (int v = 1; v <= 9; v++) {
            sim.addVm(Vm.of("vm-" + v, null, 0, 16), 0);
            names.add("vm-" + v);
        }
        assertThat(sim.powerOn(names)).isEmpty();
        return sim;
    }

    private static List<Simulation.Sample> run(Simulation sim, int seconds) {
        List<Simulation.Sample> out = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            out.add(sim.step(1));
        }
        return out;
    }

    @Test
    void placementSpreadsTheVmsAndAHotspotIsSpreadAgainWithinTwoPeriods() {
        Simulation sim = cluster(Simulation.Settings.LAB);
        assertThat(sim.vmsOn("host-1")).hasSize(3);
        run(sim, 20);
        List<String> hot = sim.vmsOn("host-1");
        hot.forEach(vm -> sim.setDemand(vm, 45));
        List<Simulation.Sample> samples = run(sim, 20);
        Simulation.Sample last = samples.get(samples.size() - 1);
        assertThat(last.imbalance()).isLessThanOrEqualTo(last.target());
        assertThat(sim.migrations()).hasSizeGreaterThanOrEqualTo(2).allMatch(Simulation.Migration::done);
        // One busy VM a host: each gets its 40 MIPS host's worth instead of a third of one.
        for (String vm : hot) {
            Simulation.VmSample v = last.vms().stream().filter(x -> x.vm().equals(vm)).findFirst().orElseThrow();
            assertThat(v.deliveredMips()).isGreaterThan(35);
        }
        assertThat(samples).allMatch(s -> s.brokenRules().isEmpty());
    }

    @Test
    void theSameCallsGiveTheSameSamples() {
        List<List<Simulation.Sample>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Simulation sim = cluster(Simulation.Settings.LAB);
            run(sim, 15);
            sim.vmsOn("host-2").forEach(vm -> sim.setDemand(vm, 30));
            runs.add(run(sim, 30));
        }
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
    }

    @Test
    void withoutFullAutomationMovesAreOnlyRecommended() {
        Simulation.Settings s = Simulation.Settings.LAB;
        Simulation sim = cluster(new Simulation.Settings(s.drs(), s.periodSeconds(), s.smoothingSeconds(),
                s.maxConcurrentMoves(), false, s.haRestartSeconds(), s.switchOverMs()));
        sim.vmsOn("host-1").forEach(vm -> sim.setDemand(vm, 45));
        List<Simulation.Sample> samples = run(sim, 25);
        assertThat(sim.migrations()).isEmpty();
        assertThat(samples.get(samples.size() - 1).recommendations()).isPositive();
    }

    @Test
    void aFailedHostsVmsRunAgainElsewhereAfterTheRestartDelay() {
        Simulation sim = cluster(Simulation.Settings.LAB);
        run(sim, 5);
        List<String> lost = sim.vmsOn("host-3");
        sim.failHost("host-3");
        Simulation.Sample during = sim.step(1);
        assertThat(during.hostStates()).containsEntry("host-3", "failed");
        assertThat(during.vms().stream().filter(v -> lost.contains(v.vm()))).allMatch(v -> v.host() == null);
        run(sim, 5);
        assertThat(sim.vmsOn("host-1").size() + sim.vmsOn("host-2").size()).isEqualTo(9);
        assertThat(sim.events()).filteredOn(e -> e.kind().equals("haRestart")).hasSize(lost.size())
                .allMatch(e -> e.t() >= 5 + Simulation.Settings.LAB.haRestartSeconds() - 1e-9);
    }

    @Test
    void maintenanceEmptiesTheHostWithinAPeriodButNeverBreaksAnAntiAffinityRule() {
        Simulation sim = cluster(Simulation.Settings.LAB);
        sim.addRule(new Rule.AntiAffinity("apart", List.of("vm-1", "vm-2", "vm-3")));
        run(sim, 12);
        assertThat(List.of(sim.vmsOn("host-1"), sim.vmsOn("host-2"), sim.vmsOn("host-3")))
                .allMatch(on -> on.stream().filter(List.of("vm-1", "vm-2", "vm-3")::contains).count() == 1);
        String kept = sim.vmsOn("host-2").stream().filter(List.of("vm-1", "vm-2", "vm-3")::contains).findFirst().orElseThrow();
        sim.enterMaintenance("host-2");
        List<Simulation.Sample> samples = run(sim, 15);
        // Three VMs kept apart and two hosts to take them: the one on host-2 stays, the others leave.
        assertThat(sim.vmsOn("host-2")).containsExactly(kept);
        assertThat(sim.migrations()).filteredOn(m -> m.from().equals("host-2")).hasSize(2)
                .allMatch(m -> m.reason().equals("maintenance"));
        assertThat(samples).allMatch(s -> s.brokenRules().isEmpty());
        assertThat(samples.get(samples.size() - 1).hostStates()).containsEntry("host-2", "maintenance");
    }
}
