package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.bus.IoPorts;

import java.util.ArrayList;
import java.util.List;

/** An I/O space that records every OUT and answers every IN with a fixed pattern, so tests see port traffic. */
final class PortLog implements IoPorts {

    record Access(boolean write, int port, int size, int value) {
    }

    final List<Access> accesses = new ArrayList<>();

    @Override
    public int in(int port, int size) {
        accesses.add(new Access(false, port, size, 0));
        // Port number in every byte lane, so a test can tell which port answered.
        int v = port & 0xFF;
        return size == 1 ? v : size == 2 ? v * 0x0101 : v * 0x01010101;
    }

    @Override
    public void out(int port, int size, int value) {
        accesses.add(new Access(true, port, size, value));
    }

    List<Access> writes() {
        return accesses.stream().filter(Access::write).toList();
    }
}
