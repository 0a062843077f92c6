package dev.vivarium.ha.place;

import dev.vivarium.drs.core.Placement;
import dev.vivarium.ha.decide.Candidate;
import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.placement.ClusterView;
import dev.vivarium.vcenter.placement.Placements;
import dev.vivarium.vcenter.reconcile.HostReport;
import dev.vivarium.vcenter.reconcile.VmLoad;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * HA's placement is the cluster's one placement policy ({@link Placements}: DRS's core over the
 * inventory), as for any power-on: capacity, rules and restart priority judged the same way. The
 * failed hosts are excluded whatever the inventory still says of them; the VMs the survivors
 * report running count where they run, weighed by the demand they report. A candidate the
 * inventory does not know yet is left out of the answer: it ran, so every survivor may race for it.
 */
public final class DrsPlacement implements RestartPlacement {

    @Override
    public Map<String, Optional<String>> place(Inventory inventory, Collection<HostReport> live, Set<String> failed,
                                               List<Candidate> vms) {
        Map<String, String> runningOn = new HashMap<>();
        Map<String, ClusterView.Figures> figures = new HashMap<>();
        for (HostReport r : live) {
            HostRecord h = inventory.hosts().get(r.host());
            if (failed.contains(r.host()) || h == null || !h.state().up()) {
                continue; // a failed host's last report is stale: its VMs run nowhere now
            }
            for (String vm : r.running().keySet()) {
                runningOn.put(vm, r.host());
                VmLoad load = r.loads().getOrDefault(vm, VmLoad.IDLE);
                figures.put(vm, new ClusterView.Figures(load.demandMips(), load.dirtyPagesPerSec(), 0));
            }
        }
        List<String> known = vms.stream().map(Candidate::vm).filter(inventory.vms()::containsKey).toList();
        Map<String, Optional<String>> out = new HashMap<>();
        if (known.isEmpty()) {
            return out;
        }
        for (Placement p : Placements.place(inventory, runningOn, figures, failed, known)) {
            out.put(p.vm(), p instanceof Placement.Placed placed ? Optional.of(placed.host()) : Optional.empty());
        }
        return out; // a candidate the inventory does not know is absent: every survivor races for it
    }
}
