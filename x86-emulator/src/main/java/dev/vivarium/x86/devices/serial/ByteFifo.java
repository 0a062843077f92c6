package dev.vivarium.x86.devices.serial;

import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/** The 16-byte receive FIFO (capacity 1 when the 16550's FIFOs are off, as on an 8250). */
final class ByteFifo {

    static final int DEPTH = 16;

    private final int[] data = new int[DEPTH];
    private int head;
    private int count;

    int count() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    boolean add(int b, int capacity) {
        if (count >= capacity) {
            return false;
        }
        data[(head + count) % DEPTH] = b & 0xFF;
        count++;
        return true;
    }

    int poll() {
        if (count == 0) {
            return 0;
        }
        int b = data[head];
        head = (head + 1) % DEPTH;
        count--;
        return b;
    }

    void clear() {
        head = 0;
        count = 0;
    }

    void save(StateWriter out) {
        out.writeInt(count);
        for (int i = 0; i < count; i++) {
            out.writeByte(data[(head + i) % DEPTH]);
        }
    }

    void restore(StateReader in) {
        clear();
        int n = in.readInt(0, DEPTH, "FIFO length");
        for (int i = 0; i < n; i++) {
            data[i] = in.readByte();
        }
        count = n;
    }
}
