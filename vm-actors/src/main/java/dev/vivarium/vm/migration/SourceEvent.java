package dev.vivarium.vm.migration;

/** What a VM leaving its host tells that host's agent (on the same node). */
public sealed interface SourceEvent {

    /**
     * The VM is ready to migrate (no checkpoint in flight, none started until the migration ends),
     * or says why not.
     *
     * @param diskTip the stored disk overlay its disk lies on (0: the bare base, -1: no disk)
     * @param refusal null when ready
     */
    record Ready(String vm, long epoch, long diskTip, String refusal) implements SourceEvent {
    }

    /** Auto-converge: hold the guest back by this share of its speed (0: let it go). */
    record Throttle(String vm, int percent) implements SourceEvent {
    }

    /** The VM runs on the target now: this host no longer runs it (its actor stops soon). */
    record Left(String vm) implements SourceEvent {
    }

    /** The answer to a cancel: whether it was cancelled, or why not. */
    record CancelAnswer(String vm, boolean cancelled, String detail) implements SourceEvent {
    }

    /** The migration ended, however it ended. */
    record Finished(MigrationOutcome outcome) implements SourceEvent {
    }
}
