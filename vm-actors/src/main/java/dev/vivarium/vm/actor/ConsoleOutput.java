package dev.vivarium.vm.actor;

import dev.vivarium.vm.wire.WireMessage;

/**
 * Bytes the guest wrote to its serial console (COM1), in order, batched per time slice.
 * The text is ISO-8859-1: one char per byte, so any byte survives the trip.
 *
 * @param offset where {@code text} starts in everything the VM's console has written since it
 *               booted (it moves with the VM), so a subscriber that follows the VM from host to
 *               host skips what it has seen; -1 when unknown
 */
public record ConsoleOutput(String vm, String text, long offset) implements WireMessage {
    public ConsoleOutput(String vm, String text) {
        this(vm, text, -1);
    }
}
