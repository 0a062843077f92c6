package dev.vivarium.x86.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** `vivarium x86 bench overhead`: the seed's table (bare metal against a VM) for Vivarium. */
@Command(name = "overhead",
        description = {"Time the compute guests natively, in QEMU and in Vivarium (the seed's table and more).",
                "Runs each several times, checks that all print the same, and prints median times, MIPS, the ratios",
                "and the overhead beside the seed's VMware Server figures of 2007 (Markdown, or JSON with --json).",
                "Vivarium runs twice over: warm in this JVM (net), and as whole `vivarium x86 run` processes.",
                "Builds the native workloads with make and installs qemu-system-x86 with apt-get when missing.",
                "Progress goes to stderr. Exit status: 0 measured; 1 a run failed or the outputs differ; 2 usage error."},
        mixinStandardHelpOptions = true)
public final class OverheadCommand implements Callable<Integer> {

    static final int FAILED = 1;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "timed runs per workload in each place, after one warm-up (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--workloads", paramLabel = "LIST", split = ",",
            defaultValue = "unpack,compile,sort,sieve,matrix,bignum,mix",
            description = "which workloads, comma-separated (default: ${DEFAULT-VALUE})")
    List<String> workloads;

    @Option(names = "--cmdline", paramLabel = "WORKLOAD=PARAMS",
            description = "a workload's parameters, the same in all places (defaults: unpack=rounds=1, "
                    + "\"compile=compiles=200 runs=0\", the others their own); see guests/README.md")
    Map<String, String> cmdlines = new LinkedHashMap<>();

    @Option(names = "--guests", paramLabel = "DIR",
            description = "the guests directory (default: guests/ in the repository around the working directory)")
    Path guests;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Option(names = "--launcher", paramLabel = "PATH",
            description = "the command whole Vivarium runs start, as PATH x86 run --cmdline=PARAMS IMAGE "
                    + "(default: the repository's ./vivarium beside guests/); none: no whole runs")
    String launcher;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<Workload> selected = selectedWorkloads();
        Path dir = guestsDirectory();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            HostTools tools = new HostTools(err);
            tools.ensureNativeBuilds(dir, selected);
            OverheadReport report = new OverheadBenchmark(dir, tools.qemu(), launcher(dir), runs, err).run(selected);
            out.print(json ? JsonReport.format(report) : MarkdownReport.format(report));
            out.flush();
            return 0;
        } catch (BenchmarkFailure e) {
            err.println("vivarium: bench overhead: " + e.getMessage());
            err.flush();
            return FAILED;
        }
    }

    private List<Workload> selectedWorkloads() {
        if (runs < 1) {
            throw usage("--runs must be at least 1");
        }
        for (String name : cmdlines.keySet()) {
            if (!Workload.NAMES.contains(name)) {
                throw usage("--cmdline names no workload: " + name + " (known: " + String.join(", ", Workload.NAMES) + ")");
            }
        }
        List<Workload> selected = new ArrayList<>();
        for (String name : new LinkedHashSet<>(workloads)) {
            if (!Workload.NAMES.contains(name)) {
                throw usage("unknown workload " + name + " (known: " + String.join(", ", Workload.NAMES) + ")");
            }
            selected.add(new Workload(name, cmdlines.getOrDefault(name, Workload.defaultCmdline(name))));
        }
        return selected;
    }

    private Path guestsDirectory() {
        if (guests != null) {
            if (!Files.isDirectory(guests.resolve("images"))) {
                throw usage(guests + " holds no images/ directory: give the repository's guests/ directory");
            }
            return guests.toAbsolutePath();
        }
        return GuestsDirectory.find().orElseThrow(() -> usage("no guests/images above " + GuestsDirectory.start()
                + ": run from the repository or give --guests DIR"));
    }

    /** The launcher of whole runs: the one given, else the repository's, when it is there; empty for none. */
    private Optional<Path> launcher(Path guestsDir) {
        if ("none".equals(launcher)) {
            return Optional.empty();
        }
        Path path = launcher != null ? Path.of(launcher) : guestsDir.toAbsolutePath().getParent().resolve("vivarium");
        if (!Files.isExecutable(path)) {
            if (launcher != null) {
                throw usage("--launcher " + launcher + " is not an executable file");
            }
            return Optional.empty();
        }
        return Optional.of(path.toAbsolutePath());
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
