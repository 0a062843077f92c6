package dev.vivarium.node.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.node.cluster.HostResources;
import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.HostState;
import dev.vivarium.vcenter.inventory.RestartPriority;
import dev.vivarium.vcenter.inventory.VmConfig;
import dev.vivarium.vm.host.HostReply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostFiguresTest {

    private static HostReply.VmStats vm(String name, long epoch, double deliveredMips) {
        return new HostReply.VmStats(name, epoch, 1000, 0, -1, deliveredMips, deliveredMips, 0, 16 << 20, 12.5, false);
    }

    @Test
    void aHostsFiguresShowItsUseAndItsVmsWhereTheyRun() {
        HostFigures figures = new HostFigures();
        assertThat(figures.of("host-1")).isEmpty();
        figures.update(new HostReply.HostStats("host-1", 1000, 41.6, 32L << 20, 20L << 20, 2,
                List.of(vm("a", 3, 40.0), vm("b", 1, 1.6))));
        // Until the inventory names the host's memory budget, its VMs' committed memory stands in.
        assertThat(figures.of("host-1")).contains(new HostResources.Capacity(1000, 42, 32, 2));
        figures.inventory(List.of(new HostRecord("host-1", 1000, 1024, HostState.MAINTENANCE),
                new HostRecord("host-2", 1000, 512, HostState.LOST)));
        assertThat(figures.of("host-1")).contains(new HostResources.Capacity(1000, 42, 1024, 2));
        assertThat(figures.inventoryStates()).isEqualTo(Map.of("host-1", "maintenance", "host-2", "notResponding"));

        assertThat(figures.running("a")).hasValueSatisfying(r -> {
            assertThat(r.host()).isEqualTo("host-1");
            assertThat(r.stats().epoch()).isEqualTo(3);
        });
        assertThat(figures.running("c")).isEmpty();

        figures.forget("host-1");
        assertThat(figures.running("a")).isEmpty();
        assertThat(figures.of("host-1")).isEmpty();
    }

    @Test
    void aVmTwoHostsReportRunsWhereItsLeaseIsNewest() {
        // One host froze running "a" at epoch 1; HA restarted it on the other at epoch 2, and the frozen
        // host's last figures stay until it answers or leaves. Either way round, the view is the restart's.
        for (String stale : List.of("host-1", "host-2")) {
            String restarted = stale.equals("host-1") ? "host-2" : "host-1";
            HostFigures figures = new HostFigures();
            figures.update(new HostReply.HostStats(stale, 1000, 40, 16L << 20, 16L << 20, 1, List.of(vm("a", 1, 40.0))));
            figures.update(new HostReply.HostStats(restarted, 1000, 40, 16L << 20, 16L << 20, 1, List.of(vm("a", 2, 40.0))));
            assertThat(figures.running("a")).as("stale copy on %s", stale).hasValueSatisfying(r -> {
                assertThat(r.host()).isEqualTo(restarted);
                assertThat(r.stats().epoch()).isEqualTo(2);
            });
        }
    }

    @Test
    void everyInventoryStateHasTheApisName() {
        assertThat(java.util.Arrays.stream(HostState.values()).map(HostFigures::apiName))
                .containsExactly("connecting", "connected", "maintenance", "notResponding", "disconnected");
    }

    @Test
    void theInventorysConfigurationBecomesTheDatastoresWithNoLimitAsUnlimited() {
        VmConfig inventory = new VmConfig("web-1", 16, "cpuburn", List.of("duty=30", "report=50"), 2000, 5, 0,
                RestartPriority.HIGH);
        var file = DatastoreConfigs.of(inventory);
        assertThat(file.commandLine()).isEqualTo("duty=30 report=50");
        assertThat(file.cpu()).isEqualTo(new CpuAllocation(2000, 5, CpuAllocation.UNLIMITED));
        assertThat(file.restartPriority()).isEqualTo(dev.vivarium.datastore.config.RestartPriority.HIGH);
        assertThat(file.disk()).isEmpty();
        VmConfig capped = new VmConfig("web-2", 16, "cpuburn", List.of(), 1000, 0, 100, RestartPriority.LOW);
        assertThat(DatastoreConfigs.of(capped).cpu()).isEqualTo(new CpuAllocation(1000, 0, 100));
    }
}
