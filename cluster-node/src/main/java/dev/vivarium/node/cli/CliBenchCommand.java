package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.Table;
import dev.vivarium.node.lab.LabDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vivarium bench cli}: how long the commands a user runs again and again take, as the
 * user runs them (./vivarium, a fresh JVM each, against a running lab). The commands take turns
 * run after run, so a change in the machine's load falls on all of them alike; the CPU time
 * (user + system, from bash's {@code time}) is printed beside the wall time because it depends
 * less on what else the machine does.
 */
@Command(name = "cli", mixinStandardHelpOptions = true,
        description = {"Time vm list, host list and events (and --version, the JVM's floor) as a user runs them: "
                + "./vivarium, a fresh JVM each, against a running lab. Medians of --runs runs, taken in turns."})
final class CliBenchCommand implements Callable<Integer> {

    private static final List<List<String>> COMMANDS = List.of(
            List.of("vm", "list"), List.of("host", "list"), List.of("events"), List.of("--version"));

    @Mixin LabDirOption dir;

    @Option(names = "--runs", defaultValue = "11", description = "Timed runs of each command (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--launcher", paramLabel = "FILE", description = "The launcher to time (default: the repository's ./vivarium).")
    Path launcher;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One timed run: wall, user and system seconds. */
    private record Run(double wall, double cpu) {
    }

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1");
        }
        Path script = launcher != null ? launcher : LabDir.repositoryRoot().resolve("vivarium");
        String loadBefore = load();
        Map<String, List<Run>> timed = new LinkedHashMap<>();
        for (List<String> c : COMMANDS) {
            timed.put(String.join(" ", c), new ArrayList<>());
            time(script, c); // warm-up: the file cache, and the jar built if it was stale
        }
        for (int r = 0; r < runs; r++) {
            for (List<String> c : COMMANDS) {
                timed.get(String.join(" ", c)).add(time(script, c));
            }
        }
        String loadAfter = load();
        Map<String, Object> figures = new LinkedHashMap<>();
        Table table = new Table("COMMAND", "RUNS", "MEDIAN S", "MIN S", "MAX S", "MEDIAN CPU S");
        for (Map.Entry<String, List<Run>> e : timed.entrySet()) {
            List<Double> wall = e.getValue().stream().map(Run::wall).sorted().toList();
            List<Double> cpu = e.getValue().stream().map(Run::cpu).sorted().toList();
            figures.put(e.getKey(), Map.of("runs", wall.size(), "medianSeconds", median(wall), "minSeconds", wall.get(0),
                    "maxSeconds", wall.get(wall.size() - 1), "medianCpuSeconds", median(cpu)));
            table.row(e.getKey(), wall.size(), fmt(median(wall)), fmt(wall.get(0)), fmt(wall.get(wall.size() - 1)), fmt(median(cpu)));
        }
        if (json) {
            System.out.println(Json.write(Map.of("commands", figures, "loadBefore", loadBefore, "loadAfter", loadAfter,
                    "cores", Runtime.getRuntime().availableProcessors())));
        } else {
            System.out.print(table.render());
            System.out.println("load average before: " + loadBefore + ", after: " + loadAfter + "; "
                    + Runtime.getRuntime().availableProcessors() + " cores");
        }
        return 0;
    }

    /** Runs the launcher once under bash's {@code time}; fails when the command fails. */
    private Run time(Path script, List<String> command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("bash", "-c", "TIMEFORMAT='%3R %3U %3S'; time \"$@\" >/dev/null 2>&1", "bench",
                script.toString()));
        line.addAll(command);
        if (!command.get(0).startsWith("-")) {
            line.addAll(List.of("--dir", dir.labDir().path().toString()));
        }
        Process p = new ProcessBuilder(line).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        String times = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " took more than 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "); is the lab at "
                    + dir.labDir().path() + " running?");
        }
        String[] f = times.substring(times.lastIndexOf('\n') + 1).split(" ");
        return new Run(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]));
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String fmt(double seconds) {
        return String.format("%.3f", seconds);
    }

    private static String load() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
