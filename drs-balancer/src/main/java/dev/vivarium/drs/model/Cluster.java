package dev.vivarium.drs.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the core decides on: the hosts that are up, every VM (running or to be placed) and the
 * rules. The lists are sorted by name here, so the order a caller gives them in never changes a
 * decision. A VM whose host is not among the hosts runs nowhere as far as the core is concerned.
 */
public record Cluster(List<Host> hosts, List<Vm> vms, List<Rule> rules) {

    public Cluster {
        hosts = sorted(hosts, Comparator.comparing(Host::name));
        vms = sorted(vms, Comparator.comparing(Vm::name));
        rules = sorted(rules, Comparator.comparing(Rule::name));
        unique("host", hosts.stream().map(Host::name).toList());
        unique("VM", vms.stream().map(Vm::name).toList());
        unique("rule", rules.stream().map(Rule::name).toList());
    }

    public Cluster(List<Host> hosts, List<Vm> vms) {
        this(hosts, vms, List.of());
    }

    private static <T> List<T> sorted(List<T> in, Comparator<T> by) {
        List<T> out = new ArrayList<>(in);
        out.sort(by);
        return List.copyOf(out);
    }

    private static void unique(String what, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException("two " + what + "s named " + n);
            }
        }
    }
}
