package dev.vivarium.node.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.drs.sim.Simulation;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.lab.LabConnection;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.node.lab.LabManifest;
import dev.vivarium.node.lab.LabStatus;
import dev.vivarium.node.lab.LabUp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The scenario on a real lab: node processes whose hosts hand out the scenario's CPU budgets
 * (set well below what this machine delivers, so a crowded host really gives its VMs less and a
 * DRS move really gives it back), VMs running {@code cpuburn} whose duty the timeline changes by
 * a line on their serial console, DRS as the scenario sets it. Samples read the API: DRS's own
 * averaged loads and imbalance, each VM's demanded and delivered instructions and ready time,
 * and the moves DRS made with their measured downtime. A host failure kills its node process.
 */
final class LabCluster implements ClusterUnderTest {

    private static final Duration UP = Duration.ofMinutes(3);
    private static final Duration RUNNING = Duration.ofMinutes(3);

    private final LabDir dir;
    private final boolean keep;
    private final Consumer<String> log;
    private ApiClient api;
    private Scenario scenario;
    private Instant start;
    private final Map<String, Simulation.Migration> migrations = new LinkedHashMap<>();
    private final List<Simulation.Event> events = new ArrayList<>();
    private long lastEventSeq;

    LabCluster(Path dir, boolean keep, Consumer<String> log) {
        this.dir = new LabDir(dir.toAbsolutePath());
        this.keep = keep;
        this.log = log;
    }

    @Override
    public String mode() {
        return "lab";
    }

    @Override
    public void start(Scenario s) throws Exception {
        scenario = s;
        for (int i = 0; i < s.hosts().size(); i++) {
            if (!s.hosts().get(i).name().equals("host-" + (i + 1))) {
                throw new IllegalArgumentException("a lab names its hosts host-1..host-" + s.hosts().size()
                        + "; the scenario's host " + (i + 1) + " is " + s.hosts().get(i).name());
            }
        }
        for (Scenario.VmSpec v : s.vms()) {
            if (v.reservationMips() > 0 || v.limitMips() > 0) {
                throw new IllegalArgumentException("VM " + v.name() + ": reservations and limits are not settable through"
                        + " the API yet; run the scenario with --simulate");
            }
        }
        if (!LabStatus.running(dir).isEmpty()) {
            throw new IllegalStateException("a lab is already running in " + dir.path() + "; stop it first (./vivarium lab down"
                    + " --dir " + dir.path() + ")");
        }
        log.accept("Starting a lab of " + s.hosts().size() + " hosts in " + dir.path() + " ...");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(output, true, StandardCharsets.UTF_8);
        Map<String, Scenario.HostSpec> hosts = new LinkedHashMap<>();
        s.hosts().forEach(h -> hosts.put(h.name(), h));
        int status = new LabUp(dir, sink, sink).run(s.hosts().size(), 0, UP, name -> settings(hosts.get(name), s.drs()));
        if (status != 0) {
            throw new IllegalStateException("the lab did not start: " + output.toString(StandardCharsets.UTF_8).strip());
        }
        api = LabConnection.open(dir);
        lastEventSeq = latestEventSeq();
        api.send("PATCH", "/api/v1/drs", Json.write(Map.of("automation", s.drs().automation(), "threshold",
                s.drs().threshold(), "maxMoves", s.drs().maxMoves())));
        for (Scenario.GroupSpec g : s.hostGroups()) {
            api.send("POST", "/api/v1/host-groups", Json.write(Map.of("name", g.name(), "hosts", g.hosts())));
        }
        for (Scenario.VmSpec v : s.vms()) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("name", v.name());
            spec.put("image", "cpuburn");
            spec.put("memoryMiB", v.memoryMiB());
            spec.put("commandLine", "duty=" + v.duty() + " period_ms=100 report=0");
            spec.put("shares", v.shares());
            spec.put("restartPriority", v.restartPriority());
            api.send("POST", "/api/v1/vms", Json.write(spec));
        }
        for (Scenario.RuleSpec r : s.rules()) {
            addRule(r);
        }
        for (Scenario.VmSpec v : s.vms()) {
            api.send("POST", "/api/v1/vms/" + v.name() + "/power-on", null);
        }
        awaitRunning(s.vms().stream().map(Scenario.VmSpec::name).toList());
        start = Instant.now();
        log.accept("Lab up; " + s.vms().size() + " VMs running. Playing the timeline.");
    }

    /** A node's settings: its CPU budget and memory for VMs, DRS's period and averaging. */
    private static String settings(Scenario.HostSpec h, Scenario.Drs drs) {
        return String.format(Locale.ROOT, "vivarium.host.capacity-mips = %d%nvivarium.wiring.memory-mib = %d%n"
                        + "vivarium.drs.period = %dms%nvivarium.drs.smoothing = %dms%nvivarium.drs.max-concurrent-moves = %d%n",
                h.capacityMips(), h.memoryMiB(), Math.round(drs.periodSeconds() * 1000),
                Math.round(drs.smoothingSeconds() * 1000), drs.maxConcurrentMoves());
    }

    private void addRule(Scenario.RuleSpec r) throws ApiError {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", r.name());
        body.put("kind", r.kind());
        body.put("vms", r.vms());
        body.put("hostGroup", r.hostGroup());
        api.send("POST", "/api/v1/rules", Json.write(body));
    }

    private void awaitRunning(List<String> names) throws Exception {
        long deadline = System.nanoTime() + RUNNING.toNanos();
        while (true) {
            JsonNode vms = Json.MAPPER.readTree(api.get("/api/v1/vms").body());
            long running = 0;
            for (JsonNode v : vms) {
                if (names.contains(v.path("name").asText()) && !v.path("host").isNull()
                        && v.path("powerState").asText().equals("poweredOn")) {
                    running++;
                }
            }
            if (running == names.size()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("only " + running + " of " + names.size() + " VMs were running after "
                        + RUNNING.toSeconds() + " s");
            }
            Thread.sleep(500);
        }
    }

    @Override
    public void setDuty(String vm, int duty) throws ApiError {
        api.send("POST", "/api/v1/vms/" + vm + "/console", Json.write(Map.of("text", "duty=" + duty + "\n")));
    }

    @Override
    public List<String> vmsOn(String host) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode v : Json.MAPPER.readTree(api.get("/api/v1/vms").body())) {
            if (host.equals(v.path("host").asText(null))) {
                out.add(v.path("name").asText());
            }
        }
        return out;
    }

    @Override
    public void apply(Scenario.Action a) throws Exception {
        if (a instanceof Scenario.FailHost f) {
            // The host's process dies at once, as a crash does: SIGKILL, no clean stop.
            LabManifest.Node node = LabManifest.read(dir.manifest()).nodes().stream().filter(n -> n.name().equals(f.host()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no node " + f.host() + " in the lab"));
            ProcessHandle.of(node.pid()).ifPresent(ProcessHandle::destroyForcibly);
        } else if (a instanceof Scenario.EnterMaintenance m) {
            api.send("POST", "/api/v1/hosts/" + m.host() + "/maintenance", Json.write(Map.of("enabled", true)));
        } else if (a instanceof Scenario.ExitMaintenance m) {
            api.send("POST", "/api/v1/hosts/" + m.host() + "/maintenance", Json.write(Map.of("enabled", false)));
        } else if (a instanceof Scenario.AddRule r) {
            addRule(r.rule());
        } else if (a instanceof Scenario.RemoveRule r) {
            api.send("DELETE", "/api/v1/rules/" + r.rule(), null);
        } else if (a instanceof Scenario.PowerOn p) {
            for (String vm : p.vms()) {
                api.send("POST", "/api/v1/vms/" + vm + "/power-on", null);
            }
        } else if (a instanceof Scenario.PowerOff p) {
            for (String vm : p.vms()) {
                api.send("POST", "/api/v1/vms/" + vm + "/power-off", null);
            }
        }
    }

    @Override
    public Simulation.Sample sample(double t) throws Exception {
        long wait = start.plusMillis(Math.round(t * 1000)).toEpochMilli() - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        JsonNode drs = Json.MAPPER.readTree(api.get("/api/v1/drs").body());
        SortedMap<String, Double> loads = new TreeMap<>();
        drs.path("loads").fields().forEachRemaining(e -> loads.put(e.getKey(), e.getValue().asDouble()));
        SortedMap<String, Double> used = new TreeMap<>();
        SortedMap<String, String> states = new TreeMap<>();
        for (JsonNode h : Json.MAPPER.readTree(api.get("/api/v1/hosts").body())) {
            String name = h.path("name").asText();
            states.put(name, h.path("state").isNull() ? "unknown" : h.path("state").asText());
            if (h.path("usedMips").isNumber()) {
                used.put(name, h.path("usedMips").asDouble());
            }
        }
        List<Simulation.VmSample> vms = new ArrayList<>();
        for (JsonNode v : Json.MAPPER.readTree(api.get("/api/v1/vms").body())) {
            JsonNode m = v.path("metrics");
            String host = v.path("host").isNull() ? null : v.path("host").asText();
            vms.add(new Simulation.VmSample(v.path("name").asText(), host, m.path("demandIps").asDouble() / 1e6,
                    m.path("deliveredIps").asDouble() / 1e6, m.path("readyPct").asDouble()));
        }
        List<String> broken = new ArrayList<>();
        for (JsonNode r : Json.MAPPER.readTree(api.get("/api/v1/rules").body())) {
            if (r.path("broken").asBoolean()) {
                broken.add(r.path("name").asText());
            }
        }
        for (JsonNode m : drs.path("recentMoves")) {
            record(m);
        }
        readEvents();
        double target = drs.path("target").isNull() ? Double.POSITIVE_INFINITY : drs.path("target").asDouble();
        return new Simulation.Sample(t, loads, used, states, drs.path("imbalance").asDouble(), target, vms, broken,
                drs.path("movesRunning").asInt(), drs.path("recommendations").asInt());
    }

    /** A move DRS reports, once: its start and end relative to the run's start. */
    private void record(JsonNode m) {
        String id = m.path("id").asText();
        if (migrations.containsKey(id) || m.path("at").isNull()) {
            return;
        }
        double end = seconds(Instant.parse(m.path("at").asText()));
        if (end < 0) {
            return; // before the run (while the VMs were powered on)
        }
        double total = m.path("totalMs").isNull() ? 0 : m.path("totalMs").asDouble() / 1000;
        double downtime = m.path("downtimeMs").isNull() ? Double.NaN : m.path("downtimeMs").asDouble();
        migrations.put(id, new Simulation.Migration(m.path("vm").asText(), m.path("from").asText(), m.path("to").asText(),
                m.path("reason").asText(), Math.max(0, end - total), end, downtime, m.path("moved").asBoolean(),
                m.path("how").asText() + (m.path("moved").asBoolean() ? "" : ": " + m.path("message").asText())));
    }

    /** Host failures, HA restarts and maintenance from the inventory's event log. */
    private void readEvents() throws Exception {
        for (JsonNode e : Json.MAPPER.readTree(api.get("/api/v1/events?limit=1000").body())) {
            long seq = e.path("seq").asLong(-1);
            if (seq <= lastEventSeq) {
                continue;
            }
            lastEventSeq = Math.max(lastEventSeq, seq);
            String kind = e.path("type").asText();
            String mapped = switch (kind) {
                case "HostLost" -> "hostFailure";
                case "VmRestartedByHa" -> "haRestart";
                case "MaintenanceEntered" -> "maintenanceEntered";
                case "MaintenanceExited" -> "maintenanceExited";
                case "RuleAdded" -> "ruleAdded";
                case "RuleRemoved" -> "ruleRemoved";
                case "AlarmRaised" -> "alarm";
                default -> null;
            };
            if (mapped != null && e.hasNonNull("time")) {
                events.add(new Simulation.Event(Math.max(0, seconds(Instant.parse(e.path("time").asText()))), mapped,
                        e.path("subject").asText(), e.path("message").asText()));
            }
        }
    }

    private long latestEventSeq() throws Exception {
        long seq = 0;
        for (JsonNode e : Json.MAPPER.readTree(api.get("/api/v1/events?limit=1000").body())) {
            seq = Math.max(seq, e.path("seq").asLong(0));
        }
        return seq;
    }

    private double seconds(Instant at) {
        return Duration.between(start, at).toMillis() / 1000.0;
    }

    @Override
    public List<Simulation.Migration> migrations() {
        return List.copyOf(migrations.values());
    }

    @Override
    public List<Simulation.Event> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        if (keep) {
            log.accept("The lab keeps running in " + dir.path() + " (./vivarium lab down --dir " + dir.path() + ")");
            return;
        }
        try {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            PrintStream sink = new PrintStream(output, true, StandardCharsets.UTF_8);
            new LabStatus(dir, sink, sink).down();
        } catch (Exception e) {
            log.accept("stopping the experiment's lab in " + dir.path() + ": " + e.getMessage());
        }
    }
}
