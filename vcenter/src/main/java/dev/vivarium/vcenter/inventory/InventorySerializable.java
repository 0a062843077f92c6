package dev.vivarium.vcenter.inventory;

/**
 * Marker for everything the inventory persists or sends between nodes: bound to Pekko's Jackson
 * JSON serializer in this module's reference.conf, so stored events can evolve (new fields are
 * read with defaults, unknown fields ignored) instead of being tied to class layouts as Kryo is.
 */
public interface InventorySerializable {}
