package dev.vivarium.drs.core;

import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.HostState;
import dev.vivarium.drs.model.Rule;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster as a round changes it: which VM is on which host, what each host holds, and the
 * rules indexed by VM, so that checking a move and its effect on the imbalance costs a few
 * array reads. Hosts and VMs are numbered in name order (the {@link Cluster} sorts them), and
 * every scan goes in that order, so the same cluster always gives the same decisions.
 */
final class ClusterModel {

    final Host[] hosts;
    final Vm[] vms;
    final Rule[] rules;
    private final Map<String, Integer> hostIndex;
    private final Map<String, Integer> vmIndex;

    /** The host each VM is on, -1 for none. */
    final int[] hostOf;
    /** Each VM's entitlement (MIPS); 0 for VMs that neither run nor are being placed. */
    final double[] entitlement;
    final double[] hostEntitlement;
    final long[] hostMemory;
    final long[] hostReserved;
    /** The VMs on each host, in name order (sorted lists: hosts hold tens of VMs, and scans are most of the work). */
    final List<List<Integer>> residents = new ArrayList<>();

    /** The known VMs each rule names (in name order), and the rules naming each VM. */
    final int[][] members;
    final int[][] rulesOf;
    /** For VM–host rules, whether each host is one the rule lets its VMs run on; null for the others. */
    final boolean[][] allows;

    private int balanced;
    /**
     * The connected hosts' mean load at the last recount. Loads are summed relative to it, so
     * the variance (mean of squares minus square of mean) does not cancel away its digits.
     */
    private double origin;
    private double loadSum;
    private double loadSquares;
    private double balancedEntitlement;
    private double balancedCapacity;

    /**
     * @param placing VMs that run nowhere yet but are about to (placement): they share the
     *                cluster's capacity with the running ones
     */
    ClusterModel(Cluster cluster, Set<String> placing) {
        hosts = cluster.hosts().toArray(Host[]::new);
        vms = cluster.vms().toArray(Vm[]::new);
        rules = cluster.rules().toArray(Rule[]::new);
        hostIndex = new HashMap<>(hosts.length * 2);
        vmIndex = new HashMap<>(vms.length * 2);
        for (int h = 0; h < hosts.length; h++) {
            hostIndex.put(hosts[h].name(), h);
            residents.add(new ArrayList<>());
        }
        for (int v = 0; v < vms.length; v++) {
            vmIndex.put(vms[v].name(), v);
        }
        hostOf = new int[vms.length];
        hostEntitlement = new double[hosts.length];
        hostMemory = new long[hosts.length];
        hostReserved = new long[hosts.length];
        List<Vm> counted = new ArrayList<>();
        List<Integer> countedIndex = new ArrayList<>();
        for (int v = 0; v < vms.length; v++) {
            Integer h = vms[v].host() == null ? null : hostIndex.get(vms[v].host());
            hostOf[v] = h == null ? -1 : h;
            if (h != null || placing.contains(vms[v].name())) {
                counted.add(vms[v]);
                countedIndex.add(v);
            }
        }
        double capacity = 0;
        for (Host h : hosts) {
            capacity += h.capacityMips();
        }
        entitlement = new double[vms.length];
        double[] e = Entitlements.divide(counted, capacity);
        for (int i = 0; i < e.length; i++) {
            entitlement[countedIndex.get(i)] = e[i];
        }
        for (int v = 0; v < vms.length; v++) {
            if (hostOf[v] >= 0) {
                add(v, hostOf[v]);
            }
        }
        members = new int[rules.length][];
        allows = new boolean[rules.length][];
        int[] ruleCount = new int[vms.length];
        for (int r = 0; r < rules.length; r++) {
            members[r] = rules[r].vms().stream().map(vmIndex::get).filter(v -> v != null).distinct().sorted()
                    .mapToInt(Integer::intValue).toArray();
            for (int v : members[r]) {
                ruleCount[v]++;
            }
            if (rules[r] instanceof Rule.VmHost vh) {
                allows[r] = new boolean[hosts.length];
                for (int h = 0; h < hosts.length; h++) {
                    allows[r][h] = vh.allows(hosts[h].name());
                }
            }
        }
        rulesOf = new int[vms.length][];
        for (int v = 0; v < vms.length; v++) {
            rulesOf[v] = new int[ruleCount[v]];
            ruleCount[v] = 0;
        }
        for (int r = 0; r < rules.length; r++) {
            for (int v : members[r]) {
                rulesOf[v][ruleCount[v]++] = r;
            }
        }
        recount();
    }

    Integer host(String name) {
        return hostIndex.get(name);
    }

    Integer vm(String name) {
        return vmIndex.get(name);
    }

    boolean connected(int h) {
        return hosts[h].state() == HostState.CONNECTED;
    }

    double load(int h) {
        return hostEntitlement[h] / hosts[h].capacityMips();
    }

    /** The cluster's imbalance now: the standard deviation of the connected hosts' loads. */
    double imbalance() {
        return Imbalance.stddev(balanced, loadSum, loadSquares);
    }

    int balancedHosts() {
        return balanced;
    }

    /** The imbalance if VM {@code v} were on host {@code to} (-1: nowhere) instead of where it is. */
    double imbalanceIf(int v, int to) {
        int from = hostOf[v];
        if (from == to) {
            return imbalance();
        }
        double sum = loadSum;
        double squares = loadSquares;
        if (from >= 0 && connected(from)) {
            double before = load(from) - origin;
            double after = (hostEntitlement[from] - entitlement[v]) / hosts[from].capacityMips() - origin;
            sum += after - before;
            squares += after * after - before * before;
        }
        if (to >= 0 && connected(to)) {
            double before = load(to) - origin;
            double after = (hostEntitlement[to] + entitlement[v]) / hosts[to].capacityMips() - origin;
            sum += after - before;
            squares += after * after - before * before;
        }
        return Imbalance.stddev(balanced, sum, squares);
    }

    /** The imbalance if VMs {@code v} and {@code w} (on different connected hosts) traded hosts. */
    double imbalanceIfSwapped(int v, int w) {
        return imbalanceIfTransferred(hostOf[v], hostOf[w], entitlement[v] - entitlement[w]);
    }

    /**
     * The entitlement (MIPS) that, taken off connected host {@code a} and put on connected host
     * {@code b}, would lower the imbalance most. The variance is a quadratic in the amount
     * moved; this is where its derivative is zero.
     */
    double bestTransfer(int a, int b) {
        double ca = hosts[a].capacityMips();
        double cb = hosts[b].capacityMips();
        double da = load(a) - origin;
        double db = load(b) - origin;
        double k = 1 / cb - 1 / ca;
        double denominator = balanced * (1 / (ca * ca) + 1 / (cb * cb)) - k * k;
        return denominator <= 0 ? 0 : (k * loadSum - balanced * (db / cb - da / ca)) / denominator;
    }

    /** The imbalance if {@code mips} of entitlement went from connected host {@code a} to connected host {@code b}. */
    double imbalanceIfTransferred(int a, int b, double mips) {
        double beforeA = load(a) - origin;
        double afterA = (hostEntitlement[a] - mips) / hosts[a].capacityMips() - origin;
        double beforeB = load(b) - origin;
        double afterB = (hostEntitlement[b] + mips) / hosts[b].capacityMips() - origin;
        double sum = loadSum + afterA - beforeA + afterB - beforeB;
        double squares = loadSquares + afterA * afterA - beforeA * beforeA + afterB * afterB - beforeB * beforeB;
        return Imbalance.stddev(balanced, sum, squares);
    }

    /** Whether VMs {@code v} and {@code w} can trade hosts one after the other, either first. */
    boolean swapFits(int v, int w) {
        int a = hostOf[v];
        int b = hostOf[w];
        boolean vFirst = fits(v, b) && hostMemory[a] - vms[v].memoryMiB() + vms[w].memoryMiB() <= hosts[a].memoryMiB()
                && hostReserved[a] - vms[v].reservationMips() + vms[w].reservationMips() <= hosts[a].capacityMips();
        boolean wFirst = fits(w, a) && hostMemory[b] - vms[w].memoryMiB() + vms[v].memoryMiB() <= hosts[b].memoryMiB()
                && hostReserved[b] - vms[w].reservationMips() + vms[v].reservationMips() <= hosts[b].capacityMips();
        return vFirst || wFirst;
    }

    /**
     * How much excess the later move of {@code w} from {@code b} to {@code a} puts back, once
     * {@code v} went from {@code a} to {@code b}: a trade gains the first move's gain less this.
     */
    double excessGainAfterward(int v, int b, int w, int a) {
        if (balancedCapacity <= 0) {
            return 0;
        }
        double mean = balancedEntitlement / balancedCapacity;
        double fairA = mean * hosts[a].capacityMips();
        double fairB = mean * hosts[b].capacityMips();
        double aNow = hostEntitlement[a] - entitlement[v];
        double bNow = hostEntitlement[b] + entitlement[v];
        return Math.max(0, aNow + entitlement[w] - fairA) - Math.max(0, aNow - fairA)
                - (Math.max(0, bNow - fairB) - Math.max(0, bNow - entitlement[w] - fairB));
    }

    /**
     * How much entitlement a move of {@code v} to {@code to} takes from above the connected
     * hosts' mean load (MIPS): the part of the cluster's demand that stops crowding a host.
     */
    double excessGain(int v, int to) {
        if (balancedCapacity <= 0) {
            return 0;
        }
        double mean = balancedEntitlement / balancedCapacity;
        int from = hostOf[v];
        double gain = 0;
        if (from >= 0 && connected(from)) {
            double fair = mean * hosts[from].capacityMips();
            gain += Math.max(0, hostEntitlement[from] - fair) - Math.max(0, hostEntitlement[from] - entitlement[v] - fair);
        }
        if (to >= 0 && connected(to)) {
            double fair = mean * hosts[to].capacityMips();
            gain -= Math.max(0, hostEntitlement[to] + entitlement[v] - fair) - Math.max(0, hostEntitlement[to] - fair);
        }
        return gain;
    }

    /** Whether host {@code h} has the memory and the unreserved CPU for VM {@code v}. */
    boolean fits(int v, int h) {
        return hostMemory[h] + vms[v].memoryMiB() <= hosts[h].memoryMiB()
                && hostReserved[h] + vms[v].reservationMips() <= hosts[h].capacityMips();
    }

    /**
     * The first rule that may never be broken (a MUST VM–host rule, an anti-affinity rule) that
     * VM {@code v} would break on host {@code h}, or -1.
     */
    int hardBlock(int v, int h) {
        for (int r : rulesOf[v]) {
            if (rules[r] instanceof Rule.VmHost vh) {
                if (vh.mandatory() && !allows[r][h]) {
                    return r;
                }
            } else if (rules[r] instanceof Rule.AntiAffinity && othersOn(r, v, h) > 0) {
                return r;
            }
        }
        return -1;
    }

    /**
     * How many soft rules (SHOULD VM–host rules kept, affinity partners joined) VM {@code v}
     * would break or leave broken on host {@code h}: placement prefers hosts with fewer.
     */
    int softPenalty(int v, int h) {
        int penalty = 0;
        for (int r : rulesOf[v]) {
            if (rules[r] instanceof Rule.VmHost vh) {
                if (!vh.mandatory() && !allows[r][h]) {
                    penalty++;
                }
            } else if (rules[r] instanceof Rule.Affinity && runningOthers(r, v) > 0 && othersOn(r, v, h) == 0) {
                penalty++;
            }
        }
        return penalty;
    }

    /**
     * Whether moving VM {@code v} to host {@code h} keeps every soft rule at least as well kept
     * as now: a balancing move never breaks a SHOULD rule nor splits VMs kept together.
     */
    boolean softKept(int v, int h) {
        return softBreak(v, h, -1) < 0;
    }

    /**
     * The first soft rule other than {@code except} that moving VM {@code v} to host {@code h}
     * would break or break further (a SHOULD rule kept now, VMs kept together), or -1.
     */
    int softBreak(int v, int h, int except) {
        int from = hostOf[v];
        for (int r : rulesOf[v]) {
            if (r == except) {
                continue;
            }
            if (rules[r] instanceof Rule.VmHost vh) {
                if (!vh.mandatory() && from >= 0 && allows[r][from] && !allows[r][h]) {
                    return r;
                }
            } else if (rules[r] instanceof Rule.Affinity && othersOn(r, v, h) < othersOn(r, v, from)) {
                return r;
            }
        }
        return -1;
    }

    /** How many VMs of rule {@code r} other than {@code v} run on host {@code h}. */
    int othersOn(int r, int v, int h) {
        if (h < 0) {
            return 0;
        }
        int n = 0;
        for (int m : members[r]) {
            if (m != v && hostOf[m] == h) {
                n++;
            }
        }
        return n;
    }

    int runningOthers(int r, int v) {
        int n = 0;
        for (int m : members[r]) {
            if (m != v && hostOf[m] >= 0) {
                n++;
            }
        }
        return n;
    }

    /** Whether rule {@code r} is broken by where its VMs run now (VMs that run nowhere break nothing). */
    boolean broken(int r) {
        Rule rule = rules[r];
        if (rule instanceof Rule.VmHost) {
            for (int m : members[r]) {
                if (hostOf[m] >= 0 && !allows[r][hostOf[m]]) {
                    return true;
                }
            }
            return false;
        }
        Set<Integer> seen = new TreeSet<>();
        for (int m : members[r]) {
            if (hostOf[m] >= 0 && !seen.add(hostOf[m]) && rule instanceof Rule.AntiAffinity) {
                return true;
            }
        }
        return rule instanceof Rule.Affinity && seen.size() > 1;
    }

    /** Moves (or places, or removes with -1) VM {@code v} to host {@code to}. */
    void move(int v, int to) {
        if (hostOf[v] >= 0) {
            remove(v, hostOf[v]);
        }
        hostOf[v] = to;
        if (to >= 0) {
            add(v, to);
        }
        recount();
    }

    private void add(int v, int h) {
        hostEntitlement[h] += entitlement[v];
        hostMemory[h] += vms[v].memoryMiB();
        hostReserved[h] += vms[v].reservationMips();
        List<Integer> here = residents.get(h);
        int at = Collections.binarySearch(here, v);
        here.add(-at - 1, v);
    }

    private void remove(int v, int h) {
        hostEntitlement[h] -= entitlement[v];
        hostMemory[h] -= vms[v].memoryMiB();
        hostReserved[h] -= vms[v].reservationMips();
        List<Integer> here = residents.get(h);
        here.remove(Collections.binarySearch(here, v));
    }

    /** Sums the connected hosts' loads afresh, so rounding never builds up over many moves. */
    private void recount() {
        balanced = 0;
        loadSum = 0;
        loadSquares = 0;
        balancedEntitlement = 0;
        balancedCapacity = 0;
        double total = 0;
        int n = 0;
        for (int h = 0; h < hosts.length; h++) {
            if (connected(h)) {
                total += load(h);
                n++;
            }
        }
        origin = n == 0 ? 0 : total / n;
        for (int h = 0; h < hosts.length; h++) {
            if (connected(h)) {
                double l = load(h) - origin;
                balanced++;
                loadSum += l;
                loadSquares += l * l;
                balancedEntitlement += hostEntitlement[h];
                balancedCapacity += hosts[h].capacityMips();
            }
        }
    }

    SortedMap<String, Double> loads() {
        SortedMap<String, Double> out = new TreeMap<>();
        for (int h = 0; h < hosts.length; h++) {
            out.put(hosts[h].name(), load(h));
        }
        return out;
    }

    List<String> brokenRules() {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < rules.length; r++) {
            if (broken(r)) {
                out.add(rules[r].name());
            }
        }
        return out;
    }
}
