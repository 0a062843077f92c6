package dev.vivarium.vm.actor;

/**
 * A VM's state at one moment.
 *
 * @param guestNanos        guest (virtual) time since its clock's epoch
 * @param lastCheckpointSeq the newest checkpoint this VM wrote or restored from, -1 for none
 * @param detail            why it is in this state, for a person to read
 * @param consoleInputBytes bytes typed on its serial console since this actor started: handed to
 *                          the UART, whether or not the guest has read them yet
 * @param toolsHeartbeats   heartbeats the guest's tools sent since it booted (HA's VM monitoring
 *                          resets a guest whose count stops moving while it runs)
 */
public record VmStatus(String vm, VmState state, long instructions, long guestNanos, long epoch,
                       long lastCheckpointSeq, String detail, long consoleInputBytes, long toolsHeartbeats) implements VmReply {
}
