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
   * the start with that new epoch; the inventory refuses reports at or below it. When
   * {@code paused} (the inventory wants the VM paused) the host starts it paused: it resumes from
   * its checkpoint without running a guest instruction, as it was when it was stopped.
   */
  record PowerOn(String host, String vm, VmConfig config, long lastEpoch, boolean paused)
      implements HostDirective {

    /** A placement of a VM that should run (not paused). */
    public PowerOn(String host, String vm, VmConfig config, long lastEpoch) {
      this(host, vm, config, lastEpoch, false);
    }
  }

  /**
   * Stop the VM, which runs on {@code host} under lease {@code epoch}: power it off, or
   * (when {@code suspend}) save it to its checkpoint first.
   */
  record Stop(String host, String vm, long epoch, boolean suspend) implements HostDirective {}

  /**
   * Pause the VM, which runs on {@code host} under lease {@code epoch}, or let it run again when
   * not {@code paused}: it is not as the inventory wants it.
   */
  record SetPaused(String host, String vm, long epoch, boolean paused) implements HostDirective {}
}
