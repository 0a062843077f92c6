package dev.vivarium.vcenter.reconcile;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.vivarium.vcenter.inventory.InventorySerializable;
import java.util.Map;
import java.util.Set;

/**
 * What a host says runs on it: each VM with the lease epoch it runs under, and which of them are
 * paused (as the VMs themselves say, whatever the inventory wants).
 */
public record HostReport(String host, Map<String, Long> running, Set<String> paused)
    implements InventorySerializable {

  @JsonCreator
  public HostReport {
    running = Map.copyOf(running);
    paused = paused == null ? Set.of() : Set.copyOf(paused);
  }

  /** A report in which no VM is paused. */
  public HostReport(String host, Map<String, Long> running) {
    this(host, running, Set.of());
  }
}
