package dev.vivarium.vcenter.inventory;

import java.time.Instant;

/**
 * One line of the event log a VirtualCenter user reads: a number that only grows (to page and
 * follow the log), when, who, what kind of event, which entity, and a sentence.
 */
public record LogEntry(long seq, Instant at, Initiator by, String kind, String entity,
    String message) implements InventorySerializable {}
