package dev.vivarium.node.cli;

import dev.vivarium.node.bench.FailoverBench;
import dev.vivarium.node.bench.Soak;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vivarium bench ...}: benchmarks of the cluster's parts (the CPU's are under {@code x86 bench}). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks of the cluster's parts; figures go with the machine and its load.",
        subcommands = {DrsBenchCommand.class, CliBenchCommand.class, BenchCommand.Failover.class, BenchCommand.SoakRun.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Kill (SIGKILL) and freeze (SIGSTOP) the host of a counter VM, --runs times each, and print the times "
                    + "from the fault to HA's detection, decision, the VM started elsewhere and its guest's first output, and "
                    + "the counter's lines printed again (progress lost); medians and worsts. Each host is started again after.")
    static final class Failover implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--runs", defaultValue = "5", description = "Runs of each kind (default: ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--kind", defaultValue = "kill,freeze", split = ",", description = "kill, freeze or both (default: ${DEFAULT-VALUE}).")
        List<String> kinds;

        @Option(names = "--vm", defaultValue = "counter-1", description = "A VM running the counter guest (default: ${DEFAULT-VALUE}).")
        String vm;

        @Override
        public Integer call() {
            for (String k : kinds) {
                if (!k.equals("kill") && !k.equals("freeze")) {
                    System.err.println("vivarium bench failover: --kind " + k + ": kill or freeze");
                    return 2;
                }
            }
            try {
                new FailoverBench(dir.labDir(), System.out).run(kinds, runs, vm);
                return 0;
            } catch (Exception e) {
                System.err.println("vivarium bench failover: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = "Inject random single faults (kill, freeze, datastore-off, partition in a namespaced lab) into a running lab "
                    + "and heal them, round after round; after each, every VM that should run must run on exactly one host, at the "
                    + "epoch its lease names. Prints its seed; exit 1 on any problem.")
    static final class SoakRun implements Callable<Integer> {
        @Mixin LabDirOption dir;

        @Option(names = "--rounds", defaultValue = "20", description = "Rounds (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--seed", description = "Replays a sequence (default: a new random seed, printed).")
        Long seed;

        @Option(names = "--max-minutes", defaultValue = "60", description = "Stops starting rounds after this (default: ${DEFAULT-VALUE}).")
        long maxMinutes;

        @Override
        public Integer call() {
            long s = seed != null ? seed : new java.util.Random().nextLong();
            try {
                return new Soak(dir.labDir(), System.out).run(s, rounds, Duration.ofMinutes(maxMinutes)).isEmpty() ? 0 : 1;
            } catch (Exception e) {
                System.err.println("vivarium bench soak: " + e.getMessage() + " (seed " + s + ")");
                return 1;
            }
        }
    }
}
