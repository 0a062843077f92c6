package dev.vivarium.x86.cli;

import dev.vivarium.x86.machine.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The exit statuses and the --stats line of `vivarium x86 run`, as documented in its help. */
class RunCommandTest {

    @TempDir
    Path dir;

    /**
     * The command feeds stdin to the guest's serial port; in a test JVM stdin belongs to the
     * test runner (Surefire talks to its fork over it), so the command gets an empty input.
     */
    private java.io.InputStream savedIn;

    @org.junit.jupiter.api.BeforeEach
    void emptyStdin() {
        savedIn = System.in;
        System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
    }

    @org.junit.jupiter.api.AfterEach
    void restoreStdin() {
        System.setIn(savedIn);
    }

    private static int run(String... args) {
        return new CommandLine(new X86Command()).execute(args);
    }

    private Path file(String name, byte[] content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private Path hello() throws Exception {
        return file("hello.elf", TestImages.image("hello"));
    }

    @Test
    void guestExitCodeIsTheStatus() throws Exception {
        assertThat(run("run", hello().toString())).isZero();
        assertThat(run("run", hello().toString(), "--cmdline", "fault=ud")).isEqualTo(3);
    }

    @Test
    void budgetRunningOutIs124() throws Exception {
        Path counter = file("counter.elf", TestImages.image("counter"));
        assertThat(run("run", counter.toString(), "--max-instructions", "20000")).isEqualTo(124);
    }

    @Test
    void haltWithInterruptsOffIs123() throws Exception {
        Path flat = file("halt.bin", new byte[]{(byte) 0xFA, (byte) 0xF4}); // cli; hlt
        assertThat(run("run", flat.toString(), "--load", "0x20000", "--entry", "0x20000")).isEqualTo(123);
    }

    @Test
    void tripleFaultIs125() throws Exception {
        // lidt [0x20010] (a zero-limit IDT), int3: #GP, #DF, then shutdown.
        byte[] code = new byte[32];
        byte[] prog = {0x0F, 0x01, 0x1D, 0x10, 0x00, 0x02, 0x00, (byte) 0xCC};
        System.arraycopy(prog, 0, code, 0, prog.length);
        Path flat = file("triple.bin", code);
        assertThat(run("run", flat.toString(), "--load", "0x20000", "--entry", "0x20000")).isEqualTo(125);
    }

    @Test
    void refusedImageIs1AndUsageErrorsAre2() throws Exception {
        Path broken = file("broken.elf", new byte[]{0x7F, 'E', 'L', 'F', 1, 1});
        assertThat(run("run", broken.toString())).isEqualTo(1);
        assertThat(run("run", dir.resolve("missing.elf").toString())).isEqualTo(2);
        assertThat(run("run", hello().toString(), "--bios", hello().toString())).isEqualTo(2);
        assertThat(run("run", hello().toString(), "--memory", "12Q")).isEqualTo(2);
        assertThat(run("run", file("flat.bin", new byte[4]).toString())).isEqualTo(2); // not ELF, no --load
    }

    @Test
    void statsPrintOneJsonObjectOnStderr() throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = run("run", hello().toString(), "--stats");
        } finally {
            System.setErr(saved);
        }
        assertThat(status).isZero();
        String last = err.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).matches("\\{\"instructions\":\\d+,\"seconds\":[0-9.]+,\"mips\":[0-9.]+,"
                + "\"exitReason\":\"exit\",\"exitCode\":0,\"postCode\":null}");
    }

    /** Test ROMs report where they stopped by the last byte written to port 0x80. */
    @Test
    void statsReportTheLastPostCode() throws Exception {
        // mov al,0x20; out 0x80,al; mov al,0x21; out 0x80,al; cli; hlt
        Path flat = file("post.bin", new byte[]{(byte) 0xB0, 0x20, (byte) 0xE6, (byte) 0x80, (byte) 0xB0, 0x21,
                (byte) 0xE6, (byte) 0x80, (byte) 0xFA, (byte) 0xF4});
        String output = runCapturingStats(123, "run", flat.toString(), "--load", "0x20000", "--entry", "0x20000", "--stats");
        assertThat(output.strip().lines().reduce((a, b) -> b).orElseThrow())
                .endsWith("\"exitReason\":\"halted\",\"exitCode\":123,\"postCode\":\"0x21\"}");
    }

    /** A paced serial line takes guest time per byte, so the same output costs more instructions. */
    @Test
    void pacedSerialPrintsTheSameInMoreInstructions() throws Exception {
        String instant = runCapturingStdoutAndStats("run", hello().toString(), "--stats");
        String paced = runCapturingStdoutAndStats("run", hello().toString(), "--stats", "--paced-serial");
        assertThat(paced.lines().findFirst()).isEqualTo(instant.lines().findFirst());
        assertThat(instructions(paced)).isGreaterThan(instructions(instant) + 10_000);
    }

    private static long instructions(String output) {
        var m = java.util.regex.Pattern.compile("\\{\"instructions\":(\\d+)").matcher(output);
        assertThat(m.find()).as("a --stats line in %s", output).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Runs the command with stdout and stderr captured; returns stdout, then stderr. */
    private static String runCapturingStdoutAndStats(String... args) {
        return runCapturingStats(0, args);
    }

    private static String runCapturingStats(int expectedStatus, String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = run(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        assertThat(status).isEqualTo(expectedStatus);
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
