package dev.vivarium.x86.devices.debug;

import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IoDevice;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/**
 * Port 0x80, the POST code display: keeps the last byte written (BIOSes report progress
 * there; kernels write it as an I/O delay). Reads return the latched code.
 */
public final class PostCodeLatch implements IoDevice, Snapshottable {

    public static final int PORT = 0x80;

    private int lastCode;
    private long writes;

    public PostCodeLatch attach(IoBus bus) {
        bus.map(PORT, 1, this);
        return this;
    }

    public int lastCode() {
        return lastCode;
    }

    public long writes() {
        return writes;
    }

    @Override
    public int in(int port, int size) {
        return lastCode;
    }

    @Override
    public void out(int port, int size, int value) {
        lastCode = value & 0xFF;
        writes++;
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection("post").writeInt(lastCode).writeLong(writes).endSection("post");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("post");
        lastCode = in.readInt(0, 0xFF, "POST code");
        writes = in.readLong();
        in.endSection("post");
    }
}
