package dev.vivarium.x86.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.vivarium.x86.conformance.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** `vivarium x86 conformance` as a user runs it: output and exit codes. */
class ConformanceCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "conformance";
        System.arraycopy(args, 0, full, 1, args.length);
        return new CommandLine(new X86Command())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(full);
    }

    /** One passing and one failing INC AX test in 40.json.gz. */
    private Path halfFailing() {
        return Fixtures.suite(dir, "40.json.gz", Fixtures.incAx(0, 2, 2), Fixtures.incAx(1, 3, 2));
    }

    @Test
    void allPassingExitsZeroWithOnlyTheTotalsLine() {
        Fixtures.suite(dir, "40.json.gz", Fixtures.incAx(0, 2, 2));
        assertThat(run(dir.toString())).isZero();
        assertThat(out.toString().lines()).containsExactly("1 passed, 0 failed, 0 skipped");
    }

    @Test
    void failuresPrintTheirFormAndExitOneBelowTheMinimumRate() {
        Path suite = halfFailing();
        assertThat(run(suite.toString())).isEqualTo(1);
        assertThat(out.toString().lines()).containsExactly("40: 1 failed of 2", "1 passed, 1 failed, 0 skipped");
        out.getBuffer().setLength(0);
        assertThat(run("--min-pass-rate", "50", suite.resolve("40.json.gz").toString())).isZero();
        assertThat(run("--min-pass-rate", "50.1", suite.toString())).isEqualTo(1);
    }

    @Test
    void jsonPrintsOnlyTheObject() throws IOException {
        Path suite = halfFailing();
        assertThat(run("--json", "--show-failures", "5", suite.toString())).isEqualTo(1);
        String json = out.toString().strip();
        assertThat(json).isEqualTo("{\"passed\":1,\"failed\":1,\"skipped\":0,"
                + "\"forms\":[{\"form\":\"40\",\"failed\":1,\"total\":2}]}");
        try (JsonParser p = new JsonFactory().createParser(json)) {
            while (p.nextToken() != null) {
                // parses to the end: one well-formed object
            }
        }
        assertThat(err.toString()).contains("40 #1 inc ax [40 F4]").contains("ax: expected 0003, got 0002");
    }

    @Test
    void showFailuresPrintsDetailsBeforeTheSummary() {
        Path suite = halfFailing();
        run("--show-failures", "1", suite.toString());
        assertThat(out.toString().lines()).containsExactly(
                "40 #1 inc ax [40 F4] hash hash1",
                "    initial ax=0001 bx=0000 cx=0000 dx=0000 cs=1000 ss=2000 ds=0000 es=0000 sp=0100 bp=0000"
                        + " si=0000 di=0000 ip=0100 flags=0002",
                "    ax: expected 0003, got 0002",
                "40: 1 failed of 2",
                "1 passed, 1 failed, 0 skipped");
    }

    @Test
    void aMissingPathIsExitTwo() {
        assertThat(run(dir.resolve("nowhere").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no such file or folder");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aCorruptGzipIsExitTwo() throws IOException {
        Fixtures.suite(dir, "40.json.gz", Fixtures.incAx(0, 2, 2));
        Files.write(dir.resolve("41.json.gz"), new byte[] {0x1F, (byte) 0x8B, 8, 0, 9, 9, 9, 9});
        assertThat(run(dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("41.json.gz");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void usageErrorsAreExitTwo() {
        assertThat(run()).isEqualTo(2); // no PATH
        assertThat(run("--min-pass-rate", "101", dir.toString())).isEqualTo(2);
        assertThat(run("--min-pass-rate", "lots", dir.toString())).isEqualTo(2);
        assertThat(run("--no-such-option", dir.toString())).isEqualTo(2);
    }
}
