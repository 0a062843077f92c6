package dev.vivarium.x86.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Times each workload natively, in QEMU and in Vivarium, interleaving the three run by run so
 * that a change in the machine's load falls on all of them alike. One untimed warm-up run of
 * each comes first (page cache, and the JIT compiling Vivarium's interpreter); every run's
 * output is checked against the first native one.
 */
final class OverheadBenchmark {

    /** The guest whose QEMU run is start-up and boot alone: it prints one line and exits. */
    private static final Workload BOOT_ONLY = new Workload("hello", "");

    private final NativeRunner nativeRunner;
    private final QemuRunner qemuRunner;
    private final EmulatorRunner emulator;
    /** Whole Vivarium processes, when a launcher was given. */
    private final Optional<LauncherRunner> launcher;
    private final int runs;
    private final PrintWriter log;

    OverheadBenchmark(Path guests, Path qemu, Optional<Path> launcher, int runs, PrintWriter log) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1");
        }
        this.nativeRunner = new NativeRunner(guests);
        this.qemuRunner = new QemuRunner(qemu, guests);
        this.emulator = new EmulatorRunner(guests);
        this.launcher = launcher.map(l -> new LauncherRunner(l, guests));
        this.runs = runs;
        this.log = log;
    }

    OverheadReport run(List<Workload> workloads) throws BenchmarkFailure {
        HostInfo before = HostInfo.probe(qemuRunner.version());
        progress("load average at start: %s", before.loadAverage());
        Timings startup = qemuStartup();
        List<WorkloadResult> results = new ArrayList<>();
        for (Workload w : workloads) {
            results.add(measure(w, startup));
        }
        return new OverheadReport(before, before.withCurrentLoad(), runs, results);
    }

    private Timings qemuStartup() throws BenchmarkFailure {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
            RunOutcome boot = qemuRunner.run(BOOT_ONLY);
            if (boot.exitCode() != 0) {
                throw new BenchmarkFailure("the hello guest exited with " + boot.exitCode() + " under QEMU:\n" + boot.output());
            }
            if (i > 0) { // the first is the warm-up
                nanos.add(boot.nanos());
            }
        }
        Timings startup = new Timings(nanos);
        progress("QEMU start-up (hello guest): median %.3f s", startup.medianSeconds());
        return startup;
    }

    private WorkloadResult measure(Workload w, Timings startup) throws BenchmarkFailure {
        progress("%s (%s): warm-up runs", w.name(), w.cmdline());
        OutputCheck check = new OutputCheck(w, nativeRunner.run(w));
        check.check("QEMU", qemuRunner.run(w));
        EmulatorRunner.Emulated warmup = emulator.run(w);
        check.check("Vivarium", warmup.outcome());
        long instructions = warmup.instructions();
        progress("%s: %,d guest instructions; Vivarium warm-up %.3f s", w.name(), instructions,
                warmup.outcome().nanos() / 1e9);
        if (launcher.isPresent()) {
            check.check("Vivarium (" + launcher.get().launcher() + ")", launcher.get().run(w));
        }

        List<Long> nativeNanos = new ArrayList<>();
        List<Long> qemuNanos = new ArrayList<>();
        List<Long> vivariumNanos = new ArrayList<>();
        List<Long> wholeNanos = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            RunOutcome n = nativeRunner.run(w);
            check.check("native run " + i, n);
            RunOutcome q = qemuRunner.run(w);
            check.check("QEMU", q);
            EmulatorRunner.Emulated v = emulator.run(w);
            check.check("Vivarium", v.outcome());
            if (v.instructions() != instructions) {
                throw new BenchmarkFailure(w.name() + " retired " + v.instructions() + " instructions in Vivarium run " + i
                        + " but " + instructions + " in the warm-up: the emulator is not deterministic");
            }
            nativeNanos.add(n.nanos());
            qemuNanos.add(q.nanos());
            vivariumNanos.add(v.outcome().nanos());
            String whole = "";
            if (launcher.isPresent()) {
                RunOutcome p = launcher.get().run(w);
                check.check("Vivarium whole run", p);
                wholeNanos.add(p.nanos());
                whole = String.format(Locale.ROOT, ", Vivarium whole run %.3f s", p.nanos() / 1e9);
            }
            progress("%s run %d/%d: native %.3f s, QEMU %.3f s, Vivarium %.3f s%s", w.name(), i, runs,
                    n.nanos() / 1e9, q.nanos() / 1e9, v.outcome().nanos() / 1e9, whole);
        }
        return new WorkloadResult(w, instructions, check.reference(), new Timings(nativeNanos), new Timings(qemuNanos),
                new Timings(vivariumNanos), wholeNanos.isEmpty() ? Optional.empty() : Optional.of(new Timings(wholeNanos)),
                startup, warmup.outcome().nanos());
    }

    private void progress(String format, Object... args) {
        log.println("vivarium: " + String.format(Locale.ROOT, format, args));
        log.flush();
    }
}
