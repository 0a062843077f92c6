package dev.vivarium.vcenter.reconcile;

import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.HostState;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.inventory.VmRecord;
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
 * they are not placed again and count against their host's capacity.
 */
public final class Reconciler {

  private Reconciler() {}

  public static List<ReconcileAction> reconcile(Inventory inv, Collection<HostReport> reports,
      Map<String, String> inFlight) {
    Map<String, HostReport> counted = new HashMap<>();
    for (HostReport r : reports) {
      HostRecord h = inv.hosts().get(r.host());
      if (h != null && h.state().up()) counted.put(r.host(), r);
    }
    List<ReconcileAction> actions = new ArrayList<>();
    Set<String> runningSomewhere = new HashSet<>();
    HostLoad load = new HostLoad();
    for (HostReport r : sortedByHost(counted.values())) {
      for (Map.Entry<String, Long> e : r.running().entrySet().stream()
          .sorted(Map.Entry.comparingByKey()).toList()) {
        Stop stop = stopIfUnwanted(inv, r.host(), e.getKey(), e.getValue());
        if (stop != null) {
          actions.add(stop);
        } else {
          runningSomewhere.add(e.getKey());
          load.add(r.host(), inv.vms().get(e.getKey()));
          SetPaused correction = pauseIfUnlike(inv.vms().get(e.getKey()), r, e.getValue());
          if (correction != null) actions.add(correction);
        }
      }
    }
    inFlight.forEach((vm, host) -> {
      if (!runningSomewhere.contains(vm) && inv.vms().containsKey(vm)) {
        load.add(host, inv.vms().get(vm));
      }
    });
    for (VmRecord vm : byRestartPriority(inv.vms().values())) {
      if (!vm.desired().resident() || runningSomewhere.contains(vm.name())
          || inFlight.containsKey(vm.name())) {
        continue;
      }
      HostRecord last = vm.running() ? inv.hosts().get(vm.host()) : null;
      if (last != null && last.state() == HostState.LOST) {
        actions.add(new AwaitHa(vm.name(), last.name()));
      } else if (last != null && last.state().up() && !counted.containsKey(last.name())) {
        continue; // its host has not reported yet
      } else {
        actions.add(place(inv, vm, load));
      }
    }
    return actions;
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

  /**
   * The least-loaded connected host that has the VM's memory and reservation free and holds no
   * VM it must be kept apart from; a host already running an affinity partner goes first.
   */
  private static ReconcileAction place(Inventory inv, VmRecord vm, HostLoad load) {
    Set<String> apart = partners(inv, vm.name(), Rule.Kind.ANTI_AFFINITY);
    Set<String> together = partners(inv, vm.name(), Rule.Kind.AFFINITY);
    List<HostRecord> candidates = new ArrayList<>();
    boolean anyConnected = false;
    boolean anyWithRoom = false;
    for (HostRecord h : inv.hosts().values()) {
      if (h.state() != HostState.CONNECTED) continue;
      anyConnected = true;
      if (!load.fits(h, vm)) continue;
      anyWithRoom = true;
      if (load.holdsAny(h.name(), apart)) continue;
      candidates.add(h);
    }
    if (candidates.isEmpty()) {
      String why = !anyConnected ? "no connected host outside maintenance mode"
          : !anyWithRoom ? "no connected host has " + vm.config().memoryMiB() + " MiB and "
              + vm.config().reservationMips() + " MIPS free"
          : "anti-affinity rules keep it from every host with room";
      return new Unplaceable(vm.name(), why);
    }
    HostRecord best = candidates.stream()
        .min(Comparator.<HostRecord>comparingInt(h -> load.holdsAny(h.name(), together) ? 0 : 1)
            .thenComparingDouble(load::memoryFraction)
            .thenComparing(HostRecord::name))
        .orElseThrow();
    load.add(best.name(), vm);
    return new Place(vm.name(), best.name(), vm.epoch());
  }

  private static Set<String> partners(Inventory inv, String vm, Rule.Kind kind) {
    Set<String> out = new HashSet<>();
    for (Rule r : inv.rulesOf(vm, kind)) out.addAll(r.vms());
    out.remove(vm);
    return out;
  }

  private static List<HostReport> sortedByHost(Collection<HostReport> reports) {
    return reports.stream().sorted(Comparator.comparing(HostReport::host)).toList();
  }

  /** Highest restart priority first, so scarce capacity goes to the VMs that matter most. */
  private static List<VmRecord> byRestartPriority(Collection<VmRecord> vms) {
    return vms.stream()
        .sorted(Comparator.comparing((VmRecord v) -> v.config().restartPriority()).reversed()
            .thenComparing(VmRecord::name))
        .toList();
  }
}
