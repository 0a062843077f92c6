package dev.vivarium.vm.actor;

import com.typesafe.config.Config;
import dev.vivarium.datastore.checkpoint.RetentionPolicy;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How VMs run on this host (reference.conf {@code vivarium.vm}).
 *
 * @param sliceInstructions  instructions per time slice: the quantum VMs take turns with on the dispatcher
 * @param maxSliceTime       a slice also ends after this much host time, so a VM's mailbox is read often
 * @param checkpointPeriod   how often a running VM writes a checkpoint; a restart redoes at most this much
 * @param fullEvery          every this many incremental checkpoints a full one starts a new chain (and
 *                           the retention policy removes the old chain: the merge)
 * @param imageDirectory     where a configuration's image name is looked up
 * @param paceGuestTime      keep guest time from running ahead of host time; off only for benchmarks that
 *                           measure the scheduler's overhead against the raw emulator
 * @param consoleHistoryBytes how much recent console output a VM keeps for new subscribers
 * @param wakeGranularity    a halted guest sleeps at least this long before its due timer
 *                           interrupts run, in a batch; guest time then lags host time by about this much
 */
public record VmSettings(long sliceInstructions, Duration maxSliceTime, Duration checkpointPeriod, int fullEvery,
                         RetentionPolicy retention, Path imageDirectory, boolean paceGuestTime,
                         int consoleHistoryBytes, Duration wakeGranularity) {
    public VmSettings {
        if (sliceInstructions <= 0 || fullEvery < 0 || checkpointPeriod.isNegative() || checkpointPeriod.isZero()) {
            throw new IllegalArgumentException("slice-instructions and checkpoint-period must be positive, full-every not negative");
        }
        // Beyond a second the pacer would rebase a sleeping guest at every wake, losing its time.
        if (wakeGranularity.isNegative() || wakeGranularity.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("wake-granularity must be between 0 and 1 s: " + wakeGranularity);
        }
    }

    public static VmSettings fromConfig(Config vm) {
        return new VmSettings(vm.getLong("slice-instructions"), vm.getDuration("max-slice-time"),
                vm.getDuration("checkpoint-period"), vm.getInt("full-checkpoint-every"),
                new RetentionPolicy(vm.getInt("keep-full-chains")), Path.of(vm.getString("image-directory")),
                vm.getBoolean("pace-guest-time"), vm.getBytes("console-history").intValue(), vm.getDuration("wake-granularity"));
    }

}
