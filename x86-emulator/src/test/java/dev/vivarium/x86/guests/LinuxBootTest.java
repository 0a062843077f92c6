package dev.vivarium.x86.guests;

import dev.vivarium.x86.bench.LinuxConsole;
import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian 12's own i386 kernel (linux-image-*-686) with our busybox initramfs, fetched by
 * guests/linux/fetch.sh, boots on the emulated PC by the 32-bit boot protocol to /init's script
 * and a busybox shell on COM1 that answers what is typed into it.
 *
 * <p>The 686 kernel stops with "x86/fpu: Giving up, no FPU found and no math emulation present"
 * on a CPU without an x87 FPU (it has no math emulation); while our CPU reports none (CPUID
 * leaf 1, EDX bit 0) the test holds the kernel to exactly that clean stop, and to the shell once
 * it reports one.
 *
 * <p>Once the kernel runs (its banner is out), the machine is captured and the capture restored
 * into a new machine, as a checkpoint is restored on another host: both go on to the same console,
 * byte for byte, after the same number of instructions.
 */
class LinuxBootTest {

    private static final String NO_FPU = LinuxConsole.NO_FPU;
    /** Far more than a boot to the shell takes; only a kernel that hangs uses it up. */
    private static final long BUDGET = 12_000_000_000L;

    @Test
    void debiansKernelBootsToTheBusyboxShell() throws Exception {
        Path dir = LinuxGuest.fetch();
        MachineConfig config = new MachineConfig(128L << 20,
                new MachineConfig.LinuxKernel(LinuxGuest.kernel(dir), LinuxGuest.initrd(dir), "console=ttyS0"),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        try (PcMachine machine = PcMachine.create(config);
             PcMachine restored = PcMachine.createForRestore(config)) {
            Console console = new Console(machine);
            boolean fpu = CpuidProbe.hasFpu();
            String banner = console.runUntil(out -> out.contains("Kernel command line:"), BUDGET);
            byte[] capture = machine.capture();
            restored.restore(capture);
            Console restoredConsole = new Console(restored);
            Predicate<String> end = out -> LinuxConsole.reached(out) != null;
            String seen = console.runUntil(end, BUDGET);
            String seenAfterRestore = restoredConsole.runUntil(out -> end.test(banner + out), BUDGET);
            assertThat(banner + seenAfterRestore).as("the restored machine's console goes on as the original's").isEqualTo(seen);
            assertThat(restored.cpu().instructions()).isEqualTo(machine.cpu().instructions());
            assertThat(seen).contains("Linux version 6.1.").contains("Kernel command line: console=ttyS0");
            if (!fpu) {
                System.out.println("LinuxBootTest: the CPU has no FPU yet; the kernel stopped where it must without one, after "
                        + machine.cpu().instructions() + " instructions");
                assertThat(seen).contains(NO_FPU);
                return;
            }
            assertThat(seen).doesNotContain(NO_FPU)
                    .contains("Run /init as init process")
                    .contains("vivarium-init: sum of squares 1..100 = 338350")
                    .contains(LinuxConsole.INIT_DONE);
            assertThat(LinuxConsole.reached(seen)).isEqualTo("prompt");
            for (PcMachine m : new PcMachine[]{machine, restored}) {
                m.chipset().serial().input().write("echo answer-$((6*7))\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(console.runUntil(out -> LinuxConsole.answered(out, "answer-42"), 2_000_000_000L)).contains("answer-42");
            assertThat(restoredConsole.runUntil(out -> LinuxConsole.answered(out, "answer-42"), 2_000_000_000L))
                    .as("the restored machine's shell answers too").contains("answer-42");
        }
    }

    /** COM1's output collected while the machine runs; halts skip ahead in guest time. */
    static final class Console {
        private final PcMachine machine;
        private final StringBuilder out = new StringBuilder();

        Console(PcMachine machine) {
            this.machine = machine;
            machine.chipset().serial().output().subscribe(b -> out.append((char) (b & 0xFF)));
        }

        /** Runs until the output so far satisfies {@code done} or {@code budget} instructions are used; returns the output. */
        String runUntil(Predicate<String> done, long budget) {
            long end = machine.cpu().instructions() + budget;
            while (!done.test(out.toString())) {
                long left = end - machine.cpu().instructions();
                assertThat(left).as("instructions left before the console shows what we wait for; it shows:%n%s", tail())
                        .isPositive();
                RunResult r = machine.run(Math.min(left, 50_000_000), Long.MAX_VALUE);
                assertThat(r).as("the machine still runs; console:%n%s", tail())
                        .isInstanceOfAny(RunResult.BudgetUsed.class, RunResult.Halted.class);
                if (r instanceof RunResult.Halted h) {
                    assertThat(h.untilNanos()).as("a halted guest with a timer to wake it; console:%n%s", tail())
                            .isNotEqualTo(Long.MAX_VALUE);
                    machine.idleUntil(h.untilNanos());
                }
            }
            return out.toString();
        }

        private String tail() {
            return out.substring(Math.max(0, out.length() - 3000));
        }
    }
}
