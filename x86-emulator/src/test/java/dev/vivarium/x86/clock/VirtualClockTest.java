package dev.vivarium.x86.clock;

import dev.vivarium.x86.state.StateFile;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VirtualClockTest {

    @Test
    void deterministicTimeFollowsInstructionsExactly() {
        VirtualClock a = VirtualClock.deterministic(3_000_000L, 0); // 333.33 ns per instruction
        VirtualClock b = VirtualClock.deterministic(3_000_000L, 0);
        for (int i = 0; i < 3_000_000; i++) {
            a.advanceInstructions(1);
        }
        b.advanceInstructions(3_000_000);
        assertThat(a.nanos()).isEqualTo(1_000_000_000L).isEqualTo(b.nanos());
        VirtualClock big = VirtualClock.deterministic(0);
        big.advanceInstructions(Long.MAX_VALUE / 2); // no overflow in the conversion
        assertThat(big.nanos()).isEqualTo(Long.MAX_VALUE / 2 / 100_000_000L * 1_000_000_000L
                + (Long.MAX_VALUE / 2 % 100_000_000L) * 10);
    }

    @Test
    void refusesRatesTheArithmeticCannotCarry() {
        assertThatThrownBy(() -> VirtualClock.deterministic(0L, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VirtualClock.deterministic(10_000_000_000L, 0))
                .isInstanceOf(IllegalArgumentException.class);
        VirtualClock fastest = VirtualClock.deterministic(VirtualClock.MAX_INSTRUCTIONS_PER_SECOND, 0);
        fastest.advanceInstructions(VirtualClock.MAX_INSTRUCTIONS_PER_SECOND - 1);
        fastest.advanceInstructions(1);
        assertThat(fastest.nanos()).isEqualTo(1_000_000_000L);
    }

    @Test
    void instructionsUntilLandsExactlyOnTheDeadline() {
        for (long rate : new long[] {3_000_000L, 100_000_000L, 7_777_777_777L}) {
            VirtualClock c = VirtualClock.deterministic(rate, 0);
            c.advanceInstructions(5); // leave a remainder
            long deadline = c.nanos() + 123_457;
            long n = c.instructionsUntil(deadline);
            VirtualClock shortBy1 = VirtualClock.deterministic(rate, 0);
            shortBy1.advanceInstructions(5);
            shortBy1.advanceInstructions(n - 1);
            assertThat(shortBy1.nanos()).as("rate %d", rate).isLessThan(deadline);
            c.advanceInstructions(n);
            assertThat(c.nanos()).as("rate %d", rate).isGreaterThanOrEqualTo(deadline);
            assertThat(c.instructionsUntil(deadline)).isZero();
        }
        assertThat(VirtualClock.deterministic(0).instructionsUntil(Timer.NEVER)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void defaultRateIsTenNanosPerInstruction() {
        VirtualClock c = VirtualClock.deterministic(1_700_000_000_000_000_000L);
        c.advanceInstructions(7);
        assertThat(c.nanos()).isEqualTo(70);
        assertThat(c.epochNanos()).isEqualTo(1_700_000_000_000_000_070L);
    }

    @Test
    void idleSkipsAheadOnlyInDeterministicMode() {
        VirtualClock c = VirtualClock.deterministic(0);
        assertThat(c.idleUntil(5_000)).isZero();
        assertThat(c.nanos()).isEqualTo(5_000);
        assertThat(c.idleUntil(10)).isZero();
        assertThat(c.nanos()).isEqualTo(5_000);

        AtomicLong host = new AtomicLong(1_000);
        VirtualClock rt = VirtualClock.realtime(0, host::get);
        rt.advanceInstructions(1_000_000);
        assertThat(rt.nanos()).isZero();
        host.addAndGet(300);
        assertThat(rt.nanos()).isEqualTo(300);
        assertThat(rt.idleUntil(1_000)).isEqualTo(700);
        assertThat(rt.nanos()).isEqualTo(300);
    }

    @Test
    void captureContinuesTheSameTimeline() {
        VirtualClock c = VirtualClock.deterministic(3_000_000L, 42);
        c.advanceInstructions(1); // leaves a remainder
        StateWriter w = new StateWriter();
        c.save(w);
        VirtualClock copy = VirtualClock.deterministic(3_000_000L, 0);
        copy.restore(StateFile.open(StateFile.seal(w)));
        c.advanceInstructions(2);
        copy.advanceInstructions(2);
        assertThat(copy.nanos()).isEqualTo(c.nanos()).isEqualTo(1000);
        assertThat(copy.startEpochNanos()).isEqualTo(42);

        VirtualClock otherRate = VirtualClock.deterministic(0);
        assertThatThrownBy(() -> otherRate.restore(StateFile.open(StateFile.seal(w))))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("clock mismatch");
    }

    @Test
    void realtimeRestoreResumesFromCapturedTime() {
        AtomicLong host = new AtomicLong(0);
        VirtualClock c = VirtualClock.realtime(0, host::get);
        host.set(1_000);
        StateWriter w = new StateWriter();
        c.save(w);
        AtomicLong host2 = new AtomicLong(50_000);
        VirtualClock copy = VirtualClock.realtime(0, host2::get);
        copy.restore(StateFile.open(StateFile.seal(w)));
        assertThat(copy.nanos()).isEqualTo(1_000);
        host2.addAndGet(5);
        assertThat(copy.nanos()).isEqualTo(1_005);
    }

    @Test
    void timersFireEarliestFirstAndMayRearm() {
        TimerQueue q = new TimerQueue();
        List<String> fired = new ArrayList<>();
        Timer[] periodic = new Timer[1];
        periodic[0] = q.newTimer("tick", due -> {
            fired.add("tick@" + due);
            periodic[0].schedule(due + 100);
        });
        Timer once = q.newTimer("once", due -> fired.add("once@" + due));
        assertThat(q.nextEventTime()).isEqualTo(Timer.NEVER);
        periodic[0].schedule(100);
        once.schedule(150);
        assertThat(q.nextEventTime()).isEqualTo(100);
        assertThat(q.runDue(99)).isZero();
        assertThat(q.runDue(300)).isEqualTo(4);
        assertThat(fired).containsExactly("tick@100", "once@150", "tick@200", "tick@300");
        assertThat(q.nextEventTime()).isEqualTo(400);
        assertThat(once.isArmed()).isFalse();
    }

    @Test
    void tickConversionIsExactInverse() {
        TickConverter pit = new TickConverter(1_193_182);
        assertThat(pit.ticksIn(1_000_000_000L)).isEqualTo(1_193_182);
        assertThat(pit.ticksIn(10L * 86_400 * 1_000_000_000L)).isEqualTo(10L * 86_400 * 1_193_182);
        for (long k : new long[] {0, 1, 2, 65536, 1_193_181, 1_193_183, 123_456_789_012L}) {
            long n = pit.nanosForTicks(k);
            assertThat(pit.ticksIn(n)).as("k=%d", k).isEqualTo(k);
            if (n > 0) {
                assertThat(pit.ticksIn(n - 1)).as("k=%d", k).isEqualTo(k - 1);
            }
        }
    }
}
