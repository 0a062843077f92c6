package dev.vivarium.x86.memory;

import dev.vivarium.x86.state.StateFile;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Throughput of the guest-memory hot paths (not a test: speed depends on the machine). Run:
 * <pre>
 *   mvn -q -pl x86-emulator test-compile
 *   java -cp x86-emulator/target/classes:x86-emulator/target/test-classes dev.vivarium.x86.memory.MemoryBenchmark
 * </pre>
 * Prints the median of several rounds: millions of accesses per second, or MiB per second
 * for capture and restore.
 */
public final class MemoryBenchmark {

    private static final int SIZE = 16 << 20;
    private static final int ROUNDS = 9;

    private MemoryBenchmark() {
    }

    public static void main(String[] args) throws IOException {
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
        Path file = Files.createTempFile("vivarium-bench", ".state");
        try {
            report("full capture of 16 MiB touched RAM to a file", "MiB/s", 1, () -> {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    StateWriter w = StateFile.create(out);
                    m.save(w);
                    w.finish();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return SIZE >> 20;
            });
            GuestMemory target = new GuestMemory(64L << 20);
            report("verify CRC + restore it from the file", "MiB/s", 1, () -> {
                try (StateReader r = StateFile.open(file)) {
                    target.restore(r);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return SIZE >> 20;
            });
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.println("(checksum " + sink[0] + ", pages allocated " + m.allocatedPages() + ")");
    }

    private interface Round {
        int run();
    }

    /** Accesses: prints millions per second. */
    private static void report(String name, Round round) {
        report(name, "M accesses/s", 1e6, round);
    }

    /** Prints the median of {@code round}'s count per second divided by {@code scale}. */
    private static void report(String name, String unit, double scale, Round round) {
        double[] rates = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            int count = round.run();
            rates[i] = count * 1e9 / (System.nanoTime() - t0) / scale;
        }
        Arrays.sort(rates);
        System.out.printf("%-60s %8.1f %s%n", name, rates[ROUNDS / 2], unit);
    }
}
