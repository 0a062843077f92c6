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
 * The soak's short form: two rounds of random single faults (kill, freeze, datastore-off, and a
 * partition where the lab has its own network namespace) on a three-node lab, each healed; after
 * each, every VM that should run runs on exactly one host at the epoch its lease names. The seed
 * is printed (and in the failure message) so a failing sequence replays with
 * {@code vivarium bench soak --seed S}; the long form is that command.
 */
class SoakTest {

    @TempDir
    Path scratch;

    private Path lab;

    @AfterEach
    void tearDown() throws Exception {
        LabProcesses.killAll(lab);
    }

    @Test
    void randomSingleFaultsLeaveEveryVmOnExactlyOneHost() throws Exception {
        lab = scratch.resolve("lab");
        Cli cli = new Cli(scratch);
        Cli.Result up = cli.run(Duration.ofSeconds(660), "lab", "up", "--nodes", "3", "--vms", "2", "--timeout", "600",
                "--dir", lab.toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();
        long seed = new Random().nextLong();
        System.out.println("soak seed " + seed);
        Cli.Result soak = cli.run(Duration.ofSeconds(1200), "bench", "soak", "--rounds", "2", "--seed", Long.toString(seed),
                "--dir", lab.toString());
        assertThat(soak.exit()).as("seed " + seed + ":\n" + soak.out() + soak.err()).isZero();
        assertThat(soak.out()).contains("soak passed (seed " + seed + ")", "round 2:");
    }
}
