package dev.vivarium.x86.cpu.diff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One differential run: chooses each family's reference on this host ({@link FamilyReferences}),
 * builds and runs every reference needed, runs the same cases in the emulator on the code each
 * reference placed, and gives one dynamic test per family. It prints, per family, which
 * reference it ran against, or that it did not run and why; under CI=true a family that could
 * have run (its reference only lacks an installed tool) fails instead of skipping.
 */
final class DifferentialRun {

    private static final int REPORTED = 8;
    private static final boolean CI = "true".equals(System.getenv("CI"));

    /** How a family was run, or why not. */
    private record Plan(Reference reference, String notRun, boolean couldRun) {
    }

    private final String name;
    private final long seed;
    private final int scale;
    private final List<Snippet> snippets;
    private final List<CaseInput> cases;
    private final Map<String, List<Integer>> byFamily = new LinkedHashMap<>();
    private final Map<String, Plan> plans = new LinkedHashMap<>();
    private final Map<Reference, List<SnippetCode>> code = new EnumMap<>(Reference.class);
    private final Map<Reference, EmulatorHarness> emulators = new EnumMap<>(Reference.class);
    private final Map<Integer, Outcome> reference = new TreeMap<>();

    /**
     * @param name       what the printed summary calls this run
     * @param forced     a reference for every family regardless of the table (null: the table decides)
     * @param perSnippet at most this many cases of each snippet
     */
    DifferentialRun(String name, Path dir, boolean forceFallback, Reference forced, String only, long seed, int scale, int perSnippet)
            throws IOException, InterruptedException {
        this.name = name;
        this.seed = seed;
        this.scale = scale;
        this.snippets = SnippetCatalog.snippets(only);
        assertFalse(snippets.isEmpty(), "no snippet matches difftest.only=" + only);
        this.cases = limit(SnippetCatalog.cases(snippets, seed, scale), perSnippet);
        for (int i = 0; i < cases.size(); i++) {
            byFamily.computeIfAbsent(snippets.get(cases.get(i).snippet()).family(), f -> new ArrayList<>()).add(i);
        }
        References refs = References.probe(dir.resolve("probe"), forceFallback);
        for (String family : byFamily.keySet()) {
            plans.put(family, plan(family, refs, forced));
        }
        for (Reference r : Reference.values()) {
            List<Integer> mine = new ArrayList<>();
            plans.forEach((family, plan) -> {
                if (plan.reference() == r) {
                    mine.addAll(byFamily.get(family));
                }
            });
            if (!mine.isEmpty()) {
                runReference(r, dir.resolve(r.label()), mine);
            }
        }
        printSummary();
    }

    private static List<CaseInput> limit(List<CaseInput> all, int perSnippet) {
        Map<Integer, Integer> taken = new TreeMap<>();
        List<CaseInput> out = new ArrayList<>();
        for (CaseInput c : all) {
            if (taken.merge(c.snippet(), 1, Integer::sum) <= perSnippet) {
                out.add(c);
            }
        }
        return out;
    }

    private static Plan plan(String family, References refs, Reference forced) {
        if (forced != null) {
            return refs.available(forced) ? new Plan(forced, null, true)
                    : new Plan(null, "difftest.reference=" + forced + " but " + refs.whyNot(forced), true);
        }
        if (refs.available(Reference.NATIVE)) {
            return new Plan(Reference.NATIVE, null, true);
        }
        FamilyReferences.Fallback fallback = FamilyReferences.of(family);
        if (fallback.references().isEmpty()) {
            return new Plan(null, refs.whyNot(Reference.NATIVE) + ", and no emulator agrees with hardware on this family: "
                    + fallback.why(), false);
        }
        for (Reference r : fallback.references()) {
            if (refs.available(r)) {
                return new Plan(r, null, true);
            }
        }
        String missing = fallback.references().stream().map(refs::whyNot).collect(Collectors.joining("; "));
        return new Plan(null, refs.whyNot(Reference.NATIVE) + ", and its fallback cannot run: " + missing, true);
    }

    private void runReference(Reference r, Path dir, List<Integer> indices) throws IOException, InterruptedException {
        ReferenceRunner runner = build(r, dir, snippets);
        List<SnippetCode> placed = runner.code();
        List<CaseInput> mine = indices.stream().map(cases::get).toList();
        List<Outcome> outcomes = runner.run(mine);
        for (int k = 0; k < indices.size(); k++) {
            reference.put(indices.get(k), outcomes.get(k));
        }
        code.put(r, placed);
        emulators.put(r, new EmulatorHarness(placed));
        Map<Integer, Long> exceptions = new TreeMap<>(outcomes.stream().filter(Outcome::faulted)
                .collect(Collectors.groupingBy(Outcome::vector, Collectors.counting())));
        System.out.printf("%s: %s ran %d cases, exceptions by vector %s%n", name, r, mine.size(), exceptions);
    }

    static ReferenceRunner build(Reference r, Path dir, List<Snippet> snippets) throws IOException, InterruptedException {
        return switch (r) {
            case NATIVE, QEMU_USER -> NativeRunner.build(dir, snippets, r);
            case QEMU_SYSTEM -> QemuSystemRunner.build(dir, snippets);
            case BOCHS -> BochsRunner.build(dir, snippets);
        };
    }

    private void printSummary() {
        StringBuilder s = new StringBuilder(String.format("%s: seed 0x%x, %d snippets, %d cases; reference per family:%n",
                name, seed, snippets.size(), cases.size()));
        plans.forEach((family, plan) -> s.append(String.format("  %-11s %s%n", family,
                plan.reference() != null ? plan.reference() + (plan.reference() == Reference.NATIVE ? "" : " (" + FamilyReferences.of(family).why() + ")")
                        : "not run: " + plan.notRun())));
        System.out.print(s);
    }

    /** The families this run compared, each with the reference it used. */
    Map<String, Reference> references() {
        Map<String, Reference> out = new LinkedHashMap<>();
        plans.forEach((family, plan) -> out.put(family, plan.reference()));
        return out;
    }

    /** The number of cases of a family. */
    long cases(String family) {
        return byFamily.get(family).size();
    }

    /** The number of cases a reference answered for a family (0 when it did not run). */
    long answered(String family) {
        return byFamily.get(family).stream().filter(reference::containsKey).count();
    }

    Stream<DynamicTest> tests() {
        return plans.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> check(e.getKey(), e.getValue())));
    }

    private void check(String family, Plan plan) {
        if (plan.reference() == null) {
            if (CI && plan.couldRun()) {
                fail("CI=true but the " + family + " family did not run: " + plan.notRun());
            }
            assumeTrue(false, family + " not run on this host: " + plan.notRun());
        }
        EmulatorHarness emulator = emulators.get(plan.reference());
        List<SnippetCode> placed = code.get(plan.reference());
        // One report per failing snippet (its first failing case), and a count for each.
        Map<Integer, String> firstFailure = new LinkedHashMap<>();
        Map<Integer, Integer> failuresPerSnippet = new LinkedHashMap<>();
        for (int i : byFamily.get(family)) {
            CaseInput in = cases.get(i);
            Snippet snippet = snippets.get(in.snippet());
            Outcome expected = reference.get(i);
            Outcome actual = emulator.run(in);
            String diff = Comparison.differences(snippet, in, expected, actual);
            if (diff != null) {
                failuresPerSnippet.merge(in.snippet(), 1, Integer::sum);
                firstFailure.computeIfAbsent(in.snippet(), k -> report(plan.reference(), snippet, placed.get(k).bytes(), in, expected, actual, diff));
            }
        }
        if (!firstFailure.isEmpty()) {
            StringBuilder m = new StringBuilder(String.format("%s: %d of %d snippets differ from %s (seed 0x%x):%n",
                    family, firstFailure.size(), byFamily.get(family).stream().map(i -> cases.get(i).snippet()).distinct().count(),
                    plan.reference(), seed));
            failuresPerSnippet.forEach((k, n) -> m.append(String.format("  %3d of %3d cases: %s%n", n,
                    snippets.get(k).cases() * scale, snippets.get(k).oneLine())));
            firstFailure.values().stream().limit(REPORTED).forEach(m::append);
            fail(m.toString());
        }
    }

    private String report(Reference r, Snippet snippet, byte[] bytes, CaseInput in, Outcome expected, Outcome emulator, String diff) {
        return "  snippet:  " + snippet.oneLine() + "   [" + HexFormat.of().formatHex(bytes) + "]\n"
                + "  input:    " + in.describe() + "\n"
                + "  " + String.format("%-10s", r + ":") + expected.describe() + "\n"
                + "  emulator: " + emulator.describe() + "\n"
                + "  differs:  " + diff + "\n"
                + "  rerun:    mvn -B -q -pl x86-emulator -am test -Dtest=NativeDifferentialTest -Dsurefire.failIfNoSpecifiedTests=false"
                + String.format(" -Ddifftest.reference=%s -Ddifftest.seed=0x%x '-Ddifftest.only=%s'%n", r, seed, snippet.oneLine());
    }
}
