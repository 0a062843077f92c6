package dev.vivarium.x86.cpu.fuzz;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

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

    private static final long INSTRUCTIONS_PER_MODE = Long.getLong("fuzz.instructions", 2_000_000);
    private static final long EPISODE_INSTRUCTIONS = 100_000;
    private static final long FIRST_SEED = Long.getLong("fuzz.seed", 0x5EED_0000L);
    /** Generous: a hang detector, not a speed test (a slice of 10,000 instructions takes milliseconds). */
    private static final Duration EPISODE_TIMEOUT = Duration.ofMinutes(2);

    @ParameterizedTest
    @EnumSource(FuzzMode.class)
    void randomCodeNeverBreaksTheCpu(FuzzMode mode) {
        long episodes = Long.getLong("fuzz.episodes", Math.max(1, INSTRUCTIONS_PER_MODE / EPISODE_INSTRUCTIONS));
        for (long e = 0; e < episodes; e++) {
            long seed = FIRST_SEED + e * 1_000_003L + mode.ordinal();
            FuzzEpisode episode = new FuzzEpisode(mode, seed);
            FuzzEpisode.Failure failure = assertTimeoutPreemptively(EPISODE_TIMEOUT,
                    () -> episode.run(EPISODE_INSTRUCTIONS, FuzzEpisode.Slicing.MIXED),
                    () -> mode + " seed " + seed + " hung in " + episode.progress);
            if (failure != null) {
                fail(failure + "\n" + narrowed(mode, seed, failure));
            }
        }
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
