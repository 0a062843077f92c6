package dev.vivarium.vm.actor;

/** Where a VM is in its life, as {@link VmCommand.GetStatus} reports it. */
public enum VmState {
    /** The guest runs (or halts waiting for its next timer; it costs nothing then). */
    RUNNING,
    /** Stopped by management but kept in the host's memory. */
    PAUSED,
    /** HLT with interrupts off: the guest can never wake again, and uses no CPU. */
    HALTED_FOREVER,
    /** Powered off (by management, a guest shutdown or the guest's exit); the actor stops. */
    POWERED_OFF,
    /** State written to the datastore and the lease released; the actor stops. */
    SUSPENDED,
    /** The host lost the lease; the VM was stopped without writing anything. */
    FENCED,
    /** The VM could not go on (boot image refused, restore failed, datastore error). */
    FAILED,
    /** Live migration: the guest stopped here for the switch-over to another host. */
    MIGRATING,
    /** Live migration: a VM on its way to this host; it runs once its lease has passed. */
    ARRIVING,
    /** Live migration: the VM runs on another host now; this copy goes. */
    MIGRATED
}
