package dev.vivarium.datastore.config;

import dev.vivarium.datastore.Names;
import java.util.List;

/** A DRS/HA placement rule this VM takes part in. */
public sealed interface PlacementRule {
    String name();

    /** The VMs should run on one host. */
    record KeepTogether(String name, List<String> vms) implements PlacementRule {
        public KeepTogether {
            Names.require("rule", name);
            vms = List.copyOf(vms);
            vms.forEach(vm -> Names.require("VM", vm));
        }
    }

    /** The VMs should run on different hosts. */
    record KeepApart(String name, List<String> vms) implements PlacementRule {
        public KeepApart {
            Names.require("rule", name);
            vms = List.copyOf(vms);
            vms.forEach(vm -> Names.require("VM", vm));
        }
    }

    /** The VM runs only on these hosts. */
    record RunOnHosts(String name, List<String> hosts) implements PlacementRule {
        public RunOnHosts {
            Names.require("rule", name);
            hosts = List.copyOf(hosts);
            hosts.forEach(host -> Names.require("host", host));
        }
    }
}
