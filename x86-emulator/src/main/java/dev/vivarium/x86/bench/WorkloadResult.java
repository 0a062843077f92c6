package dev.vivarium.x86.bench;

import java.util.Optional;

/**
 * The figures of one workload: the same guest instructions timed natively, in QEMU and in
 * Vivarium. MIPS everywhere divide Vivarium's count of retired guest (i686) instructions by the
 * time, so the native figure is "guest-equivalent": the host build is x86-64 code and retires
 * somewhat fewer, different instructions for the same work.
 *
 * @param instructions   guest instructions retired in one Vivarium run (identical in every run)
 * @param output         the console output every run printed
 * @param vivariumRuns   Vivarium in this JVM, warm: the emulation alone
 * @param vivariumWhole  whole Vivarium processes ({@code vivarium x86 run}), when measured
 * @param qemuStartup    QEMU start-up and boot alone (the {@code hello} guest), to net it out
 * @param vivariumWarmup the first, discarded Vivarium run (JIT compilation of the interpreter)
 */
record WorkloadResult(Workload workload, long instructions, String output, Timings nativeRuns, Timings qemuRuns,
                      Timings vivariumRuns, Optional<Timings> vivariumWhole, Timings qemuStartup, long vivariumWarmup) {

    double nativeSeconds() {
        return nativeRuns.medianSeconds();
    }

    double qemuSeconds() {
        return qemuRuns.medianSeconds();
    }

    /** QEMU's median less its start-up median; never below a microsecond, so ratios stay finite. */
    double qemuNetSeconds() {
        return Math.max(1e-6, qemuSeconds() - qemuStartup.medianSeconds());
    }

    double vivariumSeconds() {
        return vivariumRuns.medianSeconds();
    }

    double mips(double seconds) {
        return instructions / seconds / 1e6;
    }

    double vivariumOverNative() {
        return vivariumSeconds() / nativeSeconds();
    }

    double vivariumOverQemu() {
        return vivariumSeconds() / qemuSeconds();
    }

    double vivariumOverQemuNet() {
        return vivariumSeconds() / qemuNetSeconds();
    }

    /** A whole Vivarium process against a whole QEMU process, both started fresh. */
    Optional<Double> vivariumWholeOverQemuWhole() {
        return vivariumWhole.map(t -> t.medianSeconds() / qemuSeconds());
    }

    /** In the seed's terms: Vivarium time / native time - 1, in percent. */
    double overheadPercent() {
        return (vivariumOverNative() - 1) * 100;
    }

    /** The seed's "Verlust": 1 - native time / Vivarium time, in percent. */
    double lossPercent() {
        return (1 - 1 / vivariumOverNative()) * 100;
    }

    Optional<SeedFigure> seed() {
        return SeedFigure.forWorkload(workload.name());
    }
}
