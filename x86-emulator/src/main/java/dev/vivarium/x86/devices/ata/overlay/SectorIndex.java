package dev.vivarium.x86.devices.ata.overlay;

import java.util.Arrays;

/**
 * Sector number to slot, an open-addressing hash of primitive longs and ints, so looking up
 * or rewriting a sector allocates nothing (a HashMap would box both). Grows by doubling.
 */
final class SectorIndex {
    private static final long EMPTY = -1;

    private long[] keys;
    private int[] slots;
    private int size;

    SectorIndex() {
        keys = new long[64];
        Arrays.fill(keys, EMPTY);
        slots = new int[64];
    }

    int size() {
        return size;
    }

    /** The slot of {@code lba}, or -1. */
    int get(long lba) {
        int mask = keys.length - 1;
        for (int i = hash(lba) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == lba) {
                return slots[i];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    /** Adds {@code lba} (not present yet) with {@code slot}. */
    void put(long lba, int slot) {
        if ((size + 1) * 4L > keys.length * 3L) {
            grow();
        }
        insert(lba, slot);
        size++;
    }

    /** Every sector held, ascending. */
    long[] sortedSectors() {
        long[] out = new long[size];
        int n = 0;
        for (long k : keys) {
            if (k != EMPTY) {
                out[n++] = k;
            }
        }
        Arrays.sort(out);
        return out;
    }

    private void insert(long lba, int slot) {
        int mask = keys.length - 1;
        int i = hash(lba) & mask;
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = lba;
        slots[i] = slot;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSlots = slots;
        keys = new long[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        slots = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                insert(oldKeys[i], oldSlots[i]);
            }
        }
    }

    private static int hash(long lba) {
        long h = lba * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
