package dev.vivarium.x86.devices;

import dev.vivarium.x86.bus.IoPorts;

/**
 * The I/O port space: devices registered by port range, in a two-level table (256 blocks of
 * 256 ports, a block allocated only when something is mapped in it) so an idle VM does not pay
 * for 65536 empty slots. Ports nobody decodes read as all ones and drop writes.
 */
public final class IoBus implements IoPorts {

    private final IoDevice[][] blocks = new IoDevice[256][];

    /** What a read of {@code size} bytes returns when nothing drives the bus: all ones. */
    public static int floating(int size) {
        return size == 4 ? -1 : (1 << (8 * size)) - 1;
    }

    /** Routes ports [first, first + count) to {@code device}; a port can have only one owner. */
    public IoBus map(int first, int count, IoDevice device) {
        if (first < 0 || count <= 0 || first + count > 0x10000) {
            throw new IllegalArgumentException("port range out of bounds: " + first + "+" + count);
        }
        for (int p = first; p < first + count; p++) {
            IoDevice existing = deviceAt(p);
            if (existing != null) {
                throw new IllegalArgumentException(String.format("port 0x%x is already mapped to %s", p, existing));
            }
        }
        for (int p = first; p < first + count; p++) {
            IoDevice[] block = blocks[p >>> 8];
            if (block == null) {
                block = blocks[p >>> 8] = new IoDevice[256];
            }
            block[p & 0xFF] = device;
        }
        return this;
    }

    public IoDevice deviceAt(int port) {
        IoDevice[] block = blocks[(port >>> 8) & 0xFF];
        return block == null ? null : block[port & 0xFF];
    }

    /**
     * A wide access to a byte-wide device is split into byte accesses at consecutive ports, each
     * going to whichever device owns that port (nothing, possibly), as the ISA bus does.
     */
    @Override
    public int in(int port, int size) {
        IoDevice d = deviceAt(port & 0xFFFF);
        if (d == null && size == 1) {
            return 0xFF;
        }
        if (d == null || (size > 1 && d instanceof ByteIoDevice)) {
            int v = 0;
            for (int i = 0; i < size; i++) {
                v |= in((port + i) & 0xFFFF, 1) << (8 * i);
            }
            return v;
        }
        return d.in(port & 0xFFFF, size) & floating(size);
    }

    @Override
    public void out(int port, int size, int value) {
        IoDevice d = deviceAt(port & 0xFFFF);
        if (size > 1 && (d == null || d instanceof ByteIoDevice)) {
            for (int i = 0; i < size; i++) {
                out((port + i) & 0xFFFF, 1, value >>> (8 * i));
            }
            return;
        }
        if (d != null) {
            d.out(port & 0xFFFF, size, value & floating(size));
        }
    }
}
