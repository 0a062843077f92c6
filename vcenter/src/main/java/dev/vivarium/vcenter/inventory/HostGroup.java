package dev.vivarium.vcenter.inventory;

import java.util.List;

/** A named set of hosts that VM–host rules refer to (vSphere's DRS host group). */
public record HostGroup(String name, List<String> hosts) implements InventorySerializable {

  public HostGroup {
    hosts = hosts == null ? List.of() : hosts.stream().distinct().sorted().toList();
  }
}
