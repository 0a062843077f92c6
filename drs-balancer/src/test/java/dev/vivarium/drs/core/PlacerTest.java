package dev.vivarium.drs.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.HostState;
import dev.vivarium.drs.model.Rule;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlacerTest {

    private static List<Host> hosts(int n, long memory) {
        List<Host> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(Host.connected("host-" + i, 1000, memory));
        }
        return out;
    }

    private static List<Vm> unplaced(String prefix, int n, double demand, long memory) {
        List<Vm> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(Vm.of(prefix + "-" + i, null, demand, memory));
        }
        return out;
    }

    private static List<String> names(List<Vm> vms) {
        return vms.stream().map(Vm::name).toList();
    }

    private static Map<String, String> hostsOf(List<Placement> ps) {
        return ps.stream().filter(p -> p instanceof Placement.Placed)
                .collect(Collectors.toMap(Placement::vm, p -> ((Placement.Placed) p).host()));
    }

    @Test
    void vmsSpreadOverTheHosts() {
        List<Vm> vms = unplaced("v", 6, 100, 16);
        List<Placement> ps = Placer.place(new Cluster(hosts(3, 1024), vms), names(vms));
        assertThat(ps).hasSize(6).allMatch(p -> p instanceof Placement.Placed);
        assertThat(hostsOf(ps).values().stream().collect(Collectors.groupingBy(h -> h, Collectors.counting())))
                .containsOnly(Map.entry("host-1", 2L), Map.entry("host-2", 2L), Map.entry("host-3", 2L));
    }

    @Test
    void idleVmsSpreadByMemory() {
        List<Vm> vms = unplaced("idle", 4, 0, 16);
        List<Placement> ps = Placer.place(new Cluster(hosts(2, 1024), vms), names(vms));
        assertThat(hostsOf(ps).values()).containsExactlyInAnyOrder("host-1", "host-1", "host-2", "host-2");
    }

    @Test
    void theBusiestHostGetsNothingNew() {
        List<Vm> vms = new ArrayList<>(List.of(Vm.of("busy", "host-1", 800, 16)));
        vms.add(Vm.of("new", null, 100, 16));
        assertThat(hostsOf(Placer.place(new Cluster(hosts(2, 1024), vms), List.of("new")))).containsEntry("new", "host-2");
    }

    @Test
    void scarceRoomGoesToTheHighestRestartPriority() {
        List<Vm> vms = List.of(Vm.of("a-low", null, 10, 600), Vm.of("z-high", null, 10, 600).withPriority(3));
        List<Placement> ps = Placer.place(new Cluster(hosts(1, 1024), vms), List.of("a-low", "z-high"));
        assertThat(ps.get(0)).isEqualTo(ps.stream().filter(p -> p.vm().equals("z-high")).findFirst().orElseThrow());
        assertThat(ps.get(0)).isInstanceOf(Placement.Placed.class);
        assertThat(ps.get(1)).isInstanceOfSatisfying(Placement.Unplaced.class,
                u -> assertThat(u.why()).startsWith("no connected host has 600 MiB of memory and 0 MIPS of reservation free; "
                        + "the most free: 424 MiB on host-1, "));
    }

    @Test
    void antiAffinityIsNeverBrokenAtPlacement() {
        List<Vm> vms = unplaced("a", 3, 10, 16);
        Cluster c = new Cluster(hosts(2, 1024), vms, List.of(new Rule.AntiAffinity("apart", names(vms))));
        List<Placement> ps = Placer.place(c, names(vms));
        assertThat(hostsOf(ps)).hasSize(2);
        assertThat(ps).filteredOn(p -> p instanceof Placement.Unplaced).singleElement()
                .satisfies(p -> assertThat(((Placement.Unplaced) p).why()).isEqualTo("rule apart keeps it from every host with room"));
    }

    @Test
    void mustRulesAreKeptAndShouldRulesPreferred() {
        Rule must = new Rule.VmHost("must-3", List.of("m-1"), "three", Set.of("host-3"), Rule.Strength.MUST, true);
        Rule notOn = new Rule.VmHost("not-1", List.of("n-1"), "one", Set.of("host-1", "host-2"), Rule.Strength.MUST, false);
        Rule should = new Rule.VmHost("should-2", List.of("s-1"), "two", Set.of("host-2"), Rule.Strength.SHOULD, true);
        List<Vm> vms = List.of(Vm.of("m-1", null, 10, 16), Vm.of("n-1", null, 10, 16), Vm.of("s-1", null, 10, 16),
                Vm.of("busy", "host-2", 900, 16));
        List<Placement> ps = Placer.place(new Cluster(hosts(3, 1024), vms, List.of(must, notOn, should)),
                List.of("m-1", "n-1", "s-1"));
        assertThat(hostsOf(ps)).containsEntry("m-1", "host-3").containsEntry("n-1", "host-3")
                .containsEntry("s-1", "host-2");
    }

    @Test
    void aShouldRuleGivesWayWhenItsHostsAreFull() {
        Rule should = new Rule.VmHost("should-2", List.of("s-1"), "two", Set.of("host-2"), Rule.Strength.SHOULD, true);
        List<Vm> vms = List.of(Vm.of("s-1", null, 10, 600), Vm.of("fat", "host-2", 10, 600));
        List<Placement> ps = Placer.place(new Cluster(hosts(2, 1024), vms, List.of(should)), List.of("s-1"));
        assertThat(ps).singleElement().isInstanceOfSatisfying(Placement.Placed.class, p -> {
            assertThat(p.host()).isEqualTo("host-1");
            assertThat(p.why()).contains("1 soft rule(s) could not be kept");
        });
    }

    @Test
    void aVmJoinsItsAffinityPartner() {
        Rule together = new Rule.Affinity("together", List.of("p", "q"));
        List<Vm> vms = List.of(Vm.of("p", "host-2", 500, 16), Vm.of("q", null, 10, 16));
        assertThat(hostsOf(Placer.place(new Cluster(hosts(3, 1024), vms, List.of(together)), List.of("q"))))
                .containsEntry("q", "host-2");
    }

    @Test
    void haRestartsPlaceTheVmsOfAHostThatIsGone() {
        // host-3 failed: its VMs still name it, but it is not among the hosts given.
        List<Vm> vms = List.of(Vm.of("a", "host-1", 100, 16), Vm.of("b", "host-3", 100, 16), Vm.of("c", "host-3", 100, 16));
        List<Placement> ps = Placer.place(new Cluster(hosts(2, 1024), vms), List.of("b", "c"));
        assertThat(hostsOf(ps)).containsEntry("b", "host-2").containsEntry("c", "host-1");
    }

    @Test
    void noConnectedHostAndUnknownVmsAreSaid() {
        List<Host> hosts = List.of(Host.connected("host-1", 1000, 1024).withState(HostState.MAINTENANCE));
        List<Placement> ps = Placer.place(new Cluster(hosts, List.of(Vm.of("a", null, 1, 16))), List.of("a", "ghost"));
        assertThat(ps).containsExactly(new Placement.Unplaced("ghost", "no VM named ghost in the cluster"),
                new Placement.Unplaced("a", "no connected host outside maintenance mode"));
    }

    @Test
    void evacuationPlansWhereAHostsVmsWouldGo() {
        List<Vm> vms = List.of(Vm.of("a", "host-1", 100, 16), Vm.of("b", "host-1", 100, 16), Vm.of("c", "host-2", 100, 16));
        List<Placement> ps = Placer.evacuate(new Cluster(hosts(3, 1024), vms), "host-1");
        assertThat(hostsOf(ps)).containsOnlyKeys("a", "b").doesNotContainValue("host-1");
        assertThat(hostsOf(ps)).containsEntry("a", "host-3");
    }

    @Test
    void theSameInputInAnyOrderGivesTheSamePlacements() {
        Random random = new Random(7);
        List<Vm> vms = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            vms.add(Vm.of("v" + i, i < 10 ? "host-" + (1 + i % 3) : null, random.nextInt(200), 16 + random.nextInt(64)));
        }
        List<String> toPlace = names(vms).subList(10, 40);
        List<Placement> first = Placer.place(new Cluster(hosts(4, 1024), vms), toPlace);
        List<Vm> shuffled = new ArrayList<>(vms);
        Collections.shuffle(shuffled, random);
        List<String> shuffledNames = new ArrayList<>(toPlace);
        Collections.shuffle(shuffledNames, random);
        List<Host> hosts = new ArrayList<>(hosts(4, 1024));
        Collections.reverse(hosts);
        assertThat(Placer.place(new Cluster(hosts, shuffled), shuffledNames)).isEqualTo(first);
    }
}
