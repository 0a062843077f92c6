package dev.vivarium.drs.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.drs.core.Recommendation.Reason;
import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.HostState;
import dev.vivarium.drs.model.Rule;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BalancerTest {

    private static final DrsSettings SETTINGS = DrsSettings.DEFAULTS;

    private static List<Host> hosts(int n) {
        List<Host> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(Host.connected("host-" + i, 1000, 1024));
        }
        return out;
    }

    /** {@code n} VMs of {@code demand} MIPS on {@code host}, named prefix-1.. */
    private static List<Vm> vms(String prefix, int n, String host, double demand) {
        List<Vm> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(Vm.of(prefix + "-" + i, host, demand, 16));
        }
        return out;
    }

    @Test
    void aHotspotIsSpreadUntilTheImbalanceIsWithinTheTarget() {
        Cluster c = new Cluster(hosts(3), vms("hot", 6, "host-1", 200));
        RoundResult r = Balancer.round(c, SETTINGS);
        assertThat(r.imbalance()).isGreaterThan(r.target());
        assertThat(r.recommendations()).isNotEmpty().allMatch(m -> m.reason() == Reason.BALANCE && m.from().equals("host-1"));
        assertThat(r.imbalanceAfter()).isLessThanOrEqualTo(r.target());
        assertThat(Replay.imbalance(Replay.after(c, r.recommendations()))).isCloseTo(r.imbalanceAfter(),
                org.assertj.core.api.Assertions.within(1e-9));
        // Each move lowers the imbalance, has a priority 2..threshold, and pays for itself.
        for (Recommendation m : r.recommendations()) {
            assertThat(m.gain()).isPositive();
            assertThat(m.priority()).isBetween(2, SETTINGS.threshold());
            assertThat(m.benefit()).isGreaterThanOrEqualTo(m.cost());
        }
    }

    @Test
    void aBalancedClusterGetsNoMoves() {
        List<Vm> vms = new ArrayList<>(vms("a", 2, "host-1", 300));
        vms.addAll(vms("b", 2, "host-2", 300));
        vms.addAll(vms("c", 2, "host-3", 300));
        RoundResult r = Balancer.round(new Cluster(hosts(3), vms), SETTINGS);
        assertThat(r.imbalance()).isZero();
        assertThat(r.recommendations()).isEmpty();
    }

    @Test
    void thresholdOneMakesOnlyTheMovesRulesDemand() {
        Cluster c = new Cluster(hosts(3), vms("hot", 6, "host-1", 200));
        assertThat(Balancer.round(c, SETTINGS.withThreshold(1)).recommendations()).isEmpty();
        // More aggressive thresholds tolerate less.
        RoundResult two = Balancer.round(c, SETTINGS.withThreshold(2));
        RoundResult five = Balancer.round(c, SETTINGS.withThreshold(5));
        assertThat(five.imbalanceAfter()).isLessThanOrEqualTo(two.imbalanceAfter());
        assertThat(five.recommendations().size()).isGreaterThanOrEqualTo(two.recommendations().size());
    }

    @Test
    void noMoreThanMaxMovesBalancingMovesInARound() {
        Cluster c = new Cluster(hosts(4), vms("hot", 12, "host-1", 80));
        RoundResult r = Balancer.round(c, SETTINGS.withMaxMoves(2));
        assertThat(r.recommendations()).hasSize(2);
        assertThat(Balancer.round(c, SETTINGS.withMaxMoves(0)).recommendations()).isEmpty();
    }

    @Test
    void aVmDirtyingFasterThanPreCopyCanSendIsNotMovedForBalance() {
        // 100 MB/s of bandwidth; 30,000 pages/s are 123 MB/s.
        List<Vm> vms = vms("hot", 4, "host-1", 300).stream().map(v -> v.withDirtying(30_000)).toList();
        RoundResult r = Balancer.round(new Cluster(hosts(2), vms), SETTINGS);
        assertThat(r.imbalance()).isGreaterThan(r.target());
        assertThat(r.recommendations()).isEmpty();
    }

    @Test
    void aVmWhoseDemandSwingsIsNotWorthMoving() {
        List<Vm> vms = vms("hot", 4, "host-1", 300).stream().map(v -> v.withVariation(1.2)).toList();
        assertThat(Balancer.round(new Cluster(hosts(2), vms), SETTINGS).recommendations()).isEmpty();
        List<Vm> steady = vms("hot", 4, "host-1", 300).stream().map(v -> v.withVariation(0.1)).toList();
        assertThat(Balancer.round(new Cluster(hosts(2), steady), SETTINGS).recommendations()).isNotEmpty();
    }

    @Test
    void aMoveCostingMoreThanItGainsIsNotMade() {
        // A huge VM with a small demand: copying 1000 MiB (10 s at 100 MB/s) costs 94 MI; moving it
        // would take 1 MIPS off the busier host for a minute: 60 MI. The small VM moves instead.
        List<Vm> vms = List.of(new Vm("big", "host-1", 4, 0, 0, 1000, 1000, 0, 0, 0), Vm.of("x", "host-1", 1, 16));
        DrsSettings s = SETTINGS.withThreshold(5).withCost(CostModel.DEFAULTS.withHorizon(60));
        RoundResult r = Balancer.round(new Cluster(List.of(Host.connected("host-1", 1000, 2048),
                Host.connected("host-2", 1000, 2048)), vms), s);
        assertThat(r.recommendations()).extracting(Recommendation::vm).containsExactly("x");
    }

    @Test
    void pinnedVmsStayWhereTheyAre() {
        Cluster c = new Cluster(hosts(2), vms("hot", 4, "host-1", 300));
        RoundResult r = Balancer.round(c, SETTINGS, Set.of("hot-1", "hot-2", "hot-3", "hot-4"));
        assertThat(r.recommendations()).isEmpty();
    }

    @Test
    void aHostInMaintenanceIsEmptiedWhateverTheThreshold() {
        List<Host> hosts = new ArrayList<>(hosts(3));
        hosts.set(0, hosts.get(0).withState(HostState.MAINTENANCE));
        Cluster c = new Cluster(hosts, vms("m", 4, "host-1", 100));
        RoundResult r = Balancer.round(c, SETTINGS.withThreshold(1));
        assertThat(r.recommendations()).hasSize(4).allMatch(m -> m.reason() == Reason.MAINTENANCE && m.priority() == 1);
        // spread over the two others
        assertThat(r.recommendations().stream().filter(m -> m.to().equals("host-2")).count()).isEqualTo(2);
        assertThat(r.loads()).containsKey("host-1");
        assertThat(r.faults()).isEmpty();
    }

    @Test
    void aVmThatFitsNowhereElseIsAFaultNotAMove() {
        List<Host> hosts = List.of(Host.connected("host-1", 1000, 1024).withState(HostState.MAINTENANCE),
                Host.connected("host-2", 1000, 64));
        Cluster c = new Cluster(hosts, List.of(Vm.of("fat", "host-1", 10, 512), Vm.of("thin", "host-1", 10, 16)));
        RoundResult r = Balancer.round(c, SETTINGS);
        assertThat(r.recommendations()).extracting(Recommendation::vm).containsExactly("thin");
        assertThat(r.faults()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Fault.Kind.EVACUATION);
            assertThat(f.vm()).isEqualTo("fat");
            assertThat(f.message()).contains("512 MiB");
        });
    }

    @Test
    void aBrokenMustRuleIsFixedFirstAndBalanceNeverBreaksIt() {
        Rule must = new Rule.VmHost("db-on-1-2", List.of("db-1", "db-2"), "left", Set.of("host-1", "host-2"),
                Rule.Strength.MUST, true);
        List<Vm> vms = new ArrayList<>(vms("db", 2, "host-3", 300));
        vms.addAll(vms("web", 2, "host-3", 100));
        RoundResult r = Balancer.round(new Cluster(hosts(3), vms, List.of(must)), SETTINGS);
        assertThat(r.recommendations()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(r.recommendations().subList(0, 2)).allMatch(m -> m.reason() == Reason.RULE
                && m.rule().equals("db-on-1-2") && m.vm().startsWith("db") && !m.to().equals("host-3"));
        assertThat(r.brokenRules()).isEmpty();
        Cluster after = Replay.after(new Cluster(hosts(3), vms, List.of(must)), r.recommendations());
        assertThat(Replay.brokenHardRules(after)).isEmpty();
    }

    @Test
    void aMustRuleNoHostCanKeepRaisesAFaultAndMovesNothing() {
        Rule must = new Rule.VmHost("pinned", List.of("a-1"), "g", Set.of("host-9"), Rule.Strength.MUST, true);
        Cluster c = new Cluster(hosts(2), vms("a", 1, "host-1", 10), List.of(must));
        RoundResult r = Balancer.round(c, SETTINGS);
        assertThat(r.recommendations()).isEmpty();
        assertThat(r.faults()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Fault.Kind.RULE);
            assertThat(f.subject()).isEqualTo("pinned");
            assertThat(f.message()).contains("allows none of the connected hosts");
        });
        assertThat(r.brokenRules()).containsExactly("pinned");
        // The next round says the same: no loop of moves.
        assertThat(Balancer.round(c, SETTINGS).recommendations()).isEmpty();
    }

    @Test
    void antiAffinityMovesTheSecondVmAway() {
        Rule apart = new Rule.AntiAffinity("apart", List.of("a-1", "a-2"));
        Cluster c = new Cluster(hosts(2), vms("a", 2, "host-1", 10), List.of(apart));
        RoundResult r = Balancer.round(c, SETTINGS.withThreshold(1));
        assertThat(r.recommendations()).singleElement().satisfies(m -> {
            assertThat(m.vm()).isEqualTo("a-2");
            assertThat(m.to()).isEqualTo("host-2");
            assertThat(m.reason()).isEqualTo(Reason.RULE);
        });
    }

    @Test
    void antiAffinityOverMoreVmsThanHostsIsKeptAsFarAsItCanBeAndRaisesAFault() {
        Rule apart = new Rule.AntiAffinity("apart", List.of("a-1", "a-2", "a-3"));
        Cluster c = new Cluster(hosts(2), vms("a", 3, "host-1", 10), List.of(apart));
        RoundResult r = Balancer.round(c, SETTINGS.withThreshold(1));
        assertThat(r.recommendations()).extracting(Recommendation::vm).containsExactly("a-2");
        assertThat(r.faults()).singleElement().satisfies(f -> assertThat(f.vm()).isEqualTo("a-3"));
    }

    @Test
    void affinityGathersTheVmsWhereMostOfThemAre() {
        Rule together = new Rule.Affinity("together", List.of("t-1", "t-2", "t-3"));
        List<Vm> vms = List.of(Vm.of("t-1", "host-2", 10, 16), Vm.of("t-2", "host-2", 10, 16),
                Vm.of("t-3", "host-1", 10, 16));
        RoundResult r = Balancer.round(new Cluster(hosts(3), vms, List.of(together)), SETTINGS);
        assertThat(r.recommendations()).singleElement().satisfies(m -> {
            assertThat(m.vm()).isEqualTo("t-3");
            assertThat(m.to()).isEqualTo("host-2");
        });
        assertThat(r.brokenRules()).isEmpty();
    }

    @Test
    void affinityThatCannotBeKeptMovesNothingAndRaisesAFault() {
        // Three 400 MiB VMs kept together: no 1 GiB host holds all three.
        Rule together = new Rule.Affinity("together", List.of("t-1", "t-2", "t-3"));
        List<Vm> vms = List.of(Vm.of("t-1", "host-1", 10, 400), Vm.of("t-2", "host-2", 10, 400),
                Vm.of("t-3", "host-3", 10, 400));
        RoundResult r = Balancer.round(new Cluster(hosts(3), vms, List.of(together)), SETTINGS);
        assertThat(r.recommendations()).isEmpty();
        assertThat(r.faults()).singleElement().satisfies(f -> assertThat(f.message()).contains("affinity rule together"));
    }

    @Test
    void balanceNeitherSplitsAffineVmsNorBreaksAShouldRule() {
        Rule together = new Rule.Affinity("together", List.of("hot-1", "hot-2"));
        Rule should = new Rule.VmHost("stay", List.of("hot-3", "hot-4"), "one", Set.of("host-1"),
                Rule.Strength.SHOULD, true);
        Cluster c = new Cluster(hosts(2), vms("hot", 4, "host-1", 200), List.of(together, should));
        RoundResult r = Balancer.round(c, SETTINGS.withThreshold(5));
        assertThat(r.recommendations()).isEmpty();
        assertThat(r.brokenRules()).isEmpty();
    }

    @Test
    void aBrokenShouldRuleIsFixedWhenItCanBe() {
        Rule should = new Rule.VmHost("prefer-2", List.of("a-1"), "two", Set.of("host-2"), Rule.Strength.SHOULD, true);
        Cluster c = new Cluster(hosts(2), vms("a", 1, "host-1", 10), List.of(should));
        RoundResult r = Balancer.round(c, SETTINGS.withThreshold(1));
        assertThat(r.recommendations()).singleElement().satisfies(m -> assertThat(m.to()).isEqualTo("host-2"));
    }

    @Test
    void aMoveNeverOvercommitsMemoryOrReservations() {
        List<Host> hosts = List.of(Host.connected("host-1", 1000, 1024), Host.connected("host-2", 1000, 40));
        List<Vm> vms = new ArrayList<>(vms("hot", 4, "host-1", 300));
        vms.add(Vm.of("res", "host-2", 10, 16).withReservation(990));
        RoundResult r = Balancer.round(new Cluster(hosts, vms), SETTINGS.withThreshold(5));
        Cluster after = Replay.after(new Cluster(hosts, vms), r.recommendations());
        assertThat(Replay.overcommitted(after)).isEmpty();
    }
}
