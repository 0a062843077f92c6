package dev.vivarium.node.cli;

import dev.vivarium.node.bench.CounterMigrations;
import dev.vivarium.node.bench.FailoverBench;
import dev.vivarium.node.bench.Soak;
import dev.vivarium.node.bench.VmotionBench;
import dev.vivarium.node.bench.VmotionReport;
import dev.vivarium.node.client.ApiError;
import java.io.IOException;
import java.nio.file.Path;
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
        subcommands = {DrsBenchCommand.class, CliBenchCommand.class, BenchCommand.Failover.class, BenchCommand.SoakRun.class,
                BenchCommand.Vmotion.class, BenchCommand.CounterMigrate.class})
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

    @Command(name = "vmotion", mixinStandardHelpOptions = true,
            description = {"Live migration side by side with QEMU: VMs of each size running memdirty at each dirty rate, "
                    + "migrated between two node processes on loopback, and the same image migrated by qemu-system-i386 "
                    + "through QMP (its default downtime limit and ours, its bandwidth cap lifted). Prints a Markdown table "
                    + "of medians; progress goes to stderr."})
    static final class Vmotion implements Callable<Integer> {
        @Option(names = "--sizes", split = ",", defaultValue = "16,64,256", paramLabel = "MIB",
                description = "VM sizes in MiB (default: ${DEFAULT-VALUE}).")
        List<Integer> sizes;

        @Option(names = "--workloads", split = ",", defaultValue = "idle,1mib,32mib,flood", paramLabel = "NAME",
                description = "Guest loads: idle, 1mib, 32mib, flood (default: ${DEFAULT-VALUE}).")
        List<String> workloads;

        @Option(names = "--runs", defaultValue = "5", description = "Migrations per case (default: ${DEFAULT-VALUE}).")
        int runs;

        @Option(names = "--downtime-ms", defaultValue = "5", description = "Our downtime budget, and QEMU's second limit (default: ${DEFAULT-VALUE}).")
        double budgetMs;

        @Option(names = "--no-qemu", description = "Ours only.")
        boolean noQemu;

        @Option(names = "--json", description = "Print every run as JSON instead of the table.")
        boolean json;

        @Option(names = "--dir", paramLabel = "DIR", description = "The benchmark's lab folder (default: a temporary one, deleted after).")
        Path dir;

        @Override
        public Integer call() throws IOException, InterruptedException {
            List<VmotionBench.Workload> chosen = workloads.stream().map(n -> VmotionBench.WORKLOADS.stream()
                    .filter(w -> w.name().equals(n)).findFirst().orElseThrow(() -> new CommandLine.ParameterException(
                            new CommandLine(this), "unknown workload " + n + "; known: idle, 1mib, 32mib, flood"))).toList();
            if (!noQemu && VmotionBench.findQemu() == null) {
                System.err.println("vivarium bench vmotion: qemu-system-i386 is not installed (Debian: qemu-system-x86); "
                        + "the table will have no QEMU rows");
            }
            try {
                VmotionReport report = new VmotionBench(new VmotionBench.Plan(sizes, chosen, runs, budgetMs, !noQemu, dir),
                        System.err).run();
                System.out.print(json ? report.json() + "\n" : report.markdown());
                return 0;
            } catch (ApiError e) {
                System.err.println("vivarium bench vmotion: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "migrate-counter", mixinStandardHelpOptions = true,
            description = {"The counter guest migrated back and forth between two node processes (50 times by default): "
                    + "its console must never skip or repeat a line, and its state after the migrations must be byte "
                    + "for byte that of the same machine run to the same instruction without any migration. Exits 1 "
                    + "when either does not hold."})
    static final class CounterMigrate implements Callable<Integer> {
        @Option(names = "--count", defaultValue = "50", description = "Migrations (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Option(names = "--dir", paramLabel = "DIR", description = "The lab folder (default: a temporary one, deleted after).")
        Path dir;

        @Override
        public Integer call() throws IOException, InterruptedException {
            try {
                CounterMigrations.Report report = CounterMigrations.run(count, dir, System.err);
                System.out.print(json ? CounterMigrations.json(report) + "\n" : report.text());
                return report.passed() ? 0 : 1;
            } catch (ApiError e) {
                System.err.println("vivarium bench migrate-counter: " + e.getMessage());
                return 1;
            }
        }
    }
}
