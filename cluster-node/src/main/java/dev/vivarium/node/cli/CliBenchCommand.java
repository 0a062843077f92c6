package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.JsonValues;
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
 * less on what else the machine does. Beside them, the commands that fail with a reason the user
 * can act on (issue 18: an image not in the catalog, more memory than any host has, a power-on
 * no host has room for), which must answer as quickly: they are timed the same way and must fail.
 */
@Command(name = "cli", mixinStandardHelpOptions = true,
        description = {"Time vm list, host list and events (and --version, the JVM's floor), vm get, and the refusals "
                + "of vm create and vm power-on as a user runs them: ./vivarium, a fresh JVM each, against a running lab "
                + "whose hosts each run a VM. Medians of --runs runs, taken in turns."})
final class CliBenchCommand implements Callable<Integer> {

    /** A VM the bench makes for its power-on refusal and removes after: as large as the largest host. */
    private static final String BIG = "bench-cli-big";

    /** A command to time, and the exit status it must end with. */
    private record Timed(List<String> command, int exit) {
        String line() {
            return String.join(" ", command);
        }
    }

    private static final List<Timed> COMMANDS = List.of(new Timed(List.of("vm", "list"), 0),
            new Timed(List.of("host", "list"), 0), new Timed(List.of("events"), 0), new Timed(List.of("--version"), 0),
            new Timed(List.of("vm", "get", BIG), 0),
            new Timed(List.of("vm", "create", "bench-cli-refused", "--image", "../../../bin/ls"), 1),
            new Timed(List.of("vm", "create", "bench-cli-refused", "--image", "counter", "--memory", "1000000"), 1),
            new Timed(List.of("vm", "power-on", BIG), 1));

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
        run(script, List.of("--version")); // the jar built if it was stale
        makeBigVm(script);
        try {
            for (Timed c : COMMANDS) {
                timed.put(c.line(), new ArrayList<>());
                time(script, c); // warm-up: the file cache
            }
            for (int r = 0; r < runs; r++) {
                for (Timed c : COMMANDS) {
                    timed.get(c.line()).add(time(script, c));
                }
            }
        } finally {
            // Its refused power-ons left it desired poweredOn: off first, or the delete is refused.
            run(script, List.of("vm", "power-off", BIG));
            run(script, List.of("vm", "delete", BIG));
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

    /**
     * Creates {@link #BIG}: as much memory as the largest host has, so that its power-on is
     * refused for want of room while every host runs a VM (the bench refuses a lab with an empty
     * host, where it would start).
     */
    private void makeBigVm(Path script) throws IOException, InterruptedException {
        long largest = 0;
        List<String> empty = new ArrayList<>();
        for (Map<String, Object> h : JsonValues.objects(run(script, List.of("host", "list", "--json")))) {
            largest = Math.max(largest, ((Number) h.getOrDefault("memoryMiB", 0)).longValue());
            if (((Number) h.getOrDefault("vms", 0)).intValue() == 0) {
                empty.add(String.valueOf(h.get("name")));
            }
        }
        if (!empty.isEmpty() || largest == 0) {
            throw new IOException("bench cli times a power-on that no host has room for, so every host must run a VM; "
                    + "these run none: " + empty);
        }
        run(script, List.of("vm", "create", BIG, "--image", "counter", "--memory", Long.toString(largest)));
    }

    /** Runs the launcher once and returns its output; fails when the command fails. */
    private String run(Path script, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(withDir(script, command)).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    /** The launcher's command line: {@code command} with the lab's {@code --dir} (not after an option alone, such as --version). */
    private List<String> withDir(Path script, List<String> command) {
        List<String> line = new ArrayList<>(List.of(script.toString()));
        line.addAll(command);
        if (!command.get(0).startsWith("-")) {
            line.addAll(List.of("--dir", dir.labDir().path().toString()));
        }
        return line;
    }

    /** Runs the launcher once under bash's {@code time}; fails when the command ends otherwise than it must. */
    private Run time(Path script, Timed command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("bash", "-c", "TIMEFORMAT='%3R %3U %3S'; time \"$@\" >/dev/null 2>&1", "bench"));
        line.addAll(withDir(script, command.command()));
        Process p = new ProcessBuilder(line).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        String times = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.line() + " took more than 120 s");
        }
        if (p.exitValue() != command.exit()) {
            throw new IOException(command.line() + " ended with exit " + p.exitValue() + " where " + command.exit()
                    + " was expected; is the lab at " + dir.labDir().path() + " running?");
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
