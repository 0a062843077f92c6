package dev.vivarium.x86.conformance;

import java.util.Arrays;

/** The {@code [[address, byte], ...]} list of a test state: physical addresses and their byte values. */
public record RamImage(int[] addresses, byte[] values) {

    public static final RamImage EMPTY = new RamImage(new int[0], new byte[0]);

    public RamImage {
        if (addresses.length != values.length) {
            throw new IllegalArgumentException("addresses and values differ in length");
        }
    }

    public int size() {
        return addresses.length;
    }

    public int address(int i) {
        return addresses[i];
    }

    /** The byte at index {@code i}, 0..255. */
    public int value(int i) {
        return values[i] & 0xFF;
    }

    /** The value recorded for {@code address}, or -1 when the image does not mention it. */
    public int valueAt(int address) {
        int found = -1;
        for (int i = 0; i < addresses.length; i++) {
            if (addresses[i] == address) {
                found = values[i] & 0xFF; // a later entry for the same address wins
            }
        }
        return found;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RamImage other && Arrays.equals(addresses, other.addresses)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(addresses) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "RamImage[" + addresses.length + " bytes]";
    }
}
