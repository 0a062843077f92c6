package dev.vivarium.x86.conformance;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a conformance run.
 *
 * @param forms            every form that ran, sorted by name
 * @param skippedByReason  skipped tests per reason: a {@link KnownDifference} name or "revoked"
 */
public record RunResult(List<FormTally> forms, Map<String, Integer> skippedByReason) {

    public RunResult {
        forms = List.copyOf(forms);
        skippedByReason = Map.copyOf(skippedByReason);
    }

    public long passed() {
        return forms.stream().mapToLong(FormTally::passed).sum();
    }

    public long failed() {
        return forms.stream().mapToLong(FormTally::failed).sum();
    }

    public long skipped() {
        return forms.stream().mapToLong(FormTally::skipped).sum();
    }

    /** passed / (passed + failed) in percent; 100 when no test counted. */
    public double passRate() {
        long counted = passed() + failed();
        return counted == 0 ? 100.0 : passed() * 100.0 / counted;
    }

    public boolean meets(double minPassRatePercent) {
        long counted = passed() + failed();
        return counted == 0 || passed() * 100.0 >= minPassRatePercent * counted;
    }

    public List<FormTally> failingForms() {
        return forms.stream().filter(f -> f.failed() > 0).toList();
    }
}
