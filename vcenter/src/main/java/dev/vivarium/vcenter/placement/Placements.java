package dev.vivarium.vcenter.placement;

import dev.vivarium.drs.core.Placement;
import dev.vivarium.drs.core.Placer;
import dev.vivarium.vcenter.inventory.Inventory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster's one placement policy, for whoever starts VMs: the reconciler at power-on and
 * after a host stopped, HA for the VMs of a failed host, maintenance mode for the VMs it moves.
 * "Place these VMs on these hosts": DRS's core ({@link Placer}) over the inventory.
 */
public final class Placements {

  private Placements() {}

  /**
   * Where to start each of {@code vms}, highest restart priority first: a host, or none and why.
   *
   * @param runningOn where the other VMs run (VM to host), with placements under way
   * @param figures   VMs' demand and dirty rate where known (see {@link ClusterView#of})
   * @param excluded  hosts that take nothing whatever the inventory says (failed ones)
   */
  public static List<Placement> place(Inventory inv, Map<String, String> runningOn,
      Map<String, ClusterView.Figures> figures, Set<String> excluded, Collection<String> vms) {
    return Placer.place(ClusterView.of(inv, runningOn, figures, excluded), vms);
  }
}
