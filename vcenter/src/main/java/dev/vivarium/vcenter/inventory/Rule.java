package dev.vivarium.vcenter.inventory;

import java.util.List;

/**
 * A DRS/HA rule over a set of VMs: AFFINITY keeps them on one host, ANTI_AFFINITY on different
 * hosts (as VMware's "keep together" and "separate virtual machines" rules).
 */
public record Rule(String name, Kind kind, List<String> vms) implements InventorySerializable {

  public enum Kind { AFFINITY, ANTI_AFFINITY }

  public Rule {
    vms = vms == null ? List.of() : List.copyOf(vms);
  }
}
