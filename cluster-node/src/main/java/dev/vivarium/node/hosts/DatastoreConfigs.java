package dev.vivarium.node.hosts;

import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.datastore.config.VmConfig;
import java.util.List;

/** The inventory's VM configuration as the datastore's configuration file, which hosts boot from. */
final class DatastoreConfigs {

    private DatastoreConfigs() {
    }

    static VmConfig of(dev.vivarium.vcenter.inventory.VmConfig c) {
        // The inventory says 0 for "no limit", the datastore UNLIMITED.
        long limit = c.limitMips() <= 0 ? CpuAllocation.UNLIMITED : c.limitMips();
        return new VmConfig(c.name(), c.memoryMiB(), c.image(), "", String.join(" ", c.commandLine()),
                new CpuAllocation(c.cpuShares(), c.reservationMips(), limit),
                RestartPriority.valueOf(c.restartPriority().name()), List.of(), c.kernel(), c.initrd());
    }
}
