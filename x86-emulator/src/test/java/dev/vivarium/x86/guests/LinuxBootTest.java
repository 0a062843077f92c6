package dev.vivarium.x86.guests;

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
 */
class LinuxBootTest {

    static final String NO_FPU = "x86/fpu: Giving up, no FPU found and no math emulation present";
    /** Far more than a boot to the shell takes; only a kernel that hangs uses it up. */
    private static final long BUDGET = 12_000_000_000L;

    @Test
    void debiansKernelBootsToTheBusyboxShell() throws Exception {
        Path dir = LinuxGuest.fetch();
        MachineConfig config = new MachineConfig(128L << 20,
                new MachineConfig.LinuxKernel(LinuxGuest.kernel(dir), LinuxGuest.initrd(dir), "console=ttyS0"),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        try (PcMachine machine = PcMachine.create(config)) {
            Console console = new Console(machine);
            boolean fpu = CpuidProbe.hasFpu();
            String seen = console.runUntil(out -> out.contains(PROMPT_AFTER_INIT) || out.contains(NO_FPU), BUDGET);
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
                    .contains(PROMPT_AFTER_INIT);
            machine.chipset().serial().input().write("echo answer-$((6*7))\n".getBytes(StandardCharsets.US_ASCII));
            String answered = console.runUntil(out -> out.contains("answer-42\r\n" + LinuxGuest.PROMPT), 2_000_000_000L);
            assertThat(answered).contains("answer-42");
        }
    }

    private static final String PROMPT_AFTER_INIT = LinuxGuest.INIT_DONE + "\r\n" + LinuxGuest.PROMPT;

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
