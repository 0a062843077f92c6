package dev.vivarium.node.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short forms of the two migration commands, between real node processes: the counter
 * migrated a few times (the command does 50), and the side-by-side benchmark for one small case
 * with one run of each system.
 */
class MigrationCommandsTest {

    /** Kept when a test fails: the hosts' logs ({@code lab/host-N.log}) say what happened. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void theCounterMigratedBackAndForthNeverSkipsOrRepeatsALineAndEndsInTheReferenceRunsState() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CounterMigrations.Report report = CounterMigrations.run(4, dir.resolve("lab"), new PrintStream(log, true, StandardCharsets.UTF_8));
        System.out.println(dir + ":\n" + log.toString(StandardCharsets.UTF_8) + report.text());
        assertThat(report.problems()).as(log.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(report.migrations()).isEqualTo(4);
        // How far the guest got between the two snapshots depends on the machine; that it ran across all four does not.
        assertThat(report.instructionsCompared()).as("the reference ran the guest across the migrations").isPositive();
        assertThat(report.lastNumber() - report.firstNumber()).isGreaterThanOrEqualTo(10);
        assertThat(report.downtimesMs()).hasSize(4).allSatisfy(d -> assertThat(d).isPositive());
        assertThat(report.text()).contains("4 migrations of counter", "byte-identical to a run without migration: true");
    }

    @Test
    void theBenchmarkMeasuresOursAndQemusSideBySide() throws Exception {
        boolean qemu = VmotionBench.findQemu() != null;
        assumeTrue(qemu || System.getenv("CI") != null, "qemu-system-i386 is not installed (Debian: qemu-system-x86)");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        VmotionReport report = new VmotionBench(new VmotionBench.Plan(List.of(16), List.of(VmotionBench.WORKLOADS.get(1)), 1, 5,
                true, dir.resolve("lab")), new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertThat(report.runs()).as(log.toString(StandardCharsets.UTF_8)).hasSize(3);
        assertThat(report.runs()).allSatisfy(r -> {
            assertThat(r.completed()).as(r.toString()).isTrue();
            assertThat(r.downtimeMs()).as(r.toString()).isPositive();
            assertThat(r.totalMs()).as(r.toString()).isGreaterThanOrEqualTo(r.qemuDowntimeMs());
            assertThat(r.bytes()).as(r.toString()).isPositive();
        });
        assertThat(report.runs()).extracting(VmotionBench.Run::system)
                .containsExactly("Vivarium, budget 5 ms", "QEMU, limit 300 ms", "QEMU, limit 5 ms");
        assertThat(report.markdown()).contains("| 16 MiB | 1mib | Vivarium, budget 5 ms |", "| 16 MiB | 1mib | QEMU, limit 300 ms |");
        JsonNode json = Json.MAPPER.readTree(report.json());
        assertThat(json.path("runs")).hasSize(3);
        assertThat(json.path("machine").path("cpus").asInt()).isPositive();
    }
}
