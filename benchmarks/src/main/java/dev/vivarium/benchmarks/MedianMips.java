package dev.vivarium.benchmarks;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Runs the throughput benchmarks with the GC profiler and prints, per benchmark, the median
 * MIPS over every measured iteration of every fork, and the bytes allocated per instruction.
 * Any JMH command-line option may be given (e.g. {@code -f 1 -i 3} for a quick look).
 */
public final class MedianMips {

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            builder.include(CpuThroughputBenchmark.class.getSimpleName());
        }
        Options options = builder.addProfiler(GCProfiler.class).build();
        Collection<RunResult> results = new Runner(options).run();
        System.out.println();
        System.out.printf("%-42s %10s %10s %10s %8s %16s%n", "benchmark", "median", "min", "max", "samples",
                "alloc B/instr");
        for (RunResult run : results) {
            List<Double> mips = new ArrayList<>();
            for (BenchmarkResult fork : run.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    mips.add(iteration.getPrimaryResult().getScore() / 1e6);
                }
            }
            mips.sort(null);
            Result<?> alloc = run.getAggregatedResult().getSecondaryResults().get("gc.alloc.rate.norm");
            String name = run.getParams().getBenchmark();
            System.out.printf("%-42s %10.1f %10.1f %10.1f %8d %16s%n", name.substring(name.lastIndexOf('.') + 1),
                    median(mips), mips.get(0), mips.get(mips.size() - 1), mips.size(),
                    alloc == null ? "n/a" : String.format("%.6f", alloc.getScore()));
        }
        System.out.println("(MIPS: millions of guest instructions per second; a REP iteration counts as one)");
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private MedianMips() {
    }
}
