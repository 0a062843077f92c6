package dev.vivarium.vm.bench;

import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.vm.Lab;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.actor.VmStatus;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Scale and speed figures for the issue (a benchmark, not a test; figures depend on the machine):
 * <pre>
 *   idle N [COMMAND-LINE [SECONDS]]
 *             N idle 16 MiB counter VMs on one host (command line default "period_ms=100"; add
 *             "hz=100" for a 100 Hz guest): heap per VM, the host's CPU while idle, and whether
 *             the guests keep pace with host time over a window (default 10 s)
 *   machines N COMMAND-LINE WAKE-MS
 *             the floor under "idle": N counter machines without actors, on this thread, each
 *             woken every WAKE-MS of guest time to run the timer interrupts due (CPU per guest second)
 *   single    MIPS of one busy VM alone (unpaced) against the raw emulator on the same guest
 *   ten       the spread between 10 busy VMs with equal shares
 *   mixed     100 VMs of mixed workloads on one host: consoles checked against guests/tests, shares of the busy ones
 * </pre>
 * Run: see vm-actors/README.md.
 */
public final class VmScaleBenchmark {
    private static final Duration WINDOW = Duration.ofSeconds(5);

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "idle" -> idle(Integer.parseInt(args[1]), args.length > 2 ? args[2] : "period_ms=100",
                    args.length > 3 ? Duration.ofSeconds(Integer.parseInt(args[3])) : Duration.ofSeconds(10));
            case "machines" -> machines(Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]));
            case "single" -> single();
            case "ten" -> ten();
            case "mixed" -> mixed();
            default -> throw new IllegalArgumentException("idle N [COMMAND-LINE [SECONDS]] | machines N COMMAND-LINE WAKE-MS | single | ten | mixed");
        }
        System.exit(0);
    }

    /**
     * Idle counters: heap per VM, then over a window the host's CPU and whether the guests keep
     * pace with host time. Lag is host time since the VM's VmStarted answer minus guest time;
     * what must stay small and flat is its growth over the window (a host that cannot keep up
     * lets it grow, and the pacer rebases a guest that falls a second behind).
     */
    private static void idle(int count, String commandLine, Duration window) throws Exception {
        long before = usedHeapAfterGc();
        Path root = Files.createTempDirectory("vivarium-bench");
        try (Lab lab = new Lab(root, "bench", Map.of("vivarium.host.capacity-mips", 100_000, "vivarium.vm.checkpoint-period", "1h"))) {
            List<ActorRef<VmCommand>> vms = new ArrayList<>();
            long[] poweredOnAt = new long[count];
            long[] startedAt = new long[count];
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                poweredOnAt[i] = System.nanoTime();
                vms.add(lab.powerOn(Lab.vm("idle" + i, "counter", commandLine, CpuAllocation.NORMAL)).ref());
                startedAt[i] = System.nanoTime();
            }
            System.out.printf(Locale.ROOT, "powered on %d VMs (counter %s) in %.1f s%n", count, commandLine,
                    (System.nanoTime() - start) / 1e9);
            Thread.sleep(3000); // let every guest boot and settle into its timer loop
            long heap = usedHeapAfterGc() - before;
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long[][] first = statuses(lab, vms);
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            double cpuCores = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - t0);
            long[][] last = statuses(lab, vms);
            double[] lag = new double[count];
            double[] growth = new double[count];
            double[] pace = new double[count];
            long mostAhead = Long.MIN_VALUE;
            for (int i = 0; i < count; i++) {
                // From the VmStarted answer: the machine was booted and its actor spawned by then.
                long lagFirst = first[1][i] - startedAt[i] - first[0][i];
                long lagLast = last[1][i] - startedAt[i] - last[0][i];
                lag[i] = lagLast / 1e6;
                growth[i] = (lagLast - lagFirst) / 1e6;
                pace[i] = (last[0][i] - first[0][i]) / (double) (last[1][i] - first[1][i]);
                // Against the power-on request, which comes before the guest's clock starts: a strict test.
                mostAhead = Math.max(mostAhead, last[0][i] - (last[1][i] - poweredOnAt[i]));
            }
            Arrays.sort(lag);
            Arrays.sort(growth);
            Arrays.sort(pace);
            System.out.printf(Locale.ROOT, "idle VMs: %d, heap %.1f MiB (%.1f KiB per VM), host CPU over %d s: %.2f cores, load average %.2f%n",
                    count, heap / 1048576.0, heap / 1024.0 / count, window.toSeconds(), cpuCores, os.getSystemLoadAverage());
            double guestSeconds = 0;
            for (double p : pace) {
                guestSeconds += p;
            }
            // What the host spends per guest second: the figure that does not depend on how many cores the JVM got.
            System.out.printf(Locale.ROOT, "guest time per host second over the window: min %.4f median %.4f (1 = keeps pace); host CPU per guest second %.3f ms%n",
                    pace[0], pace[count / 2], cpuCores / guestSeconds * 1e3);
            System.out.printf(Locale.ROOT, "lag behind host time (since VmStarted) at the end: median %.1f ms, p99 %.1f ms, max %.1f ms; its growth over the window: median %.1f ms, max %.1f ms%n",
                    lag[count / 2], lag[count * 99 / 100], lag[count - 1], growth[count / 2], growth[count - 1]);
            System.out.printf(Locale.ROOT, "most ahead of host time: %.1f ms (must be <= 0); slowest status answer %.0f ms%n",
                    mostAhead / 1e6, last[2][0] / 1e6);
        }
    }

    /**
     * Asks every VM at once: [0] guest nanos and [1] host nanos when its answer arrived, per VM;
     * [2][0] the slowest answer.
     */
    private static long[][] statuses(Lab lab, List<ActorRef<VmCommand>> vms) {
        TestProbe<VmReply> probe = lab.kit.createTestProbe();
        Map<String, Integer> index = new HashMap<>();
        long asked = System.nanoTime();
        for (int i = 0; i < vms.size(); i++) {
            index.put("idle" + i, i);
            vms.get(i).tell(new VmCommand.GetStatus(probe.ref()));
        }
        long[][] result = new long[3][vms.size()];
        for (int n = 0; n < vms.size(); n++) {
            VmStatus s = (VmStatus) probe.receiveMessage(Duration.ofSeconds(30));
            long now = System.nanoTime();
            int i = index.get(s.vm());
            result[0][i] = s.guestNanos();
            result[1][i] = now;
            result[2][0] = Math.max(result[2][0], now - asked);
        }
        return result;
    }

    private static void machines(int count, String commandLine, int wakeMillis) throws Exception {
        byte[] image = Files.readAllBytes(Lab.images().resolve("counter.elf"));
        MachineConfig config = new MachineConfig(16L << 20, new MachineConfig.MultibootKernel(image, commandLine),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        List<PcMachine> machines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            machines.add(PcMachine.create(config));
        }
        long step = wakeMillis * 1_000_000L;
        var threads = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 3; round++) { // the first rounds boot the guests and warm the JIT up
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long guest0 = machines.get(0).clock().nanos();
            long wakes = 0;
            while (System.nanoTime() - t0 < WINDOW.toNanos()) {
                for (PcMachine m : machines) {
                    long limit = m.clock().nanos() + step;
                    while (m.run(10_000_000, limit) instanceof dev.vivarium.x86.machine.RunResult.BudgetUsed) {
                        // a booting guest; an idle one halts past the limit at once
                    }
                    wakes++;
                }
            }
            double guestSeconds = (machines.get(0).clock().nanos() - guest0) / 1e9 * count;
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            System.out.printf(Locale.ROOT, "%d machines (counter %s), woken every %d ms of guest time: %.3f ms of CPU per guest second, %.2f us per wake, %.1f guest s per host s%n",
                    count, commandLine, wakeMillis, cpuSeconds / guestSeconds * 1e3, cpuSeconds / wakes * 1e6,
                    guestSeconds / ((System.nanoTime() - t0) / 1e9));
        }
        for (PcMachine m : machines) {
            m.close();
        }
    }

    private static void single() throws Exception {
        byte[] image = Files.readAllBytes(Lab.images().resolve("cpuburn.elf"));
        MachineConfig config = new MachineConfig(16L << 20, new MachineConfig.MultibootKernel(image, "duty=100 period_ms=100"),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            try (PcMachine raw = PcMachine.create(config)) {
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < WINDOW.toNanos()) {
                    if (raw.run(10_000_000) instanceof dev.vivarium.x86.machine.RunResult.Halted h) {
                        raw.idleUntil(h.untilNanos());
                    }
                }
                System.out.printf(Locale.ROOT, "raw emulator, cpuburn duty=100: %.1f MIPS%n",
                        raw.cpu().instructions() / ((System.nanoTime() - t0) / 1e9) / 1e6);
            }
        }
        for (boolean paced : List.of(false, true)) {
            Path root = Files.createTempDirectory("vivarium-bench");
            try (Lab lab = new Lab(root, "bench", Map.of("vivarium.host.capacity-mips", 100_000,
                    "vivarium.vm.checkpoint-period", "1h", "vivarium.vm.pace-guest-time", paced))) {
                ActorRef<VmCommand> vm = lab.powerOn(busy("busy")).ref();
                Thread.sleep(2000);
                double mips = measure(lab, List.of(vm))[0];
                System.out.printf(Locale.ROOT, "one busy VM alone on a HostAgent (%s): %.1f MIPS%n",
                        paced ? "paced to real time, guest clock 100 M instructions/s" : "unpaced", mips);
            }
        }
    }

    private static void ten() throws Exception {
        Path root = Files.createTempDirectory("vivarium-bench");
        try (Lab lab = new Lab(root, "bench", Map.of("vivarium.host.capacity-mips", 100_000, "vivarium.vm.checkpoint-period", "1h"))) {
            List<ActorRef<VmCommand>> vms = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                vms.add(lab.powerOn(busy("busy" + i)).ref());
            }
            Thread.sleep(2000);
            double[] mips = measure(lab, vms);
            report("10 busy VMs, equal shares, host budget above the machine's speed", mips);

            TestProbe<HostReply> probe = lab.kit.createTestProbe();
            lab.host.tell(new HostCommand.GetStats(probe.ref()));
            HostReply.HostStats stats = (HostReply.HostStats) probe.receiveMessage();
            System.out.printf(Locale.ROOT, "host stats: used %.1f MIPS, %d VMs, committed %d MiB, resident %d KiB%n",
                    stats.usedMips(), stats.vmCount(), stats.committedMemoryBytes() >> 20, stats.residentMemoryBytes() >> 10);
        }
        try (Lab lab = new Lab(Files.createTempDirectory("vivarium-bench"), "bench",
                Map.of("vivarium.host.capacity-mips", 50, "vivarium.vm.checkpoint-period", "1h"))) {
            List<ActorRef<VmCommand>> vms = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                vms.add(lab.powerOn(busy("busy" + i)).ref());
            }
            Thread.sleep(2000);
            report("10 busy VMs, equal shares, host budget 50 MIPS", measure(lab, vms));
        }
    }

    private static void mixed() throws Exception {
        Path tests = Lab.images().getParent().resolve("tests");
        record Kind(String image, String commandLine, String expected, int count) {
        }
        List<Kind> kinds = List.of(
                new Kind("counter", "period_ms=100", null, 40),
                new Kind("memdirty", "wss_kb=512 rate_pages=16 periods=120 report=50", "memdirty.out", 20),
                new Kind("cpuburn", "duty=40 period_ms=20 periods=12 report=4", "cpuburn.out", 20),
                new Kind("hello", "", "hello.out", 10),
                new Kind("cpuburn", "duty=100 period_ms=100", null, 10));
        try (Lab lab = new Lab(Files.createTempDirectory("vivarium-bench"), "bench",
                Map.of("vivarium.host.capacity-mips", 1000, "vivarium.vm.checkpoint-period", "1h"))) {
            List<Kind> kindOf = new ArrayList<>();
            List<ActorRef<VmCommand>> vms = new ArrayList<>();
            List<Lab.Console> consoles = new ArrayList<>();
            List<ActorRef<VmCommand>> busy = new ArrayList<>();
            for (Kind kind : kinds) {
                for (int i = 0; i < kind.count(); i++) {
                    ActorRef<VmCommand> vm = lab.powerOn(Lab.vm(kind.image() + vms.size(), kind.image(), kind.commandLine(),
                            CpuAllocation.NORMAL)).ref();
                    vms.add(vm);
                    kindOf.add(kind);
                    consoles.add(lab.console(vm));
                    if (kind.expected() == null && kind.image().equals("cpuburn")) {
                        busy.add(vm);
                    }
                }
            }
            double[] mips = measure(lab, busy);
            Thread.sleep(20_000); // the finite workloads (memdirty: 1.2 s of guest time) finish meanwhile
            int correct = 0;
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < vms.size(); i++) {
                Kind kind = kindOf.get(i);
                String text = consoles.get(i).text();
                boolean ok;
                if (kind.expected() != null) {
                    ok = text.equals(Files.readString(tests.resolve(kind.expected())));
                } else if (kind.image().equals("counter")) {
                    List<Long> numbers = consoles.get(i).numbers();
                    ok = !numbers.isEmpty();
                    for (int n = 0; n < numbers.size(); n++) {
                        ok &= numbers.get(n) == n + 1;
                    }
                } else {
                    ok = text.startsWith("cpuburn duty 100% of 100 ms\n") && !text.contains("exception");
                }
                if (ok) {
                    correct++;
                } else {
                    wrong.add(kind.image() + i + ": " + text.substring(0, Math.min(120, text.length())).replace("\n", "|"));
                }
            }
            System.out.printf(Locale.ROOT, "mixed: %d VMs (40 counter, 20 memdirty, 20 cpuburn 40%%, 10 hello, 10 cpuburn 100%%); consoles correct: %d of %d%n",
                    vms.size(), correct, vms.size());
            wrong.forEach(w -> System.out.println("  wrong console: " + w));
            report("mixed: the 10 busy VMs, equal shares", mips);
            TestProbe<HostReply> probe = lab.kit.createTestProbe();
            lab.host.tell(new HostCommand.GetStats(probe.ref()));
            HostReply.HostStats stats = (HostReply.HostStats) probe.receiveMessage();
            System.out.printf(Locale.ROOT, "mixed host stats at the end: %d VMs still on (the finite ones powered off), used %.1f MIPS, committed %d MiB%n",
                    stats.vmCount(), stats.usedMips(), stats.committedMemoryBytes() >> 20);
        }
    }

    private static void report(String what, double[] mips) {
        double min = Double.MAX_VALUE, max = 0, sum = 0;
        for (double m : mips) {
            min = Math.min(min, m);
            max = Math.max(max, m);
            sum += m;
        }
        double mean = sum / mips.length;
        System.out.printf(Locale.ROOT, "%s: total %.1f MIPS, per VM mean %.2f min %.2f max %.2f, spread (max-min)/mean %.1f%%%n",
                what, sum, mean, min, max, (max - min) / mean * 100);
    }

    private static VmConfig busy(String name) {
        return Lab.vm(name, "cpuburn", "duty=100 period_ms=100", CpuAllocation.NORMAL);
    }

    private static double[] measure(Lab lab, List<ActorRef<VmCommand>> vms) throws InterruptedException {
        long[] before = new long[vms.size()];
        for (int i = 0; i < vms.size(); i++) {
            before[i] = status(lab, vms.get(i)).instructions();
        }
        long t0 = System.nanoTime();
        Thread.sleep(WINDOW.toMillis());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] mips = new double[vms.size()];
        for (int i = 0; i < vms.size(); i++) {
            mips[i] = (status(lab, vms.get(i)).instructions() - before[i]) / seconds / 1e6;
        }
        return mips;
    }

    private static VmStatus status(Lab lab, ActorRef<VmCommand> vm) {
        return (VmStatus) lab.ask(vm, VmCommand.GetStatus::new);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
