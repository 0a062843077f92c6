package dev.vivarium.drs.core;

import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.HostState;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Initial placement: power-on, HA restarts, maintenance evacuation. "Place these VMs on these
 * hosts" is {@link #place}: the cluster's hosts are the ones to use, its running VMs what they
 * already hold, its rules what to keep. VMs go in order of restart priority (highest first),
 * then by name, each to the host {@link Destinations} picks, and count on it for the next.
 */
public final class Placer {

    private Placer() {
    }

    /**
     * Where to start each of {@code vms} (names of VMs of {@code cluster} that run on none of its
     * hosts). A named VM that already runs on one of them stays there; an unknown name cannot be
     * placed. The answer lists every name once, in the order the VMs were placed.
     */
    public static List<Placement> place(Cluster cluster, Collection<String> vms) {
        Set<String> wanted = new HashSet<>(vms);
        ClusterModel m = new ClusterModel(cluster, wanted);
        List<Placement> out = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (String name : wanted.stream().sorted().toList()) {
            Integer v = m.vm(name);
            if (v == null) {
                out.add(new Placement.Unplaced(name, "no VM named " + name + " in the cluster"));
            } else if (m.hostOf[v] >= 0) {
                out.add(new Placement.Placed(name, m.hosts[m.hostOf[v]].name(), "already runs there"));
            } else {
                order.add(v);
            }
        }
        order.sort(Comparator.comparingInt((Integer v) -> -m.vms[v].priority()).thenComparingInt(v -> v));
        for (int v : order) {
            out.add(placeOne(m, v));
        }
        return out;
    }

    /**
     * Where each VM running on {@code host} would go if the host entered maintenance mode now:
     * the plan a maintenance request checks before it starts (every VM placed, or the request
     * is refused), made by the same choice a round makes.
     */
    public static List<Placement> evacuate(Cluster cluster, String host) {
        List<dev.vivarium.drs.model.Host> hosts = cluster.hosts().stream()
                .map(h -> h.name().equals(host) ? h.withState(HostState.MAINTENANCE) : h).toList();
        ClusterModel m = new ClusterModel(new Cluster(hosts, cluster.vms(), cluster.rules()), Set.of());
        Integer h = m.host(host);
        if (h == null) {
            throw new IllegalArgumentException("no host named " + host + " in the cluster");
        }
        List<Integer> order = new ArrayList<>(m.residents.get(h));
        order.sort(Comparator.comparingInt((Integer v) -> -m.vms[v].priority()).thenComparingInt(v -> v));
        List<Placement> out = new ArrayList<>();
        for (int v : order) {
            out.add(placeOne(m, v));
        }
        return out;
    }

    private static Placement placeOne(ClusterModel m, int v) {
        Vm vm = m.vms[v];
        Destinations.Choice c = Destinations.choose(m, v, null, null);
        if (!c.found()) {
            return new Placement.Unplaced(vm.name(), c.why());
        }
        int penalty = m.softPenalty(v, c.host());
        m.move(v, c.host());
        String why = String.format(Locale.ROOT, "%s load %.2f after it, cluster imbalance %.3f%s",
                m.hosts[c.host()].name(), m.load(c.host()), m.imbalance(),
                penalty == 0 ? "" : "; " + penalty + " soft rule(s) could not be kept");
        return new Placement.Placed(vm.name(), m.hosts[c.host()].name(), why);
    }
}
