package dev.vivarium.vm.host;

import com.typesafe.config.Config;
import dev.vivarium.vm.actor.VmSettings;
import dev.vivarium.vm.migration.MigrationSettings;
import java.time.Duration;

/**
 * A host's budget and scheduler (reference.conf {@code vivarium.host}).
 *
 * @param capacityMips      the CPU this host may hand out: several lab hosts share one machine, so it is a budget
 * @param schedulerTick     how often VMs get their grants and report their use
 * @param recoverOwnVms     at start, resume the VMs whose leases still name this host (a restarted process)
 */
public record HostSettings(long capacityMips, Duration schedulerTick, boolean recoverOwnVms, Duration acquireTimeout,
                           VmSettings vm, MigrationSettings migration) {
    public HostSettings {
        if (capacityMips <= 0 || schedulerTick.isNegative() || schedulerTick.isZero()) {
            throw new IllegalArgumentException("capacity-mips and scheduler-tick must be positive");
        }
    }

    public static HostSettings fromConfig(Config vivarium) {
        Config host = vivarium.getConfig("host");
        return new HostSettings(host.getLong("capacity-mips"), host.getDuration("scheduler-tick"),
                host.getBoolean("recover-own-vms"), host.getDuration("acquire-timeout"),
                VmSettings.fromConfig(vivarium.getConfig("vm")), MigrationSettings.fromConfig(vivarium.getConfig("migration")));
    }
}
