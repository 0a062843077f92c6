package dev.vivarium.vcenter.reconcile;

import dev.vivarium.vcenter.inventory.InventorySerializable;
import java.util.Map;

/** What a host says runs on it: each VM with the lease epoch it runs under. */
public record HostReport(String host, Map<String, Long> running) implements InventorySerializable {
  public HostReport {
    running = Map.copyOf(running);
  }
}
