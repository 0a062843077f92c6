package dev.vivarium.x86.machine;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guest behaviour of any kind ends in a defined result of the machine, never a host exception
 * or a hang: random code (wild writes, port I/O to every device, bad opcodes, faults, endless
 * loops) runs on the whole board, and the same seed always gives the same machine state.
 */
class GuestRobustnessTest {

    private static final int SEEDS = 40;
    private static final long BUDGET = 400_000;

    @Test
    void randomCodeOnTheWholeBoardEndsInADefinedResult() throws Exception {
        int exited = 0, reset = 0, halted = 0, budget = 0;
        for (int seed = 1; seed <= SEEDS; seed++) {
            RunResult r = runRandom(seed).result;
            if (r instanceof RunResult.Exited) {
                exited++;
            } else if (r instanceof RunResult.Reset) {
                reset++;
            } else if (r instanceof RunResult.HaltedForever || r instanceof RunResult.Halted) {
                halted++;
            } else if (r instanceof RunResult.BudgetUsed) {
                budget++;
            }
        }
        System.out.printf("random code: %d exited, %d reset/triple fault, %d halted, %d ran out of budget%n",
                exited, reset, halted, budget);
        assertThat(exited + reset + halted + budget).isEqualTo(SEEDS);
    }

    @Test
    void theSameRandomGuestRunsTheSameWayTwice() throws Exception {
        for (int seed = 100; seed < 105; seed++) {
            Outcome a = runRandom(seed);
            Outcome b = runRandom(seed);
            assertThat(a.instructions).isEqualTo(b.instructions);
            assertThat(StateDiff.firstDifference(a.state, b.state)).as("seed %d", seed).isNull();
        }
    }

    record Outcome(RunResult result, long instructions, byte[] state) {
    }

    private static Outcome runRandom(int seed) throws Exception {
        Random random = new Random(seed);
        byte[] code = new byte[16 << 10];
        random.nextBytes(code);
        MachineConfig config = new MachineConfig(4 << 20, new MachineConfig.FlatBinary(code, 0x100000, 0x100000),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        try (PcMachine machine = PcMachine.create(config)) {
            RunResult result = RunResult.BUDGET_USED;
            while (machine.cpu().instructions() < BUDGET) {
                result = machine.run(BUDGET - machine.cpu().instructions());
                if (result instanceof RunResult.Halted h && h.untilNanos() != Long.MAX_VALUE) {
                    machine.idleUntil(h.untilNanos());
                } else if (!(result instanceof RunResult.BudgetUsed)) {
                    break;
                }
            }
            return new Outcome(result, machine.cpu().instructions(), machine.capture());
        }
    }
}
