package dev.vivarium.x86.machine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resuming is bit-identical: running N instructions, capturing, restoring into a fresh machine
 * and running M more gives exactly the state and output of running N+M in one go.
 */
class CaptureRestoreTest {

    static Stream<Arguments> programs() {
        return Stream.of(
                // timer interrupts and idling (HLT with IF=1), the tools channel
                Arguments.of("counter", "count=20 period_ms=5", new long[]{1, 997, 12_345, 60_001, 150_000}),
                // the memset of 3 MiB is REP STOSB: these points fall inside it and the inflater
                Arguments.of("unpack", "rounds=1", new long[]{200_000, 1_500_003, 3_000_001, 6_000_017}),
                Arguments.of("compile", "compiles=3", new long[]{50_000, 333_333, 1_000_003, 3_500_001}),
                Arguments.of("memdirty", "wss_kb=256 rate_pages=8 period_ms=2 periods=30 report=5",
                        new long[]{10_000, 77_777, 300_001}),
                Arguments.of("cpuburn", "duty=50 period_ms=5 periods=10 report=2", new long[]{5_000, 123_457, 400_009}));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("programs")
    void captureAndRestoreAnywhereGivesTheSameRun(String program, String cmdline, long[] capturePoints) throws Exception {
        long total = capturePoints[capturePoints.length - 1] + 500_000;
        MachineConfig config = config(program, cmdline);

        Run straight = new Run(PcMachine.create(config));
        straight.advance(total);

        for (long point : capturePoints) {
            Run first = new Run(PcMachine.create(config));
            first.advance(point);
            assertResumesAsTheStraightRun(config, first, straight, total - point, point);
        }
        assertThat(straight.serial.toString()).isNotEmpty();
        straight.machine.close();
    }

    /**
     * A serial line paced at 115200 baud: the guest waits for THR empty before each byte, so at
     * capture points picked while a byte is on the wire (and others wait in the FIFO) the UART
     * is busy. Resuming there still gives the uninterrupted run's output and state.
     */
    @org.junit.jupiter.api.Test
    void captureWithTheUartBusyGivesTheSameRun() throws Exception {
        MachineConfig instant = config("hello", "name=paced");
        MachineConfig config = new MachineConfig(instant.memoryBytes(), instant.boot(), null, false,
                instant.startEpochNanos(), true);
        Run straight = new Run(PcMachine.create(config));
        java.util.List<Long> busyPoints = new java.util.ArrayList<>();
        while (!straight.finished) {
            straight.advance(1_777);
            if (!straight.finished && straight.machine.chipset().serial().transmitting() && busyPoints.size() < 40) {
                busyPoints.add(straight.machine.cpu().instructions());
            }
        }
        assertThat(busyPoints).as("capture points with a byte on the wire").hasSizeGreaterThanOrEqualTo(10);
        Run instantRun = new Run(PcMachine.create(instant));
        instantRun.advance(Long.MAX_VALUE / 4);
        assertThat(straight.serial.toString()).as("a paced line delivers what an instant one does")
                .isEqualTo(instantRun.serial.toString()).contains("paced");
        instantRun.machine.close();

        for (int k = 0; k < 6; k++) {
            long point = busyPoints.get(k * (busyPoints.size() - 1) / 5); // six points spread over the run
            Run first = new Run(PcMachine.create(config));
            first.advance(point);
            assertThat(first.machine.chipset().serial().transmitting()).as("UART busy at %d", point).isTrue();
            Run resumed = assertResumesAsTheStraightRun(config, first, straight, Long.MAX_VALUE / 4, point);
            assertThat(resumed.restoredBusy).as("still busy right after the restore at %d", point).isTrue();
        }
        straight.machine.close();
    }

    @org.junit.jupiter.api.Test
    void incrementalCapturesRestoreToTheSameState() throws Exception {
        MachineConfig config = config("memdirty", "wss_kb=512 rate_pages=16 period_ms=1 periods=200 report=50");
        Run run = new Run(PcMachine.create(config));
        run.advance(200_000);
        byte[] full = run.machine.capture();
        run.advance(150_000);
        byte[] inc1 = run.machine.captureIncremental();
        run.advance(150_000);
        byte[] inc2 = run.machine.captureIncremental();
        assertThat(inc2.length).as("an incremental capture holds only the dirtied pages").isLessThan(full.length);

        PcMachine restored = PcMachine.createForRestore(config);
        restored.restore(full);
        restored.restore(inc1);
        restored.restore(inc2);
        assertThat(StateDiff.firstDifference(restored.capture(), run.machine.capture())).isNull();
        restored.close();
        run.machine.close();
    }

    @org.junit.jupiter.api.Test
    void corruptOrForeignCapturesAreRefused() throws Exception {
        MachineConfig config = config("hello", "");
        Run run = new Run(PcMachine.create(config));
        run.advance(10_000);
        byte[] state = run.machine.capture();

        byte[] corrupt = state.clone();
        corrupt[corrupt.length / 2] ^= 0x40;
        PcMachine target = PcMachine.createForRestore(config);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> target.restore(corrupt))
                .isInstanceOf(dev.vivarium.x86.state.StateFormatException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> target.restore("not a capture".getBytes()))
                .isInstanceOf(dev.vivarium.x86.state.StateFormatException.class);

        MachineConfig bigger = new MachineConfig(32 << 20, config.boot(), null, false, config.startEpochNanos());
        PcMachine other = PcMachine.createForRestore(bigger);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.restore(state))
                .isInstanceOf(dev.vivarium.x86.state.StateFormatException.class).hasMessageContaining("MiB");
        target.close();
        other.close();
        run.machine.close();
    }

    /**
     * Captures {@code first} where it stands, restores the capture into a fresh machine, runs
     * it {@code more} instructions (or to its end) and checks it ends as {@code straight}.
     */
    private static Run assertResumesAsTheStraightRun(MachineConfig config, Run first, Run straight, long more, long point)
            throws Exception {
        byte[] state = first.machine.capture();
        Run resumed = new Run(PcMachine.createForRestore(config));
        resumed.machine.restore(state);
        resumed.restoredBusy = resumed.machine.chipset().serial().transmitting();
        resumed.serial.write(first.serial.toByteArray());
        resumed.advance(more);

        assertThat(resumed.serial.toString()).as("serial output resumed at %d", point)
                .isEqualTo(straight.serial.toString());
        assertThat(resumed.machine.cpu().instructions()).isEqualTo(straight.machine.cpu().instructions());
        assertThat(StateDiff.firstDifference(resumed.machine.capture(), straight.machine.capture()))
                .as("machine state resumed at %d", point).isNull();
        first.machine.close();
        resumed.machine.close();
        return resumed;
    }

    private static MachineConfig config(String program, String cmdline) {
        return new MachineConfig(16 << 20, new MachineConfig.MultibootKernel(TestImages.image(program), cmdline),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
    }

    /** A machine, its serial output, and a driver that runs an exact number of instructions. */
    static final class Run {
        final PcMachine machine;
        final ByteArrayOutputStream serial = new ByteArrayOutputStream();
        boolean finished;
        /** Whether the UART had a byte to send right after a restore. */
        boolean restoredBusy;
        /** The exit code once the guest exited through the debug-exit port, else -1. */
        int exitCode = -1;

        Run(PcMachine machine) {
            this.machine = machine;
            machine.chipset().serial().output().subscribe(serial::write);
        }

        /** Runs exactly {@code n} more instructions, skipping idle time as a deterministic host does. */
        void advance(long n) {
            long target = machine.cpu().instructions() + n;
            while (!finished && machine.cpu().instructions() < target) {
                RunResult r = machine.run(target - machine.cpu().instructions());
                if (r instanceof RunResult.Halted h) {
                    machine.idleUntil(h.untilNanos());
                } else if (!(r instanceof RunResult.BudgetUsed)) {
                    finished = true;
                    exitCode = r instanceof RunResult.Exited e ? e.code() : -1;
                }
            }
        }
    }
}
