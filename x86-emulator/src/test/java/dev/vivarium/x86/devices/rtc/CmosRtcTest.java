package dev.vivarium.x86.devices.rtc;

import dev.vivarium.x86.clock.TimerQueue;
import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.EdgeRecorder;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.Snapshots;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CmosRtcTest {

    private static final long START = Instant.parse("2026-11-27T19:04:05Z").getEpochSecond() * 1_000_000_000L;

    static final class Rig {
        final VirtualClock clock = VirtualClock.deterministic(START);
        final TimerQueue timers = new TimerQueue();
        final IoBus bus = new IoBus();
        final EdgeRecorder irq = new EdgeRecorder();
        final CmosRtc rtc;

        Rig(long ram) {
            rtc = new CmosRtc(clock, timers, irq, ram).attach(bus);
        }

        int read(int reg) {
            bus.out(0x70, 1, reg);
            return bus.in(0x71, 1);
        }

        void write(int reg, int value) {
            bus.out(0x70, 1, reg);
            bus.out(0x71, 1, value);
        }

        void runUntil(long until, boolean ackEachInterrupt) {
            while (timers.nextEventTime() <= until) {
                clock.idleUntil(timers.nextEventTime());
                timers.runDue(clock.nanos());
                if (ackEachInterrupt) {
                    read(0x0C);
                }
            }
            clock.idleUntil(until);
        }
    }

    @Test
    void timeComesFromVirtualClockInBcd() {
        Rig r = new Rig(64L << 20);
        assertThat(r.read(0x00)).isEqualTo(0x05);
        assertThat(r.read(0x02)).isEqualTo(0x04);
        assertThat(r.read(0x04)).isEqualTo(0x19);
        assertThat(r.read(0x06)).isEqualTo(6); // Friday, Sunday = 1
        assertThat(r.read(0x07)).isEqualTo(0x27);
        assertThat(r.read(0x08)).isEqualTo(0x11);
        assertThat(r.read(0x09)).isEqualTo(0x26);
        assertThat(r.read(0x32)).isEqualTo(0x20);
        r.clock.idleUntil(r.clock.nanos() + 61_500_000_000L);
        assertThat(r.read(0x00)).isEqualTo(0x06);
        assertThat(r.read(0x02)).isEqualTo(0x05);
    }

    @Test
    void binaryAnd12HourModes() {
        Rig r = new Rig(64L << 20);
        r.write(0x0B, 0x06); // binary, 24h
        assertThat(r.read(0x04)).isEqualTo(19);
        r.write(0x0B, 0x00); // BCD, 12h
        assertThat(r.read(0x04)).isEqualTo(0x87); // 7 PM
    }

    @Test
    void guestSetsTimeWithSetBitAndItRunsOn() {
        Rig r = new Rig(64L << 20);
        r.write(0x0B, 0x82); // SET: freeze
        r.write(0x04, 0x23);
        r.write(0x02, 0x59);
        r.write(0x00, 0x58);
        r.clock.idleUntil(r.clock.nanos() + 5_000_000_000L);
        assertThat(r.read(0x00)).isEqualTo(0x58); // frozen while SET
        r.write(0x0B, 0x02);
        r.clock.idleUntil(r.clock.nanos() + 3_000_000_000L);
        assertThat(r.read(0x04)).isZero();
        assertThat(r.read(0x02)).isZero();
        assertThat(r.read(0x00)).isEqualTo(0x01);
        assertThat(r.read(0x07)).isEqualTo(0x28);
        r.write(0x08, 0x13); // month 13: ignored, no crash
        assertThat(r.read(0x08)).isEqualTo(0x11);
    }

    @Test
    void memorySizeRegistersAndChecksum() {
        Rig r = new Rig(64L << 20);
        assertThat(r.read(0x15) | r.read(0x16) << 8).isEqualTo(640);
        assertThat(r.read(0x17) | r.read(0x18) << 8).isEqualTo(63 * 1024);
        assertThat(r.read(0x30) | r.read(0x31) << 8).isEqualTo(63 * 1024);
        assertThat(r.read(0x34) | r.read(0x35) << 8).isEqualTo(48 * 16);
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) {
            sum += r.read(i);
        }
        assertThat(r.read(0x2E) << 8 | r.read(0x2F)).isEqualTo(sum);
        Rig big = new Rig(4L << 30);
        assertThat(big.read(0x17) | big.read(0x18) << 8).isEqualTo(0xFFFF);
        assertThat(big.read(0x34) | big.read(0x35) << 8).isEqualTo((4096 - 16) * 16);
    }

    @Test
    void statusRegistersAndNvram() {
        Rig r = new Rig(64L << 20);
        assertThat(r.read(0x0A) & 0x7F).isEqualTo(0x26);
        assertThat(r.read(0x0D)).isEqualTo(0x80);
        r.bus.out(0x70, 1, 0x8F); // NMI off, shutdown status byte
        r.bus.out(0x71, 1, 0x0A);
        assertThat(r.rtc.nmiDisabled()).isTrue();
        assertThat(r.read(0x0F)).isEqualTo(0x0A);
        r.clock.idleUntil(r.clock.nanos() + 999_900_000L); // 100 µs before the next second
        assertThat(r.read(0x0A) & 0x80).isEqualTo(0x80);
        r.clock.idleUntil(r.clock.nanos() + 200_000L);
        assertThat(r.read(0x0A) & 0x80).isZero();
    }

    @Test
    void periodicInterruptAt1024HzUntilRegisterCIsRead() {
        Rig r = new Rig(64L << 20);
        r.write(0x0B, 0x42); // PIE
        r.runUntil(1_000_000_000L, true);
        assertThat(r.irq.edges).isEqualTo(1024);
        Rig lazy = new Rig(64L << 20);
        lazy.write(0x0B, 0x42);
        lazy.runUntil(10_000_000L, false);
        assertThat(lazy.irq.edges).isEqualTo(1); // the line stays high until C is read
        assertThat(lazy.read(0x0C)).isEqualTo(0xC0);
        assertThat(lazy.irq.level).isFalse();
    }

    @Test
    void updateEndedInterruptOncePerSecond() {
        Rig r = new Rig(64L << 20);
        r.write(0x0B, 0x12); // UIE
        r.runUntil(3_500_000_000L, true);
        assertThat(r.irq.edges).isEqualTo(3); // the :06, :07 and :08 boundaries in 3.5 s from :05.0
    }

    @Test
    void captureResumesTimeAndInterrupts() {
        Rig a = new Rig(64L << 20);
        a.write(0x0B, 0x82);
        a.write(0x02, 0x30);
        a.write(0x0B, 0x42);
        a.write(0x0A, 0x2A); // 64 Hz
        a.runUntil(123_456_789L, true);
        a.bus.out(0x70, 1, 0x02);
        byte[] state = Snapshots.capture(a.clock, a.rtc);

        Rig b = new Rig(64L << 20);
        Snapshots.restore(state, b.clock, b.rtc);
        assertThat(b.bus.in(0x71, 1)).isEqualTo(a.bus.in(0x71, 1)).isEqualTo(0x30);
        a.irq.edges = 0;
        a.runUntil(2_000_000_000L, true);
        b.runUntil(2_000_000_000L, true);
        assertThat(b.irq.edges).isEqualTo(a.irq.edges).isEqualTo(121); // 64 Hz ticks k * 15.625 ms for k = 8..128
        for (int reg : new int[] {0x00, 0x02, 0x04, 0x07, 0x0A, 0x0B}) {
            assertThat(b.read(reg)).as("reg %x", reg).isEqualTo(a.read(reg));
        }
    }
}
