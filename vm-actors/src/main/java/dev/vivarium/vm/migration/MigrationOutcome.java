package dev.vivarium.vm.migration;

import dev.vivarium.vm.wire.WireMessage;

/**
 * How a migration ended, as the source host reports it to whoever asked.
 *
 * @param runsOn  where the VM runs now (the target after a migration, else the source), null when
 *                it runs nowhere any more (its host failed)
 * @param epoch   the lease epoch it runs under on {@code runsOn} (0 when not known)
 * @param reason  why it did not migrate (empty when it did)
 * @param figures what it measured (rounds and bytes also for a migration abandoned)
 */
public record MigrationOutcome(String vm, String from, String to, Result result, String reason, String runsOn, long epoch,
                               MigrationFigures figures) implements WireMessage {

    public enum Result {
        /** The VM runs on the target. */
        MIGRATED,
        /** Refused before anything moved (not running here, target unknown, at its limit for too long, ...). */
        REFUSED,
        /** Started and failed: the VM runs where {@code runsOn} says. */
        FAILED,
        /** Cancelled by request before the switch-over: the VM runs on at the source. */
        CANCELLED
    }

    public boolean migrated() {
        return result == Result.MIGRATED;
    }

    static MigrationOutcome refused(String vm, String from, String to, String reason) {
        return new MigrationOutcome(vm, from, to, Result.REFUSED, reason, from, 0, MigrationFigures.NONE);
    }
}
