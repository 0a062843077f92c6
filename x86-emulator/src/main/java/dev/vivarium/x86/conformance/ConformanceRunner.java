package dev.vivarium.x86.conformance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs test files in parallel: each worker thread owns a processor, its memory and a reader,
 * and takes whole files from a queue (largest first, so the last file does not run alone).
 */
public final class ConformanceRunner {

    private static final String REVOKED = "revoked";

    private final RunOptions options;

    public ConformanceRunner(RunOptions options) {
        this.options = options;
    }

    /** Runs every selected test of {@code files}; unreadable input throws {@link ConformanceInputException}. */
    public RunResult run(List<SuiteFile> files) {
        List<SuiteFile> selected = files.stream()
                .filter(f -> options.forms().isEmpty() || options.forms().contains(f.form()))
                .sorted(Comparator.comparingLong(SuiteFile::size).reversed())
                .toList();
        for (String form : options.forms()) {
            if (selected.stream().noneMatch(f -> f.form().equals(form))) {
                throw new ConformanceInputException("no test file of form '" + form + "' among the paths given");
            }
        }
        ConcurrentLinkedQueue<SuiteFile> queue = new ConcurrentLinkedQueue<>(selected);
        AtomicBoolean stop = new AtomicBoolean();
        int threads = Math.max(1, Math.min(options.threads(), selected.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "conformance-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<FileOutcome>>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> new Worker().drain(queue, stop)));
            }
            List<FileOutcome> outcomes = new ArrayList<>();
            for (Future<List<FileOutcome>> w : workers) {
                outcomes.addAll(await(w, stop));
            }
            return combine(outcomes);
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<FileOutcome> await(Future<List<FileOutcome>> worker, AtomicBoolean stop) {
        try {
            return worker.get();
        } catch (ExecutionException e) {
            stop.set(true);
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            stop.set(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private RunResult combine(List<FileOutcome> outcomes) {
        Map<String, FormTally> forms = new TreeMap<>();
        Map<String, Integer> skipped = new HashMap<>();
        for (FileOutcome o : outcomes) {
            forms.merge(o.tally.form(), o.tally, (a, b) -> a.plus(b, options.keepFailures()));
            o.skippedByReason.forEach((reason, n) -> skipped.merge(reason, n, Integer::sum));
        }
        return new RunResult(new ArrayList<>(forms.values()), skipped);
    }

    private record FileOutcome(FormTally tally, Map<String, Integer> skippedByReason) {
    }

    /** One thread's processor, memory, comparison and reader. */
    private final class Worker {
        private final TestExecutor executor = new TestExecutor();
        private final StateComparison comparison = new StateComparison();
        private final TestFileReader reader = new TestFileReader();
        private final List<Mismatch> mismatches = new ArrayList<>();

        List<FileOutcome> drain(ConcurrentLinkedQueue<SuiteFile> queue, AtomicBoolean stop) {
            List<FileOutcome> done = new ArrayList<>();
            SuiteFile file;
            while (!stop.get() && (file = queue.poll()) != null) {
                try {
                    done.add(runFile(file, stop));
                } catch (RuntimeException e) {
                    stop.set(true);
                    throw e;
                }
            }
            return done;
        }

        private FileOutcome runFile(SuiteFile file, AtomicBoolean stop) {
            int[] counts = new int[3]; // passed, failed, seen
            Map<String, Integer> skipped = new HashMap<>();
            List<FailureReport> failures = new ArrayList<>();
            reader.read(file.file(), test -> {
                counts[2]++;
                Instruction insn = Instruction.decode(test.code());
                String skip = skipReason(file, test, insn);
                if (skip != null) {
                    skipped.merge(skip, 1, Integer::sum);
                } else if (passes(file, test, insn)) {
                    counts[0]++;
                } else {
                    counts[1]++;
                    if (failures.size() < options.keepFailures()) {
                        failures.add(new FailureReport(test, mismatches));
                    }
                }
                return !stop.get() && (options.firstPerFile() == 0 || counts[2] < options.firstPerFile());
            });
            int skippedTotal = skipped.values().stream().mapToInt(Integer::intValue).sum();
            return new FileOutcome(new FormTally(file.form(), counts[0], counts[1], skippedTotal, failures), skipped);
        }

        private boolean passes(SuiteFile file, TestCase test, Instruction insn) {
            CompareRules rules = KnownDifference.rules(test, insn,
                    file.metadata().lookup(insn.opcode(), insn.reg()).flagsMask());
            mismatches.clear();
            Observation seen;
            try {
                seen = executor.execute(test);
            } catch (RuntimeException e) {
                // A processor bug must not end the run: it fails this test, and the next one resets.
                mismatches.add(new Mismatch("host exception", "none", e.toString()));
                return false;
            }
            return comparison.compare(test, rules, seen, executor.memory(), mismatches);
        }
    }

    /** Why a test is not run: "revoked", a {@link KnownDifference} name, or null when it runs. */
    static String skipReason(SuiteFile file, TestCase test, Instruction insn) {
        if (file.revocations().revokes(test.hash())) {
            return REVOKED;
        }
        KnownDifference d = KnownDifference.skipping(test, insn);
        return d == null ? null : d.name();
    }
}
