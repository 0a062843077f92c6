package dev.vivarium.ha.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.ha.place.Inventories;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.VmRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionControlTest {

    @Test
    void failoverCapacityPacksTheProtectedVmsOnTheHostsLeftAfterTheLargestFail() {
        // Three hosts of 1024 MiB; two running VMs of 600 MiB fit on two hosts (one each), not on one.
        Inventory inv = Inventories.of(3, Map.of("a", PowerState.POWERED_ON, "b", PowerState.POWERED_ON), 600, List.of());
        assertThat(AdmissionControl.capacity(inv).hostFailuresTolerated()).isEqualTo(1);
        assertThat(AdmissionControl.capacity(inv).protectedMemoryMiB()).isEqualTo(1200);

        // A third one needs all three hosts: 1800 MiB would "fit" in two hosts' 2048 by sum, not by packing.
        Inventory withOff = Inventories.of(3, Map.of("a", PowerState.POWERED_ON, "b", PowerState.POWERED_ON,
                "c", PowerState.POWERED_OFF), 600, List.of());
        VmRecord c = withOff.vms().get("c");
        assertThat(AdmissionControl.refusePowerOn(withOff, c, 1)).get().asString()
                .contains("HA admission control", "after 0 host failure(s)", "tolerate 1");
        assertThat(AdmissionControl.refusePowerOn(withOff, c, 0)).isEmpty();
        assertThat(AdmissionControl.refusePowerOn(inv, inv.vms().get("a"), 1)).isEmpty();
    }
}
