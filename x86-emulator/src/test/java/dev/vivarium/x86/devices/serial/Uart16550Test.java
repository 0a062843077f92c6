package dev.vivarium.x86.devices.serial;

import dev.vivarium.x86.clock.TimerQueue;
import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.EdgeRecorder;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.Snapshots;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Uart16550Test {

    private static final int COM1 = Uart16550.COM1;

    static final class Rig {
        final IoBus bus = new IoBus();
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        final EdgeRecorder irq = new EdgeRecorder();
        final Uart16550 uart = new Uart16550(COM1, irq).attach(bus);

        Rig() {
            uart.output().subscribe(sent::write);
        }

        int in(int reg) {
            return bus.in(COM1 + reg, 1);
        }

        void out(int reg, int value) {
            bus.out(COM1 + reg, 1, value);
        }

        /** The OSDev wiki's init_serial(), loopback self-test included. Returns the echoed byte. */
        int osdevInit() {
            out(1, 0x00); // no interrupts
            out(3, 0x80); // DLAB
            out(0, 0x03); // 38400 baud
            out(1, 0x00);
            out(3, 0x03); // 8N1
            out(2, 0xC7); // FIFO on, cleared, 14-byte trigger
            out(4, 0x0B); // DTR, RTS, OUT2
            out(4, 0x1E); // loopback
            out(0, 0xAE);
            int echoed = in(0);
            out(4, 0x0F);
            return echoed;
        }
    }

    @Test
    void osdevInitSequencePassesLoopbackTest() {
        Rig r = new Rig();
        assertThat(r.osdevInit()).isEqualTo(0xAE);
        assertThat(r.uart.baudRate()).isEqualTo(38400);
        assertThat(r.sent.size()).isZero(); // loopback bytes never leave
        for (byte b : "hello\n".getBytes(StandardCharsets.US_ASCII)) {
            while ((r.in(5) & 0x20) == 0) {
                // wait for THRE, as the guest does
            }
            r.out(0, b);
        }
        assertThat(r.sent.toString(StandardCharsets.US_ASCII)).isEqualTo("hello\n");
        assertThat(r.in(5) & 0x60).isEqualTo(0x60);
        assertThat(r.in(2) & 0xC0).isEqualTo(0xC0); // FIFOs enabled
    }

    @Test
    void thrEmptyInterruptIsAcknowledgedByIirReadAndRearmedByWrite() {
        Rig r = new Rig();
        r.osdevInit();
        r.out(1, 0x02); // ETBEI: THR is empty, so it interrupts at once
        assertThat(r.irq.level).isTrue();
        assertThat(r.in(2)).isEqualTo(0xC2);
        assertThat(r.irq.level).isFalse();
        assertThat(r.in(2)).isEqualTo(0xC1);
        r.out(0, 'x');
        assertThat(r.irq.level).isTrue();
        assertThat(r.irq.edges).isEqualTo(2);
        r.out(0, 'y'); // a fresh edge per byte for the edge-triggered PIC
        assertThat(r.irq.edges).isEqualTo(3);
    }

    @Test
    void receiveFifoTriggerLevelsAndTimeout() {
        Rig r = new Rig();
        r.osdevInit();
        r.out(1, 0x01); // ERBFI
        r.uart.input().write("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(r.irq.level).isFalse(); // nothing moves until the board polls
        r.uart.pollInput();
        assertThat(r.irq.level).isTrue();
        assertThat(r.in(2)).isEqualTo(0xCC); // below the 14-byte trigger: timeout indication
        r.out(2, 0x41); // 4-byte trigger, FIFO stays on
        r.uart.input().write("defghijklmnopqrstu".getBytes(StandardCharsets.US_ASCII));
        r.uart.pollInput();
        assertThat(r.in(2)).isEqualTo(0xC4);
        StringBuilder got = new StringBuilder();
        while ((r.in(5) & 0x01) != 0) {
            got.append((char) r.in(0));
        }
        assertThat(got).hasToString("abcdefghijklmnopqrstu"); // refilled from the host as it drained
        assertThat(r.irq.level).isFalse();
        assertThat(r.in(2)).isEqualTo(0xC1);
    }

    @Test
    void withoutFifoOneByteWaitsAndHostIsFlowControlled() {
        Rig r = new Rig();
        r.out(4, 0x0B);
        r.uart.input().write(new byte[] {1, 2, 3});
        r.uart.pollInput();
        assertThat(r.uart.input().available()).isEqualTo(2);
        assertThat(r.in(5) & 0x03).isEqualTo(0x01); // data ready, no overrun
        assertThat(r.in(0)).isEqualTo(1);
        assertThat(r.in(0)).isEqualTo(2);
    }

    @Test
    void loopbackOverrunAndModemStatus() {
        Rig r = new Rig();
        r.out(4, 0x10); // loopback, FIFO off
        assertThat(r.in(6) & 0xF0).isZero();
        r.out(4, 0x1F); // DTR, RTS, OUT1, OUT2 looped to DSR, CTS, RI, DCD
        assertThat(r.in(6)).isEqualTo(0xF0 | 0x0B); // deltas for CTS, DSR and DCD
        assertThat(r.in(6)).isEqualTo(0xF0);
        r.out(4, 0x1B); // OUT1 off: RI trailing edge
        assertThat(r.in(6) & 0x04).isEqualTo(0x04);
        r.out(0, 0x11);
        r.out(0, 0x22);
        assertThat(r.in(5) & 0x03).isEqualTo(0x03); // DR and OE
        assertThat(r.in(5) & 0x02).isZero(); // OE clears on read
        assertThat(r.in(0)).isEqualTo(0x11);
    }

    @Test
    void interruptReachesPicOnlyWithOut2() {
        Rig r = new Rig();
        r.out(4, 0x03); // DTR, RTS, no OUT2
        r.out(1, 0x02);
        assertThat(r.irq.level).isFalse();
        r.out(4, 0x0B);
        assertThat(r.irq.level).isTrue();
    }

    @Test
    void scratchAndDivisorLatch() {
        Rig r = new Rig();
        r.out(7, 0x5A);
        assertThat(r.in(7)).isEqualTo(0x5A);
        r.out(3, 0x83);
        r.out(0, 0x01);
        r.out(1, 0x00);
        assertThat(r.in(0)).isEqualTo(0x01);
        r.out(3, 0x03);
        assertThat(r.uart.baudRate()).isEqualTo(115200);
        assertThat(r.in(3)).isEqualTo(0x03);
    }

    @Test
    void captureWithBytesInFifoResumesIdentically() {
        Rig a = new Rig();
        a.osdevInit();
        a.out(1, 0x03);
        a.uart.input().write("0123456789ABCDEFGHIJ".getBytes(StandardCharsets.US_ASCII));
        a.uart.pollInput();
        a.in(0);
        a.in(0);
        byte[] state = Snapshots.capture(a.uart);

        Rig b = new Rig();
        Snapshots.restore(state, b.uart);
        b.irq.level = a.irq.level;
        StringBuilder fromA = new StringBuilder();
        StringBuilder fromB = new StringBuilder();
        for (Rig r : new Rig[] {a, b}) {
            StringBuilder sb = r == a ? fromA : fromB;
            sb.append(Integer.toHexString(r.in(2))).append(':');
            while ((r.in(5) & 0x01) != 0) {
                sb.append((char) r.in(0));
            }
            sb.append(':').append(Integer.toHexString(r.in(2)));
            r.out(0, '!');
        }
        assertThat(fromB.toString()).isEqualTo(fromA.toString()).isEqualTo("c4:23456789ABCDEFGHIJ:c2");
        assertThat(b.sent.toString(StandardCharsets.US_ASCII)).isEqualTo("!");
    }

    /** A paced UART at 115200 8N1 recording when each byte left. */
    static final class PacedRig {
        final VirtualClock clock = VirtualClock.deterministic(0);
        final TimerQueue timers = new TimerQueue();
        final IoBus bus = new IoBus();
        final List<String> wire = new ArrayList<>();
        final EdgeRecorder irq = new EdgeRecorder();
        final Uart16550 uart = new Uart16550(COM1, irq, clock, timers).attach(bus);

        PacedRig() {
            uart.output().subscribe(b -> wire.add((char) b + "@" + clock.nanos()));
            bus.out(COM1 + 3, 1, 0x80);
            bus.out(COM1, 1, 1); // divisor 1: 115200 baud
            bus.out(COM1 + 1, 1, 0);
            bus.out(COM1 + 3, 1, 0x03); // 8N1: 10 bits, 86805 ns a character
            bus.out(COM1 + 2, 1, 0x07);
            bus.out(COM1 + 4, 1, 0x0B);
        }

        void runUntil(long until) {
            while (timers.nextEventTime() <= until) {
                clock.idleUntil(timers.nextEventTime());
                timers.runDue(clock.nanos());
            }
            clock.idleUntil(until);
        }
    }

    @Test
    void pacedTransmitLeavesAtTheBaudRate() {
        PacedRig r = new PacedRig();
        r.bus.out(COM1, 1, 'a');
        assertThat(r.bus.in(COM1 + 5, 1) & 0x60).isEqualTo(0x20); // THR empty, shift register busy
        r.bus.out(COM1, 1, 'b');
        r.bus.out(COM1, 1, 'c');
        assertThat(r.bus.in(COM1 + 5, 1) & 0x60).isZero();
        assertThat(r.wire).isEmpty();
        r.runUntil(1_000_000);
        assertThat(r.wire).containsExactly("a@86805", "b@173610", "c@260415");
        assertThat(r.bus.in(COM1 + 5, 1) & 0x60).isEqualTo(0x60);
    }

    @Test
    void pacedThreInterruptWhenFifoDrainsIntoShiftRegister() {
        PacedRig r = new PacedRig();
        r.bus.out(COM1 + 1, 1, 0x02);
        assertThat(r.bus.in(COM1 + 2, 1)).isEqualTo(0xC2);
        for (char c : "0123".toCharArray()) {
            r.bus.out(COM1, 1, c);
        }
        assertThat(r.irq.level).isFalse();
        r.runUntil(3 * 86_805 - 1);
        assertThat(r.irq.level).isFalse(); // '3' is still waiting in the FIFO
        r.runUntil(3 * 86_805 + 1);
        assertThat(r.irq.level).isTrue(); // '3' moved to the shift register: THR empty
        assertThat(r.bus.in(COM1 + 5, 1) & 0x60).isEqualTo(0x20);
    }

    @Test
    void captureMidTransmissionResumesOnTheSameSchedule() {
        PacedRig a = new PacedRig();
        for (char c : "paced output".toCharArray()) {
            a.bus.out(COM1, 1, c);
        }
        a.runUntil(400_000);
        byte[] state = Snapshots.capture(a.clock, a.uart);
        PacedRig b = new PacedRig();
        b.wire.clear();
        Snapshots.restore(state, b.clock, b.uart);
        a.wire.clear();
        a.runUntil(2_000_000);
        b.runUntil(2_000_000);
        assertThat(b.wire).isEqualTo(a.wire).hasSize(8).first().isEqualTo("d@434025");

        Uart16550 instant = new Uart16550(COM1, high -> { });
        assertThatThrownBy(() -> Snapshots.restore(state, VirtualClock.deterministic(0), instant))
                .hasMessageContaining("paced");
    }
}
