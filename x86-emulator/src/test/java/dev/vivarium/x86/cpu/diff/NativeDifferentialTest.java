package dev.vivarium.x86.cpu.diff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Differential tests of the CPU against the host processor: every snippet runs natively in a
 * 32-bit process and in the emulator (flat 32-bit protected mode at CPL 3, as the process runs)
 * from the same registers, flags and memory, and what the Intel SDM defines of the outcome must
 * agree: registers, EFLAGS, the data buffer, and the exception (vector and restart point) if one
 * was raised. One dynamic test per instruction family.
 *
 * <p>System properties: {@code difftest.seed} (default fixed), {@code difftest.scale} (cases per
 * snippet multiplier, default 1), {@code difftest.only} (run only snippets whose source contains it).
 * Needs gcc with 32-bit support (Debian gcc-multilib); skipped without it unless CI=true.
 */
class NativeDifferentialTest {

    private static final long SEED = Long.decode(System.getProperty("difftest.seed", "0x19850386"));
    private static final int SCALE = Integer.getInteger("difftest.scale", 1);
    private static final String ONLY = System.getProperty("difftest.only", "");
    private static final int REPORTED = 8;

    @TestFactory
    Stream<DynamicTest> hostAndEmulatorAgree() throws Exception {
        Path dir = Path.of("target", "difftest").toAbsolutePath();
        Optional<String> unavailable = NativeRunner.unavailableReason(dir);
        if (unavailable.isPresent()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true but the native differential tests cannot run: " + unavailable.get());
            }
            System.out.println("SKIPPED NativeDifferentialTest: " + unavailable.get());
            return Stream.of(DynamicTest.dynamicTest("native toolchain", () -> assumeTrue(false, unavailable.get())));
        }
        List<Snippet> snippets = SnippetCatalog.snippets(ONLY);
        assertFalse(snippets.isEmpty(), "no snippet matches difftest.only=" + ONLY);
        NativeRunner runner = NativeRunner.build(dir, snippets);
        List<SnippetCode> code = runner.code();
        List<CaseInput> cases = SnippetCatalog.cases(snippets, SEED, SCALE);
        List<Outcome> host = runner.run(cases);
        Map<Integer, Long> exceptions = new TreeMap<>(host.stream().filter(Outcome::faulted)
                .collect(Collectors.groupingBy(Outcome::vector, Collectors.counting())));
        System.out.printf("NativeDifferentialTest: seed 0x%x, %d snippets, %d cases, host exceptions by vector %s%n",
                SEED, snippets.size(), cases.size(), exceptions);

        EmulatorHarness emulator = new EmulatorHarness(code);
        Map<String, List<Integer>> byFamily = new LinkedHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            byFamily.computeIfAbsent(snippets.get(cases.get(i).snippet()).family(), f -> new ArrayList<>()).add(i);
        }
        return byFamily.entrySet().stream().map(family -> DynamicTest.dynamicTest(family.getKey(), () -> {
            // One report per failing snippet (its first failing case), and a count for each.
            Map<Integer, String> firstFailure = new LinkedHashMap<>();
            Map<Integer, Integer> failuresPerSnippet = new LinkedHashMap<>();
            for (int i : family.getValue()) {
                CaseInput in = cases.get(i);
                Snippet snippet = snippets.get(in.snippet());
                Outcome actual = emulator.run(in);
                String diff = Comparison.differences(snippet, in, host.get(i), actual);
                if (diff != null) {
                    failuresPerSnippet.merge(in.snippet(), 1, Integer::sum);
                    firstFailure.computeIfAbsent(in.snippet(), k -> report(snippet, code.get(k).bytes(), in, host.get(i), actual, diff));
                }
            }
            if (!firstFailure.isEmpty()) {
                StringBuilder m = new StringBuilder(String.format("%s: %d of %d snippets differ from the host (seed 0x%x):%n",
                        family.getKey(), firstFailure.size(), family.getValue().stream().map(i -> cases.get(i).snippet()).distinct().count(), SEED));
                failuresPerSnippet.forEach((k, n) -> m.append(String.format("  %3d of %3d cases: %s%n", n,
                        snippets.get(k).cases() * SCALE, snippets.get(k).oneLine())));
                firstFailure.values().stream().limit(REPORTED).forEach(m::append);
                fail(m.toString());
            }
        }));
    }

    private static String report(Snippet snippet, byte[] code, CaseInput in, Outcome host, Outcome emulator, String diff) {
        return "  snippet:  " + snippet.oneLine() + "   [" + HexFormat.of().formatHex(code) + "]\n"
                + "  input:    " + in.describe() + "\n"
                + "  host:     " + host.describe() + "\n"
                + "  emulator: " + emulator.describe() + "\n"
                + "  differs:  " + diff + "\n"
                + "  rerun:    mvn -B -q -pl x86-emulator -am test -Dtest=NativeDifferentialTest -Dsurefire.failIfNoSpecifiedTests=false"
                + String.format(" -Ddifftest.seed=0x%x '-Ddifftest.only=%s'%n", SEED, snippet.oneLine());
    }
}
