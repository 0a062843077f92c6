package dev.vivarium.x86.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The cpuburn guest changes its load by a console line, as experiments drive it: "duty=N" on
 * its serial input is confirmed and makes it busy for N percent of each period from the next
 * one; malformed lines and duties above 100 change nothing.
 */
class ConsoleLoadTest {

    /** Guest time follows instructions (100 per microsecond), so a period of 20 ms is 2,000,000 of them. */
    private static final long PERIOD = 2_000_000;

    @Test
    void aDutyLineOnTheConsoleChangesTheLoad() throws Exception {
        CaptureRestoreTest.Run run = new CaptureRestoreTest.Run(PcMachine.create(new MachineConfig(16 << 20,
                new MachineConfig.MultibootKernel(TestImages.image("cpuburn"), "duty=10 period_ms=20 report=0"), null, false,
                MachineConfig.DEFAULT_START_EPOCH_NANOS)));
        run.advance(PERIOD);
        assertThat(run.serial.toString()).contains("cpuburn duty 10% of 20 ms");
        busyOver(run, 5);

        type(run, "duty=150\nduty=x\nload=50\n");
        busyOver(run, 2);
        assertThat(run.serial.toString()).doesNotContain("cpuburn duty 150%").doesNotContain("cpuburn duty 50%");

        type(run, "duty=80\n");
        busyOver(run, 2);
        assertThat(run.serial.toString()).contains("cpuburn duty 80%\n");
        assertThat(busyOver(run, 5)).as("instructions over five periods at 80%").isGreaterThan(5 * PERIOD * 7 / 10);
        run.machine.close();
    }

    private static void type(CaptureRestoreTest.Run run, String text) {
        run.machine.chipset().serial().input().write(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Instructions executed over {@code periods} periods of guest time: the driver skips idle time,
     * so the guest clock advances by the idle spans as well as by the instructions.
     */
    private static long busyOver(CaptureRestoreTest.Run run, int periods) {
        long startNanos = run.machine.clock().nanos();
        long startInstructions = run.machine.cpu().instructions();
        while (run.machine.clock().nanos() - startNanos < periods * 20_000_000L) {
            run.advance(1_000);
        }
        return run.machine.cpu().instructions() - startInstructions;
    }
}
