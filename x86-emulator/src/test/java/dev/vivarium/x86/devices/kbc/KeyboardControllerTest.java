package dev.vivarium.x86.devices.kbc;

import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.Snapshots;
import dev.vivarium.x86.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyboardControllerTest {

    private final GuestMemory memory = new GuestMemory(4L << 20);
    private final IoBus bus = new IoBus();
    private int resets;
    private boolean irq1;
    private final A20Gate a20 = new A20Gate(memory::setA20Enabled);
    private final KeyboardController kbc = new KeyboardController(a20, () -> resets++, high -> irq1 = high).attach(bus);
    private final FastA20Port port92 = new FastA20Port(a20, () -> resets++).attach(bus);

    /** The classic A20 routine: wait for IBF clear, 0xD1, wait, output port value. */
    private void writeOutputPort(int value) {
        while ((bus.in(0x64, 1) & 0x02) != 0) {
            // IBF is never set here, but this is the loop guests run
        }
        bus.out(0x64, 1, 0xD1);
        bus.out(0x60, 1, value);
    }

    @Test
    void a20ThroughOutputPort() {
        assertThat(memory.isA20Enabled()).isTrue();
        writeOutputPort(0xDD);
        assertThat(memory.isA20Enabled()).isFalse();
        bus.out(0x64, 1, 0xD0);
        assertThat(bus.in(0x64, 1) & 0x01).isEqualTo(1);
        assertThat(bus.in(0x60, 1) & 0x02).isZero();
        writeOutputPort(0xDF);
        assertThat(memory.isA20Enabled()).isTrue();
        bus.out(0x64, 1, 0xDD);
        assertThat(memory.isA20Enabled()).isFalse();
        assertThat(resets).isZero();
    }

    @Test
    void fastA20PortOrsWithController() {
        writeOutputPort(0xDD);
        bus.out(0x92, 1, bus.in(0x92, 1) | 0x02);
        assertThat(memory.isA20Enabled()).isTrue();
        assertThat(bus.in(0x92, 1)).isEqualTo(0x02);
        bus.out(0x92, 1, 0x00);
        assertThat(memory.isA20Enabled()).isFalse();
        bus.out(0x92, 1, 0x01);
        assertThat(resets).isEqualTo(1);
    }

    @Test
    void resetPulseAndOutputPortResetLine() {
        bus.out(0x64, 1, 0xFE);
        assertThat(resets).isEqualTo(1);
        writeOutputPort(0x02); // bit 0 clear asserts reset
        assertThat(resets).isEqualTo(2);
        bus.out(0x64, 1, 0xFF); // pulse with no bits selected: nothing
        assertThat(resets).isEqualTo(2);
    }

    @Test
    void selfTestCommandByteAndKeyboardReplies() {
        bus.out(0x64, 1, 0xAA);
        assertThat(bus.in(0x64, 1) & 0x09).isEqualTo(0x09); // OBF, last write was a command
        assertThat(bus.in(0x60, 1)).isEqualTo(0x55);
        assertThat(bus.in(0x64, 1) & 0x01).isZero();

        bus.out(0x64, 1, 0x60);
        bus.out(0x60, 1, 0x47);
        bus.out(0x64, 1, 0x20);
        assertThat(bus.in(0x60, 1)).isEqualTo(0x47);

        bus.out(0x60, 1, 0xFF); // keyboard reset
        assertThat(irq1).isTrue();
        assertThat(bus.in(0x60, 1)).isEqualTo(0xFA);
        assertThat(bus.in(0x60, 1)).isEqualTo(0xAA);
        assertThat(irq1).isFalse();
        bus.out(0x60, 1, 0xED); // set LEDs: ACK, parameter, ACK
        bus.out(0x60, 1, 0x07);
        assertThat(bus.in(0x60, 1)).isEqualTo(0xFA);
        assertThat(bus.in(0x60, 1)).isEqualTo(0xFA);
        assertThat(bus.in(0x64, 1) & 0x01).isZero();
    }

    @Test
    void captureKeepsQueueAndA20() {
        writeOutputPort(0xDD);
        bus.out(0x60, 1, 0xF2);
        bus.in(0x60, 1);
        byte[] state = Snapshots.capture(memory, a20, kbc);

        GuestMemory memory2 = new GuestMemory(4L << 20);
        IoBus bus2 = new IoBus();
        A20Gate gate2 = new A20Gate(memory2::setA20Enabled);
        KeyboardController copy = new KeyboardController(gate2, () -> { }, high -> { }).attach(bus2);
        Snapshots.restore(state, memory2, gate2, copy);
        assertThat(memory2.isA20Enabled()).isFalse();
        assertThat(bus2.in(0x60, 1)).isEqualTo(0xAB);
        assertThat(bus2.in(0x60, 1)).isEqualTo(0x83);
    }
}
