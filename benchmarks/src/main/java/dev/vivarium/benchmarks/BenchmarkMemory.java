package dev.vivarium.benchmarks;

import dev.vivarium.x86.bus.PhysicalMemory;

/**
 * Plain RAM for the benchmarks: a byte array with the word and dword accesses done in one
 * call, as a board's RAM would, so the figures measure the CPU rather than default methods.
 * Addresses wrap at the array size.
 */
final class BenchmarkMemory implements PhysicalMemory {

    private static final int SIZE = 1 << 22;
    private static final int MASK = SIZE - 1;
    private final byte[] ram = new byte[SIZE];

    @Override
    public int readByte(int address) {
        return ram[address & MASK] & 0xFF;
    }

    @Override
    public void writeByte(int address, int value) {
        ram[address & MASK] = (byte) value;
    }

    @Override
    public int readWord(int address) {
        int a = address & MASK;
        if (a > MASK - 1) {
            return PhysicalMemory.super.readWord(address);
        }
        return (ram[a] & 0xFF) | (ram[a + 1] & 0xFF) << 8;
    }

    @Override
    public int readDword(int address) {
        int a = address & MASK;
        if (a > MASK - 3) {
            return PhysicalMemory.super.readDword(address);
        }
        return (ram[a] & 0xFF) | (ram[a + 1] & 0xFF) << 8 | (ram[a + 2] & 0xFF) << 16 | ram[a + 3] << 24;
    }

    @Override
    public void writeWord(int address, int value) {
        int a = address & MASK;
        if (a > MASK - 1) {
            PhysicalMemory.super.writeWord(address, value);
            return;
        }
        ram[a] = (byte) value;
        ram[a + 1] = (byte) (value >>> 8);
    }

    @Override
    public void writeDword(int address, int value) {
        int a = address & MASK;
        if (a > MASK - 3) {
            PhysicalMemory.super.writeDword(address, value);
            return;
        }
        ram[a] = (byte) value;
        ram[a + 1] = (byte) (value >>> 8);
        ram[a + 2] = (byte) (value >>> 16);
        ram[a + 3] = (byte) (value >>> 24);
    }

    void load(int address, int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            writeByte(address + i, bytes[i]);
        }
    }
}
