package dev.vivarium.ha.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.ha.monitor.HeartbeatWatch.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatWatchTest {

    private static final long S = 1_000_000_000L;

    @Test
    void aRunningGuestWhoseHeartbeatStandsStillIsResetAtMostTheLimitPerHour() {
        HeartbeatWatch w = new HeartbeatWatch(Duration.ofSeconds(10), 2);
        assertThat(w.sample(0, true, 0)).isEqualTo(Verdict.OK); // no tools yet: not judged
        assertThat(w.sample(30 * S, true, 0)).isEqualTo(Verdict.OK);
        assertThat(w.sample(31 * S, true, 5)).isEqualTo(Verdict.OK);
        assertThat(w.sample(40 * S, true, 5)).isEqualTo(Verdict.OK); // 9 s
        assertThat(w.sample(41 * S, true, 5)).isEqualTo(Verdict.RESET); // 10 s
        // Booting again: not judged before it sends heartbeats anew.
        assertThat(w.sample(60 * S, true, 0)).isEqualTo(Verdict.OK);
        assertThat(w.sample(61 * S, true, 1)).isEqualTo(Verdict.OK);
        assertThat(w.sample(71 * S, true, 1)).isEqualTo(Verdict.RESET);
        assertThat(w.sample(72 * S, true, 1)).isEqualTo(Verdict.OK);
        assertThat(w.sample(100 * S, true, 1)).isEqualTo(Verdict.RESET_SUPPRESSED); // two in this hour already
        // Paused, it is not judged however long it stands.
        HeartbeatWatch paused = new HeartbeatWatch(Duration.ofSeconds(10), 2);
        paused.sample(0, true, 3);
        assertThat(paused.sample(60 * S, false, 3)).isEqualTo(Verdict.OK);
        assertThat(paused.sample(65 * S, true, 3)).isEqualTo(Verdict.OK);
        // An hour after the first resets, resets are allowed again.
        assertThat(w.sample(3700 * S, true, 9)).isEqualTo(Verdict.OK);
        assertThat(w.sample(3711 * S, true, 9)).isEqualTo(Verdict.RESET);
    }
}
