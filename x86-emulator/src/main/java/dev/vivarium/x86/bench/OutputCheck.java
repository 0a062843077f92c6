package dev.vivarium.x86.bench;

import java.util.List;

/**
 * Holds every run of a workload to the first native run: same exit code 0, same console bytes,
 * ending in the workload's success line. A timing of a run that computed something else is
 * worthless, so any difference stops the benchmark.
 */
final class OutputCheck {

    private final Workload workload;
    private final RunOutcome reference;

    /** @param reference the first native run, which must itself have succeeded */
    OutputCheck(Workload workload, RunOutcome reference) throws BenchmarkFailure {
        this.workload = workload;
        this.reference = reference;
        if (reference.exitCode() != 0) {
            throw new BenchmarkFailure(workload.name() + " (" + workload.cmdline() + ") failed natively with exit code "
                    + reference.exitCode() + ":\n" + reference.output());
        }
        if (reference.output().lines().noneMatch(l -> l.startsWith(workload.successPrefix()))) {
            throw new BenchmarkFailure(workload.name() + " natively printed no '" + workload.successPrefix() + "' line:\n"
                    + reference.output());
        }
    }

    /** @param where {@code native}, {@code QEMU} or {@code Vivarium}, for the message */
    void check(String where, RunOutcome run) throws BenchmarkFailure {
        if (run.exitCode() != reference.exitCode()) {
            throw new BenchmarkFailure(workload.name() + " exited with " + run.exitCode() + " in " + where
                    + " but with " + reference.exitCode() + " natively; its output:\n" + run.output());
        }
        if (!run.output().equals(reference.output())) {
            throw new BenchmarkFailure(workload.name() + " printed something else in " + where + " than natively: "
                    + firstDifference(reference.output(), run.output()));
        }
    }

    String reference() {
        return reference.output();
    }

    /** The first line that differs, both ways, so a mismatch can be read without a diff tool. */
    static String firstDifference(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "(end of output)";
            String y = i < b.size() ? b.get(i) : "(end of output)";
            if (!x.equals(y)) {
                return "line " + (i + 1) + ": native '" + x + "', here '" + y + "'";
            }
        }
        return "the lines agree but the bytes differ (line endings or a missing final newline)";
    }
}
