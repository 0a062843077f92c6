package dev.vivarium.vcenter.reconcile;

import dev.vivarium.vcenter.inventory.InventorySerializable;

/**
 * A running VM's figures as its host measured them over its last scheduler tick: what it wanted
 * (demand), what it got (delivered), the share of time it was ready but held back by the host's
 * budget, and how fast it dirtied memory. Placement and DRS read them.
 */
public record VmLoad(double demandMips, double deliveredMips, double readyPct, double dirtyPagesPerSec)
    implements InventorySerializable {

  public static final VmLoad IDLE = new VmLoad(0, 0, 0, 0);
}
