package dev.vivarium.x86.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runner end to end on hand-made suites, with the real processor. */
class ConformanceRunnerTest {

    @TempDir
    Path dir;

    private static RunResult run(RunOptions options, Path... paths) {
        return new ConformanceRunner(options).run(SuiteFile.resolve(List.of(paths)));
    }

    @Test
    void passesFailsAndKeepsTheFirstFailuresInDetail() {
        Fixtures.suite(dir, "40.json.gz", Fixtures.incAx(0, 2, 2), Fixtures.incAx(1, 3, 2), Fixtures.incAx(2, 4, 2));
        RunResult r = run(RunOptions.defaults().withKeepFailures(1), dir);
        assertThat(r.passed()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(2);
        FormTally f = r.forms().get(0);
        assertThat(f.form()).isEqualTo("40");
        assertThat(f.failures()).hasSize(1);
        assertThat(f.failures().get(0).test().index()).isEqualTo(1);
        assertThat(f.failures().get(0).mismatches()).containsExactly(new Mismatch("ax", "0003", "0002"));
    }

    @Test
    void flagsBitsTwelveToFifteenAreClearedBeforeTheTest() {
        // INC AX from 1 leaves every flag INC defines clear; the random high bits must not survive
        Fixtures.suite(dir, "40.json.gz", Fixtures.incAx(0, 2, 0xF002));
        assertThat(run(RunOptions.defaults(), dir).passed()).isEqualTo(1);
    }

    @Test
    void revokedAndKnownDifferentTestsAreSkipped() throws IOException {
        String locked = Fixtures.incAx(1, 2, 2).replace("\"bytes\":[64,244]", "\"bytes\":[240,64,244]");
        Fixtures.suite(dir, "40.json.gz", Fixtures.incAx(0, 2, 2), locked, Fixtures.incAx(2, 2, 2));
        Files.writeString(dir.resolve(SuiteFile.REVOCATIONS), "# bad\nhash2\n");
        RunResult r = run(RunOptions.defaults(), dir);
        assertThat(r.passed()).isEqualTo(1);
        assertThat(r.skipped()).isEqualTo(2);
        assertThat(r.skippedByReason()).containsEntry("revoked", 1).containsEntry("LOCK_NOT_LOCKABLE", 1);
    }

    @Test
    void firstNAndFormFilter() throws IOException {
        Fixtures.suite(dir, "40.json.gz", Fixtures.incAx(0, 2, 2), Fixtures.incAx(1, 9, 2));
        Files.copy(dir.resolve("40.json.gz"), dir.resolve("41.json.gz"));
        assertThat(run(RunOptions.defaults().withFirstPerFile(1), dir).failed()).isZero();
        RunResult only41 = run(RunOptions.defaults().withForms(Set.of("41")), dir);
        assertThat(only41.forms()).extracting(FormTally::form).containsExactly("41");
        assertThat(only41.passed()).isEqualTo(1);
        assertThat(only41.failed()).isEqualTo(1);
        assertThatThrownBy(() -> run(RunOptions.defaults().withForms(Set.of("F7.6")), dir))
                .isInstanceOf(ConformanceInputException.class).hasMessageContaining("no test file of form 'F7.6'");
    }

    @Test
    void aCorruptFileStopsTheRunWithBadInput() throws IOException {
        Fixtures.suite(dir, "40.json.gz", Fixtures.incAx(0, 2, 2));
        Files.write(dir.resolve("41.json.gz"), new byte[] {0x1F, (byte) 0x8B, 8, 0, 0, 0});
        assertThatThrownBy(() -> run(RunOptions.defaults(), dir))
                .isInstanceOf(ConformanceInputException.class).hasMessageContaining("41.json.gz");
    }

    @Test
    void pathsThatNameNoTestsAreBadInput() throws IOException {
        assertThatThrownBy(() -> SuiteFile.resolve(List.of(dir.resolve("missing"))))
                .hasMessageContaining("no such file or folder");
        assertThatThrownBy(() -> SuiteFile.resolve(List.of(dir))).hasMessageContaining("no .json.gz test files");
        Fixtures.writeGz(dir.resolve("40.json.gz"), "[]");
        assertThatThrownBy(() -> SuiteFile.resolve(List.of(dir))).hasMessageContaining("no metadata.json");
        Files.writeString(dir.resolve(SuiteFile.METADATA), Fixtures.METADATA);
        assertThat(SuiteFile.resolve(List.of(dir.resolve("40.json.gz")))).extracting(SuiteFile::form)
                .containsExactly("40");
        assertThat(SuiteFile.resolve(List.of(dir, dir.resolve("40.json.gz")))).hasSize(1);
    }
}
