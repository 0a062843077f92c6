package dev.vivarium.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.node.lab.LabManifest;
import dev.vivarium.node.lab.LabNodes;
import dev.vivarium.node.lab.NodeProcesses;
import dev.vivarium.node.lab.SecretFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vivarium bench failover}: in a running lab, kills (SIGKILL) or freezes (SIGSTOP) the host
 * of a counter VM, again and again, and measures from the fault to HA's detection (its HostFailed
 * event), its decision (HaRestarting), the VM started on a survivor (VmRestartedByHa) and the
 * guest's first output there (read from the console stream of a node that stays up), and how
 * many of the counter's lines were printed again (progress lost: the checkpoint period at most).
 * After each run the host is started again (a frozen one is thawed first: it finds itself downed
 * and exits) and the lab settles before the next.
 */
public final class FailoverBench {

    private static final Pattern COUNTER = Pattern.compile("counter (\\d+)\n");
    private static final Duration WAIT = Duration.ofSeconds(120);

    /** One measured failover; seconds from the fault, NaN when the event was not seen. */
    public record Run(String kind, String victim, String to, double detect, double decide, double restarted, double firstOutput,
                      long linesRepeated) {
    }

    private record Seen(long nanos, String type, JsonNode data) {
    }

    private final LabDir dir;
    private final PrintStream out;

    public FailoverBench(LabDir dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    public List<Run> run(List<String> kinds, int runs, String vm) throws Exception {
        List<Run> results = new ArrayList<>();
        out.printf(Locale.ROOT, "failover of %s, %d run(s) of %s; load average %s%n", vm, runs, kinds, loadAverage());
        out.println("KIND    HOST    TO      DETECT s  DECIDE s  STARTED s  OUTPUT s  LINES REPEATED");
        for (int i = 0; i < runs; i++) {
            for (String kind : kinds) {
                Run r = once(kind, vm);
                results.add(r);
                out.printf(Locale.ROOT, "%-7s %-7s %-7s %8.2f  %8.2f  %9.2f  %8.2f  %d%n", r.kind(), r.victim(), r.to(), r.detect(),
                        r.decide(), r.restarted(), r.firstOutput(), r.linesRepeated());
            }
        }
        out.println();
        for (String kind : kinds) {
            List<Run> of = results.stream().filter(r -> r.kind().equals(kind)).toList();
            out.printf(Locale.ROOT, "%s (%d runs): median/worst  detect %s  decide %s  started %s  guest output %s  lines repeated %s%n",
                    kind, of.size(), stats(of, Run::detect), stats(of, Run::decide), stats(of, Run::restarted),
                    stats(of, Run::firstOutput), stats(of, r -> r.linesRepeated()));
        }
        out.printf(Locale.ROOT, "load average at the end %s%n", loadAverage());
        return results;
    }

    private Run once(String kind, String vm) throws Exception {
        LabManifest manifest = LabManifest.read(dir.manifest());
        String token = SecretFile.read(dir.tokenFile());
        ApiClient any = new ApiClient(manifest.apiAddresses(), token);
        awaitSettled(any, manifest, vm);
        String victim = Json.MAPPER.readTree(any.get("/api/v1/vms/" + vm).body()).path("host").asText();
        LabManifest.Node watcher = manifest.nodes().stream().filter(n -> !n.name().equals(victim)).findFirst().orElseThrow();
        ApiClient watch = new ApiClient(List.of(watcher.api()), token);
        List<Seen> console = new CopyOnWriteArrayList<>();
        try (ApiClient.EventLines stream = watch.openEventStream("/api/v1/vms/" + vm + "/console")) {
            Thread reader = new Thread(() -> read(stream, console), "console " + vm);
            reader.setDaemon(true);
            reader.start();
            await(() -> numbers(console, 0).size() >= 5, "the counter's output");
            Instant wallAtFault = Instant.now();
            long atFault = System.nanoTime();
            int eventsAtFault = console.size();
            long lastBefore = last(numbers(console, 0));
            watch.send("POST", "/api/v1/faults", Json.write(new FaultBody(kind, List.of(victim))));
            List<LabManifest.Node> survivors = manifest.nodes().stream().filter(n -> !n.name().equals(victim)).toList();
            await(() -> firstOutputAfterAttach(console, eventsAtFault).isPresent(), vm + " running again");
            Seen first = firstOutputAfterAttach(console, eventsAtFault).orElseThrow();
            int attachIndex = lastAttach(console);
            String to = console.get(attachIndex).data().path("host").asText();
            long firstNumber = numbers(console, attachIndex).stream().findFirst().orElse(lastBefore + 1);
            await(() -> haEvent(token, survivors, "VmRestartedByHa", vm, wallAtFault) != null, "HA's restart event");
            Run run = new Run(kind, victim, to,
                    since(wallAtFault, haEvent(token, survivors, "HostFailed", victim, wallAtFault)),
                    since(wallAtFault, haEvent(token, survivors, "HaRestarting", vm, wallAtFault)),
                    since(wallAtFault, haEvent(token, survivors, "VmRestartedByHa", vm, wallAtFault)),
                    (first.nanos() - atFault) / 1e9, Math.max(0, lastBefore - firstNumber + 1));
            recover(kind, victim, watch);
            return run;
        }
    }

    /** A killed host is started again; a frozen one is thawed, exits once it learns it was downed, and is started again. */
    private void recover(String kind, String victim, ApiClient watch) throws Exception {
        LabManifest.Node node = LabManifest.read(dir.manifest()).nodes().stream().filter(n -> n.name().equals(victim)).findFirst()
                .orElseThrow();
        if (kind.equals("freeze")) {
            watch.send("POST", "/api/v1/faults", Json.write(new FaultBody("thaw", List.of(victim))));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (NodeProcesses.find(node.pid(), node.started()).isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            NodeProcesses.find(node.pid(), node.started()).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().join();
            });
        }
        LabNodes.restart(dir, victim);
    }

    /** Every node answers and sees every node Up, and the VM runs. */
    private void awaitSettled(ApiClient any, LabManifest manifest, String vm) throws Exception {
        await(() -> {
            try {
                for (LabManifest.Node n : manifest.nodes()) {
                    JsonNode hosts = Json.MAPPER.readTree(new ApiClient(List.of(n.api()), SecretFile.read(dir.tokenFile()))
                            .get("/api/v1/hosts").body());
                    long up = 0;
                    for (JsonNode h : hosts) {
                        up += "Up".equals(h.path("memberStatus").asText()) ? 1 : 0;
                    }
                    if (up != manifest.nodes().size()) {
                        return false;
                    }
                }
                return "poweredOn".equals(Json.MAPPER.readTree(any.get("/api/v1/vms/" + vm).body()).path("powerState").asText());
            } catch (ApiError e) {
                return false;
            }
        }, "the lab settled (every node Up, " + vm + " running)");
    }

    /** The time of the first event of {@code type} about {@code subject} after {@code after}, on any of the nodes. */
    private static Instant haEvent(String token, List<LabManifest.Node> nodes, String type, String subject, Instant after) {
        Instant found = null;
        for (LabManifest.Node n : nodes) {
            try {
                JsonNode events = Json.MAPPER.readTree(new ApiClient(List.of(n.api()), token).get("/api/v1/events?limit=1000").body());
                for (JsonNode e : events) {
                    Instant at = Instant.parse(e.path("time").asText());
                    if (e.path("type").asText().equals(type) && e.path("subject").asText().equals(subject) && at.isAfter(after)
                            && e.path("by").asText().equals("HA") && (found == null || at.isBefore(found))) {
                        found = at;
                    }
                }
            } catch (ApiError | IOException e) {
                // a node that does not answer has no events to give
            }
        }
        return found;
    }

    private static double since(Instant from, Instant to) {
        return to == null ? Double.NaN : Duration.between(from, to).toNanos() / 1e9;
    }

    private static void read(ApiClient.EventLines stream, List<Seen> into) {
        String type = null;
        try {
            for (String line : (Iterable<String>) stream.lines()::iterator) {
                if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    into.add(new Seen(System.nanoTime(), type, Json.MAPPER.readTree(line.substring(6))));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the stream ended
        }
    }

    private static int lastAttach(List<Seen> console) {
        for (int i = console.size() - 1; i >= 0; i--) {
            if ("attached".equals(console.get(i).type())) {
                return i;
            }
        }
        return -1;
    }

    /** The first output event after an attachment that came after {@code from}, holding a counter line. */
    private static Optional<Seen> firstOutputAfterAttach(List<Seen> console, int from) {
        int attach = lastAttach(console);
        if (attach < from) {
            return Optional.empty();
        }
        for (int i = attach + 1; i < console.size(); i++) {
            Seen s = console.get(i);
            if ("output".equals(s.type()) && COUNTER.matcher(s.data().path("text").asText()).find()
                    && s.nanos() > console.get(attach).nanos()) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static List<Long> numbers(List<Seen> console, int from) {
        StringBuilder text = new StringBuilder();
        for (Seen s : console.subList(Math.max(0, from), console.size())) {
            if ("output".equals(s.type())) {
                text.append(s.data().path("text").asText());
            }
        }
        List<Long> n = new ArrayList<>();
        Matcher m = COUNTER.matcher(text);
        while (m.find()) {
            n.add(Long.parseLong(m.group(1)));
        }
        return n;
    }

    private static long last(List<Long> numbers) {
        return numbers.isEmpty() ? 0 : numbers.get(numbers.size() - 1);
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + WAIT.toSeconds() + " s for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static String stats(List<Run> runs, ToDoubleFunction<Run> f) {
        List<Double> v = new ArrayList<>();
        runs.forEach(r -> {
            double x = f.applyAsDouble(r);
            if (!Double.isNaN(x)) {
                v.add(x);
            }
        });
        if (v.isEmpty()) {
            return "-";
        }
        Collections.sort(v);
        double median = v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
        return String.format(Locale.ROOT, "%.2f/%.2f", median, v.get(v.size() - 1));
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The fault API's body. */
    private record FaultBody(String kind, List<String> hosts) {
    }
}
