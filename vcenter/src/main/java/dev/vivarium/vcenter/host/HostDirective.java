package dev.vivarium.vcenter.host;

import dev.vivarium.vcenter.inventory.InventorySerializable;
import dev.vivarium.vcenter.inventory.VmConfig;

/**
 * What the management plane tells a host to do with a VM. This is the seam between the inventory
 * and the hosts' agents: the node wiring turns each directive into the agent's own protocol.
 */
public sealed interface HostDirective extends InventorySerializable {

  String host();

  String vm();

  /**
   * Power the VM on. The host must take the VM's datastore lease at an epoch above
   * {@code lastEpoch} (the newest the inventory has seen) before it starts the VM, and report
   * the start with that new epoch; the inventory refuses reports at or below it.
   */
  record PowerOn(String host, String vm, VmConfig config, long lastEpoch) implements HostDirective {}

  /**
   * Stop the VM, which runs on {@code host} under lease {@code epoch}: power it off, or
   * (when {@code suspend}) save it to its checkpoint first.
   */
  record Stop(String host, String vm, long epoch, boolean suspend) implements HostDirective {}
}
