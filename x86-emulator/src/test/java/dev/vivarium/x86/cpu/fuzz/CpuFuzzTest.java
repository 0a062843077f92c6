package dev.vivarium.x86.cpu.fuzz;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random bytes executed as code, in every mode: whatever the guest does, run() returns within
 * its instruction budget, no host exception escapes, and the architectural state stays
 * consistent. Deterministic: the seeds are fixed unless -Dfuzz.seed says otherwise.
 *
 * <p>Scale with {@code -Dfuzz.instructions=N} (instructions per mode; the default keeps the
 * class well under a minute), and replay one failing episode with {@code -Dfuzz.seed=S
 * -Dfuzz.episodes=1}.
 */
class CpuFuzzTest {

    private static final long INSTRUCTIONS_PER_MODE = Long.getLong("fuzz.instructions", 4_000_000);
    private static final long EPISODE_INSTRUCTIONS = 100_000;
    private static final long FIRST_SEED = Long.getLong("fuzz.seed", 0x5EED_0000L);
    /** Generous: a hang detector, not a speed test (a slice of 10,000 instructions takes milliseconds). */
    private static final Duration EPISODE_TIMEOUT = Duration.ofMinutes(2);

    @ParameterizedTest
    @EnumSource(FuzzMode.class)
    void randomCodeNeverBreaksTheCpu(FuzzMode mode) {
        long episodes = Long.getLong("fuzz.episodes", Math.max(1, INSTRUCTIONS_PER_MODE / EPISODE_INSTRUCTIONS));
        FuzzEpisode.Stats total = new FuzzEpisode.Stats();
        for (long e = 0; e < episodes; e++) {
            long first = FIRST_SEED + e * 1_000_003L;
            long seed = first + mode.ordinal();
            FuzzEpisode episode = new FuzzEpisode(mode, seed);
            FuzzEpisode.Failure failure = assertTimeoutPreemptively(EPISODE_TIMEOUT,
                    () -> episode.run(EPISODE_INSTRUCTIONS, FuzzEpisode.Slicing.MIXED),
                    () -> mode + " seed " + seed + " hung in " + episode.progress);
            if (failure != null) {
                fail(failure + "\n" + narrowed(mode, seed, failure) + "\nreplay this episode alone: mvn -pl x86-emulator test"
                        + " -Dtest='CpuFuzzTest#randomCodeNeverBreaksTheCpu' -Dfuzz.seed=" + first + " -Dfuzz.episodes=1");
            }
            total.add(episode.stats);
        }
        System.out.println(mode + ": " + total);
        // The fuzzing must not be vacuous: the budget ran, and triple faults or HLTs restarted the mode.
        assertThat(total.instructions).as("instructions run").isEqualTo(episodes * EPISODE_INSTRUCTIONS);
        assertThat(total.restarts).as("restarts in %s", total).isPositive();
        if (mode == FuzzMode.RING3_PAGING) {
            // Exceptions from ring 3 reached ring 0 handlers through the TSS, with paging on.
            assertThat(total.slicesAtCpl[3]).as("slices ending at ring 3: %s", total).isPositive();
            assertThat(total.slicesAtCpl[0]).as("slices ending at ring 0: %s", total).isPositive();
            assertThat(total.pagingSlices).as("slices with paging: %s", total).isPositive();
        }
        if (mode != FuzzMode.REAL) {
            assertThat(total.protectedSlices).as("slices in protected mode: %s", total).isPositive();
        }
    }

    /**
     * Where run() stops must not change what the guest does: a REP loop, an interrupt shadow or
     * a HLT cut by the end of a slice resumes exactly, so one instruction at a time, odd-sized
     * slices and mixed slices all end in the same machine state.
     */
    @ParameterizedTest
    @EnumSource(FuzzMode.class)
    void slicingDoesNotChangeTheOutcome(FuzzMode mode) {
        long seed = FIRST_SEED + 77 + mode.ordinal();
        long instructions = INSTRUCTIONS_PER_MODE / 20;
        String mixed = finalState(mode, seed, instructions, FuzzEpisode.Slicing.MIXED);
        assertThat(finalState(mode, seed, instructions, FuzzEpisode.Slicing.SINGLE)).as("one at a time").isEqualTo(mixed);
        assertThat(finalState(mode, seed, instructions, random -> 997)).as("slices of 997").isEqualTo(mixed);
    }

    private static String finalState(FuzzMode mode, long seed, long instructions, FuzzEpisode.Slicing slicing) {
        FuzzEpisode episode = new FuzzEpisode(mode, seed);
        FuzzEpisode.Failure failure = assertTimeoutPreemptively(EPISODE_TIMEOUT,
                () -> episode.run(instructions, slicing), () -> mode + " seed " + seed + " hung in " + episode.progress);
        if (failure != null) {
            fail(failure.toString());
        }
        return episode.machine.fingerprint();
    }

    /** Replays the failing episode one instruction at a time to name the instruction that broke it. */
    private static String narrowed(FuzzMode mode, long seed, FuzzEpisode.Failure failure) {
        FuzzEpisode replay = new FuzzEpisode(mode, seed);
        FuzzEpisode.Failure single = assertTimeoutPreemptively(EPISODE_TIMEOUT,
                () -> replay.run(failure.instruction() + 1, FuzzEpisode.Slicing.SINGLE),
                () -> "single-step replay hung in " + replay.progress);
        return single == null ? "(single-step replay did not reproduce it)" : "single-step replay: " + single;
    }
}
