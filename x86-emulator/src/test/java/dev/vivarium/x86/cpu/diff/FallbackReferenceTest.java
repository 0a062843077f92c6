package dev.vivarium.x86.cpu.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The fallback references, forced as {@code VIVARIUM_NATIVE32=off} forces them, on any host (one
 * that runs 32-bit code too): every family with a fallback must run against the first of its
 * references available here, give an answer for each of its cases, and agree with the emulator.
 * A family that should run and gives no result fails. A few cases per snippet keep it short; the
 * full run is NativeDifferentialTest's.
 */
class FallbackReferenceTest {

    private static final int CASES_PER_SNIPPET = 2;

    @TestFactory
    Stream<DynamicTest> everyFamilyRunsAgainstItsFallback() throws Exception {
        DifferentialRun run = new DifferentialRun("FallbackReferenceTest", Path.of("target", "difftest-fallback").toAbsolutePath(),
                true, null, "", NativeDifferentialTest.SEED, 1, CASES_PER_SNIPPET);
        Map<String, Reference> used = run.references();
        Stream<DynamicTest> coverage = Stream.of(DynamicTest.dynamicTest("every family has a fallback and none runs natively", () -> {
            assertEquals(FamilyReferences.families(), used.keySet(), "families of the catalog and of the fallback table");
            used.forEach((family, reference) -> assertTrue(reference != Reference.NATIVE, family + " ran natively although forced off"));
        }));
        Stream<DynamicTest> answered = used.keySet().stream().map(family -> DynamicTest.dynamicTest(family + " answered", () -> {
            Reference reference = used.get(family);
            if (reference != null) {
                assertTrue(FamilyReferences.of(family).references().contains(reference), family + " ran against " + reference
                        + ", which is not among its fallbacks " + FamilyReferences.of(family).references());
                assertTrue(run.answered(family) > 0, family + " ran against " + reference + " but gave no result");
                assertEquals(run.cases(family), run.answered(family), family + ": cases answered by " + reference);
            }
        }));
        return Stream.of(coverage, answered, run.tests()).flatMap(s -> s);
    }
}
