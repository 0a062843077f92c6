package dev.vivarium.x86.devices.pit;

import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.ByteIoDevice;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/**
 * Port 0x61, system control port B: bit 0 gates PIT channel 2, bit 1 enables the speaker
 * (there is no sound; the bit is kept). Reads add bit 4, the DRAM refresh toggle every
 * 15.085 µs of virtual time that BIOS delay loops poll, and bit 5, channel 2's OUT.
 */
public final class SystemControlPort extends ByteIoDevice implements Snapshottable {

    public static final int PORT = 0x61;
    private static final long REFRESH_PERIOD_NANOS = 15_085;

    private final Pit8254 pit;
    private final VirtualClock clock;
    private int speakerBits;

    public SystemControlPort(Pit8254 pit, VirtualClock clock) {
        this.pit = pit;
        this.clock = clock;
    }

    public SystemControlPort attach(IoBus bus) {
        bus.map(PORT, 1, this);
        return this;
    }

    @Override
    protected int inByte(int port) {
        int refresh = (int) (clock.nanos() / REFRESH_PERIOD_NANOS) & 1;
        return speakerBits | (pit.gate2() ? 1 : 0) | refresh << 4 | (pit.out2() ? 0x20 : 0);
    }

    @Override
    protected void outByte(int port, int value) {
        speakerBits = value & 0x0E;
        pit.setGate2((value & 1) != 0);
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection("port61").writeInt(speakerBits).endSection("port61");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("port61");
        speakerBits = in.readInt(0, 0x0E, "port 0x61 bits");
        in.endSection("port61");
    }
}
