package dev.vivarium.vm.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.vm.Lab;
import dev.vivarium.vm.host.HostReply;
import dev.vivarium.x86.bench.LinuxConsole;
import dev.vivarium.x86.bench.LinuxGuestFetch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM of Debian's kernel and our initramfs (as {@code vm create --image linux} makes one),
 * suspended once its kernel runs and resumed on another host from the datastore: its console goes
 * on where it stopped, nothing lost or repeated, to the busybox shell, which answers what is typed
 * into it, or, while the CPU has no FPU, to the kernel's own no-FPU stop. Runs
 * guests/linux/fetch.sh first; skipped with the reason where Debian's archive is out of reach,
 * except under CI=true.
 */
class LinuxVmTest {
    /** Bounds, not speeds: the boot is billions of instructions, and the machine may be shared. */
    private static final Duration KERNEL = Duration.ofMinutes(15);
    private static final Duration BOOT = Duration.ofMinutes(40);
    private static final Duration STEP = Duration.ofSeconds(60);

    @TempDir
    Path datastore;

    @Test
    void aLinuxVmSuspendedOnOneHostGoesOnOnAnotherToItsShell() throws Exception {
        LinuxGuestFetch.Result fetched = LinuxGuestFetch.run(Lab.images().getParent());
        if (fetched.unavailable()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("guests/linux/fetch.sh: " + fetched.output() + " (CI=true)");
            }
            assumeTrue(false, "guests/linux/fetch.sh: " + fetched.output().strip());
        }
        assertThat(fetched.ok()).as("fetch.sh: %s", fetched.output()).isTrue();
        VmConfig linux = new VmConfig("deb-1", 128, "linux", "", "console=ttyS0", CpuAllocation.NORMAL,
                RestartPriority.MEDIUM, List.of(), "linux/bzImage", "linux/initrd.gz");

        String before;
        try (Lab a = new Lab(datastore, "host-a", Map.of("vivarium.vm.checkpoint-period", "1h"))) {
            HostReply.VmStarted started = a.powerOn(linux);
            assertThat(started.restoredSeq()).isEqualTo(-1);
            Lab.Console console = a.console(started.ref());
            await().atMost(KERNEL).until(() -> console.text().contains("Kernel command line: console=ttyS0"));
            assertThat(console.ask(VmCommand.Suspend::new)).isEqualTo(new VmReply.Done("deb-1", "suspended"));
            a.kit.createTestProbe().expectTerminated(started.ref(), STEP);
            a.awaitGone("deb-1", STEP);
            before = console.text();
        }
        assertThat(LinuxConsole.reached(before)).as("suspended mid-boot").isNull();

        try (Lab b = new Lab(datastore, "host-b", Map.of("vivarium.vm.checkpoint-period", "1h"))) {
            HostReply.VmStarted resumed = b.powerOn("deb-1", STEP);
            assertThat(resumed.restoredSeq()).isGreaterThanOrEqualTo(0);
            Lab.Console after = b.console(resumed.ref());
            await().atMost(BOOT).until(() -> LinuxConsole.reached(before + after.text()) != null);
            String all = before + after.text();
            assertThat(all.split("Linux version 6\\.1\\.", -1)).as("the kernel booted once: nothing repeated").hasSize(2);
            assertThat(all.split("Kernel command line:", -1)).hasSize(2);
            if ("no-fpu".equals(LinuxConsole.reached(all))) {
                System.out.println("LinuxVmTest: the CPU has no FPU yet; the resumed kernel stopped where it must without one");
                assertThat(all).contains(LinuxConsole.NO_FPU);
                return;
            }
            assertThat(all).contains("vivarium-init: sum of squares 1..100 = 338350");
            resumed.ref().tell(new VmCommand.ConsoleInput("echo answer-$((6*7))\n"));
            await().atMost(STEP.multipliedBy(5)).until(() -> LinuxConsole.answered(after.text(), "answer-42"));
        }
    }
}
