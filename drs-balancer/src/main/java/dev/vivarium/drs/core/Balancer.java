package dev.vivarium.drs.core;

import dev.vivarium.drs.core.Recommendation.Reason;
import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.HostState;
import dev.vivarium.drs.model.Rule;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One DRS round: what to move where, in vSphere's order. First what is demanded: VMs off hosts
 * in maintenance mode, then VMs that break a rule (MUST VM–host rules, anti-affinity, affinity,
 * SHOULD VM–host rules), each to the host {@link Destinations} picks; a rule that cannot be kept
 * becomes a {@link Fault}, never a move that does not keep it. Then, while the imbalance is above
 * what the threshold tolerates, the move that lowers it most among those whose benefit outweighs
 * their cost and that keep every rule, up to {@code maxMoves} of them (greedy, as DRS is).
 *
 * <p>Deterministic: the same cluster, settings and pinned VMs give the same result, whatever
 * order the caller listed them in.
 */
public final class Balancer {

    /** A move must lower the imbalance by more than this to count as a gain (rounding noise is no gain). */
    private static final double MIN_GAIN = 1e-9;
    private static final int SEARCH_WHOLE_UP_TO = 32;

    private final ClusterModel m;
    private final DrsSettings settings;
    private final boolean[] pinned;
    private final List<Recommendation> recommendations = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();

    private Balancer(ClusterModel m, DrsSettings settings, Set<String> pinned) {
        this.m = m;
        this.settings = settings;
        this.pinned = new boolean[m.vms.length];
        for (String name : pinned) {
            Integer v = m.vm(name);
            if (v != null) {
                this.pinned[v] = true;
            }
        }
    }

    public static RoundResult round(Cluster cluster, DrsSettings settings) {
        return round(cluster, settings, Set.of());
    }

    /** @param pinned VMs not to move this round (a migration of theirs is under way) */
    public static RoundResult round(Cluster cluster, DrsSettings settings, Set<String> pinned) {
        ClusterModel m = new ClusterModel(cluster, Set.of());
        double before = m.imbalance();
        SortedMap<String, Double> loads = m.loads();
        Balancer b = new Balancer(m, settings, pinned);
        b.evacuate();
        b.keepRules();
        double target = Imbalance.target(settings.threshold(), m.balancedHosts());
        b.balance(target);
        return new RoundResult(before, m.imbalance(), target, loads, m.loads(), b.recommendations, b.faults,
                m.brokenRules());
    }

    // ---- maintenance

    private void evacuate() {
        for (int h = 0; h < m.hosts.length; h++) {
            if (m.hosts[h].state() != HostState.MAINTENANCE) {
                continue;
            }
            for (int v : byPriority(new ArrayList<>(m.residents.get(h)))) {
                if (pinned[v]) {
                    continue;
                }
                Destinations.Choice c = Destinations.choose(m, v, null, null);
                if (c.found()) {
                    move(v, c.host(), Reason.MAINTENANCE, null, 1, 0,
                            "host " + m.hosts[h].name() + " is in maintenance mode");
                } else {
                    faults.add(new Fault(Fault.Kind.EVACUATION, m.hosts[h].name(), m.vms[v].name(),
                            "VM " + m.vms[v].name() + " cannot leave host " + m.hosts[h].name()
                                    + " (in maintenance mode): " + c.why()));
                }
            }
        }
    }

    /** Highest restart priority first, then by name: scarce room goes to the VMs that matter most. */
    private List<Integer> byPriority(List<Integer> vms) {
        vms.sort(Comparator.comparingInt((Integer v) -> -m.vms[v].priority()).thenComparingInt(v -> v));
        return vms;
    }

    // ---- rules

    private void keepRules() {
        for (int r = 0; r < m.rules.length; r++) {
            if (m.rules[r] instanceof Rule.VmHost vh && vh.mandatory()) {
                keepVmHost(r, vh);
            }
        }
        for (int r = 0; r < m.rules.length; r++) {
            if (m.rules[r] instanceof Rule.AntiAffinity) {
                keepApart(r);
            }
        }
        for (int r = 0; r < m.rules.length; r++) {
            if (m.rules[r] instanceof Rule.Affinity) {
                keepTogether(r);
            }
        }
        for (int r = 0; r < m.rules.length; r++) {
            if (m.rules[r] instanceof Rule.VmHost vh && !vh.mandatory()) {
                keepVmHost(r, vh);
            }
        }
    }

    private void keepVmHost(int r, Rule.VmHost rule) {
        for (int v : m.members[r]) {
            int at = m.hostOf[v];
            if (at < 0 || m.allows[r][at] || pinned[v]) {
                continue;
            }
            String requirement = "rule " + rule.name() + " (" + rule.relation() + ": " + rule.hostList() + ")";
            // A MUST rule may break soft rules; a SHOULD rule may not, or two of them would trade the VM back and forth.
            Destinations.Choice c = Destinations.choose(m, v, h -> m.allows[r][h], requirement, !rule.mandatory());
            String vm = m.vms[v].name();
            if (c.found()) {
                move(v, c.host(), Reason.RULE, rule.name(), 1, 0,
                        "VM " + vm + " " + rule.relation() + " (rule " + rule.name() + ")");
            } else {
                faults.add(new Fault(Fault.Kind.RULE, rule.name(), vm, "rule " + rule.name() + " cannot be kept: VM "
                        + vm + " " + rule.relation() + " but runs on " + m.hosts[at].name() + ", and " + c.why()));
            }
        }
    }

    private void keepApart(int r) {
        String rule = m.rules[r].name();
        for (int v : m.members[r]) {
            int at = m.hostOf[v];
            // The first member (by name) on a host stays; every later one there moves.
            if (at < 0 || m.othersOn(r, v, at) == 0 || !laterOnItsHost(r, v) || pinned[v]) {
                continue;
            }
            Destinations.Choice c = Destinations.choose(m, v, null, null);
            String vm = m.vms[v].name();
            if (c.found()) {
                move(v, c.host(), Reason.RULE, rule, 1, 0,
                        "VM " + vm + " shares host " + m.hosts[at].name() + " with a VM it is kept apart from (rule "
                                + rule + ")");
            } else {
                faults.add(new Fault(Fault.Kind.RULE, rule, vm, "anti-affinity rule " + rule + " cannot be kept: VM "
                        + vm + " shares host " + m.hosts[at].name() + " with another of its VMs, and " + c.why()));
            }
        }
    }

    private boolean laterOnItsHost(int r, int v) {
        for (int other : m.members[r]) {
            if (other == v) {
                return false;
            }
            if (m.hostOf[other] == m.hostOf[v]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Brings the running VMs of an affinity rule onto one host: the host that already holds most
     * of them and can take the rest. All of them move or none does, so a rule that cannot be kept
     * makes no half-way moves that a later round would have to undo.
     */
    private void keepTogether(int r) {
        String rule = m.rules[r].name();
        List<Integer> running = new ArrayList<>();
        for (int v : m.members[r]) {
            if (m.hostOf[v] >= 0) {
                if (pinned[v]) {
                    return; // one of them is moving already: next round
                }
                running.add(v);
            }
        }
        if (running.stream().map(v -> m.hostOf[v]).distinct().count() <= 1) {
            return;
        }
        List<Integer> targets = new ArrayList<>();
        for (int h = 0; h < m.hosts.length; h++) {
            if (m.connected(h)) {
                targets.add(h);
            }
        }
        targets.sort(Comparator.comparingInt((Integer h) -> -held(running, h)).thenComparingInt(h -> h));
        for (int t : targets) {
            if (gatherOn(r, running, t)) {
                return;
            }
        }
        String names = String.join(", ", running.stream().map(v -> m.vms[v].name()).toList());
        faults.add(new Fault(Fault.Kind.RULE, rule, m.vms[running.get(0)].name(), "affinity rule " + rule
                + " cannot be kept: no connected host has room for all of " + names + " without breaking another rule"));
    }

    private int held(List<Integer> vms, int h) {
        int n = 0;
        for (int v : vms) {
            if (m.hostOf[v] == h) {
                n++;
            }
        }
        return n;
    }

    /** Moves every VM of {@code running} to host {@code t} if all of them can go; else changes nothing. */
    private boolean gatherOn(int r, List<Integer> running, int t) {
        List<int[]> done = new ArrayList<>(); // {vm, from}
        int mark = recommendations.size();
        for (int v : running) {
            if (m.hostOf[v] == t) {
                continue;
            }
            if (!m.fits(v, t) || m.hardBlock(v, t) >= 0 || m.softBreak(v, t, r) >= 0) {
                for (int i = done.size() - 1; i >= 0; i--) {
                    m.move(done.get(i)[0], done.get(i)[1]);
                }
                recommendations.subList(mark, recommendations.size()).clear();
                return false;
            }
            done.add(new int[] {v, m.hostOf[v]});
            move(v, t, Reason.RULE, m.rules[r].name(), 1, 0,
                    "VM " + m.vms[v].name() + " is kept together with its rule's other VMs on " + m.hosts[t].name()
                            + " (rule " + m.rules[r].name() + ")");
        }
        return true;
    }

    // ---- balance

    private void balance(double target) {
        int n = m.balancedHosts();
        if (settings.threshold() == Imbalance.MIN_THRESHOLD || n < 2) {
            return;
        }
        int width = n <= SEARCH_WHOLE_UP_TO ? n : settings.searchWidth();
        CostModel cost = settings.cost();
        for (int moves = 0; moves < settings.maxMoves(); moves++) {
            double imbalance = m.imbalance();
            if (imbalance <= target) {
                return;
            }
            List<Integer> byLoad = new ArrayList<>();
            for (int h = 0; h < m.hosts.length; h++) {
                if (m.connected(h)) {
                    byLoad.add(h);
                }
            }
            byLoad.sort(Comparator.comparingDouble((Integer h) -> m.load(h)).thenComparingInt(h -> h));
            Candidate best = null;
            for (int s = 0; s < width; s++) {
                int from = byLoad.get(byLoad.size() - 1 - s);
                for (int v : m.residents.get(from)) {
                    Vm vm = m.vms[v];
                    if (!movable(v)) {
                        continue;
                    }
                    int examined = 0;
                    for (int i = 0; i < byLoad.size() && examined < width; i++) {
                        int to = byLoad.get(i);
                        if (to == from || !m.fits(v, to)) {
                            continue;
                        }
                        examined++;
                        double gain = imbalance - m.imbalanceIf(v, to);
                        if (gain <= MIN_GAIN || (best != null && gain <= best.gain)
                                || m.hardBlock(v, to) >= 0 || !m.softKept(v, to)) {
                            continue;
                        }
                        double benefit = cost.benefit(vm, m.excessGain(v, to));
                        double price = cost.cost(vm, m.entitlement[v]);
                        if (benefit < price) {
                            continue;
                        }
                        best = new Candidate(v, to, gain, benefit, price);
                    }
                }
            }
            // A trade of two VMs counts as two moves: it wins when it gains more per move.
            Trade trade = moves + 2 <= settings.maxMoves()
                    ? bestTrade(byLoad, width, imbalance, best == null ? 0 : best.gain) : null;
            if (trade != null) {
                makeTrade(trade, imbalance, target, n);
                moves++;
                continue;
            }
            if (best == null) {
                return;
            }
            int from = m.hostOf[best.vm];
            String why = String.format(Locale.ROOT,
                    "balance: %s load %.2f, %s load %.2f; imbalance %.3f above the target %.3f",
                    m.hosts[from].name(), m.load(from), m.hosts[best.to].name(), m.load(best.to), imbalance, target);
            move(best.vm, best.to, Reason.BALANCE, null, Imbalance.priority(imbalance, n), best.benefit, why);
        }
    }

    private record Candidate(int vm, int to, double gain, double benefit, double cost) {
    }

    private record Trade(int v, int w, double gain, double benefit) {
    }

    /**
     * Two VMs of different sizes trading hosts: a big one off a busy host for a small one off a
     * quieter host. Single moves cannot get there when every host is either too full for the big
     * one or too empty to give the small one. Made as two moves, the first one that fits beside
     * the VM still there first.
     */
    private Trade bestTrade(List<Integer> byLoad, int width, double imbalance, double singleGain) {
        CostModel cost = settings.cost();
        Trade best = null;
        for (int s = 0; s < width; s++) {
            int a = byLoad.get(byLoad.size() - 1 - s);
            for (int d = 0; d < width; d++) {
                int b = byLoad.get(d);
                double ideal = b == a ? 0 : m.bestTransfer(a, b);
                // No trade between these two can beat what the ideal transfer would gain.
                double bound = imbalance - m.imbalanceIfTransferred(a, b, ideal);
                if (ideal <= 0 || bound / 2 <= singleGain || (best != null && bound <= best.gain)) {
                    continue;
                }
                List<Integer> small = new ArrayList<>(m.residents.get(b));
                small.removeIf(w -> !movable(w));
                small.sort(Comparator.comparingDouble((Integer w) -> m.entitlement[w]).thenComparingInt(w -> w));
                double[] sizes = small.stream().mapToDouble(w -> m.entitlement[w]).toArray();
                for (int v : m.residents.get(a)) {
                    if (!movable(v)) {
                        continue;
                    }
                    // The VMs of b whose entitlement is nearest the one that would make the ideal transfer.
                    int at = lowerBound(sizes, m.entitlement[v] - ideal);
                    for (int i = Math.max(0, at - 2); i < Math.min(sizes.length, at + 2); i++) {
                        int w = small.get(i);
                        if (m.entitlement[w] >= m.entitlement[v]) {
                            continue;
                        }
                        double gain = imbalance - m.imbalanceIfSwapped(v, w);
                        if (gain <= MIN_GAIN || gain / 2 <= singleGain || (best != null && gain <= best.gain)
                                || !m.swapFits(v, w) || m.hardBlock(v, b) >= 0 || m.hardBlock(w, a) >= 0
                                || !m.softKept(v, b) || !m.softKept(w, a)) {
                            continue;
                        }
                        double benefit = cost.benefit(m.vms[v], m.excessGain(v, b) - m.excessGainAfterward(v, b, w, a));
                        double price = cost.cost(m.vms[v], m.entitlement[v]) + cost.cost(m.vms[w], m.entitlement[w]);
                        if (benefit >= price) {
                            best = new Trade(v, w, gain, benefit);
                        }
                    }
                }
            }
        }
        return best;
    }

    /** The first index whose value is at least {@code x} (values sorted ascending). */
    private static int lowerBound(double[] values, double x) {
        int lo = 0;
        int hi = values.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void makeTrade(Trade t, double imbalance, double target, int n) {
        int a = m.hostOf[t.v];
        int b = m.hostOf[t.w];
        String why = String.format(Locale.ROOT,
                "balance: %s (load %.2f) and %s (load %.2f) trade VMs %s and %s; imbalance %.3f above the target %.3f",
                m.hosts[a].name(), m.load(a), m.hosts[b].name(), m.load(b), m.vms[t.v].name(), m.vms[t.w].name(),
                imbalance, target);
        int priority = Imbalance.priority(imbalance, n);
        if (m.fits(t.v, b)) {
            move(t.v, b, Reason.BALANCE, null, priority, t.benefit, why);
            move(t.w, a, Reason.BALANCE, null, priority, 0, why);
        } else {
            move(t.w, a, Reason.BALANCE, null, priority, 0, why);
            move(t.v, b, Reason.BALANCE, null, priority, t.benefit, why);
        }
    }

    private boolean movable(int v) {
        return m.entitlement[v] > 0 && !pinned[v] && settings.cost().converges(m.vms[v]);
    }

    private void move(int v, int to, Reason reason, String rule, int priority, double benefit, String why) {
        Vm vm = m.vms[v];
        int from = m.hostOf[v];
        double before = m.imbalance();
        double cost = settings.cost().cost(vm, m.entitlement[v]);
        double seconds = settings.cost().migrationSeconds(vm);
        m.move(v, to);
        recommendations.add(new Recommendation(vm.name(), m.hosts[from].name(), m.hosts[to].name(), reason, rule,
                priority, before, m.imbalance(), benefit, cost, seconds, why));
    }
}
