package dev.vivarium.vm.actor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RealTimePacerTest {
    private static final long IPS = 100_000_000L;
    private static final long HOST = 7_000_000_000_000L; // an arbitrary System.nanoTime() origin

    @Test
    void theLimitFollowsHostTimeFromTheRestart() {
        RealTimePacer pacer = new RealTimePacer(IPS, true);
        pacer.restart(5_000_000_000L, HOST);
        assertThat(pacer.guestLimit(HOST)).isEqualTo(5_000_000_000L);
        assertThat(pacer.guestLimit(HOST + 3_000_000)).isEqualTo(5_003_000_000L);
        assertThat(pacer.allowance(5_001_000_000L, HOST + 3_000_000)).isEqualTo(200_000); // 2 ms at 100 M/s
    }

    @Test
    void aGuestAheadOfHostTimeGetsNoInstructions() {
        RealTimePacer pacer = new RealTimePacer(IPS, true);
        pacer.restart(5_000_000_000L, HOST);
        assertThat(pacer.allowance(5_000_000_000L + 60_000_000_000L, HOST + 1_000_000)).isZero();
        assertThat(pacer.allowance(5_000_000_000L, HOST)).isZero();
    }

    @Test
    void aGuestFarBehindIsRebasedToOneSecondOfLagAndStaysThere() {
        RealTimePacer pacer = new RealTimePacer(IPS, true);
        pacer.restart(100_000_000_000L, HOST);
        long guest = 100_000_000_000L;
        long host = HOST + 30_000_000_000L; // as if 30 s of host time had gone by unrun
        for (int i = 0; i < 5; i++) {
            assertThat(pacer.allowance(guest, host)).isEqualTo(IPS); // one second of instructions, never more
            assertThat(pacer.guestLimit(host) - guest).isEqualTo(1_000_000_000L);
        }
        assertThat(pacer.guestLimit(host + 10_000_000) - guest).isEqualTo(1_010_000_000L); // then it follows host time again
    }

    @Test
    void unpacedLetsTheGuestRun() {
        RealTimePacer pacer = new RealTimePacer(IPS, false);
        pacer.restart(0, HOST);
        assertThat(pacer.allowance(Long.MAX_VALUE / 2, HOST)).isEqualTo(Long.MAX_VALUE);
        assertThat(pacer.guestLimit(HOST)).isEqualTo(Long.MAX_VALUE);
    }
}
