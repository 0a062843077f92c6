package dev.vivarium.node.cli;

import dev.vivarium.node.api.Json;
import dev.vivarium.node.experiment.Experiments;
import dev.vivarium.node.experiment.Scenario;
import dev.vivarium.node.experiment.ScenarioLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vivarium experiment run|list}: load-balancing experiments with a report. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Load-balancing experiments: play a scenario (config/scenarios/) on a lab or a simulation, get CSVs,"
                + " summary.json and report.html with charts.",
        subcommands = {ExperimentCommand.Run.class, ExperimentCommand.ListScenarios.class})
public final class ExperimentCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run SCENARIO (a shipped scenario's name, or a path to a scenario file) and write its results to --out.",
                    "Without --simulate it brings up a lab of its own in OUT/lab with the scenario's hosts and their CPU budgets,"
                            + " and stops it at the end (--keep-lab leaves it running).",
                    "Exit status: 0 done, 1 the run failed, 2 a wrong scenario or option."})
    static final class Run implements Callable<Integer> {
        @Parameters(paramLabel = "SCENARIO", description = "hotspot, diurnal, anti-affinity, maintenance, host-failure, or a file.")
        String scenario;

        @Option(names = "--out", paramLabel = "DIR", description = "Where the results go (default: experiments/SCENARIO-MODE).")
        Path out;

        @Option(names = "--simulate", description = "Run on DRS's core with modelled VMs (no emulators), in simulated time.")
        boolean simulate;

        @Option(names = "--keep-lab", description = "Leave the experiment's lab running at the end (not with --simulate).")
        boolean keepLab;

        @Option(names = "--quiet", description = "No progress line.")
        boolean quiet;

        @Override
        public Integer call() throws Exception {
            Scenario s;
            try {
                s = ScenarioLoader.load(scenario);
            } catch (IllegalArgumentException e) {
                System.err.println("vivarium experiment run: " + e.getMessage());
                return 2;
            }
            Path dir = out != null ? out : Path.of("experiments", s.name() + (simulate ? "-simulated" : "-lab"));
            Progress progress = new Progress(quiet);
            Map<String, Object> summary;
            try {
                summary = simulate ? Experiments.simulate(s, dir, progress::show)
                        : Experiments.inLab(s, dir, keepLab, progress::show, System.err::println);
            } catch (IllegalArgumentException | IllegalStateException e) {
                progress.done();
                System.err.println("vivarium experiment run: " + e.getMessage());
                return 1;
            }
            progress.done();
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
            System.err.println("Report: " + dir.resolve("report.html").toAbsolutePath());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the shipped scenarios.")
    static final class ListScenarios implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            for (String name : ScenarioLoader.shippedNames()) {
                Scenario s = ScenarioLoader.load(name);
                System.out.printf("%-16s %s%n", name, s.description());
            }
            return 0;
        }
    }

    /** One progress line on stderr, rewritten in place on a terminal (a line per update otherwise, every 10th). */
    private static final class Progress {
        private final boolean quiet;
        private final boolean terminal = System.console() != null;
        private int count;

        Progress(boolean quiet) {
            this.quiet = quiet;
        }

        void show(String line) {
            if (quiet) {
                return;
            }
            if (terminal) {
                System.err.print("\r" + line + "   ");
            } else if (count++ % 10 == 0) {
                System.err.println(line);
            }
            System.err.flush();
        }

        void done() {
            if (!quiet && terminal) {
                System.err.println();
            }
        }
    }
}
