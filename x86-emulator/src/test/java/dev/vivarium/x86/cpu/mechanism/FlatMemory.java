package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.bus.PhysicalMemory;

/** Plain RAM from address 0 for the mechanism tests; beyond its end reads float high and writes vanish. */
final class FlatMemory implements PhysicalMemory {

    private final byte[] ram;

    FlatMemory(int size) {
        ram = new byte[size];
    }

    @Override
    public int readByte(int address) {
        return Integer.compareUnsigned(address, ram.length) < 0 ? ram[address] & 0xFF : 0xFF;
    }

    @Override
    public void writeByte(int address, int value) {
        if (Integer.compareUnsigned(address, ram.length) < 0) {
            ram[address] = (byte) value;
        }
    }

    void load(int address, byte[] bytes) {
        System.arraycopy(bytes, 0, ram, address, bytes.length);
    }
}
