package dev.vivarium.vcenter.reconcile;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.vivarium.vcenter.inventory.InventorySerializable;
import java.util.Map;
import java.util.Set;

/**
 * What a host says runs on it: each VM with the lease epoch it runs under, which of them are
 * paused (as the VMs themselves say, whatever the inventory wants), and each one's figures
 * ({@code loads}; a VM without figures counts as idle).
 */
public record HostReport(String host, Map<String, Long> running, Set<String> paused,
    Map<String, VmLoad> loads) implements InventorySerializable {

  @JsonCreator
  public HostReport {
    running = Map.copyOf(running);
    paused = paused == null ? Set.of() : Set.copyOf(paused);
    loads = loads == null ? Map.of() : Map.copyOf(loads);
  }

  /** A report without figures. */
  public HostReport(String host, Map<String, Long> running, Set<String> paused) {
    this(host, running, paused, Map.of());
  }

  /** A report in which no VM is paused. */
  public HostReport(String host, Map<String, Long> running) {
    this(host, running, Set.of());
  }
}
