package dev.vivarium.drs.core;

import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.Rule;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a round's result the long way, without the core's own bookkeeping: carries its moves
 * out on a copy of the cluster and measures the state they leave.
 */
final class Replay {

    private Replay() {
    }

    /** The cluster after {@code moves}; fails when a move does not start where its VM is. */
    static Cluster after(Cluster c, List<Recommendation> moves) {
        Map<String, Vm> vms = new HashMap<>();
        c.vms().forEach(v -> vms.put(v.name(), v));
        for (Recommendation r : moves) {
            Vm vm = vms.get(r.vm());
            if (vm == null || !r.from().equals(vm.host())) {
                throw new AssertionError("move " + r + " does not start where " + r.vm() + " runs (" + vm + ")");
            }
            vms.put(r.vm(), vm.on(r.to()));
        }
        return new Cluster(c.hosts(), new ArrayList<>(vms.values()), c.rules());
    }

    /** The cluster with each placed VM on its host. */
    static Cluster placed(Cluster c, List<Placement> placements) {
        Map<String, Vm> vms = new HashMap<>();
        c.vms().forEach(v -> vms.put(v.name(), v));
        for (Placement p : placements) {
            if (p instanceof Placement.Placed pl) {
                vms.put(pl.vm(), vms.get(pl.vm()).on(pl.host()));
            }
        }
        return new Cluster(c.hosts(), new ArrayList<>(vms.values()), c.rules());
    }

    /** The standard deviation of the connected hosts' loads, with entitlements computed from scratch. */
    static double imbalance(Cluster c) {
        double capacity = c.hosts().stream().mapToDouble(Host::capacityMips).sum();
        Set<String> up = new HashSet<>();
        c.hosts().forEach(h -> up.add(h.name()));
        List<Vm> running = c.vms().stream().filter(v -> up.contains(v.host())).toList();
        double[] e = Entitlements.divide(running, capacity);
        Map<String, Double> byHost = new HashMap<>();
        for (int i = 0; i < running.size(); i++) {
            byHost.merge(running.get(i).host(), e[i], Double::sum);
        }
        List<Double> loads = new ArrayList<>();
        for (Host h : c.hosts()) {
            if (h.state() == dev.vivarium.drs.model.HostState.CONNECTED) {
                loads.add(byHost.getOrDefault(h.name(), 0.0) / h.capacityMips());
            }
        }
        double mean = loads.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double var = loads.stream().mapToDouble(l -> (l - mean) * (l - mean)).average().orElse(0);
        return Math.sqrt(var);
    }

    /** The MUST VM–host and anti-affinity rules the cluster breaks, by name. */
    static List<String> brokenHardRules(Cluster c) {
        List<String> out = new ArrayList<>();
        Map<String, String> hostOf = new HashMap<>();
        c.vms().forEach(v -> {
            if (v.host() != null) {
                hostOf.put(v.name(), v.host());
            }
        });
        for (Rule r : c.rules()) {
            if (r instanceof Rule.VmHost vh && vh.mandatory()) {
                if (vh.vms().stream().anyMatch(v -> hostOf.containsKey(v) && !vh.allows(hostOf.get(v)))) {
                    out.add(r.name());
                }
            } else if (r instanceof Rule.AntiAffinity) {
                List<String> hosts = r.vms().stream().filter(hostOf::containsKey).map(hostOf::get).toList();
                if (new HashSet<>(hosts).size() < hosts.size()) {
                    out.add(r.name());
                }
            }
        }
        return out;
    }

    /** Hosts whose VMs' reservations exceed their capacity or whose VMs' memory exceeds theirs. */
    static List<String> overcommitted(Cluster c) {
        Map<String, long[]> use = new HashMap<>();
        for (Vm v : c.vms()) {
            if (v.host() != null) {
                long[] u = use.computeIfAbsent(v.host(), h -> new long[2]);
                u[0] += v.reservationMips();
                u[1] += v.memoryMiB();
            }
        }
        List<String> out = new ArrayList<>();
        for (Host h : c.hosts()) {
            long[] u = use.getOrDefault(h.name(), new long[2]);
            if (u[0] > h.capacityMips() || u[1] > h.memoryMiB()) {
                out.add(h.name());
            }
        }
        return out;
    }
}
