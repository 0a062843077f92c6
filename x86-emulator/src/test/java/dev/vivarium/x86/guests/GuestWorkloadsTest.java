package dev.vivarium.x86.guests;

import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import dev.vivarium.x86.machine.TestImages;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every guest test case boots in Vivarium and prints exactly what the native build and QEMU
 * print (guests/tests/NAME.out, which guests/test.sh checks against both), with the same exit code.
 */
class GuestWorkloadsTest {

    static Path guests() {
        return TestImages.guests();
    }

    static List<GuestCase> cases() {
        return GuestCase.all(guests());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void runsAsNativeAndQemuDo(GuestCase c, @TempDir Path temp) throws Exception {
        byte[] image = Files.readAllBytes(guests().resolve("images/" + c.workload() + ".elf"));
        // Every case gets a fresh zeroed 1 MiB disk, as guests/test.sh gives QEMU and the native build has.
        Path disk = Files.write(temp.resolve("disk.img"), new byte[1 << 20]);
        MachineConfig config = new MachineConfig(64 << 20, new MachineConfig.MultibootKernel(image, c.cmdline()),
                disk, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        int exit;
        try (PcMachine machine = PcMachine.create(config)) {
            machine.chipset().serial().output().subscribe(serial::write);
            exit = runToExit(machine);
        }
        String expected = Files.readString(guests().resolve("tests/" + c.name() + ".out"));
        assertThat(serial.toString()).isEqualTo(expected);
        assertThat(exit).isEqualTo(c.exitCode());
    }

    /** Runs until the guest exits through port 0xF4, skipping idle time; anything else fails the test. */
    private static int runToExit(PcMachine machine) {
        long limit = 5_000_000_000L;
        while (machine.cpu().instructions() < limit) {
            RunResult r = machine.run(50_000_000);
            if (r instanceof RunResult.Exited e) {
                return e.code();
            } else if (r instanceof RunResult.Halted h) {
                assertThat(h.untilNanos()).as("halted with no timer armed").isLessThan(Long.MAX_VALUE);
                machine.idleUntil(h.untilNanos());
            } else if (!(r instanceof RunResult.BudgetUsed)) {
                throw new AssertionError("the guest stopped without exiting: " + r);
            }
        }
        throw new AssertionError("no exit within " + limit + " instructions");
    }
}
