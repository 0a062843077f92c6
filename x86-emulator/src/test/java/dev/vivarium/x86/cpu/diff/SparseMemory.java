package dev.vivarium.x86.cpu.diff;

import dev.vivarium.x86.bus.PhysicalMemory;

/**
 * RAM over the whole 32-bit address space, allocated in 1 MiB chunks on first write, so the
 * emulator can hold the snippets at the very addresses the host process runs them from
 * (CALL pushes the same return address, absolute jumps land alike). Unwritten memory reads as zero.
 */
final class SparseMemory implements PhysicalMemory {

    private static final int CHUNK_BITS = 20;
    private static final int CHUNK_MASK = (1 << CHUNK_BITS) - 1;
    private final byte[][] chunks = new byte[1 << (32 - CHUNK_BITS)][];

    @Override
    public int readByte(int address) {
        byte[] c = chunks[address >>> CHUNK_BITS];
        return c == null ? 0 : c[address & CHUNK_MASK] & 0xFF;
    }

    @Override
    public void writeByte(int address, int value) {
        byte[] c = chunks[address >>> CHUNK_BITS];
        if (c == null) {
            c = chunks[address >>> CHUNK_BITS] = new byte[1 << CHUNK_BITS];
        }
        c[address & CHUNK_MASK] = (byte) value;
    }

    void load(int address, byte[] data) {
        if (sameChunk(address, data.length)) {
            writeByte(address, data[0]); // allocates the chunk
            System.arraycopy(data, 0, chunks[address >>> CHUNK_BITS], address & CHUNK_MASK, data.length);
            return;
        }
        for (int i = 0; i < data.length; i++) {
            writeByte(address + i, data[i]);
        }
    }

    byte[] slice(int address, int length) {
        byte[] out = new byte[length];
        byte[] c = chunks[address >>> CHUNK_BITS];
        if (sameChunk(address, length) && c != null) {
            System.arraycopy(c, address & CHUNK_MASK, out, 0, length);
            return out;
        }
        for (int i = 0; i < length; i++) {
            out[i] = (byte) readByte(address + i);
        }
        return out;
    }

    private static boolean sameChunk(int address, int length) {
        return length > 0 && (address >>> CHUNK_BITS) == ((address + length - 1) >>> CHUNK_BITS);
    }
}
