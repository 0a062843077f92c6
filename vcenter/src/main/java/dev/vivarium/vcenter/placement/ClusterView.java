package dev.vivarium.vcenter.placement;

import dev.vivarium.drs.model.Cluster;
import dev.vivarium.drs.model.Host;
import dev.vivarium.drs.model.HostState;
import dev.vivarium.drs.model.Rule.Strength;
import dev.vivarium.drs.model.Vm;
import dev.vivarium.vcenter.inventory.HostGroup;
import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.inventory.VmConfig;
import dev.vivarium.vcenter.inventory.VmRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inventory as DRS's core sees it: the hosts that are up (connected, or in maintenance and
 * to be emptied), every VM with where it runs and what it demands, and the rules with their host
 * groups resolved.
 */
public final class ClusterView {

  private ClusterView() {}

  /** What the core needs to know of a VM besides its configuration. */
  public record Figures(double demandMips, double dirtyPagesPerSec, double demandVariation) {
    public static final Figures NONE = new Figures(0, 0, 0);
  }

  /**
   * @param runningOn where each VM runs (VM to host): the hosts' reports and placements under way
   * @param figures   each VM's figures where known; a VM without them is assumed to demand what the
   *                  known VMs demand on average (a VM never seen running could be anything)
   * @param excluded  hosts to leave out whatever the inventory says (HA: the failed ones)
   */
  public static Cluster of(Inventory inv, Map<String, String> runningOn, Map<String, Figures> figures,
      Set<String> excluded) {
    List<Host> hosts = new ArrayList<>();
    for (HostRecord h : inv.hosts().values()) {
      if (h.state().up() && !excluded.contains(h.name())) {
        hosts.add(new Host(h.name(), h.capacityMips(), h.memoryMiB(),
            h.state() == dev.vivarium.vcenter.inventory.HostState.MAINTENANCE ? HostState.MAINTENANCE
                : HostState.CONNECTED));
      }
    }
    double meanDemand = figures.values().stream().mapToDouble(Figures::demandMips).average().orElse(0);
    List<Vm> vms = new ArrayList<>();
    for (VmRecord r : inv.vms().values()) {
      VmConfig c = r.config();
      Figures f = figures.getOrDefault(r.name(), new Figures(meanDemand, 0, 0));
      long limit = c.limitMips() > 0 ? Math.max(c.limitMips(), c.reservationMips()) : 0;
      vms.add(new Vm(r.name(), runningOn.get(r.name()), Math.max(0, f.demandMips()), c.reservationMips(), limit,
          Math.max(1, c.cpuShares()), c.memoryMiB(), Math.max(0, f.dirtyPagesPerSec()),
          Math.max(0, f.demandVariation()), c.restartPriority().ordinal()));
    }
    List<dev.vivarium.drs.model.Rule> rules = new ArrayList<>();
    for (Rule r : inv.rules().values()) {
      rules.add(rule(r, inv.hostGroups()));
    }
    return new Cluster(hosts, vms, rules);
  }

  static dev.vivarium.drs.model.Rule rule(Rule r, Map<String, HostGroup> groups) {
    return switch (r.kind()) {
      case AFFINITY -> new dev.vivarium.drs.model.Rule.Affinity(r.name(), r.vms());
      case ANTI_AFFINITY -> new dev.vivarium.drs.model.Rule.AntiAffinity(r.name(), r.vms());
      default -> {
        HostGroup g = groups.get(r.hostGroup());
        yield new dev.vivarium.drs.model.Rule.VmHost(r.name(), r.vms(), r.hostGroup(),
            g == null ? Set.of() : Set.copyOf(g.hosts()), r.kind().mandatory() ? Strength.MUST : Strength.SHOULD,
            r.kind().onGroup());
      }
    };
  }
}
