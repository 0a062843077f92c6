package dev.vivarium.drs.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.drs.core.Recommendation.Reason;
import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.HostState;
import dev.vivarium.drs.model.Rule;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of a round and of placement over random clusters with rules, reservations, hosts
 * in maintenance and VMs to place: a MUST or anti-affinity rule kept before is kept after, a
 * host never ends up with more reservations or memory than it has, every move is possible when
 * it is made, and the same input (in any order) gives the same output.
 */
class PropertiesTest {

    static List<Long> seeds() {
        List<Long> out = new ArrayList<>();
        for (long s = 1; s <= 300; s++) {
            out.add(s);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aRoundKeepsHardRulesAndCapacitiesAndIsDeterministic(long seed) {
        Random random = new Random(seed);
        Cluster c = randomCluster(random);
        DrsSettings settings = DrsSettings.DEFAULTS.withThreshold(1 + random.nextInt(5)).withMaxMoves(random.nextInt(6));
        RoundResult r = Balancer.round(c, settings);

        Cluster after = stepByStep(c, r.recommendations());
        Set<String> brokenBefore = new HashSet<>(Replay.brokenHardRules(c));
        Set<String> faulted = r.faults().stream().filter(f -> f.kind() == Fault.Kind.RULE).map(Fault::subject)
                .collect(Collectors.toSet());
        for (String rule : Replay.brokenHardRules(after)) {
            assertThat(brokenBefore).as("rule %s was kept before the round", rule).contains(rule);
            assertThat(faulted).as("rule %s is still broken, so a fault says why", rule).contains(rule);
        }
        Set<String> overBefore = new HashSet<>(Replay.overcommitted(c));
        assertThat(Replay.overcommitted(after)).allMatch(overBefore::contains);
        for (Host h : c.hosts()) {
            if (h.state() == HostState.MAINTENANCE) {
                List<String> left = after.vms().stream().filter(v -> h.name().equals(v.host())).map(Vm::name).toList();
                Set<String> stuck = r.faults().stream().filter(f -> f.kind() == Fault.Kind.EVACUATION)
                        .map(Fault::vm).collect(Collectors.toSet());
                assertThat(stuck).containsAll(left);
            }
        }
        long balancing = r.recommendations().stream().filter(m -> m.reason() == Reason.BALANCE).count();
        assertThat(balancing).isLessThanOrEqualTo(settings.maxMoves());
        assertThat(r.recommendations()).filteredOn(m -> m.reason() == Reason.BALANCE)
                .allMatch(m -> m.priority() >= 2 && m.priority() <= settings.threshold());
        assertThat(r.recommendations()).allMatch(m -> !m.from().equals(m.to()));
        assertThat(r.imbalanceAfter()).isCloseTo(Replay.imbalance(after), org.assertj.core.api.Assertions.within(1e-9));

        assertThat(Balancer.round(c, settings)).isEqualTo(r);
        assertThat(Balancer.round(shuffled(c, random), settings)).isEqualTo(r);

        // No loop: the next round makes rule moves only for what this one could not do.
        Set<String> faultedVms = r.faults().stream().map(Fault::vm).collect(Collectors.toSet());
        RoundResult next = Balancer.round(after, settings);
        assertThat(next.recommendations()).filteredOn(Recommendation::mandatory)
                .allMatch(m -> faultedVms.contains(m.vm()) || affinityPartnerFaulted(c, m, faulted));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void placementKeepsHardRulesAndCapacitiesAndIsDeterministic(long seed) {
        Random random = new Random(seed);
        Cluster c = randomCluster(random);
        // Place every VM afresh, as after a restart of everything.
        List<Vm> nowhere = c.vms().stream().map(v -> v.on(null)).toList();
        Cluster empty = new Cluster(c.hosts(), nowhere, c.rules());
        List<String> names = nowhere.stream().map(Vm::name).toList();
        List<Placement> ps = Placer.place(empty, names);
        assertThat(ps).extracting(Placement::vm).containsExactlyInAnyOrderElementsOf(names);
        Cluster placed = Replay.placed(empty, ps);
        assertThat(Replay.brokenHardRules(placed)).isEmpty();
        assertThat(Replay.overcommitted(placed)).isEmpty();
        for (Placement p : ps) {
            if (p instanceof Placement.Placed pl) {
                assertThat(c.hosts().stream().filter(h -> h.name().equals(pl.host())).findFirst().orElseThrow().state())
                        .isEqualTo(HostState.CONNECTED);
            } else {
                assertThat(((Placement.Unplaced) p).why()).isNotBlank();
            }
        }
        List<String> shuffledNames = new ArrayList<>(names);
        Collections.shuffle(shuffledNames, random);
        assertThat(Placer.place(shuffled(empty, random), shuffledNames)).isEqualTo(ps);
    }

    private static boolean affinityPartnerFaulted(Cluster c, Recommendation m, Set<String> faultedRules) {
        return m.rule() != null && faultedRules.contains(m.rule());
    }

    /** Carries the moves out one by one, checking each destination has room when the move is made. */
    private static Cluster stepByStep(Cluster c, List<Recommendation> moves) {
        Cluster now = c;
        for (Recommendation m : moves) {
            Set<String> overBefore = new HashSet<>(Replay.overcommitted(now));
            now = Replay.after(now, List.of(m));
            if (!overBefore.contains(m.to())) {
                assertThat(Replay.overcommitted(now)).as("move %s", m).doesNotContain(m.to());
            }
            Host to = now.hosts().stream().filter(h -> h.name().equals(m.to())).findFirst().orElseThrow();
            assertThat(to.state()).isEqualTo(HostState.CONNECTED);
        }
        return now;
    }

    private static Cluster shuffled(Cluster c, Random random) {
        List<Host> hosts = new ArrayList<>(c.hosts());
        List<Vm> vms = new ArrayList<>(c.vms());
        List<Rule> rules = new ArrayList<>(c.rules());
        Collections.shuffle(hosts, random);
        Collections.shuffle(vms, random);
        Collections.shuffle(rules, random);
        return new Cluster(hosts, vms, rules);
    }

    /** 2-6 hosts (one may be in maintenance), 4-24 VMs placed where they fit, and a few rules of each kind. */
    static Cluster randomCluster(Random random) {
        int hostCount = 2 + random.nextInt(5);
        List<Host> hosts = new ArrayList<>();
        for (int h = 0; h < hostCount; h++) {
            HostState state = h == 0 && random.nextInt(4) == 0 ? HostState.MAINTENANCE : HostState.CONNECTED;
            hosts.add(new Host("h" + h, 500 + 250L * random.nextInt(5), 128 + 64L * random.nextInt(4), state));
        }
        int vmCount = 4 + random.nextInt(21);
        Map<String, long[]> used = new HashMap<>();
        List<Vm> vms = new ArrayList<>();
        for (int v = 0; v < vmCount; v++) {
            long memory = 8 + 8L * random.nextInt(6);
            long reservation = random.nextInt(3) == 0 ? 50L * random.nextInt(4) : 0;
            Host h = hosts.get(random.nextInt(hostCount));
            long[] u = used.computeIfAbsent(h.name(), k -> new long[2]);
            String host = null;
            if (random.nextInt(8) != 0 && u[0] + memory <= h.memoryMiB() && u[1] + reservation <= h.capacityMips()) {
                u[0] += memory;
                u[1] += reservation;
                host = h.name();
            }
            vms.add(new Vm("v" + v, host, random.nextInt(400), reservation, 0, 500 + 500 * random.nextInt(3), memory,
                    random.nextInt(3) == 0 ? random.nextInt(40_000) : 0, random.nextDouble() * 0.6,
                    random.nextInt(3)));
        }
        List<Rule> rules = new ArrayList<>();
        int ruleCount = random.nextInt(5);
        for (int r = 0; r < ruleCount; r++) {
            List<String> members = new ArrayList<>();
            int size = 1 + random.nextInt(3);
            for (int i = 0; i < size; i++) {
                String name = "v" + random.nextInt(vmCount);
                if (!members.contains(name)) {
                    members.add(name);
                }
            }
            Set<String> group = new HashSet<>();
            for (Host h : hosts) {
                if (random.nextBoolean()) {
                    group.add(h.name());
                }
            }
            rules.add(switch (random.nextInt(4)) {
                case 0 -> new Rule.AntiAffinity("r" + r, members);
                case 1 -> new Rule.Affinity("r" + r, members);
                default -> new Rule.VmHost("r" + r, members, "g" + r, group,
                        random.nextBoolean() ? Rule.Strength.MUST : Rule.Strength.SHOULD, random.nextInt(3) != 0);
            });
        }
        return new Cluster(hosts, vms, rules);
    }
}
