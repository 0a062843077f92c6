package dev.vivarium.x86.cpu.fuzz;

import dev.vivarium.x86.bus.PhysicalMemory;

import java.util.SplittableRandom;

/**
 * RAM for the fuzzer: every 32-bit physical address aliases into one small array, so wild
 * jumps, page walks and descriptor reads anywhere in the 4 GiB space land on (mostly random)
 * bytes instead of an unmapped hole.
 */
final class FuzzMemory implements PhysicalMemory {

    static final int SIZE = 1 << 20;
    private static final int MASK = SIZE - 1;

    private final byte[] bytes = new byte[SIZE];

    /** Overwrites all of memory with bytes drawn from {@code random}. */
    void fillRandom(SplittableRandom random) {
        for (int i = 0; i < SIZE; i += 8) {
            long v = random.nextLong();
            for (int k = 0; k < 8; k++) {
                bytes[i + k] = (byte) (v >>> (8 * k));
            }
        }
    }

    @Override
    public int readByte(int address) {
        return bytes[address & MASK] & 0xFF;
    }

    @Override
    public void writeByte(int address, int value) {
        bytes[address & MASK] = (byte) value;
    }

    long hash() {
        return java.util.Arrays.hashCode(bytes) & 0xFFFFFFFFL;
    }

    void write(int address, byte[] code) {
        for (int i = 0; i < code.length; i++) {
            writeByte(address + i, code[i]);
        }
    }

    /** A descriptor or gate: the low and high dwords. */
    void writeQword(int address, int lo, int hi) {
        writeDword(address, lo);
        writeDword(address + 4, hi);
    }
}
