package dev.vivarium.x86.machine;

import dev.vivarium.x86.guests.GuestCase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole machines with and without decoded blocks: every guest test case (guests/tests/cases.txt)
 * prints the same, exits the same, runs the same number of instructions and ends in a
 * byte-identical capture; and a block machine captured midway, restored into a fresh machine and
 * run on ends exactly as the interpreter machine run straight through.
 */
class BlockEngineMachineTest {

    static List<GuestCase> cases() {
        return GuestCase.all(TestImages.guests());
    }

    /** The workloads resumed from a capture taken midway, with small parameters (compile and unpack do one round). */
    static List<GuestCase> resumedCases() {
        return List.of(
                new GuestCase("hello", "hello", "", 0, "both"),
                new GuestCase("counter", "counter", "count=5 period_ms=20", 0, "both"),
                new GuestCase("memdirty", "memdirty", "wss_kb=512 rate_pages=16 periods=120 report=50", 0, "both"),
                new GuestCase("cpuburn", "cpuburn", "duty=40 period_ms=20 periods=12 report=4", 0, "both"),
                new GuestCase("compile", "compile", "compiles=1", 0, "both"),
                new GuestCase("unpack", "unpack", "rounds=1", 0, "both"));
    }

    /** What a run to the guest's exit leaves. */
    private record Outcome(String serial, int exitCode, long instructions, long blockInstructions, byte[] capture) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyGuestCaseRunsTheSameWithAndWithoutBlocks(GuestCase c, @TempDir Path temp) throws Exception {
        Outcome interpreted = runToExit(start(c, temp.resolve("interpreted.img"), false));
        Outcome blocks = runToExit(start(c, temp.resolve("blocks.img"), true));

        assertThat(interpreted.exitCode()).as("the case's own exit code").isEqualTo(c.exitCode());
        assertSame(blocks, interpreted);
        assertThat(interpreted.blockInstructions()).isZero();
        if (c.workload().equals("unpack") || c.workload().equals("compile")) {
            assertThat(blocks.blockInstructions()).as("a computing guest runs mostly in blocks")
                    .isGreaterThan(blocks.instructions() / 2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resumedCases")
    void aBlockRunCapturedMidwayAndRestoredEndsAsTheInterpreterRun(GuestCase c, @TempDir Path temp) throws Exception {
        Outcome interpreted = runToExit(start(c, temp.resolve("interpreted.img"), false));
        assertThat(interpreted.exitCode()).isEqualTo(c.exitCode());

        CaptureRestoreTest.Run first = start(c, temp.resolve("first.img"), true);
        first.advance(interpreted.instructions() / 2 + 7); // an odd point, inside whatever the guest is doing
        assertThat(first.finished).as("still running at the capture point").isFalse();
        byte[] state = first.machine.capture();
        first.machine.close();
        CaptureRestoreTest.Run resumed = new CaptureRestoreTest.Run(
                PcMachine.createForRestore(config(c, Files.copy(temp.resolve("first.img"), temp.resolve("resumed.img")))));
        resumed.machine.restore(state);
        resumed.serial.write(first.serial.toByteArray());
        assertSame(runToExit(resumed), interpreted);
    }

    private static void assertSame(Outcome blocks, Outcome interpreted) {
        assertThat(blocks.serial()).as("serial output").isEqualTo(interpreted.serial());
        assertThat(blocks.exitCode()).as("exit code").isEqualTo(interpreted.exitCode());
        assertThat(blocks.instructions()).as("instructions").isEqualTo(interpreted.instructions());
        assertThat(StateDiff.firstDifference(blocks.capture(), interpreted.capture())).as("final capture").isNull();
    }

    private static MachineConfig config(GuestCase c, Path disk) {
        return new MachineConfig(64 << 20, new MachineConfig.MultibootKernel(TestImages.image(c.workload()), c.cmdline()),
                disk, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
    }

    /** A machine of the case on a fresh zeroed 1 MiB disk (as GuestWorkloadsTest gives every case). */
    private static CaptureRestoreTest.Run start(GuestCase c, Path disk, boolean blocks) throws Exception {
        Files.write(disk, new byte[1 << 20]);
        PcMachine machine = PcMachine.create(config(c, disk));
        machine.cpu().setBlocksEnabled(blocks);
        return new CaptureRestoreTest.Run(machine);
    }

    private static Outcome runToExit(CaptureRestoreTest.Run run) throws IOException {
        run.advance(5_000_000_000L);
        assertThat(run.finished).as("the guest exits within 5e9 instructions").isTrue();
        Outcome o = new Outcome(run.serial.toString(), run.exitCode, run.machine.cpu().instructions(),
                run.machine.cpu().blockInstructions(), run.machine.capture());
        run.machine.close();
        return o;
    }
}
