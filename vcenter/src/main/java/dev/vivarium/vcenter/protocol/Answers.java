package dev.vivarium.vcenter.protocol;

import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.InventorySerializable;
import dev.vivarium.vcenter.inventory.LogEntry;
import dev.vivarium.vcenter.inventory.VmRecord;
import java.util.List;

/** Answers to the inventory's read-only queries. */
public final class Answers {

  private Answers() {}

  public record VmList(List<VmRecord> vms) implements InventorySerializable {
    public VmList {
      vms = List.copyOf(vms);
    }
  }

  public record HostList(List<HostRecord> hosts) implements InventorySerializable {
    public HostList {
      hosts = List.copyOf(hosts);
    }
  }

  /**
   * Event log lines after a sequence number, oldest first. {@code lastSeq} is the newest line's
   * number (to ask for what follows); {@code oldestKept} tells a reader that asked for lines
   * older than the inventory keeps that it must read the journal for them.
   */
  public record EventLogPage(List<LogEntry> entries, long lastSeq, long oldestKept)
      implements InventorySerializable {
    public EventLogPage {
      entries = List.copyOf(entries);
    }
  }

  /** The whole inventory, for reconciliation, HA and DRS (it is immutable, so safe to share). */
  public record InventorySnapshot(Inventory inventory) implements InventorySerializable {}
}
