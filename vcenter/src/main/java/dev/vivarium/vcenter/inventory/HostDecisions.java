package dev.vivarium.vcenter.inventory;

import dev.vivarium.vcenter.inventory.InventoryEvent.HostConnected;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostDisconnected;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostJoined;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostLost;
import dev.vivarium.vcenter.inventory.InventoryEvent.MaintenanceEntered;
import dev.vivarium.vcenter.inventory.InventoryEvent.MaintenanceExited;
import java.time.Instant;
import java.util.Optional;

/** Checks host commands against the inventory and says which events they cause. */
public final class HostDecisions {

  private HostDecisions() {}

  /**
   * A node joins as a host. Joining again with the same capacity changes nothing (a node's agent
   * repeats its join after the inventory moves to another node); a lost or disconnected host
   * joins anew.
   */
  public static Decision join(Inventory s, String host, long capacityMips, int memoryMiB,
      Instant at, Initiator by) {
    Optional<String> bad = VmValidation.checkName("host", host);
    if (bad.isPresent()) return Decision.badRequest(bad.get());
    if (capacityMips <= 0) return Decision.badRequest("capacityMips must be positive");
    if (memoryMiB <= 0) return Decision.badRequest("memoryMiB must be positive");
    HostRecord known = s.hosts().get(host);
    if (known != null && known.state() != HostState.LOST
        && known.state() != HostState.DISCONNECTED) {
      if (known.capacityMips() == capacityMips && known.memoryMiB() == memoryMiB) {
        return Decision.unchanged();
      }
      return Decision.conflict("host " + host + " already joined with " + known.capacityMips()
          + " MIPS and " + known.memoryMiB() + " MiB; it must be lost before it joins again");
    }
    return Decision.accept(new HostJoined(host, capacityMips, memoryMiB, at, by));
  }

  /** The host's agent reports: the host takes VMs (a host in maintenance stays in it). */
  public static Decision connect(Inventory s, String host, Instant at, Initiator by) {
    HostRecord h = s.hosts().get(host);
    if (h == null) return Decision.notFound("no host named " + host);
    if (h.state().up()) return Decision.unchanged();
    return Decision.accept(new HostConnected(host, at, by));
  }

  /**
   * The cluster downed or removed the host. A host that disconnected first left cleanly: its
   * removal from the cluster is the end of that, not a failure.
   */
  public static Decision lost(Inventory s, String host, Instant at, Initiator by) {
    HostRecord h = s.hosts().get(host);
    if (h == null) return Decision.notFound("no host named " + host);
    if (h.state() == HostState.LOST || h.state() == HostState.DISCONNECTED) {
      return Decision.unchanged();
    }
    return Decision.accept(new HostLost(host, at, by));
  }

  /** The host's node is stopping cleanly: it takes no VMs from now on and suspends its own. */
  public static Decision disconnect(Inventory s, String host, Instant at, Initiator by) {
    HostRecord h = s.hosts().get(host);
    if (h == null) return Decision.notFound("no host named " + host);
    if (h.state() == HostState.DISCONNECTED) return Decision.unchanged();
    if (h.state() == HostState.LOST) {
      return Decision.conflict("host " + host + " is lost; it must join again first");
    }
    return Decision.accept(new HostDisconnected(host, at, by));
  }

  public static Decision enterMaintenance(Inventory s, String host, Instant at, Initiator by) {
    HostRecord h = s.hosts().get(host);
    if (h == null) return Decision.notFound("no host named " + host);
    if (h.state() != HostState.CONNECTED) {
      return Decision.conflict("host " + host + " is " + h.state().name().toLowerCase()
          + "; only a connected host enters maintenance mode");
    }
    return Decision.accept(new MaintenanceEntered(host, at, by));
  }

  public static Decision exitMaintenance(Inventory s, String host, Instant at, Initiator by) {
    HostRecord h = s.hosts().get(host);
    if (h == null) return Decision.notFound("no host named " + host);
    if (h.state() != HostState.MAINTENANCE) {
      return Decision.conflict("host " + host + " is not in maintenance mode");
    }
    return Decision.accept(new MaintenanceExited(host, at, by));
  }
}
