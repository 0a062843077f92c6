package dev.vivarium.vm.actor;

import dev.vivarium.vm.wire.WireMessage;

/**
 * Bytes the guest wrote to its serial console (COM1), in order, batched per time slice.
 * The text is ISO-8859-1: one char per byte, so any byte survives the trip.
 *
 * @param run    which count {@code offset} is in: a VM that boots or is restored from a
 *               checkpoint starts a new run, counting from 0 again, and a live migration carries
 *               its run along; {@link #NO_RUN} when unknown
 * @param offset where {@code text} starts in everything the VM's console has written in this
 *               run, so a subscriber that follows the VM from host to host skips what it has
 *               seen; -1 when unknown
 */
public record ConsoleOutput(String vm, String text, long run, long offset) implements WireMessage {
    /** The run of no VM: a subscriber that has seen nothing yet. */
    public static final long NO_RUN = 0;

    public ConsoleOutput(String vm, String text) {
        this(vm, text, NO_RUN, -1);
    }
}
