package dev.vivarium.x86.bench;

import dev.vivarium.x86.cli.X86Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `x86 bench overhead` end to end on tiny parameters: the three places agree, and the table and
 * the JSON have their shape. Speeds are not asserted (they depend on the machine). Needs QEMU,
 * and gcc and make unless the native builds exist: skipped without them, unless CI=true.
 */
class OverheadCommandTest {

    /** No decompression at all, five compilations, and small sizes for the others: a few million instructions each. */
    private static final String[] TINY = {"--cmdline", "unpack=rounds=0", "--cmdline", "compile=compiles=5 runs=0",
            "--cmdline", "sort=n=2000 rounds=1", "--cmdline", "sieve=limit=100000 rounds=1", "--cmdline",
            "matrix=n=32 rounds=1", "--cmdline", "bignum=digits=600", "--cmdline", "mix=rounds=1"};

    private record Outcome(int status, String out, String err) {
    }

    @Test
    void jsonHasEveryFigureAndTheOutputsAgree() throws IOException {
        requireHostTools();
        Outcome r = bench("--runs", "2", "--json");
        assertThat(r.status()).as(r.err()).isZero();

        Map<?, ?> report = (Map<?, ?>) JsonTree.parse(r.out());
        assertThat(report.get("runs")).isEqualTo(2.0);
        Map<?, ?> machine = (Map<?, ?>) report.get("machine");
        assertThat((Double) machine.get("cpus")).isPositive();
        assertThat((String) machine.get("qemu")).startsWith("QEMU emulator version");

        List<?> workloads = (List<?>) report.get("workloads");
        assertThat(workloads.stream().<Object>map(w -> ((Map<?, ?>) w).get("name")).toList())
                .containsExactly("unpack", "compile", "sort", "sieve", "matrix", "bignum", "mix");
        Map<?, ?> unpack = (Map<?, ?>) workloads.get(0);
        Map<?, ?> compile = (Map<?, ?>) workloads.get(1);
        assertThat((String) unpack.get("output")).endsWith("unpack ok\n").doesNotContain("unpack round");
        // the bytecode hash alone when the program is not run; the same in all three places
        assertThat((String) compile.get("output")).endsWith("compile ok checksum 7e60f5dd\n");
        for (Object o : workloads) {
            Map<?, ?> w = (Map<?, ?>) o;
            assertThat((Double) w.get("instructions")).isGreaterThan(1e6);
            for (String place : List.of("native", "qemu", "vivarium", "vivariumWhole")) {
                Map<?, ?> p = (Map<?, ?>) w.get(place);
                assertThat((List<?>) p.get("seconds")).as(place).hasSize(2);
                assertThat((Double) p.get("medianSeconds")).as(place).isPositive();
                assertThat((Double) p.get("mips")).as(place).isPositive();
            }
            Map<?, ?> vivarium = (Map<?, ?>) w.get("vivarium");
            assertThat((Double) vivarium.get("warmupSeconds")).isPositive();
            double overNative = (Double) w.get("vivariumOverNative");
            assertThat(overNative).isEqualTo((Double) vivarium.get("medianSeconds")
                    / (Double) ((Map<?, ?>) w.get("native")).get("medianSeconds"));
            assertThat((Double) w.get("overheadPercent")).isCloseTo((overNative - 1) * 100,
                    within(1e-9));
            assertThat((Double) w.get("vivariumWholeOverQemuWhole")).isEqualTo(
                    (Double) ((Map<?, ?>) w.get("vivariumWhole")).get("medianSeconds")
                            / (Double) ((Map<?, ?>) w.get("qemu")).get("medianSeconds"));
            if (w == unpack || w == compile) {
                assertThat(List.<Object>copyOf(((Map<?, ?>) w.get("seed")).keySet()))
                        .containsExactly("test", "nativeSeconds", "vmSeconds", "overheadPercent", "lossPercent");
            } else {
                assertThat(w.containsKey("seed")).as("the seed measured unpacking and compiling only").isFalse();
            }
        }
    }

    @Test
    void theTableHasOneRowPerWorkloadAndTheConditions() {
        requireHostTools();
        Outcome r = bench("--runs", "1");
        assertThat(r.status()).as(r.err()).isZero();

        List<String> lines = r.out().lines().toList();
        int columns = MarkdownReport.COLUMNS.size();
        assertThat(cells(lines.get(0))).containsExactlyElementsOf(MarkdownReport.COLUMNS);
        assertThat(cells(lines.get(1))).hasSize(columns).containsOnly("---");
        assertThat(cells(lines.get(2))).hasSize(columns).first().isEqualTo("`unpack rounds=0`");
        assertThat(cells(lines.get(3))).hasSize(columns).first().isEqualTo("`compile compiles=5 runs=0`");
        assertThat(cells(lines.get(8))).hasSize(columns).first().isEqualTo("`mix rounds=1`");
        assertThat(cells(lines.get(2)).get(10)).isEqualTo("+42.6 % (30 %)");
        assertThat(cells(lines.get(3)).get(10)).isEqualTo("+27.1 % (21 %)");
        assertThat(cells(lines.get(4)).get(10)).isEqualTo("not measured");
        assertThat(cells(lines.get(4)).get(5)).as("a whole run").endsWith(" s");
        assertThat(lines.get(9)).isEmpty();
        assertThat(lines.get(10)).startsWith("Medians of 1 runs each");
        assertThat(lines).anyMatch(l -> l.startsWith("Machine: ") && l.contains("Load average"));
        // progress goes to stderr, so stdout is only the report
        assertThat(r.err()).contains("vivarium: unpack run 1/1: native");
    }

    /** A native build that prints something else than the guest: the benchmark stops and says where. */
    @Test
    void aRunThatPrintsSomethingElseStopsTheBenchmark(@TempDir Path dir) throws IOException {
        requireHostTools();
        Path guests = dir.resolve("guests");
        Files.createDirectories(guests.resolve("images"));
        Path repoGuests = repositoryGuests();
        for (String image : List.of("hello.elf", "unpack.elf")) {
            Files.copy(repoGuests.resolve("images").resolve(image), guests.resolve("images").resolve(image));
        }
        Path fake = Files.createDirectories(guests.resolve("build/native")).resolve("unpack");
        Files.writeString(fake, "#!/bin/sh\necho 'unpack archive 1 bytes, 1 blocks, 1 bytes unpacked'\necho 'unpack ok'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

        Outcome r = run("bench", "overhead", "--runs", "1", "--workloads", "unpack", "--cmdline", "unpack=rounds=0",
                "--guests", guests.toString());
        assertThat(r.status()).isEqualTo(OverheadCommand.FAILED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("unpack printed something else in QEMU than natively: line 1: "
                + "native 'unpack archive 1 bytes, 1 blocks, 1 bytes unpacked', here 'unpack archive 988269 bytes");
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(run("bench", "overhead", "--workloads", "unpack,linux").status()).isEqualTo(2);
        assertThat(run("bench", "overhead", "--cmdline", "linux=make").status()).isEqualTo(2);
        assertThat(run("bench", "overhead", "--runs", "0").status()).isEqualTo(2);
        Outcome missing = run("bench", "overhead", "--guests", "/nonexistent");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("holds no images/ directory");
    }

    /**
     * Whole runs through a launcher that starts this JVM's classes as {@code vivarium x86} would:
     * the repository's launcher would build the cluster's jar first.
     */
    private static Path launcher() {
        try {
            Path script = Files.createTempFile("vivarium-launcher", ".sh");
            script.toFile().deleteOnExit();
            String java = ProcessHandle.current().info().command().orElse("java");
            Files.writeString(script, "#!/bin/sh\n[ \"$1\" = x86 ] && shift\nexec '" + java + "' -cp '"
                    + System.getProperty("java.class.path") + "' " + X86Command.class.getName() + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            return script;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Outcome bench(String... extra) {
        List<String> args = new ArrayList<>(List.of("bench", "overhead", "--guests", repositoryGuests().toString(),
                "--launcher", launcher().toString()));
        args.addAll(Arrays.asList(TINY));
        args.addAll(Arrays.asList(extra));
        return run(args.toArray(String[]::new));
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new X86Command());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new Outcome(status, out.toString(), err.toString());
    }

    private static List<String> cells(String row) {
        assertThat(row).startsWith("| ").endsWith(" |");
        return Arrays.stream(row.substring(2, row.length() - 2).split(" \\| ")).toList();
    }

    private static Path repositoryGuests() {
        return GuestsDirectory.find().orElseThrow(() -> new IllegalStateException("guests/images not found above "
                + GuestsDirectory.start()));
    }

    /** QEMU, and the native builds or the tools to make them; a skip with the reason, or a failure under CI. */
    private static void requireHostTools() {
        Path guests = repositoryGuests();
        boolean nativeBuilt = Workload.NAMES.stream()
                .allMatch(n -> Files.isExecutable(new Workload(n, "").nativeBinary(guests)));
        String missing = HostProcess.onPath(HostTools.QEMU) == null ? HostTools.QEMU + " (apt-get install -y qemu-system-x86)"
                : !nativeBuilt && (HostProcess.onPath("gcc") == null || HostProcess.onPath("make") == null)
                ? "gcc and make, to build guests/build/native" : null;
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true but the overhead benchmark cannot run: missing " + missing);
        }
        System.out.println("SKIPPED OverheadCommandTest: missing " + missing);
        assumeTrue(false, "missing " + missing);
    }
}
