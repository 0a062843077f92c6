package dev.vivarium.x86.memory;

import java.util.Arrays;

/**
 * Throughput of the guest-memory hot paths (not a test: speed depends on the machine). Run:
 * <pre>
 *   mvn -q -pl x86-emulator test-compile
 *   java -cp x86-emulator/target/classes:x86-emulator/target/test-classes dev.vivarium.x86.memory.MemoryBenchmark
 * </pre>
 * Prints the median of several rounds, in millions of accesses per second.
 */
public final class MemoryBenchmark {

    private static final int SIZE = 16 << 20;
    private static final int ROUNDS = 9;

    private MemoryBenchmark() {
    }

    public static void main(String[] args) {
        GuestMemory m = new GuestMemory(64L << 20);
        long[] sink = {0};
        report("writeDword sequential, pages present", () -> {
            for (int a = 0; a < SIZE; a += 4) {
                m.writeDword(a, a);
            }
            return SIZE / 4;
        });
        report("readDword sequential", () -> {
            long s = 0;
            for (int a = 0; a < SIZE; a += 4) {
                s += m.readDword(a);
            }
            sink[0] += s;
            return SIZE / 4;
        });
        report("readDword pseudo-random", () -> {
            long s = 0;
            int x = 12345;
            for (int i = 0; i < SIZE / 4; i++) {
                x = x * 1103515245 + 12345;
                s += m.readDword(x & (SIZE - 4));
            }
            sink[0] += s;
            return SIZE / 4;
        });
        report("readByte sequential", () -> {
            long s = 0;
            for (int a = 0; a < SIZE; a++) {
                s += m.readByte(a);
            }
            sink[0] += s;
            return SIZE;
        });
        report("writeDword after a migration-log clear (dirty marking path)", () -> {
            m.takeDirty(GuestMemory.DirtyLog.MIGRATION);
            for (int a = 0; a < SIZE; a += 4) {
                m.writeDword(a, a + 1);
            }
            return SIZE / 4;
        });
        System.out.println("(checksum " + sink[0] + ", pages allocated " + m.allocatedPages() + ")");
    }

    private interface Round {
        int run();
    }

    private static void report(String name, Round round) {
        double[] mops = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            int ops = round.run();
            mops[i] = ops * 1e3 / (System.nanoTime() - t0);
        }
        Arrays.sort(mops);
        System.out.printf("%-62s %8.1f M/s%n", name, mops[ROUNDS / 2]);
    }
}
