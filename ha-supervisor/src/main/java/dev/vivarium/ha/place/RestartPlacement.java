package dev.vivarium.ha.place;

import dev.vivarium.ha.decide.Candidate;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.reconcile.HostReport;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where HA restarts the VMs of failed hosts. One seam, so the cluster's one placement policy
 * ({@link DrsPlacement}: DRS's core through vcenter's Placements) decides HA restarts too.
 */
@FunctionalInterface
public interface RestartPlacement {

    /**
     * @param inventory the inventory as last seen (hosts, their budgets and states, VMs, rules)
     * @param live      what the surviving hosts report running
     * @param failed    the failed hosts: they take nothing
     * @param vms       the VMs to restart, highest priority first
     * @return each VM's host, or empty when no survivor has room for it; a VM left out entirely is
     *         one the placement knows nothing of (every survivor then races for it)
     */
    Map<String, Optional<String>> place(Inventory inventory, Collection<HostReport> live, Set<String> failed,
                                        List<Candidate> vms);
}
