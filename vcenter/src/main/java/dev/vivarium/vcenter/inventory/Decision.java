package dev.vivarium.vcenter.inventory;

import java.util.List;

/**
 * The outcome of checking a command against the inventory: accepted with the events to persist
 * (none when the command asks for what already holds, so retries are harmless), or rejected.
 */
public sealed interface Decision {

  record Accept(List<InventoryEvent> events) implements Decision {
    public Accept {
      events = List.copyOf(events);
    }
  }

  record Reject(Rejection rejection) implements Decision {}

  static Decision accept(InventoryEvent e) { return new Accept(List.of(e)); }
  static Decision unchanged() { return new Accept(List.of()); }
  static Decision notFound(String m) { return new Reject(Rejection.notFound(m)); }
  static Decision conflict(String m) { return new Reject(Rejection.conflict(m)); }
  static Decision badRequest(String m) { return new Reject(Rejection.badRequest(m)); }
}
