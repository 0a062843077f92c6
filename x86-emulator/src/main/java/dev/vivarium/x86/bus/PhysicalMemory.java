package dev.vivarium.x86.bus;

/**
 * The processor's view of guest-physical memory: 32-bit addresses, little-endian, no faults.
 * Whatever sits behind an address (RAM, ROM, a device, nothing) is the board's business;
 * the CPU only ever sees bytes. Addresses are treated as unsigned 32-bit values.
 */
public interface PhysicalMemory {

    /** Reads one byte, 0..255. */
    int readByte(int address);

    /** Writes the low 8 bits of {@code value}. */
    void writeByte(int address, int value);

    /**
     * The array behind the 4 KiB page holding {@code address} when it is ordinary, already
     * allocated RAM, else null. The CPU fetches instructions straight from it; the array must
     * stay the page's storage until the memory is restored or remapped (between run slices).
     */
    default byte[] codePage(int address) {
        return null;
    }

    /** Registers the one watcher told of writes to watched pages (see {@link #watchCode}). */
    default void setCodeWatcher(CodeWatcher watcher) {
    }

    /**
     * Watches the page holding {@code address} for the next guest write, which is then reported
     * to the {@link CodeWatcher}. Returns the page number, or -1 when the address is not plain,
     * allocated RAM (nothing is decoded from it then).
     */
    default int watchCode(int address) {
        return -1;
    }

    default int readWord(int address) {
        return readByte(address) | readByte(address + 1) << 8;
    }

    default int readDword(int address) {
        return readWord(address) | readWord(address + 2) << 16;
    }

    default void writeWord(int address, int value) {
        writeByte(address, value);
        writeByte(address + 1, value >>> 8);
    }

    default void writeDword(int address, int value) {
        writeWord(address, value);
        writeWord(address + 2, value >>> 16);
    }
}
