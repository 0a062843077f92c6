package dev.vivarium.vcenter.inventory;

import java.time.Instant;

/** An alarm that is raised on an entity (a VM or a host) until it is cleared. */
public record Alarm(String name, String entity, String message, Instant raisedAt)
    implements InventorySerializable {

  /** Alarms are keyed by entity and alarm name: the same alarm is raised once per entity. */
  public String key() { return entity + "/" + name; }
}
