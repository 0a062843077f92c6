package dev.vivarium.x86.cpu.diff;

import dev.vivarium.x86.bus.PhysicalMemory;

/** Plain RAM from address 0 for the emulator side of the differential tests; beyond it reads float high. */
final class FlatMemory implements PhysicalMemory {

    private final byte[] bytes;

    FlatMemory(int size) {
        bytes = new byte[size];
    }

    @Override
    public int readByte(int address) {
        return Integer.compareUnsigned(address, bytes.length) < 0 ? bytes[address] & 0xFF : 0xFF;
    }

    @Override
    public void writeByte(int address, int value) {
        if (Integer.compareUnsigned(address, bytes.length) < 0) {
            bytes[address] = (byte) value;
        }
    }

    void load(int address, byte[] data) {
        System.arraycopy(data, 0, bytes, address, data.length);
    }

    byte[] slice(int address, int length) {
        return java.util.Arrays.copyOfRange(bytes, address, address + length);
    }
}
