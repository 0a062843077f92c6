package dev.vivarium.node.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.vcenter.inventory.HostGroup;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.InventoryEvent;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.inventory.VmConfig;
import dev.vivarium.vcenter.inventory.VmRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which VMs leave a host entering maintenance mode, and which have nowhere to go. */
class MaintenancePlanTest {

    private static final Instant T = Instant.parse("2026-11-27T10:00:00Z");
    private static final Initiator BY = Initiator.api("test");

    private Inventory inv = Inventory.empty();

    private void apply(InventoryEvent e) {
        inv = inv.apply(e, 100);
    }

    private void host(String name, int memoryMiB) {
        apply(new InventoryEvent.HostJoined(name, 1000, memoryMiB, T, BY));
        apply(new InventoryEvent.HostConnected(name, T, BY));
    }

    private void vm(String name, int memoryMiB, PowerState desired, String startedOn) {
        apply(new InventoryEvent.VmCreated(VmConfig.of(name, memoryMiB, "counter", List.of()), T, BY));
        if (desired != PowerState.POWERED_OFF) {
            apply(new InventoryEvent.VmPowerRequested(name, desired, T, BY));
        }
        if (startedOn != null) {
            apply(new InventoryEvent.VmPoweredOn(name, startedOn, 1, T, BY));
        }
    }

    private static List<String> names(List<VmRecord> vms) {
        return vms.stream().map(VmRecord::name).toList();
    }

    @Test
    void theHostsVmsByRecordOrReportMoveWhileTheOthersHaveRoom() {
        host("host-1", 256);
        host("host-2", 120);
        vm("recorded", 48, PowerState.POWERED_ON, "host-1");
        vm("just-started", 64, PowerState.POWERED_ON, null);  // reported by host-1, not recorded yet
        vm("paused", 16, PowerState.PAUSED, "host-1");
        vm("stopping", 200, PowerState.POWERED_OFF, "host-1"); // the reconciler stops it where it is
        vm("elsewhere", 30, PowerState.POWERED_ON, "host-2");
        Map<String, List<String>> reports = Map.of("host-1", List.of("just-started", "paused", "stopping"));

        InventoryMaintenance.Evacuation plan = InventoryMaintenance.plan(inv, "host-1", h -> reports.getOrDefault(h, List.of()));

        // host-2 has 90 MiB free; in name order (equal restart priority) the 64 MiB VM fits, the
        // 16 MiB one too, then the 48 MiB one does not.
        assertThat(names(plan.moving())).containsExactly("just-started", "paused");
        assertThat(names(plan.homeless())).containsExactly("recorded");
        assertThat(plan.why()).containsEntry("recorded", "no connected host has 48 MiB of memory and 0 MIPS of reservation free; "
                + "the most free: 10 MiB on host-2, 1000 MIPS unreserved on host-2");
    }

    @Test
    void withoutAnotherConnectedHostEveryVmIsHomeless() {
        host("host-1", 256);
        host("host-2", 256);
        apply(new InventoryEvent.MaintenanceEntered("host-2", T, BY));
        vm("a", 16, PowerState.POWERED_ON, "host-1");

        InventoryMaintenance.Evacuation plan = InventoryMaintenance.plan(inv, "host-1", h -> List.of());

        assertThat(plan.moving()).isEmpty();
        assertThat(names(plan.homeless())).containsExactly("a");
        assertThat(InventoryMaintenance.plan(inv, "host-2", h -> List.of()).moving()).isEmpty();
    }

    @Test
    void aMustRuleKeepsAVmFromTheHostsItMayNotRunOn() {
        host("host-1", 256);
        host("host-2", 256);
        host("host-3", 256);
        vm("db", 16, PowerState.POWERED_ON, "host-1");
        apply(new InventoryEvent.HostGroupDefined(new HostGroup("edge", List.of("host-2", "host-3")), T, BY));
        apply(new InventoryEvent.RuleAdded(new Rule("db-home", Rule.Kind.MUST_NOT_RUN_ON, List.of("db"), "edge"), T, BY));

        InventoryMaintenance.Evacuation plan = InventoryMaintenance.plan(inv, "host-1", h -> List.of());

        assertThat(plan.moving()).isEmpty();
        assertThat(plan.why()).containsEntry("db", "rule db-home keeps it from every host with room");
    }
}
