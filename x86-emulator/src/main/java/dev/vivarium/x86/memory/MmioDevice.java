package dev.vivarium.x86.memory;

/**
 * A device decoding a range of physical addresses. {@code offset} is relative to the start of
 * the mapped range; sizes are 1, 2 or 4 bytes and never cross the end of the range (accesses
 * that would are split into bytes by {@link GuestMemory}).
 */
public interface MmioDevice {

    int read(int offset, int size);

    void write(int offset, int size, int value);
}
