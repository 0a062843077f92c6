package dev.vivarium.drs.sim;

import dev.vivarium.drs.core.Balancer;
import dev.vivarium.drs.core.CostModel;
import dev.vivarium.drs.core.DemandSmoother;
import dev.vivarium.drs.core.DrsSettings;
import dev.vivarium.drs.core.Entitlements;
import dev.vivarium.drs.core.Imbalance;
import dev.vivarium.drs.core.Placement;
import dev.vivarium.drs.core.Placer;
import dev.vivarium.drs.core.Recommendation;
import dev.vivarium.drs.core.RoundResult;
import dev.vivarium.drs.core.RuleCheck;
import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.HostState;
import dev.vivarium.drs.model.Rule;
import dev.vivarium.drs.model.Vm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A cluster of modelled VMs (no emulators) run by DRS's core, in simulated time: each host
 * divides its capacity among its VMs by reservation, shares and limits (the same division as
 * entitlements), VMs' figures are averaged as the DRS actor averages them, a round runs every
 * period and (fully automated) its moves are carried out as migrations that take the time the
 * cost model gives them and stop the guest for a modelled downtime; a failed host's VMs are
 * restarted by HA on the others after a delay, placed by the same core. Deterministic: the same
 * calls give the same samples, so clusters far larger than one machine can be studied.
 */
public final class Simulation {

    /**
     * @param drs              threshold, moves per round, cost model
     * @param periodSeconds    a DRS round every this long
     * @param smoothingSeconds time constant of the figures' average
     * @param maxConcurrentMoves moves under way at once
     * @param movesOnItsOwn    fully automated: moves are made; otherwise only counted as recommendations
     * @param haRestartSeconds a failed host's VMs run again this long after the failure
     * @param switchOverMs     the part of a migration's downtime that does not depend on memory
     *                         (the CPU and device state, the lease hand-over)
     */
    public record Settings(DrsSettings drs, double periodSeconds, double smoothingSeconds, int maxConcurrentMoves,
                           boolean movesOnItsOwn, double haRestartSeconds, double switchOverMs) {

        public static final Settings LAB = new Settings(DrsSettings.DEFAULTS.withCost(CostModel.DEFAULTS.withHorizon(60)),
                10, 4, 2, true, 5, 2);
    }

    /** A move made: started at {@code start}, done (or failed) at {@code end} (seconds). */
    public record Migration(String vm, String from, String to, String reason, double start, double end, double downtimeMs,
                            boolean done, String why) {
    }

    /** Something that happened to the cluster (a failure, a restart, maintenance, a rule change). */
    public record Event(double t, String kind, String subject, String detail) {
    }

    /** One VM at one instant. */
    public record VmSample(String vm, String host, double demandMips, double deliveredMips, double readyPct) {
    }

    /**
     * The cluster at one instant.
     *
     * @param loads         each up host's load as DRS sees it (averaged entitlements over capacity)
     * @param usedMips      what each up host delivers now
     * @param imbalance     the standard deviation of the connected hosts' loads
     * @param target        what the threshold tolerates (infinite at threshold 1)
     * @param recommendations moves the last round recommended and that are not made (not fully automated)
     */
    public record Sample(double t, SortedMap<String, Double> loads, SortedMap<String, Double> usedMips,
                         SortedMap<String, String> hostStates, double imbalance, double target, List<VmSample> vms,
                         List<String> brokenRules, int migrating, int recommendations) {
    }

    private static final class SimVm {
        Vm spec;
        double demand;
        boolean on;
        double restartAt = Double.NaN;

        SimVm(Vm spec) {
            this.spec = spec;
        }
    }

    private final Settings settings;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Set<String> failed = new HashSet<>();
    private final Map<String, SimVm> vms = new LinkedHashMap<>();
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final List<Migration> running = new ArrayList<>();
    private final List<Migration> migrations = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final DemandSmoother smoother;
    private final Map<String, Double> delivered = new HashMap<>();
    private double t;
    private double nextRound;
    private int recommendations;

    public Simulation(Settings settings) {
        this.settings = settings;
        this.smoother = new DemandSmoother(settings.smoothingSeconds());
        this.nextRound = settings.periodSeconds();
    }

    public double time() {
        return t;
    }

    public void addHost(Host h) {
        hosts.put(h.name(), h);
    }

    /** A VM, powered off; {@code spec.host()} is ignored (power-on places it). */
    public void addVm(Vm spec, double demandMips) {
        SimVm vm = new SimVm(spec.on(null));
        vm.demand = demandMips;
        vms.put(spec.name(), vm);
    }

    /** Powers VMs on, placed by DRS's initial placement; returns those no host could take, with why. */
    public Map<String, String> powerOn(List<String> names) {
        names.forEach(n -> vm(n).on = true);
        return place(names, "power-on");
    }

    public void powerOff(String name) {
        SimVm vm = vm(name);
        vm.on = false;
        vm.spec = vm.spec.on(null);
    }

    public void setDemand(String name, double mips) {
        vm(name).demand = mips;
    }

    /** The VMs running on {@code host} now, by name. */
    public List<String> vmsOn(String host) {
        return vms.values().stream().filter(v -> host.equals(v.spec.host())).map(v -> v.spec.name()).sorted().toList();
    }

    public List<String> vmNames() {
        return List.copyOf(vms.keySet());
    }

    /** The host fails: its VMs stop and HA restarts them elsewhere after {@code haRestartSeconds}. */
    public void failHost(String host) {
        requireHost(host);
        failed.add(host);
        events.add(new Event(t, "hostFailure", host, "host " + host + " failed"));
        for (SimVm vm : vms.values()) {
            if (host.equals(vm.spec.host())) {
                vm.spec = vm.spec.on(null);
                vm.restartAt = t + settings.haRestartSeconds();
            }
        }
        running.removeIf(m -> {
            boolean hit = m.from().equals(host) || m.to().equals(host);
            if (hit) {
                migrations.add(new Migration(m.vm(), m.from(), m.to(), m.reason(), m.start(), t, 0, false,
                        "host " + host + " failed"));
            }
            return hit;
        });
    }

    /** A failed host comes back, empty. */
    public void recoverHost(String host) {
        requireHost(host);
        if (failed.remove(host)) {
            events.add(new Event(t, "hostRecovered", host, "host " + host + " is back"));
        }
    }

    public void enterMaintenance(String host) {
        hosts.put(host, requireHost(host).withState(HostState.MAINTENANCE));
        events.add(new Event(t, "maintenanceEntered", host, "host " + host + " entered maintenance mode"));
    }

    public void exitMaintenance(String host) {
        hosts.put(host, requireHost(host).withState(HostState.CONNECTED));
        events.add(new Event(t, "maintenanceExited", host, "host " + host + " exited maintenance mode"));
    }

    public void addRule(Rule rule) {
        rules.put(rule.name(), rule);
        events.add(new Event(t, "ruleAdded", rule.name(), "rule " + rule.name() + " added"));
    }

    public void removeRule(String name) {
        if (rules.remove(name) != null) {
            events.add(new Event(t, "ruleRemoved", name, "rule " + name + " removed"));
        }
    }

    /** Advances the simulated time by {@code dt} seconds and returns the cluster as it is then. */
    public Sample step(double dt) {
        t += dt;
        finishMigrations();
        restartFailed();
        deliver();
        Map<String, DemandSmoother.Sample> samples = new HashMap<>();
        for (SimVm vm : vms.values()) {
            if (vm.spec.host() != null) {
                double got = delivered.getOrDefault(vm.spec.name(), 0.0);
                samples.put(vm.spec.name(), new DemandSmoother.Sample(vm.demand, got, readyPct(vm.demand, got),
                        vm.spec.dirtyPagesPerSec()));
            }
        }
        smoother.sample(samples, Math.round(t * 1e9));
        if (t + 1e-9 >= nextRound) {
            nextRound += settings.periodSeconds();
            round();
        }
        return sample();
    }

    public List<Migration> migrations() {
        return List.copyOf(migrations);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    // ---- internals

    private void finishMigrations() {
        running.removeIf(m -> {
            if (m.end() > t + 1e-9) {
                return false;
            }
            SimVm vm = vms.get(m.vm());
            if (vm != null && m.from().equals(vm.spec.host())) {
                vm.spec = vm.spec.on(m.to());
                migrations.add(m);
            }
            return true;
        });
    }

    private void restartFailed() {
        List<String> due = new ArrayList<>();
        for (SimVm vm : vms.values()) {
            if (vm.on && vm.spec.host() == null && !Double.isNaN(vm.restartAt) && vm.restartAt <= t + 1e-9) {
                due.add(vm.spec.name());
            }
        }
        if (!due.isEmpty()) {
            place(due, "HA restart");
        }
    }

    /** Places VMs that run nowhere; those placed lose their restart mark, the others keep it (HA tries again). */
    private Map<String, String> place(List<String> names, String why) {
        Map<String, String> unplaced = new LinkedHashMap<>();
        for (Placement p : Placer.place(cluster(false), names)) {
            SimVm vm = vms.get(p.vm());
            if (p instanceof Placement.Placed placed) {
                vm.spec = vm.spec.on(placed.host());
                if (!Double.isNaN(vm.restartAt)) {
                    events.add(new Event(t, "haRestart", p.vm(), "VM " + p.vm() + " restarted by HA on " + placed.host()));
                    vm.restartAt = Double.NaN;
                }
            } else {
                unplaced.put(p.vm(), ((Placement.Unplaced) p).why());
                if (!Double.isNaN(vm.restartAt)) {
                    events.add(new Event(t, "haRestartFailed", p.vm(), why + ": " + ((Placement.Unplaced) p).why()));
                    vm.restartAt = t + settings.periodSeconds();
                }
            }
        }
        return unplaced;
    }

    /** Each host divides its capacity among its VMs as DRS divides the cluster's: reservations, shares, limits. */
    private void deliver() {
        delivered.clear();
        Map<String, List<Vm>> byHost = new TreeMap<>();
        for (SimVm vm : vms.values()) {
            if (vm.spec.host() != null) {
                byHost.computeIfAbsent(vm.spec.host(), h -> new ArrayList<>()).add(vm.spec.withDemand(vm.demand));
            }
        }
        byHost.forEach((host, list) -> {
            double[] got = Entitlements.divide(list, hosts.get(host).capacityMips());
            for (int i = 0; i < got.length; i++) {
                // A reservation is a floor of what the VM may get, not of what it uses.
                delivered.put(list.get(i).name(), Math.min(got[i], list.get(i).cappedDemand()));
            }
        });
    }

    private static double readyPct(double demand, double got) {
        return demand <= 1e-9 ? 0 : Math.max(0, Math.min(100, (demand - got) / demand * 100));
    }

    private void round() {
        Set<String> pinned = new HashSet<>();
        running.forEach(m -> pinned.add(m.vm()));
        RoundResult r = Balancer.round(cluster(true), settings.drs(), pinned);
        recommendations = 0;
        if (!settings.movesOnItsOwn()) {
            recommendations = r.recommendations().size();
            return;
        }
        for (Recommendation rec : r.recommendations()) {
            if (running.size() >= settings.maxConcurrentMoves()) {
                recommendations++;
                continue;
            }
            SimVm vm = vms.get(rec.vm());
            double seconds = settings.drs().cost().migrationSeconds(vm.spec);
            if (!Double.isFinite(seconds)) {
                seconds = settings.periodSeconds(); // would not converge: auto-converge throttles it
            }
            running.add(new Migration(rec.vm(), rec.from(), rec.to(), rec.reason().name().toLowerCase(), t, t + seconds,
                    downtimeMs(vm.spec), true, rec.why()));
        }
    }

    /**
     * The guest stops for the switch-over and the last pre-copy round: what it dirties while the
     * previous round was sent, modelled as 5 ms of dirtying at the stream's bandwidth.
     */
    private double downtimeMs(Vm vm) {
        CostModel c = settings.drs().cost();
        double lastRoundBytes = Math.min(vm.memoryMiB() * 1048576.0, vm.dirtyPagesPerSec() * CostModel.PAGE_BYTES * 0.005);
        return settings.switchOverMs() + lastRoundBytes / c.bandwidthBytesPerSec() * 1000;
    }

    /** The cluster as DRS sees it: averaged figures ({@code smoothed}) or the VMs' demand now. */
    private Cluster cluster(boolean smoothed) {
        List<Host> up = hosts.values().stream().filter(h -> !failed.contains(h.name())).toList();
        Map<String, DemandSmoother.Smoothed> avg = smoother.all();
        List<Vm> list = new ArrayList<>();
        for (SimVm vm : vms.values()) {
            DemandSmoother.Smoothed s = avg.get(vm.spec.name());
            Vm spec = smoothed && s != null ? vm.spec.withDemand(s.demandMips()).withVariation(s.variation())
                    : vm.spec.withDemand(vm.demand);
            list.add(spec);
        }
        return new Cluster(up, list, List.copyOf(rules.values()));
    }

    private Sample sample() {
        Cluster c = cluster(true);
        Imbalance.Measured m = Imbalance.measure(c);
        SortedMap<String, Double> used = new TreeMap<>();
        SortedMap<String, String> states = new TreeMap<>();
        for (Host h : hosts.values()) {
            states.put(h.name(), failed.contains(h.name()) ? "failed" : h.state() == HostState.MAINTENANCE
                    ? "maintenance" : "connected");
            if (!failed.contains(h.name())) {
                used.put(h.name(), 0.0);
            }
        }
        List<VmSample> vmSamples = new ArrayList<>();
        for (SimVm vm : vms.values()) {
            String host = vm.spec.host();
            double got = delivered.getOrDefault(vm.spec.name(), 0.0);
            if (host != null) {
                used.merge(host, got, Double::sum);
            }
            if (vm.on) {
                double demand = host == null ? 0 : vm.demand;
                vmSamples.add(new VmSample(vm.spec.name(), host, demand, host == null ? 0 : got,
                        host == null ? 0 : readyPct(demand, got)));
            }
        }
        return new Sample(t, m.loads(), used, states, m.imbalance(),
                Imbalance.target(settings.drs().threshold(), Math.max(1, m.connectedHosts())), vmSamples,
                RuleCheck.broken(c), running.size(), recommendations);
    }

    private SimVm vm(String name) {
        SimVm vm = vms.get(name);
        if (vm == null) {
            throw new IllegalArgumentException("no VM named " + name);
        }
        return vm;
    }

    private Host requireHost(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host named " + name);
        }
        return h;
    }
}
