package dev.vivarium.node.ha;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.node.Cli;
import dev.vivarium.node.lab.LabProcesses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short forms of the two long commands, on one three-node lab: {@code bench failover} with one
 * kill, then {@code bench soak} with one round of a random single fault (kill, freeze,
 * datastore-off, and a partition where the lab has its own network namespace), healed; after it,
 * every VM that should run runs on exactly one host at the epoch its lease names. The seed is
 * printed (and in the failure message) so a failing sequence replays with
 * {@code vivarium bench soak --seed S}. Figures are the benchmark's business: only that each
 * command completes and what it checks holds is asserted here.
 */
class FailoverCommandsTest {

    @TempDir
    Path scratch;

    private Path lab;

    @AfterEach
    void tearDown() throws Exception {
        LabProcesses.killAll(lab);
    }

    @Test
    void benchFailoverAndASoakRoundCompleteWithEveryVmOnExactlyOneHost() throws Exception {
        lab = scratch.resolve("lab");
        Cli cli = new Cli(scratch);
        Cli.Result up = cli.run(Duration.ofSeconds(660), "lab", "up", "--nodes", "3", "--vms", "2", "--timeout", "600",
                "--dir", lab.toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();

        Cli.Result bench = cli.run(Duration.ofSeconds(900), "bench", "failover", "--runs", "1", "--kind", "kill",
                "--dir", lab.toString());
        assertThat(bench.exit()).as(bench.out() + bench.err()).isZero();
        assertThat(bench.out()).contains("kill (1 runs): median/worst");

        // The soak round: in one CI run it found a frozen host's VM shown at its stale epoch beside HA's restart
        // (a frozen host's last figures were taken for where the VM runs; HostFigures now takes the newest epoch).
        // -Dvivarium.test.soak.seed=S replays a sequence a run printed.
        long seed = Long.getLong("vivarium.test.soak.seed", new Random().nextLong());
        System.out.println("soak seed " + seed);
        Cli.Result soak = cli.run(Duration.ofSeconds(900), "bench", "soak", "--rounds", "1", "--seed", Long.toString(seed),
                "--dir", lab.toString());
        System.out.println(soak.out());
        assertThat(soak.exit()).as("seed " + seed + ":\n" + soak.out() + soak.err()).isZero();
        assertThat(soak.out()).contains("soak passed (seed " + seed + ")", "round 1:");
    }
}
