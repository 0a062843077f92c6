package dev.vivarium.x86.devices.pic;

import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.Snapshots;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DualPicTest {

    private final IoBus bus = new IoBus();
    private final DualPic pic = new DualPic().attach(bus);

    /** The sequence Linux's init_8259A() and most hobby kernels use: remap to 0x20/0x28. */
    static void linuxInit(IoBus bus) {
        bus.out(0x21, 1, 0xFF);
        bus.out(0xA1, 1, 0xFF);
        bus.out(0x20, 1, 0x11); // ICW1: edge, cascade, ICW4 needed
        bus.out(0x21, 1, 0x20); // ICW2: IR0-7 -> 0x20-0x27
        bus.out(0x21, 1, 0x04); // ICW3: slave on IR2
        bus.out(0x21, 1, 0x01); // ICW4: 8086, normal EOI
        bus.out(0xA0, 1, 0x11);
        bus.out(0xA1, 1, 0x28);
        bus.out(0xA1, 1, 0x02); // ICW3: slave id 2
        bus.out(0xA1, 1, 0x01);
        bus.out(0x21, 1, 0x00);
        bus.out(0xA1, 1, 0x00);
    }

    @BeforeEach
    void init() {
        linuxInit(bus);
    }

    private void pulse(int irq) {
        pic.setIrq(irq, true);
        pic.setIrq(irq, false);
    }

    @Test
    void deliversInPriorityOrderAndHoldsLowerUntilEoi() {
        assertThat(pic.pending()).isFalse();
        pulse(1);
        pulse(0);
        assertThat(pic.pending()).isTrue();
        assertThat(pic.acknowledge()).isEqualTo(0x20);
        assertThat(pic.inService()).isEqualTo(0x01);
        assertThat(pic.pending()).isFalse(); // IRQ1 waits behind IRQ0 in service
        bus.out(0x20, 1, 0x20); // non-specific EOI
        assertThat(pic.pending()).isTrue();
        assertThat(pic.acknowledge()).isEqualTo(0x21);
        pulse(0); // higher priority nests over IRQ1 in service
        assertThat(pic.acknowledge()).isEqualTo(0x20);
        assertThat(pic.inService()).isEqualTo(0x03);
        bus.out(0x20, 1, 0x20);
        assertThat(pic.inService()).isEqualTo(0x02); // EOI clears the highest in service
        bus.out(0x20, 1, 0x61); // specific EOI for IR1
        assertThat(pic.inService()).isZero();
    }

    @Test
    void slaveInterruptsCascadeThroughIr2() {
        pulse(14);
        assertThat(pic.pending()).isTrue();
        assertThat(pic.acknowledge()).isEqualTo(0x2E);
        assertThat(pic.inService()).isEqualTo(0x4000 | 0x04);
        pulse(8); // higher priority than 14 on the slave, but the master's IR2 is in service
        assertThat(pic.pending()).isFalse();
        bus.out(0xA0, 1, 0x20);
        bus.out(0x20, 1, 0x20);
        assertThat(pic.acknowledge()).isEqualTo(0x28);
    }

    @Test
    void maskAndEdgeSemantics() {
        bus.out(0x21, 1, 0x08); // mask IR3
        pic.setIrq(3, true);
        assertThat(pic.pending()).isFalse();
        assertThat(bus.in(0x21, 1)).isEqualTo(0x08);
        bus.out(0x21, 1, 0x00);
        assertThat(pic.acknowledge()).isEqualTo(0x23);
        bus.out(0x20, 1, 0x20);
        assertThat(pic.pending()).isFalse(); // the line is still high, but there was no new edge
        pic.setIrq(3, false);
        pic.setIrq(3, true);
        assertThat(pic.pending()).isTrue();
    }

    @Test
    void reinitialisationNeedsAFreshEdgeFromALineAlreadyHigh() {
        pic.setIrq(6, true);
        linuxInit(bus); // ICW1 clears IRR and resets edge sensing
        assertThat(pic.pending()).isFalse();
        pic.setIrq(6, true); // still high: no transition
        assertThat(pic.pending()).isFalse();
        pic.setIrq(6, false);
        pic.setIrq(6, true);
        assertThat(pic.acknowledge()).isEqualTo(0x26);
    }

    @Test
    void spuriousIrq7WhenRequestVanishesBeforeAcknowledge() {
        pulse(5);
        assertThat(pic.pending()).isTrue();
        bus.out(0x21, 1, 0x20); // masked between INTR and INTA
        assertThat(pic.acknowledge()).isEqualTo(0x27);
        assertThat(pic.inService()).isZero();
        pulse(10);
        bus.out(0xA1, 1, 0x04);
        assertThat(pic.pending()).isTrue(); // master latched the cascade edge
        assertThat(pic.acknowledge()).isEqualTo(0x2F); // spurious IRQ 15
        assertThat(pic.inService()).isEqualTo(0x04); // master IR2 in service, slave nothing
    }

    @Test
    void readsIrrIsrAndPolls() {
        bus.out(0x21, 1, 0xFF);
        pulse(4);
        bus.out(0x20, 1, 0x0A); // OCW3: read IRR
        assertThat(bus.in(0x20, 1)).isEqualTo(0x10);
        bus.out(0x20, 1, 0x0B); // read ISR
        assertThat(bus.in(0x20, 1)).isZero();
        bus.out(0x21, 1, 0x00);
        bus.out(0x20, 1, 0x0C); // poll
        assertThat(bus.in(0x20, 1)).isEqualTo(0x84);
        assertThat(bus.in(0x20, 1)).isEqualTo(0x10); // back to ISR reads: IR4 now in service
    }

    @Test
    void autoEoiAndRotation() {
        bus.out(0x20, 1, 0x11);
        bus.out(0x21, 1, 0x20);
        bus.out(0x21, 1, 0x04);
        bus.out(0x21, 1, 0x03); // ICW4 with AEOI
        pic.setIrq(6, false);
        pic.setIrq(6, true);
        assertThat(pic.acknowledge()).isEqualTo(0x26);
        assertThat(pic.inService()).isZero();

        bus.out(0x20, 1, 0xC3); // set priority: IR3 lowest, IR4 highest
        pulse(1);
        pulse(5);
        assertThat(pic.acknowledge()).isEqualTo(0x25);
        assertThat(pic.acknowledge()).isEqualTo(0x21);
    }

    @Test
    void rotateOnNonSpecificEoiMakesServicedLowest() {
        pulse(2 + 1); // IR3
        assertThat(pic.acknowledge()).isEqualTo(0x23);
        bus.out(0x20, 1, 0xA0); // rotate on non-specific EOI: IR3 becomes lowest
        pulse(3);
        pulse(7);
        assertThat(pic.acknowledge()).isEqualTo(0x27); // IR7 now outranks IR3
    }

    @Test
    void captureWithPendingRequestResumesIdentically() {
        pulse(0);
        assertThat(pic.acknowledge()).isEqualTo(0x20);
        pulse(12);
        pulse(4);
        bus.out(0x20, 1, 0x0B);
        byte[] state = Snapshots.capture(pic);

        IoBus bus2 = new IoBus();
        DualPic copy = new DualPic().attach(bus2);
        Snapshots.restore(state, copy);
        for (DualPic p : new DualPic[] {pic, copy}) {
            IoBus b = p == pic ? bus : bus2;
            assertThat(b.in(0x20, 1)).isEqualTo(0x01);
            assertThat(p.pending()).isFalse();
            b.out(0x20, 1, 0x20);
            assertThat(p.acknowledge()).isEqualTo(0x2C);
            b.out(0xA0, 1, 0x20);
            b.out(0x20, 1, 0x20);
            assertThat(p.acknowledge()).isEqualTo(0x24);
            assertThat(p.requests()).isZero();
        }
    }
}
