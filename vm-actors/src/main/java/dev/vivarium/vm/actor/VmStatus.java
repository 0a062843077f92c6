package dev.vivarium.vm.actor;

/**
 * A VM's state at one moment.
 *
 * @param guestNanos        guest (virtual) time since its clock's epoch
 * @param lastCheckpointSeq the newest checkpoint this VM wrote or restored from, -1 for none
 * @param detail            why it is in this state, for a person to read
 */
public record VmStatus(String vm, VmState state, long instructions, long guestNanos, long epoch,
                       long lastCheckpointSeq, String detail) implements VmReply {
}
