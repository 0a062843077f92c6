package dev.vivarium.x86.conformance;

import java.util.List;

/**
 * The outcome of one opcode form: tests passed and failed (together its total, the tests in the
 * pass rate), tests skipped, and the first few failures in detail.
 */
public record FormTally(String form, int passed, int failed, int skipped, List<FailureReport> failures) {

    public FormTally {
        failures = List.copyOf(failures);
    }

    public int total() {
        return passed + failed;
    }

    FormTally plus(FormTally other, int keepFailures) {
        List<FailureReport> merged = new java.util.ArrayList<>(failures);
        for (FailureReport f : other.failures) {
            if (merged.size() < keepFailures) {
                merged.add(f);
            }
        }
        return new FormTally(form, passed + other.passed, failed + other.failed, skipped + other.skipped, merged);
    }
}
