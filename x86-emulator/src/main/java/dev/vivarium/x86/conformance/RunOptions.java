package dev.vivarium.x86.conformance;

import java.util.Set;

/**
 * How to run a suite.
 *
 * @param firstPerFile   run only the first this many tests of each file (skipped ones included); 0 = all
 * @param forms          run only these forms (file names without .json.gz); empty = all
 * @param keepFailures   how many failing tests per form to keep in detail
 * @param threads        worker threads, each with its own processor and memory
 */
public record RunOptions(int firstPerFile, Set<String> forms, int keepFailures, int threads) {

    public RunOptions {
        if (firstPerFile < 0 || keepFailures < 0 || threads < 1) {
            throw new IllegalArgumentException("negative count or no threads");
        }
        forms = Set.copyOf(forms);
    }

    /** Every test, no details, one worker per core. */
    public static RunOptions defaults() {
        return new RunOptions(0, Set.of(), 0, Runtime.getRuntime().availableProcessors());
    }

    public RunOptions withFirstPerFile(int n) {
        return new RunOptions(n, forms, keepFailures, threads);
    }

    public RunOptions withForms(Set<String> only) {
        return new RunOptions(firstPerFile, only, keepFailures, threads);
    }

    public RunOptions withKeepFailures(int n) {
        return new RunOptions(firstPerFile, forms, n, threads);
    }
}
