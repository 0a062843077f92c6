package dev.vivarium.vm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.vm.Lab;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Busy VMs on a host whose budget (10 MIPS) is far below what the emulator delivers, so the
 * scheduler, not the machine's speed, decides: 2000 shares against 1000 get about twice as much.
 */
class FairShareTest {
    @TempDir
    Path datastore;

    @Test
    void busyVmsShareTheHostBudgetByTheirShares() throws Exception {
        try (Lab lab = new Lab(datastore, "host-a", Map.of("vivarium.host.capacity-mips", 10))) {
            ActorRef<VmCommand> high = lab.powerOn(busy("high", 2000)).ref();
            ActorRef<VmCommand> low = lab.powerOn(busy("low", 1000)).ref();
            await().atMost(Duration.ofSeconds(10)).until(() -> instructions(lab, low) > 2_000_000);
            long high0 = instructions(lab, high);
            long low0 = instructions(lab, low);
            await().atMost(Duration.ofSeconds(30)).until(() -> instructions(lab, high) - high0 + instructions(lab, low) - low0 > 20_000_000);
            double ratio = (double) (instructions(lab, high) - high0) / (instructions(lab, low) - low0);
            assertThat(ratio).as("instructions of 2000 shares over 1000 shares").isBetween(1.5, 2.7);

            TestProbe<HostReply> probe = lab.kit.createTestProbe();
            lab.host.tell(new HostCommand.GetStats(probe.ref()));
            HostReply.HostStats stats = (HostReply.HostStats) probe.receiveMessage();
            assertThat(stats.vmCount()).isEqualTo(2);
            assertThat(stats.capacityMips()).isEqualTo(10);
            assertThat(stats.committedMemoryBytes()).isEqualTo(32L << 20);
            assertThat(stats.usedMips()).isLessThanOrEqualTo(10 * 1.5);
            assertThat(stats.vms()).allSatisfy(vm -> {
                assertThat(vm.readyPercent()).as("ready time of a busy VM held back by the budget").isPositive();
                assertThat(vm.memoryBytes()).isPositive();
            });
        }
    }

    private static dev.vivarium.datastore.config.VmConfig busy(String name, int shares) {
        return Lab.vm(name, "cpuburn", "duty=100 period_ms=100", new CpuAllocation(shares, 0, CpuAllocation.UNLIMITED));
    }

    private static long instructions(Lab lab, ActorRef<VmCommand> vm) {
        return ((VmStatus) lab.ask(vm, VmCommand.GetStatus::new)).instructions();
    }
}
