package dev.vivarium.x86.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link PcMachine#run(long, long)} skips the idle time up to its limit inside the machine; it
 * must end in exactly the state that a host's own loop of {@code run} and {@code idleUntil}
 * reaches with the same limit, and never pass the limit.
 */
class IdleRunTest {
    /** Pacing steps of an odd length, so limits fall between timer events as host time does. */
    private static final long STEP_NANOS = 3_700_000;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"count=30 period_ms=5, 1", "count=30 period_ms=20 hz=100, 10"})
    void skippingIdleTimeInsideTheMachineGivesTheHostLoopsRun(String cmdline, int tickMillis) throws Exception {
        MachineConfig config = new MachineConfig(16 << 20, new MachineConfig.MultibootKernel(TestImages.image("counter"), cmdline),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        try (PcMachine hostLoop = PcMachine.create(config); PcMachine inside = PcMachine.create(config)) {
            int hostLoopCalls = 0;
            int insideCalls = 0;
            boolean exited = false;
            for (long limit = STEP_NANOS; !exited; limit += STEP_NANOS) {
                while (true) {
                    hostLoopCalls++;
                    RunResult r = hostLoop.run(1_000_000);
                    if (r instanceof RunResult.Halted h && h.untilNanos() <= limit) {
                        hostLoop.idleUntil(h.untilNanos());
                    } else if (!(r instanceof RunResult.BudgetUsed)) {
                        break;
                    }
                }
                RunResult r;
                do {
                    insideCalls++;
                    r = inside.run(1_000_000, limit);
                } while (r instanceof RunResult.BudgetUsed);
                exited = r instanceof RunResult.Exited;
                if (!exited) {
                    assertThat(r).isInstanceOf(RunResult.Halted.class);
                    assertThat(((RunResult.Halted) r).untilNanos()).isGreaterThan(limit);
                    assertThat(inside.clock().nanos()).isLessThanOrEqualTo(limit);
                }
                assertThat(inside.cpu().instructions()).as("instructions at limit %d", limit).isEqualTo(hostLoop.cpu().instructions());
                assertThat(StateDiff.firstDifference(inside.capture(), hostLoop.capture())).as("state at limit %d", limit).isNull();
            }
            long ticks = inside.clock().nanos() / (tickMillis * 1_000_000L);
            assertThat(inside.clock().nanos()).isGreaterThanOrEqualTo(150_000_000L); // it ran all its periods
            // The host loop comes back out at least once per tick; the machine took the ticks inside.
            assertThat(hostLoopCalls).isGreaterThanOrEqualTo(insideCalls + (int) ticks);
        }
    }

    @Test
    @Timeout(10) // the bug this guards against spins forever at the end of time
    void aGuestHaltedWithNoTimerArmedStaysHaltedEvenWithoutALimit() throws Exception {
        // sti; hlt; jmp back to the hlt: nothing armed a timer, so only host input could wake it,
        // and an unpaced host (no limit at all) must not skip the clock to the end of time.
        byte[] idle = {(byte) 0xFB, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD};
        MachineConfig config = new MachineConfig(1 << 20, new MachineConfig.FlatBinary(idle, 0x10000, 0x10000),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        try (PcMachine machine = PcMachine.create(config)) {
            RunResult r = machine.run(1_000, Long.MAX_VALUE);
            assertThat(r).isEqualTo(new RunResult.Halted(Long.MAX_VALUE));
            assertThat(machine.clock().nanos()).isLessThan(1_000_000L);
        }
    }
}
