package dev.vivarium.x86.bench;

import dev.vivarium.x86.boot.BootImageException;
import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * `vivarium x86 bench linux`: the time from power-on to the busybox shell's prompt of Debian's
 * kernel with our initramfs, in Vivarium and in QEMU ({@code -cpu pentium3}, the same kernel,
 * initrd, memory and command line) in the same run, alternating, with wall and CPU time (the
 * CPU time resists the load of a shared machine), instructions executed and the guest memory
 * touched.
 */
@Command(name = "linux",
        description = {"Boot Debian's kernel and guests/linux's initramfs to the shell prompt in Vivarium and in QEMU",
                "(-cpu pentium3), alternating, and print medians of wall and CPU time, instructions and memory.",
                "Run guests/linux/fetch.sh first. A CPU without an x87 FPU stops at the kernel's no-FPU message,",
                "which is then what is timed (said in the output). Exit status: 0 measured; 1 a run failed; 2 usage error."},
        mixinStandardHelpOptions = true)
public final class LinuxBootCommand implements Callable<Integer> {

    private static final long BUDGET = 20_000_000_000L;
    private static final long QEMU_TIMEOUT_SECONDS = 900;
    private static final long CLOCK_TICKS_PER_SECOND = 100; // Linux's USER_HZ for /proc/PID/stat

    @Option(names = "--kernel", paramLabel = "BZIMAGE", defaultValue = "guests/images/linux/bzImage",
            description = "the kernel (default: ${DEFAULT-VALUE})")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", defaultValue = "guests/images/linux/initrd.gz",
            description = "the initramfs (default: ${DEFAULT-VALUE})")
    Path initrd;

    @Option(names = "--memory", paramLabel = "MIB", defaultValue = "128", description = "guest RAM in MiB (default: ${DEFAULT-VALUE})")
    int memoryMiB;

    @Option(names = "--cmdline", paramLabel = "S", defaultValue = "console=ttyS0", description = "kernel command line (default: ${DEFAULT-VALUE})")
    String cmdline;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "1", description = "runs in each place (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--no-qemu", description = "measure Vivarium only")
    boolean noQemu;

    @Option(names = "--console", description = "print the console of Vivarium's last boot")
    boolean console;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One boot: where it ended, its times, and (Vivarium only) instructions and guest memory touched. */
    record Boot(String reached, long wallNanos, long cpuNanos, long instructions, long guestNanos, long memoryBytes,
                String console) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (runs < 1 || memoryMiB < 16) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1 and --memory at least 16");
        }
        for (Path p : List.of(kernel, initrd)) {
            if (!Files.isRegularFile(p)) {
                err.println("vivarium: bench linux: " + p + " is missing; run guests/linux/fetch.sh first");
                return 1;
            }
        }
        byte[] k = Files.readAllBytes(kernel);
        byte[] i = Files.readAllBytes(initrd);
        Path qemu = noQemu ? null : HostProcess.onPath("qemu-system-i386");
        if (!noQemu && qemu == null) {
            err.println("vivarium: bench linux: qemu-system-i386 not found (apt-get install qemu-system-x86), or give --no-qemu");
            return 1;
        }
        List<Double> loadBefore = HostInfo.readLoadAverage();
        List<Boot> ours = new ArrayList<>();
        List<Boot> theirs = new ArrayList<>();
        try {
            for (int run = 0; run < runs; run++) {
                if (qemu != null) {
                    err.printf("run %d: QEMU...%n", run + 1);
                    err.flush();
                    theirs.add(qemu(qemu));
                }
                err.printf("run %d: Vivarium...%n", run + 1);
                err.flush();
                ours.add(vivarium(k, i));
            }
        } catch (BenchmarkFailure | BootImageException e) {
            err.println("vivarium: bench linux: " + e.getMessage());
            return 1;
        }
        List<Double> loadAfter = HostInfo.readLoadAverage();
        out.printf(Locale.ROOT, "Debian's kernel (%s) with guests/linux's initramfs, %d MiB, \"%s\"; medians of %d run(s)%n",
                kernel.getFileName(), memoryMiB, cmdline, runs);
        out.printf(Locale.ROOT, "| | reached | wall s | CPU s | instructions | guest s | guest memory touched |%n| --- | --- | --- | --- | --- | --- | --- |%n");
        row(out, "Vivarium", ours);
        if (!theirs.isEmpty()) {
            row(out, "QEMU -cpu pentium3", theirs);
            out.printf(Locale.ROOT, "Vivarium / QEMU: wall %.2f x, CPU %.2f x%n",
                    median(ours, Boot::wallNanos) / median(theirs, Boot::wallNanos),
                    median(ours, Boot::cpuNanos) / median(theirs, Boot::cpuNanos));
        }
        out.printf(Locale.ROOT, "load average before %s, after %s; %d cores%n", loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors());
        if (console) {
            out.println("--- Vivarium's console ---");
            out.print(ours.get(ours.size() - 1).console().replace("\r\n", "\n"));
            out.println();
        }
        out.flush();
        return 0;
    }

    private static void row(PrintWriter out, String who, List<Boot> boots) {
        Boot last = boots.get(boots.size() - 1);
        out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %s | %s | %s |%n", who, last.reached(),
                median(boots, Boot::wallNanos) / 1e9, median(boots, Boot::cpuNanos) / 1e9,
                last.instructions() < 0 ? "-" : String.format(Locale.ROOT, "%,d", (long) median(boots, Boot::instructions)),
                last.guestNanos() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", median(boots, Boot::guestNanos) / 1e9),
                last.memoryBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", median(boots, Boot::memoryBytes) / 1048576.0));
    }

    private static double median(List<Boot> boots, java.util.function.ToLongFunction<Boot> f) {
        long[] v = boots.stream().mapToLong(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    /** A fresh PC booted in this thread, timed until the console shows the prompt or the no-FPU stop. */
    private Boot vivarium(byte[] k, byte[] i) throws BootImageException, IOException, BenchmarkFailure {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        MachineConfig config = new MachineConfig((long) memoryMiB << 20, new MachineConfig.LinuxKernel(k, i, cmdline),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        try (PcMachine machine = PcMachine.create(config)) {
            StringBuilder text = new StringBuilder();
            machine.chipset().serial().output().subscribe(b -> text.append((char) (b & 0xFF)));
            String reached;
            while ((reached = LinuxConsole.reached(text)) == null) {
                if (machine.cpu().instructions() > BUDGET) {
                    throw new BenchmarkFailure("no prompt after " + BUDGET + " instructions; the console ends with: " + tail(text));
                }
                RunResult r = machine.run(10_000_000, Long.MAX_VALUE);
                if (r instanceof RunResult.Halted h && h.untilNanos() != Long.MAX_VALUE) {
                    machine.idleUntil(h.untilNanos());
                } else if (!(r instanceof RunResult.BudgetUsed)) {
                    throw new BenchmarkFailure("the machine stopped (" + r + "); the console ends with: " + tail(text));
                }
            }
            return new Boot(reached, System.nanoTime() - wall0, threads.getCurrentThreadCpuTime() - cpu0,
                    machine.cpu().instructions(), machine.clock().nanos(),
                    (long) machine.memory().allocatedPages() * 4096, text.toString());
        }
    }

    /** QEMU until its console shows the prompt: wall time to it and the process's CPU time at it (from /proc). */
    private Boot qemu(Path qemu) throws BenchmarkFailure, IOException {
        List<String> command = List.of(qemu.toString(), "-cpu", "pentium3", "-m", Integer.toString(memoryMiB),
                "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", cmdline,
                "-nodefaults", "-display", "none", "-serial", "stdio", "-no-reboot");
        long wall0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            StringBuilder text = new StringBuilder();
            InputStream in = p.getInputStream();
            byte[] buf = new byte[4096];
            long deadline = wall0 + TimeUnit.SECONDS.toNanos(QEMU_TIMEOUT_SECONDS);
            String reached = null;
            while (reached == null) {
                if (System.nanoTime() > deadline) {
                    throw new BenchmarkFailure("QEMU showed no prompt within " + QEMU_TIMEOUT_SECONDS + " s: " + tail(text));
                }
                int n = in.read(buf);
                if (n < 0) {
                    throw new BenchmarkFailure("QEMU ended before the prompt: " + tail(text));
                }
                for (int j = 0; j < n; j++) {
                    text.append((char) (buf[j] & 0xFF));
                }
                reached = LinuxConsole.reached(text);
            }
            long wall = System.nanoTime() - wall0;
            long cpu = processCpuNanos(p.pid());
            return new Boot(reached, wall, cpu, -1, -1, -1, text.toString());
        } finally {
            p.destroyForcibly();
        }
    }

    /** utime + stime of a live process, from /proc/PID/stat (fields 14 and 15, after the command's parentheses). */
    private static long processCpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    private static String tail(CharSequence text) {
        return text.subSequence(Math.max(0, text.length() - 600), text.length()).toString();
    }
}
