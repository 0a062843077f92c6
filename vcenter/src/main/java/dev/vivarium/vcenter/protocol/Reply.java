package dev.vivarium.vcenter.protocol;

import dev.vivarium.vcenter.inventory.InventorySerializable;
import dev.vivarium.vcenter.inventory.LogEntry;
import dev.vivarium.vcenter.inventory.Rejection;
import java.util.List;

/** The inventory's answer to a command that changes it: accepted or rejected with a reason. */
public sealed interface Reply extends InventorySerializable {

  /** Done; {@code logged} holds the event log lines it caused (none if nothing had to change). */
  record Accepted(List<LogEntry> logged) implements Reply {
    public Accepted {
      logged = List.copyOf(logged);
    }
  }

  /** Refused with a reason the REST layer maps to 404, 409 or 400, and a message for the user. */
  record Rejected(Rejection rejection) implements Reply, VmLookup {}
}
