package dev.vivarium.ha.place;

import dev.vivarium.ha.decide.Candidate;
import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.HostState;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.reconcile.HostReport;
import dev.vivarium.vcenter.reconcile.ReconcileAction;
import dev.vivarium.vcenter.reconcile.Reconciler;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * HA's placement through the reconciler's own ({@link Reconciler}): the inventory as it will be
 * once the failed hosts are lost and their VMs run nowhere, reconciled against the survivors'
 * reports; the reconciler's placements of the candidates are HA's. Capacity, rules and restart
 * priority are judged exactly as for any power-on. A candidate the inventory does not know yet
 * is left out of the answer: it ran, so every survivor may race for it.
 */
public final class ReconcilerPlacement implements RestartPlacement {

    @Override
    public Map<String, Optional<String>> place(Inventory inventory, Collection<HostReport> live, Set<String> failed,
                                               List<Candidate> vms) {
        TreeMap<String, HostRecord> hosts = new TreeMap<>(inventory.hosts());
        failed.forEach(h -> {
            if (hosts.containsKey(h)) {
                hosts.put(h, hosts.get(h).withState(HostState.LOST));
            }
        });
        TreeMap<String, VmRecord> records = new TreeMap<>(inventory.vms());
        for (Candidate c : vms) {
            VmRecord r = records.get(c.vm());
            if (r != null) {
                records.put(c.vm(), r.withDesired(c.paused() ? PowerState.PAUSED : PowerState.POWERED_ON).stopped());
            }
        }
        Inventory after = new Inventory(hosts, records, inventory.rules(), inventory.alarms(), List.of(), 0);
        List<HostReport> survivors = live.stream().filter(r -> !failed.contains(r.host())).toList();
        Map<String, Optional<String>> out = new HashMap<>();
        for (ReconcileAction a : Reconciler.reconcile(after, survivors, Map.of())) {
            if (a instanceof ReconcileAction.Place p) {
                out.put(p.vm(), Optional.of(p.host()));
            } else if (a instanceof ReconcileAction.Unplaceable u) {
                out.put(u.vm(), Optional.empty());
            }
        }
        return out; // a candidate the inventory does not know is absent: every survivor races for it
    }
}
