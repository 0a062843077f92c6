package dev.vivarium.vm.actor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RealTimePacerTest {
    private static final long IPS = 100_000_000L;

    @Test
    void aGuestAheadOfHostTimeGetsNoInstructions() {
        RealTimePacer pacer = new RealTimePacer(IPS, true);
        pacer.restart(5_000_000_000L);
        assertThat(pacer.allowance(5_000_000_000L + 60_000_000_000L)).isZero();
        assertThat(pacer.guestLimit()).isLessThan(5_000_000_000L + 60_000_000_000L);
    }

    @Test
    void aGuestFarBehindIsRebasedToOneSecondOfLagAndStaysThere() {
        RealTimePacer pacer = new RealTimePacer(IPS, true);
        pacer.restart(100_000_000_000L);
        long guest = 100_000_000_000L - 30_000_000_000L; // as if 30 s of host time had gone by unrun
        for (int i = 0; i < 5; i++) {
            long allowance = pacer.allowance(guest);
            assertThat(allowance).isBetween(IPS - IPS / 10, IPS); // about one second of instructions, never more
            assertThat(pacer.guestLimit() - guest).isBetween(0L, 1_100_000_000L);
        }
    }

    @Test
    void unpacedLetsTheGuestRun() {
        RealTimePacer pacer = new RealTimePacer(IPS, false);
        pacer.restart(0);
        assertThat(pacer.allowance(Long.MAX_VALUE / 2)).isEqualTo(Long.MAX_VALUE);
    }
}
