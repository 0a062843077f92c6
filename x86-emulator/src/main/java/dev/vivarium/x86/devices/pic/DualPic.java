package dev.vivarium.x86.devices.pic;

import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.devices.ByteIoDevice;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IrqLine;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/**
 * The PC/AT pair of 8259As: master at 0x20/0x21, slave at 0xA0/0xA1 cascaded on master IR2,
 * so IRQ 0-7 are the master's inputs and IRQ 8-15 the slave's. This is what the CPU sees as
 * its {@link InterruptLine}. When the request that raised INTR has gone by the time of the
 * acknowledge cycle (masked meanwhile), the chip answers with IR7's vector without setting
 * ISR: the spurious IRQ 7 (or 15) that guests must recognise.
 *
 * <p>Power-on state: both chips uninitialised with all inputs unmasked and vector bases 0,
 * as after ICW1 without the rest; every BIOS or kernel reprograms them.
 */
public final class DualPic extends ByteIoDevice implements InterruptLine, Snapshottable {

    public static final int MASTER_PORT = 0x20;
    public static final int SLAVE_PORT = 0xA0;

    private final Pic8259 master = new Pic8259(true);
    private final Pic8259 slave = new Pic8259(false);
    private final IrqLine[] lines = new IrqLine[16];

    public DualPic() {
        for (int i = 0; i < 16; i++) {
            int irq = i;
            lines[i] = high -> setIrq(irq, high);
        }
    }

    /** Maps the command/data ports of both chips. */
    public DualPic attach(IoBus bus) {
        bus.map(MASTER_PORT, 2, this);
        bus.map(SLAVE_PORT, 2, this);
        return this;
    }

    /** The wire for IRQ {@code irq} (0-15), to hand to a device. */
    public IrqLine line(int irq) {
        return lines[irq];
    }

    public void setIrq(int irq, boolean level) {
        if (irq < 8) {
            master.setInput(irq, level);
        } else {
            slave.setInput(irq - 8, level);
            updateCascade();
        }
    }

    private void updateCascade() {
        master.setInput(2, slave.pendingIrq() >= 0);
    }

    @Override
    public boolean pending() {
        return master.pendingIrq() >= 0;
    }

    @Override
    public int acknowledge() {
        int irq = master.pendingIrq();
        int vector;
        if (irq < 0) {
            vector = master.vectorBase + 7; // spurious IRQ 7
        } else {
            master.acknowledge(irq);
            if (irq == 2) {
                int slaveIrq = slave.pendingIrq();
                if (slaveIrq < 0) {
                    vector = slave.vectorBase + 7; // spurious IRQ 15
                } else {
                    slave.acknowledge(slaveIrq);
                    vector = slave.vectorBase + slaveIrq;
                }
            } else {
                vector = master.vectorBase + irq;
            }
        }
        updateCascade();
        return vector;
    }

    /** IRR of both chips, slave in the high byte (for diagnostics and tests). */
    public int requests() {
        return slave.irr << 8 | master.irr;
    }

    /** ISR of both chips, slave in the high byte. */
    public int inService() {
        return slave.isr << 8 | master.isr;
    }

    @Override
    protected int inByte(int port) {
        Pic8259 chip = (port & ~1) == SLAVE_PORT ? slave : master;
        int v = chip.read((port & 1) == 0);
        updateCascade(); // a poll read may have acknowledged a slave request
        return v;
    }

    @Override
    protected void outByte(int port, int value) {
        Pic8259 chip = (port & ~1) == SLAVE_PORT ? slave : master;
        chip.write((port & 1) == 0, value);
        updateCascade();
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection("pic");
        master.save(out);
        slave.save(out);
        out.endSection("pic");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("pic");
        master.restore(in);
        slave.restore(in);
        in.endSection("pic");
    }
}
