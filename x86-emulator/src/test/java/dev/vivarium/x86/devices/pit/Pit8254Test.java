package dev.vivarium.x86.devices.pit;

import dev.vivarium.x86.clock.Timer;
import dev.vivarium.x86.clock.TimerQueue;
import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.EdgeRecorder;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.Snapshots;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

class Pit8254Test {

    /** A PIT on its own clock, recording the times of IRQ 0's rising edges. */
    static final class Rig {
        final VirtualClock clock = VirtualClock.deterministic(0);
        final TimerQueue timers = new TimerQueue();
        final IoBus bus = new IoBus();
        final EdgeRecorder irq = new EdgeRecorder(clock::nanos);
        final Pit8254 pit = new Pit8254(clock, timers, irq).attach(bus);
        final SystemControlPort port61 = new SystemControlPort(pit, clock).attach(bus);

        /** Idles like a halted CPU: jump to each event until {@code until}. */
        void runUntil(long until) {
            while (timers.nextEventTime() <= until) {
                clock.idleUntil(timers.nextEventTime());
                timers.runDue(clock.nanos());
            }
            clock.idleUntil(until);
        }

        void program(int control, int count) {
            bus.out(0x43, 1, control);
            bus.out(0x40, 1, count & 0xFF);
            bus.out(0x40, 1, count >>> 8);
        }

        Rig() {
            irq.level = true; // the edge of programming a mode that starts with OUT high is not a tick
        }

        int latchedCount0() {
            bus.out(0x43, 1, 0x00);
            return bus.in(0x40, 1) | bus.in(0x40, 1) << 8;
        }
    }

    @Test
    void linuxHzSetupGivesRisingEdgeEveryPeriod() {
        Rig r = new Rig();
        int latch = (Pit8254.FREQUENCY_HZ + 50) / 100; // 11932: 100 Hz
        r.program(0x34, latch); // channel 0, lobyte/hibyte, mode 2
        r.runUntil(51_000_000L);
        assertThat(r.irq.risingEdges).hasSize(5);
        for (int k = 1; k <= 5; k++) {
            assertThat(r.irq.risingEdges.get(k - 1)).isEqualTo(PitChannel.TICKS.nanosForTicks((long) k * latch));
        }
    }

    @Test
    void biosDefaultSquareWaveAt18Hz() {
        Rig r = new Rig();
        r.program(0x36, 0); // mode 3, count 0 = 65536
        r.runUntil(1_000_000_000L);
        assertThat(r.irq.risingEdges).hasSize(18); // 18.2 Hz
        // OUT is high for the first half of each period
        r.runUntil(1_000_000_000L + 1);
        long intoPeriod = PitChannel.TICKS.ticksIn(r.clock.nanos()) % 65536;
        assertThat(r.irq.level).isEqualTo(intoPeriod < 32768);
    }

    @Test
    void counterCountsDownAndLatchHoldsValue() {
        Rig r = new Rig();
        r.program(0x34, 1000);
        r.clock.idleUntil(PitChannel.TICKS.nanosForTicks(300));
        r.bus.out(0x43, 1, 0x00); // latch channel 0
        r.clock.idleUntil(PitChannel.TICKS.nanosForTicks(500));
        assertThat(r.bus.in(0x40, 1) | r.bus.in(0x40, 1) << 8).isEqualTo(700);
        assertThat(r.latchedCount0()).isEqualTo(500);
    }

    @Test
    void mode0FiresOnceAndReadBackReportsStatus() {
        Rig r = new Rig();
        r.program(0x30, 1000); // mode 0
        assertThat(r.irq.level).isFalse();
        r.runUntil(1_000_000_000L);
        assertThat(r.irq.risingEdges).containsExactly(PitChannel.TICKS.nanosForTicks(1000));
        assertThat(r.timers.nextEventTime()).isEqualTo(Timer.NEVER);
        r.bus.out(0x43, 1, 0xE2); // read-back: latch status of channel 0
        assertThat(r.bus.in(0x40, 1)).isEqualTo(0x80 | 0x30); // OUT high, lo/hi access, mode 0
    }

    @Test
    void lowAndHighByteOnlyAccess() {
        Rig r = new Rig();
        r.bus.out(0x43, 1, 0x14); // channel 0, low byte only, mode 2
        r.bus.out(0x40, 1, 200);
        r.runUntil(PitChannel.TICKS.nanosForTicks(1000));
        assertThat(r.irq.risingEdges).hasSize(5);
        r.bus.out(0x43, 1, 0x24); // high byte only
        r.bus.out(0x40, 1, 0x01); // count 0x100
        assertThat(r.bus.in(0x40, 1)).isEqualTo(0x01);
    }

    @Test
    void channel2GatedThroughPort61LikeTscCalibration() {
        Rig r = new Rig();
        r.bus.out(0x61, 1, (r.bus.in(0x61, 1) & ~0x02) | 0x01); // gate on, speaker off
        r.bus.out(0x43, 1, 0xB0); // channel 2, lo/hi, mode 0
        r.bus.out(0x42, 1, 0xFF);
        r.bus.out(0x42, 1, 0xFF);
        assertThat(r.bus.in(0x61, 1) & 0x20).isZero();
        r.clock.idleUntil(PitChannel.TICKS.nanosForTicks(0xFFFF) - 1);
        assertThat(r.bus.in(0x61, 1) & 0x20).isZero();
        r.clock.idleUntil(PitChannel.TICKS.nanosForTicks(0xFFFF));
        assertThat(r.bus.in(0x61, 1) & 0x21).isEqualTo(0x21);
        assertThat(r.irq.risingEdges).isEmpty(); // channel 2 is not on IRQ 0
    }

    @Test
    void refreshBitToggles() {
        Rig r = new Rig();
        int a = r.bus.in(0x61, 1) & 0x10;
        r.clock.idleUntil(15_085);
        assertThat(r.bus.in(0x61, 1) & 0x10).isNotEqualTo(a);
    }

    @Test
    void captureMidCountResumesBitIdentically() {
        Rig a = new Rig();
        a.program(0x34, 11932);
        a.runUntil(25_000_000L);
        a.bus.out(0x43, 1, 0x00);
        a.bus.in(0x40, 1); // half-way through reading a latch
        byte[] state = Snapshots.capture(a.clock, a.pit, a.port61);

        Rig b = new Rig();
        Snapshots.restore(state, b.clock, b.pit, b.port61);
        b.irq.level = a.irq.level;
        assertThat(b.bus.in(0x40, 1)).isEqualTo(a.bus.in(0x40, 1));
        assertThat(b.timers.nextEventTime()).isEqualTo(a.timers.nextEventTime());
        a.irq.risingEdges.clear();
        a.runUntil(100_000_000L);
        b.runUntil(100_000_000L);
        assertThat(b.irq.risingEdges).isEqualTo(a.irq.risingEdges).hasSize(7);
        assertThat(b.latchedCount0()).isEqualTo(a.latchedCount0());
    }
}
