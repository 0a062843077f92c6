package dev.vivarium.x86.conformance;

import dev.vivarium.x86.bus.PhysicalMemory;

import java.util.Arrays;

/**
 * 16 MiB of writable RAM with no wrap at 1 MiB, as the tests assume, that remembers every
 * address written since the last {@link #clear()}: a test touches a few bytes, so clearing
 * those is all a reset costs (never the whole 16 MiB). Reads beyond 16 MiB float high and
 * writes there are dropped, as with no memory decoded.
 */
public final class TrackingMemory implements PhysicalMemory {

    public static final int SIZE = 1 << 24;

    private final byte[] ram = new byte[SIZE];
    private int[] written = new int[1024];
    private int writtenCount;

    @Override
    public int readByte(int address) {
        return (address & ~(SIZE - 1)) == 0 ? ram[address] & 0xFF : 0xFF;
    }

    @Override
    public void writeByte(int address, int value) {
        if ((address & ~(SIZE - 1)) != 0) {
            return;
        }
        ram[address] = (byte) value;
        if (writtenCount == written.length) {
            written = Arrays.copyOf(written, writtenCount * 2);
        }
        written[writtenCount++] = address; // repeats are harmless: clearing twice is still zero
    }

    /** Writes every byte of {@code image}. */
    public void load(RamImage image) {
        for (int i = 0; i < image.size(); i++) {
            writeByte(image.address(i), image.value(i));
        }
    }

    /** How many writes happened since the last clear (an address written twice counts twice). */
    public int writeCount() {
        return writtenCount;
    }

    /** The address of the {@code i}-th write since the last clear. */
    public int writtenAddress(int i) {
        return written[i];
    }

    /** Zeroes every byte written since the last clear: the memory is all zero again. */
    public void clear() {
        for (int i = 0; i < writtenCount; i++) {
            ram[written[i]] = 0;
        }
        writtenCount = 0;
        if (written.length > 1 << 16) {
            written = new int[1024]; // a long REP string grew it; don't keep megabytes per worker
        }
    }
}
