package dev.vivarium.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares two builds of the emulator on one guest image, for a machine other work is loading.
 * Both builds (two x86-emulator class folders or jars, e.g. {@code target/classes} of two
 * commits) are loaded side by side in this JVM through their own class loaders, and the guest
 * runs to its exit with A, then B, then A again, and so on. Each run is timed by the CPU time of
 * this thread, so time the thread waited for a core is not counted, and each pair ran under
 * nearly the same load: the per-pair ratio B/A is what to look at, not the absolute MIPS.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.vivarium.benchmarks.AlternatingMips
 * A B IMAGE CMDLINE [PAIRS]}. The emulator is reached through its public API only (by
 * reflection, as each build's classes are distinct), so any two builds with that API compare.
 */
public final class AlternatingMips {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 5) {
            System.err.println("usage: AlternatingMips CLASSES_A CLASSES_B IMAGE CMDLINE [PAIRS]");
            System.exit(2);
        }
        for (int i = 0; i < 3; i++) {
            if (!Files.exists(Path.of(args[i]))) {
                System.err.println("AlternatingMips: " + args[i] + ": no such file or folder");
                System.exit(2);
            }
        }
        byte[] image = Files.readAllBytes(Path.of(args[2]));
        int pairs = args.length == 5 ? Integer.parseInt(args[4]) : 6;
        Build a = new Build(Path.of(args[0]));
        Build b = new Build(Path.of(args[1]));
        List<Double> mipsA = new ArrayList<>();
        List<Double> mipsB = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            double x = a.run(image, args[3]);
            double y = b.run(image, args[3]);
            mipsA.add(x);
            mipsB.add(y);
            ratios.add(y / x);
            System.out.printf("pair %d: A %.1f  B %.1f  CPU-time MIPS, B/A %.3f%n", i + 1, x, y, y / x);
        }
        mipsA.sort(null);
        mipsB.sort(null);
        ratios.sort(null);
        System.out.printf("median: A %.1f  B %.1f  B/A %.3f (ratios %.3f..%.3f)%n", MedianMips.median(mipsA),
                MedianMips.median(mipsB), MedianMips.median(ratios), ratios.get(0), ratios.get(ratios.size() - 1));
    }

    /** One build of the emulator, in a class loader of its own. */
    private static final class Build {
        private final ClassLoader loader;

        Build(Path classes) throws Exception {
            loader = new URLClassLoader(new URL[]{classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        }

        /** Boots the image with its command line, runs it to its exit and returns the CPU-time MIPS. */
        double run(byte[] image, String cmdline) throws Exception {
            Class<?> config = type("machine.MachineConfig");
            Class<?> boot = type("machine.MachineConfig$Boot");
            Object kernel = type("machine.MachineConfig$MultibootKernel")
                    .getConstructor(byte[].class, String.class).newInstance(image, cmdline);
            long epoch = config.getField("DEFAULT_START_EPOCH_NANOS").getLong(null);
            Object machineConfig = config.getConstructor(long.class, boot, Path.class, boolean.class, long.class)
                    .newInstance(64L << 20, kernel, null, false, epoch);
            Class<?> pc = type("machine.PcMachine");
            Class<?> exited = type("machine.RunResult$Exited");
            Class<?> haltedForever = type("machine.RunResult$HaltedForever");
            Class<?> reset = type("machine.RunResult$Reset");
            Class<?> halted = type("machine.RunResult$Halted");
            try (AutoCloseable machine = (AutoCloseable) pc.getMethod("create", config).invoke(null, machineConfig)) {
                Method run = pc.getMethod("run", long.class);
                Object cpu = pc.getMethod("cpu").invoke(machine);
                Method instructions = cpu.getClass().getMethod("instructions");
                long before = (long) instructions.invoke(cpu);
                long start = THREADS.getCurrentThreadCpuTime();
                Object result;
                do {
                    result = run.invoke(machine, 10_000_000L);
                    if (haltedForever.isInstance(result) || reset.isInstance(result)) {
                        throw new IllegalStateException("the guest stopped without exiting: " + result);
                    }
                    if (halted.isInstance(result)) { // waiting for a timer: skip guest time ahead, as x86 run does
                        long until = (long) halted.getMethod("untilNanos").invoke(result);
                        if (until == Long.MAX_VALUE) {
                            throw new IllegalStateException("the guest waits for input, which this tool does not give");
                        }
                        pc.getMethod("idleUntil", long.class).invoke(machine, until);
                    }
                } while (!exited.isInstance(result));
                long nanos = THREADS.getCurrentThreadCpuTime() - start;
                return ((long) instructions.invoke(cpu) - before) / (nanos / 1e3);
            }
        }

        private Class<?> type(String name) throws ClassNotFoundException {
            return loader.loadClass("dev.vivarium.x86." + name);
        }
    }

    private AlternatingMips() {
    }
}
