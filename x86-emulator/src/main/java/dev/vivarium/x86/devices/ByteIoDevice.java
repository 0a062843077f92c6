package dev.vivarium.x86.devices;

/**
 * A device with byte-wide registers. A 16- or 32-bit access becomes byte accesses at port,
 * port+1, ... (low byte first), as the ISA bus splits it.
 */
public abstract class ByteIoDevice implements IoDevice {

    protected abstract int inByte(int port);

    protected abstract void outByte(int port, int value);

    @Override
    public final int in(int port, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) {
            v |= (inByte((port + i) & 0xFFFF) & 0xFF) << (8 * i);
        }
        return v;
    }

    @Override
    public final void out(int port, int size, int value) {
        for (int i = 0; i < size; i++) {
            outByte((port + i) & 0xFFFF, (value >>> (8 * i)) & 0xFF);
        }
    }
}
