package dev.vivarium.vcenter.reconcile;

import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.VmRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Memory and CPU reservation taken on each host, and which VMs are there, during one pass. */
final class HostLoad {

  private final Map<String, Long> memoryMiB = new HashMap<>();
  private final Map<String, Long> reservedMips = new HashMap<>();
  private final Map<String, Set<String>> vms = new HashMap<>();

  HostLoad() {}

  /** Counts {@code vm} on {@code host}; a VM unknown to the inventory ({@code null}) takes nothing. */
  void add(String host, VmRecord vm) {
    if (vm == null) return;
    memoryMiB.merge(host, (long) vm.config().memoryMiB(), Long::sum);
    reservedMips.merge(host, vm.config().reservationMips(), Long::sum);
    vms.computeIfAbsent(host, h -> new HashSet<>()).add(vm.name());
  }

  boolean fits(HostRecord h, VmRecord vm) {
    return memoryMiB.getOrDefault(h.name(), 0L) + vm.config().memoryMiB() <= h.memoryMiB()
        && reservedMips.getOrDefault(h.name(), 0L) + vm.config().reservationMips()
            <= h.capacityMips();
  }

  double memoryFraction(HostRecord h) {
    return memoryMiB.getOrDefault(h.name(), 0L) / (double) h.memoryMiB();
  }

  boolean holdsAny(String host, Set<String> names) {
    Set<String> here = vms.getOrDefault(host, Set.of());
    for (String n : names) {
      if (here.contains(n)) return true;
    }
    return false;
  }

}
