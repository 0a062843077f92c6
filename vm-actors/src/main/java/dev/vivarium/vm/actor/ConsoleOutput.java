package dev.vivarium.vm.actor;

import dev.vivarium.vm.wire.WireMessage;

/**
 * Bytes the guest wrote to its serial console (COM1), in order, batched per time slice.
 * The text is ISO-8859-1: one char per byte, so any byte survives the trip.
 */
public record ConsoleOutput(String vm, String text) implements WireMessage {
}
