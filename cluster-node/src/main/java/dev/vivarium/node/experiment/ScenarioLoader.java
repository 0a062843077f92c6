package dev.vivarium.node.experiment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.vivarium.node.lab.LabDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a scenario (HOCON, config/scenarios/README.md) and checks it whole: every name it
 * uses must be defined, every number in range; a problem is an {@link IllegalArgumentException}
 * naming the file and the key.
 */
public final class ScenarioLoader {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");
    private static final Set<String> TOP = Set.of("name", "description", "duration", "sample-interval", "vm-speed-mips",
            "drs", "hosts", "vms", "host-groups", "rules", "timeline");
    private static final Set<String> ACTIONS = Set.of("load", "diurnal", "fail-host", "maintenance-enter",
            "maintenance-exit", "add-rule", "remove-rule", "power-on", "power-off");

    private ScenarioLoader() {
    }

    /** The shipped scenarios' folder. */
    public static Path shipped() {
        return LabDir.repositoryRoot().resolve("config/scenarios");
    }

    /** The names of the shipped scenarios. */
    public static List<String> shippedNames() throws java.io.IOException {
        try (Stream<Path> files = Files.list(shipped())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
    }

    /** A shipped scenario's name, or a path to a scenario file. */
    public static Scenario load(String nameOrPath) {
        Path file = Path.of(nameOrPath);
        if (!nameOrPath.contains("/") && !nameOrPath.endsWith(".conf")) {
            file = shipped().resolve(nameOrPath + ".conf");
        }
        if (!Files.isRegularFile(file)) {
            String known;
            try {
                known = String.join(", ", shippedNames());
            } catch (java.io.IOException e) {
                known = "none found in " + shipped();
            }
            throw new IllegalArgumentException("no scenario " + nameOrPath + " (no file " + file + "); shipped: " + known);
        }
        Config c;
        try {
            c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        try {
            return parse(c);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    static Scenario parse(Config c) {
        unknownKeys(c, TOP, "");
        String name = c.getString("name");
        double duration = seconds(c, "duration");
        double sample = c.hasPath("sample-interval") ? seconds(c, "sample-interval") : 1;
        if (duration <= 0 || sample <= 0 || sample > duration) {
            throw new IllegalArgumentException("duration and sample-interval must be positive, sample-interval at most the duration");
        }
        double speed = c.hasPath("vm-speed-mips") ? c.getDouble("vm-speed-mips") : 100;
        positive(speed, "vm-speed-mips");
        List<Scenario.HostSpec> hosts = hosts(c);
        Set<String> hostNames = new HashSet<>();
        hosts.forEach(h -> unique(hostNames, h.name(), "host"));
        List<Scenario.VmSpec> vms = vms(c);
        Set<String> vmNames = new LinkedHashSet<>();
        vms.forEach(v -> unique(vmNames, v.name(), "VM"));
        List<Scenario.GroupSpec> groups = new ArrayList<>();
        Set<String> groupNames = new HashSet<>();
        if (c.hasPath("host-groups")) {
            for (Config g : c.getConfigList("host-groups")) {
                unknownKeys(g, Set.of("name", "hosts"), "host-groups");
                Scenario.GroupSpec spec = new Scenario.GroupSpec(checked(g.getString("name"), "host group"), g.getStringList("hosts"));
                spec.hosts().forEach(h -> known(hostNames, h, "host"));
                unique(groupNames, spec.name(), "host group");
                groups.add(spec);
            }
        }
        List<Scenario.RuleSpec> rules = new ArrayList<>();
        if (c.hasPath("rules")) {
            for (Config r : c.getConfigList("rules")) {
                rules.add(rule(r, vmNames, groupNames));
            }
        }
        List<Scenario.Step> timeline = new ArrayList<>();
        if (c.hasPath("timeline")) {
            for (Config step : c.getConfigList("timeline")) {
                timeline.add(step(step, vmNames, hostNames, groupNames, duration));
            }
        }
        timeline.sort(Comparator.comparingDouble(Scenario.Step::atSeconds));
        return new Scenario(checked(name, "scenario"), c.hasPath("description") ? c.getString("description") : "", duration,
                sample, speed, drs(c), hosts, vms, groups, rules, timeline);
    }

    private static Scenario.Drs drs(Config root) {
        Config d = root.hasPath("drs") ? root.getConfig("drs") : ConfigFactory.empty();
        unknownKeys(d, Set.of("automation", "threshold", "max-moves", "period", "smoothing", "max-concurrent-moves"), "drs");
        String automation = d.hasPath("automation") ? d.getString("automation") : "fullyAutomated";
        if (!Set.of("manual", "partiallyAutomated", "fullyAutomated").contains(automation)) {
            throw new IllegalArgumentException("drs.automation: manual, partiallyAutomated or fullyAutomated, not " + automation);
        }
        int threshold = d.hasPath("threshold") ? d.getInt("threshold") : 3;
        if (threshold < 1 || threshold > 5) {
            throw new IllegalArgumentException("drs.threshold: 1 (conservative) to 5 (aggressive), not " + threshold);
        }
        int maxMoves = d.hasPath("max-moves") ? d.getInt("max-moves") : 8;
        int concurrent = d.hasPath("max-concurrent-moves") ? d.getInt("max-concurrent-moves") : 2;
        if (maxMoves < 0 || concurrent < 1) {
            throw new IllegalArgumentException("drs.max-moves must be at least 0 and drs.max-concurrent-moves at least 1");
        }
        double period = d.hasPath("period") ? seconds(d, "period") : 10;
        double smoothing = d.hasPath("smoothing") ? seconds(d, "smoothing") : 4;
        positive(period, "drs.period");
        return new Scenario.Drs(automation, threshold, maxMoves, period, smoothing, concurrent);
    }

    private static List<Scenario.HostSpec> hosts(Config c) {
        List<Scenario.HostSpec> out = new ArrayList<>();
        if (c.getValue("hosts").valueType() == ConfigValueType.OBJECT) {
            Config h = c.getConfig("hosts");
            unknownKeys(h, Set.of("count", "capacity-mips", "memory-mib", "prefix"), "hosts");
            int count = h.getInt("count");
            if (count < 1 || count > 100_000) {
                throw new IllegalArgumentException("hosts.count: 1 to 100000, not " + count);
            }
            String prefix = h.hasPath("prefix") ? h.getString("prefix") : "host";
            for (int i = 1; i <= count; i++) {
                out.add(host(prefix + "-" + i, h.getLong("capacity-mips"), h.getLong("memory-mib")));
            }
        } else {
            for (Config h : c.getConfigList("hosts")) {
                unknownKeys(h, Set.of("name", "capacity-mips", "memory-mib"), "hosts");
                out.add(host(h.getString("name"), h.getLong("capacity-mips"), h.getLong("memory-mib")));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("hosts: at least one host");
        }
        return out;
    }

    private static Scenario.HostSpec host(String name, long capacity, long memory) {
        if (capacity <= 0 || memory <= 0) {
            throw new IllegalArgumentException("host " + name + ": capacity-mips and memory-mib must be positive");
        }
        return new Scenario.HostSpec(checked(name, "host"), capacity, memory);
    }

    /** VMs: each entry is one VM, or with {@code count} that many named NAME-1..NAME-count. */
    private static List<Scenario.VmSpec> vms(Config c) {
        List<Scenario.VmSpec> out = new ArrayList<>();
        for (Config v : c.getConfigList("vms")) {
            unknownKeys(v, Set.of("name", "count", "memory-mib", "duty", "shares", "reservation-mips", "limit-mips",
                    "dirty-pages-per-sec", "restart-priority"), "vms");
            String name = v.getString("name");
            int count = v.hasPath("count") ? v.getInt("count") : 0;
            long memory = v.hasPath("memory-mib") ? v.getLong("memory-mib") : 16;
            int duty = v.hasPath("duty") ? v.getInt("duty") : 0;
            if (duty < 0 || duty > 100 || memory <= 0) {
                throw new IllegalArgumentException("VM " + name + ": duty is 0..100 and memory-mib positive");
            }
            int shares = v.hasPath("shares") ? v.getInt("shares") : 1000;
            long reservation = v.hasPath("reservation-mips") ? v.getLong("reservation-mips") : 0;
            long limit = v.hasPath("limit-mips") ? v.getLong("limit-mips") : 0;
            double dirty = v.hasPath("dirty-pages-per-sec") ? v.getDouble("dirty-pages-per-sec") : 0;
            String priority = v.hasPath("restart-priority") ? v.getString("restart-priority") : "medium";
            if (shares <= 0 || reservation < 0 || limit < 0 || (limit > 0 && limit < reservation) || dirty < 0) {
                throw new IllegalArgumentException("VM " + name + ": shares positive, reservation and limit not negative,"
                        + " a limit at least the reservation");
            }
            if (count < 0 || count > 1_000_000) {
                throw new IllegalArgumentException("VM " + name + ": count 0 to 1000000, not " + count);
            }
            for (int i = 1; i <= Math.max(1, count); i++) {
                out.add(new Scenario.VmSpec(checked(count == 0 ? name : name + "-" + i, "VM"), memory, duty, shares,
                        reservation, limit, dirty, priority));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("vms: at least one VM");
        }
        return out;
    }

    private static Scenario.RuleSpec rule(Config r, Set<String> vms, Set<String> groups) {
        unknownKeys(r, Set.of("name", "kind", "vms", "host-group"), "rules");
        String kind = r.getString("kind");
        if (!Set.of("affinity", "anti-affinity", "must-run-on", "should-run-on", "must-not-run-on", "should-not-run-on")
                .contains(kind)) {
            throw new IllegalArgumentException("rule " + r.getString("name") + ": unknown kind " + kind + "; kinds: affinity,"
                    + " anti-affinity, must-run-on, should-run-on, must-not-run-on, should-not-run-on");
        }
        List<String> members = r.getStringList("vms");
        members.forEach(v -> known(vms, v, "VM"));
        String group = r.hasPath("host-group") ? r.getString("host-group") : null;
        boolean vmHost = kind.contains("run-on");
        if (vmHost != (group != null)) {
            throw new IllegalArgumentException("rule " + r.getString("name") + ": a " + kind + " rule "
                    + (vmHost ? "needs a host-group" : "takes no host-group"));
        }
        if (group != null) {
            known(groups, group, "host group");
        }
        return new Scenario.RuleSpec(checked(r.getString("name"), "rule"), kind, members, group);
    }

    private static Scenario.Step step(Config s, Set<String> vms, Set<String> hosts, Set<String> groups, double duration) {
        double at = seconds(s, "at");
        if (at < 0 || at > duration) {
            throw new IllegalArgumentException("timeline: at = " + at + " s is outside the scenario's 0.." + duration + " s");
        }
        List<String> actions = s.root().keySet().stream().filter(k -> !k.equals("at")).toList();
        if (actions.size() != 1 || !ACTIONS.contains(actions.get(0))) {
            throw new IllegalArgumentException("timeline step at " + at + " s: one action of " + ACTIONS + ", found " + actions);
        }
        String a = actions.get(0);
        Scenario.Action action = switch (a) {
            case "load" -> {
                Config l = s.getConfig("load");
                unknownKeys(l, Set.of("vms", "host", "duty"), "load");
                int duty = l.getInt("duty");
                if (duty < 0 || duty > 100) {
                    throw new IllegalArgumentException("load: duty is 0..100, not " + duty);
                }
                String host = l.hasPath("host") ? known(hosts, l.getString("host"), "host") : null;
                List<String> list = l.hasPath("vms") ? vmList(l, "vms", vms) : List.of();
                if ((host == null) == list.isEmpty()) {
                    throw new IllegalArgumentException("load: either vms or host");
                }
                yield new Scenario.Load(list, host, duty);
            }
            case "diurnal" -> {
                Config d = s.getConfig("diurnal");
                unknownKeys(d, Set.of("vms", "period", "min-duty", "max-duty", "phase-spread", "step"), "diurnal");
                int min = d.getInt("min-duty");
                int max = d.getInt("max-duty");
                if (min < 0 || max > 100 || min > max) {
                    throw new IllegalArgumentException("diurnal: 0 <= min-duty <= max-duty <= 100");
                }
                double period = seconds(d, "period");
                positive(period, "diurnal.period");
                double step = d.hasPath("step") ? seconds(d, "step") : 5;
                positive(step, "diurnal.step");
                yield new Scenario.Diurnal(vmList(d, "vms", vms), period, min, max,
                        d.hasPath("phase-spread") ? d.getDouble("phase-spread") : 0, step);
            }
            case "fail-host" -> new Scenario.FailHost(known(hosts, s.getString(a), "host"));
            case "maintenance-enter" -> new Scenario.EnterMaintenance(known(hosts, s.getString(a), "host"));
            case "maintenance-exit" -> new Scenario.ExitMaintenance(known(hosts, s.getString(a), "host"));
            case "add-rule" -> new Scenario.AddRule(rule(s.getConfig(a), vms, groups));
            case "remove-rule" -> new Scenario.RemoveRule(s.getString(a));
            case "power-on" -> new Scenario.PowerOn(vmList(s, a, vms));
            case "power-off" -> new Scenario.PowerOff(vmList(s, a, vms));
            default -> throw new IllegalStateException(a);
        };
        return new Scenario.Step(at, action);
    }

    /** A list of VM names, or "all". */
    private static List<String> vmList(Config c, String key, Set<String> vms) {
        ConfigValue v = c.getValue(key);
        if (v.valueType() == ConfigValueType.STRING && "all".equals(v.unwrapped())) {
            return List.copyOf(vms);
        }
        List<String> list = c.getStringList(key);
        list.forEach(n -> known(vms, n, "VM"));
        return list;
    }

    private static double seconds(Config c, String key) {
        return c.getDuration(key).toMillis() / 1000.0;
    }

    private static void positive(double x, String key) {
        if (!(x > 0)) {
            throw new IllegalArgumentException(key + " must be positive");
        }
    }

    private static String checked(String name, String what) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name + "': lower-case letters, digits and '-', at most 41");
        }
        return name;
    }

    private static void unique(Set<String> seen, String name, String what) {
        if (!seen.add(name)) {
            throw new IllegalArgumentException("two " + what + "s named " + name);
        }
    }

    private static String known(Set<String> names, String name, String what) {
        if (!names.contains(name)) {
            throw new IllegalArgumentException("no " + what + " named " + name);
        }
        return name;
    }

    private static void unknownKeys(Config c, Set<String> allowed, String where) {
        for (String key : c.root().keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException((where.isEmpty() ? "" : where + ": ") + "unknown key " + key + "; known: "
                        + new java.util.TreeSet<>(allowed));
            }
        }
    }
}
