package dev.vivarium.x86.bench;

import java.util.ArrayList;
import java.util.List;

/** Wall times of the repeated runs of one workload in one place; the median is the figure quoted. */
record Timings(List<Long> nanos) {

    Timings {
        if (nanos.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        nanos = List.copyOf(nanos);
    }

    double medianSeconds() {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        return median / 1e9;
    }

    List<Double> seconds() {
        return nanos.stream().map(n -> n / 1e9).toList();
    }
}
