package dev.vivarium.x86.cpu.fuzz;

import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.bus.IoPorts;
import dev.vivarium.x86.cpu.Cpu;

/**
 * Deterministic I/O ports and an interrupt line for the fuzzer. Port reads return a hash of
 * the port and the read count; the interrupt line raises a request at pseudo-random
 * instruction counts and keeps it raised until acknowledged, as a PIC does. Both depend only
 * on the seed and the instruction stream, so a failing episode replays exactly.
 */
final class FuzzDevices implements IoPorts, InterruptLine {

    private final long seed;
    private Cpu cpu;
    private long reads;
    private long nextInterruptAt;
    private long acknowledged;

    FuzzDevices(long seed) {
        this.seed = seed;
    }

    void attach(Cpu cpu) {
        this.cpu = cpu;
        nextInterruptAt = cpu.instructions() + gap(0);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private long gap(long salt) {
        return 1 + Math.floorMod(mix(seed ^ salt * 0x9E3779B97F4A7C15L), 4000);
    }

    @Override
    public int in(int port, int size) {
        int v = (int) mix(seed + port * 31L + reads++);
        return size == 4 ? v : v & ((1 << (size * 8)) - 1);
    }

    @Override
    public void out(int port, int size, int value) {
        // Writes go nowhere; the point is that the CPU survives issuing them.
    }

    @Override
    public boolean pending() {
        return cpu != null && cpu.instructions() >= nextInterruptAt;
    }

    @Override
    public int acknowledge() {
        if (!pending()) {
            throw new IllegalStateException("acknowledge without a pending interrupt");
        }
        acknowledged++;
        nextInterruptAt = cpu.instructions() + gap(acknowledged);
        return (int) (mix(seed - acknowledged) & 0xFF);
    }
}
