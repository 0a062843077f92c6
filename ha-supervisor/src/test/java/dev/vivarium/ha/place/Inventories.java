package dev.vivarium.ha.place;

import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.HostState;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.inventory.VmConfig;
import dev.vivarium.vcenter.inventory.VmRecord;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Inventories for HA's tests: hosts host-1..n (1000 MIPS, 1024 MiB, connected), VMs of 16 MiB on host-1. */
public final class Inventories {

    private Inventories() {
    }

    public static Inventory of(int hosts, Map<String, PowerState> vms) {
        return of(hosts, vms, 16, List.of());
    }

    public static Inventory of(int hosts, Map<String, PowerState> vms, int memoryMiB, List<Rule> rules) {
        TreeMap<String, HostRecord> h = new TreeMap<>();
        for (int i = 1; i <= hosts; i++) {
            h.put("host-" + i, new HostRecord("host-" + i, 1000, 1024, HostState.CONNECTED));
        }
        TreeMap<String, VmRecord> v = new TreeMap<>();
        vms.forEach((name, desired) -> v.put(name, new VmRecord(VmConfig.of(name, memoryMiB, "counter", List.of()), desired,
                "host-1", 1)));
        TreeMap<String, Rule> r = new TreeMap<>();
        rules.forEach(rule -> r.put(rule.name(), rule));
        return new Inventory(h, v, r, null, List.of(), 0);
    }
}
