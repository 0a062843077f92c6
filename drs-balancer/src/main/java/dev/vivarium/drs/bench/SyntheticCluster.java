package dev.vivarium.drs.bench;

import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.Rule;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A large cluster made up from a seed, for timing rounds at a scale no lab reaches: hosts of
 * 8,000-16,000 MIPS and 256 GiB, VMs of 0.5-4 GiB whose demand is skewed (most small, a few
 * large) and placed unevenly (the first tenth of the hosts holds twice its share, a hotspot), a
 * tenth of them with reservations, some dirtying memory fast; and rules: anti-affinity pairs for
 * one VM in 30, affinity pairs for one in 60, and VM–host MUST/SHOULD rules for 20 groups, all kept
 * by the placement (as in a cluster DRS has been running), so a round's work is balancing.
 */
public final class SyntheticCluster {

    private SyntheticCluster() {
    }

    private static Host byName(List<Host> hosts, String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    public static Cluster make(int hostCount, int vmCount, long seed) {
        Random random = new Random(seed);
        List<Host> hosts = new ArrayList<>();
        for (int h = 0; h < hostCount; h++) {
            hosts.add(Host.connected(String.format("host-%05d", h), 8000 + 2000L * random.nextInt(5), 262144));
        }
        List<Vm> vms = new ArrayList<>();
        int hot = Math.max(1, hostCount / 10);
        for (int v = 0; v < vmCount; v++) {
            // Every other VM goes to the hot tenth of the hosts: they hold about 6x their share.
            int h = random.nextBoolean() ? random.nextInt(hot) : random.nextInt(hostCount);
            double demand = Math.min(4000, 50 * Math.exp(random.nextGaussian() * 1.0 + 1.5));
            long reservation = random.nextInt(10) == 0 ? 50L * (1 + random.nextInt(4)) : 0;
            vms.add(new Vm(String.format("vm-%06d", v), hosts.get(h).name(), demand, reservation, 0,
                    500 * (1 + random.nextInt(4)), 512L << random.nextInt(4),
                    random.nextInt(5) == 0 ? random.nextInt(20_000) : random.nextInt(200),
                    random.nextDouble() * 0.5, random.nextInt(3)));
        }
        // Rules the placement keeps, as in a cluster DRS has run for a while: partners kept apart
        // run on different hosts, partners kept together on one, group members inside their group.
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i + 1 < vmCount / 30; i++) {
            Vm a = vms.get(i * 30);
            Vm b = vms.get(i * 30 + 1);
            if (a.host().equals(b.host())) {
                vms.set(i * 30 + 1, b.on(hosts.get((hosts.indexOf(byName(hosts, a.host())) + 1) % hostCount).name()));
            }
            rules.add(new Rule.AntiAffinity("apart-" + i, List.of(a.name(), b.name())));
        }
        for (int i = 0; i + 1 < vmCount / 60; i++) {
            Vm a = vms.get(i * 60 + 2);
            vms.set(i * 60 + 3, vms.get(i * 60 + 3).on(a.host()));
            rules.add(new Rule.Affinity("together-" + i, List.of(a.name(), vms.get(i * 60 + 3).name())));
        }
        for (int g = 0; g < 20 && hostCount > 4; g++) {
            List<String> group = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            while (group.size() < hostCount / 4) {
                String h = hosts.get(random.nextInt(hostCount)).name();
                if (seen.add(h)) {
                    group.add(h);
                }
            }
            List<String> members = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                // VMs between the rules' own (every 30th to 30th+3): each group member in no other rule.
                int v = 30 * random.nextInt(vmCount / 30) + 10 + g % 10;
                if (v < vmCount && !members.contains(vms.get(v).name())) {
                    vms.set(v, vms.get(v).on(group.get(random.nextInt(group.size()))));
                    members.add(vms.get(v).name());
                }
            }
            if (!members.isEmpty()) {
                rules.add(new Rule.VmHost("group-rule-" + g, members, "group-" + g, seen,
                        g % 2 == 0 ? Rule.Strength.MUST : Rule.Strength.SHOULD, true));
            }
        }
        return new Cluster(hosts, vms, rules);
    }
}
