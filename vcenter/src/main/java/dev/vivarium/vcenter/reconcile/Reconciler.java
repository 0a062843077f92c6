package dev.vivarium.vcenter.reconcile;

import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.drs.core.Placement;
import dev.vivarium.vcenter.inventory.HostState;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.placement.ClusterView;
import dev.vivarium.vcenter.placement.Placements;
import dev.vivarium.vcenter.reconcile.ReconcileAction.AwaitHa;
import dev.vivarium.vcenter.reconcile.ReconcileAction.Place;
import dev.vivarium.vcenter.reconcile.ReconcileAction.SetPaused;
import dev.vivarium.vcenter.reconcile.ReconcileAction.Stop;
import dev.vivarium.vcenter.reconcile.ReconcileAction.Unplaceable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares what should run (the inventory) with what runs (the hosts' reports) and says what to
 * do: stop a VM that runs where it should not, place a VM that should run and runs nowhere, pause
 * or unpause a VM that runs where it should but not as paused as the inventory wants it. Pure
 * and deterministic, so the same inputs always give the same actions.
 *
 * <p>Only reports of hosts that are up count. A VM whose recorded host is lost is left to HA; a VM
 * whose recorded host is up but has not reported yet is left until it does (the host may still be
 * running it). {@code inFlight} holds placements already sent and not yet reported (VM to host):
 * they are not placed again and count against their host's capacity. Where a VM goes is DRS's
 * initial placement ({@link Placements}), the one policy HA and maintenance mode use too.
 */
public final class Reconciler {

  private Reconciler() {}

  public static List<ReconcileAction> reconcile(Inventory inv, Collection<HostReport> reports,
      Map<String, String> inFlight) {
    return reconcile(inv, reports, inFlight, Map.of());
  }

  /**
   * @param lastDemand what VMs that run nowhere now demanded when they last ran (MIPS), so a VM
   *                   coming back is placed as the load it is; VMs that run are weighed by their
   *                   hosts' reports
   */
  public static List<ReconcileAction> reconcile(Inventory inv, Collection<HostReport> reports,
      Map<String, String> inFlight, Map<String, Double> lastDemand) {
    return reconcile(inv, reports, inFlight, lastDemand, Map.of());
  }

  /**
   * @param refusedBy the hosts that refused to start a VM since it last failed (VM to hosts): it
   *                  is placed on another host, after the others, or is {@link Unplaceable} when
   *                  none is left
   */
  public static List<ReconcileAction> reconcile(Inventory inv, Collection<HostReport> reports,
      Map<String, String> inFlight, Map<String, Double> lastDemand, Map<String, Set<String>> refusedBy) {
    Map<String, HostReport> counted = new HashMap<>();
    for (HostReport r : reports) {
      HostRecord h = inv.hosts().get(r.host());
      if (h != null && h.state().up()) counted.put(r.host(), r);
    }
    List<ReconcileAction> actions = new ArrayList<>();
    Map<String, String> runningOn = new HashMap<>();
    Map<String, ClusterView.Figures> figures = new HashMap<>();
    lastDemand.forEach((vm, mips) -> figures.put(vm, new ClusterView.Figures(mips, 0, 0)));
    for (HostReport r : sortedByHost(counted.values())) {
      for (Map.Entry<String, Long> e : r.running().entrySet().stream()
          .sorted(Map.Entry.comparingByKey()).toList()) {
        if (reportPredatesItsRun(inv, r.host(), e.getKey(), e.getValue())) {
          runningOn.put(e.getKey(), r.host()); // it runs there, at the newer epoch: the next report shows it
          continue;
        }
        Stop stop = stopIfUnwanted(inv, r.host(), e.getKey(), e.getValue());
        if (stop != null) {
          actions.add(stop);
        } else {
          runningOn.put(e.getKey(), r.host());
          VmLoad load = r.loads().getOrDefault(e.getKey(), VmLoad.IDLE);
          figures.put(e.getKey(), new ClusterView.Figures(load.demandMips(), load.dirtyPagesPerSec(), 0));
          SetPaused correction = pauseIfUnlike(inv.vms().get(e.getKey()), r, e.getValue());
          if (correction != null) actions.add(correction);
        }
      }
    }
    Set<String> runningSomewhere = new HashSet<>(runningOn.keySet());
    inFlight.forEach((vm, host) -> {
      if (!runningSomewhere.contains(vm) && inv.vms().containsKey(vm)) runningOn.put(vm, host);
    });
    List<String> toPlace = new ArrayList<>();
    for (VmRecord vm : inv.vms().values()) {
      if (!vm.desired().resident() || runningSomewhere.contains(vm.name())
          || inFlight.containsKey(vm.name())) {
        continue;
      }
      HostRecord last = vm.running() ? inv.hosts().get(vm.host()) : null;
      if (last != null && last.state() == HostState.LOST) {
        actions.add(new AwaitHa(vm.name(), last.name()));
      } else if (last == null || !last.state().up() || counted.containsKey(last.name())) {
        toPlace.add(vm.name()); // else its host is up but has not reported yet: it may still run it
      }
    }
    List<String> refused = toPlace.stream().filter(vm -> !refusedBy.getOrDefault(vm, Set.of()).isEmpty()).toList();
    toPlace.removeAll(refused);
    if (!toPlace.isEmpty()) {
      place(inv, runningOn, figures, Set.of(), toPlace, actions);
    }
    // Each VM a host refused goes elsewhere, weighed with what this round placed already.
    for (String vm : refused) {
      place(inv, runningOn, figures, refusedBy.get(vm), List.of(vm), actions);
    }
    return actions;
  }

  private static void place(Inventory inv, Map<String, String> runningOn, Map<String, ClusterView.Figures> figures,
      Set<String> excluded, List<String> vms, List<ReconcileAction> actions) {
    for (Placement p : Placements.place(inv, runningOn, figures, excluded, vms)) {
      if (p instanceof Placement.Placed placed) {
        actions.add(new Place(placed.vm(), placed.host(), inv.vms().get(placed.vm()).epoch()));
        runningOn.put(placed.vm(), placed.host());
      } else {
        actions.add(new Unplaceable(p.vm(), ((Placement.Unplaced) p).why()));
      }
    }
  }

  /**
   * Whether a host's report lists {@code name} at an older epoch than the one the inventory says
   * the VM runs under on that same host. A host runs one copy of a VM, so the report is older
   * than the VM's current run there (it left by live migration and came back, or was restarted
   * there, after the report was taken): it is not a stale copy to stop, and the VM counts as
   * running there, so no round powers it on elsewhere. (A host also refuses a stop for another
   * epoch than the one it runs, HostDirectory; this keeps the reconciler from deciding one.)
   */
  private static boolean reportPredatesItsRun(Inventory inv, String host, String name, long epoch) {
    VmRecord vm = inv.vms().get(name);
    return vm != null && vm.desired().resident() && host.equals(vm.host()) && epoch < vm.epoch();
  }

  private static Stop stopIfUnwanted(Inventory inv, String host, String name, long epoch) {
    VmRecord vm = inv.vms().get(name);
    if (vm == null) return new Stop(name, host, epoch, false, "VM " + name + " is not in the inventory");
    if (!vm.desired().resident()) {
      return new Stop(name, host, epoch, vm.desired() == PowerState.SUSPENDED,
          "VM " + name + " should be " + vm.desired().apiName());
    }
    if (epoch < vm.epoch()) {
      return new Stop(name, host, epoch, false, "stale copy: VM " + name + " runs on "
          + vm.host() + " at epoch " + vm.epoch() + ", " + host + " holds epoch " + epoch);
    }
    return null;
  }

  /** A pause or unpause when {@code vm} runs as it should but its pause state is not the desired one. */
  private static SetPaused pauseIfUnlike(VmRecord vm, HostReport r, long epoch) {
    boolean wantPaused = vm.desired() == PowerState.PAUSED;
    boolean isPaused = r.paused().contains(vm.name());
    return wantPaused == isPaused ? null : new SetPaused(vm.name(), r.host(), epoch, wantPaused);
  }

  private static List<HostReport> sortedByHost(Collection<HostReport> reports) {
    return reports.stream().sorted(Comparator.comparing(HostReport::host)).toList();
  }

}
