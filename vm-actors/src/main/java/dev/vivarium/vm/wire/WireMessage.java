package dev.vivarium.vm.wire;

/**
 * Marks a message that may cross nodes. reference.conf binds this interface to
 * {@link KryoWireSerializer}, and {@link WireRegistrations} must list every implementation:
 * Kryo refuses unregistered classes, so a forgotten one fails loudly in the wire test.
 */
public interface WireMessage {
}
