package dev.vivarium.vcenter.inventory;

import dev.vivarium.vcenter.inventory.InventoryEvent.VmMigrated;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmMigrationFailed;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmMigrationStarted;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Checks live migrations against the inventory: whether a VM may go to a host (or which host
 * it should go to), and what its end changes. A refusal changes nothing and says why, as
 * vCenter's migration wizard does: the VM does not run, the target is unknown, the same host,
 * not connected or in maintenance, has no room, would break a rule, or a migration already runs.
 */
public final class MigrationDecisions {

  /**
   * A migration the inventory heard no end of after this long is taken as dead (its requester's
   * node failed): the VM is no longer left to it. Far above a migration's own limits (a minute
   * of pre-copy, a minute to settle).
   */
  public static final Duration MARK_EXPIRY = Duration.ofMinutes(10);

  private MigrationDecisions() {}

  /** The VM's migration under way at {@code now}, if there is one. */
  public static Optional<Migration> running(Inventory s, String vm, Instant now) {
    var list = s.migrationsOf(vm);
    if (list.isEmpty()) return Optional.empty();
    Migration last = list.get(list.size() - 1);
    return last.running() && last.started().plus(MARK_EXPIRY).isAfter(now) ? Optional.of(last) : Optional.empty();
  }

  /**
   * A migration of {@code vm} to {@code to} begins (asked by {@code task}).
   *
   * @param keepTogether whether affinity rules hold it back (false for maintenance mode, which
   *                     empties a host and moves partners one after the other)
   */
  public static Decision start(Inventory s, String vm, String to, String task, boolean keepTogether,
      Instant at, Initiator by) {
    VmRecord record = s.vms().get(vm);
    if (record == null) return Decision.notFound("no VM named " + vm);
    String refusal = refusal(s, record, to, keepTogether, at);
    if (refusal != null) return Decision.conflict(refusal);
    return Decision.accept(new VmMigrationStarted(vm, record.host(), to, task == null ? "" : task, at, by));
  }

  /**
   * Where the VM should go when the request names no host: the connected host with the most
   * memory free that takes it under the rules (an affinity partner's host first).
   *
   * @return the host, or empty with the reason in {@code why[0]}
   */
  public static Optional<String> chooseTarget(Inventory s, String vm, boolean keepTogether, Instant now,
      String[] why) {
    VmRecord record = s.vms().get(vm);
    if (record == null) {
      why[0] = "no VM named " + vm;
      return Optional.empty();
    }
    String notRunning = notMovable(s, record, now);
    if (notRunning != null) {
      why[0] = notRunning;
      return Optional.empty();
    }
    Set<String> together = partners(s, vm, Rule.Kind.AFFINITY);
    String lastRefusal = null;
    Optional<String> best = Optional.empty();
    long bestFree = -1;
    boolean bestTogether = false;
    for (HostRecord h : s.hosts().values().stream().sorted(Comparator.comparing(HostRecord::name)).toList()) {
      if (h.name().equals(record.host())) continue;
      String refusal = targetRefusal(s, record, h.name(), keepTogether);
      if (refusal != null) {
        lastRefusal = refusal;
        continue;
      }
      boolean withPartner = s.vms().values().stream()
          .anyMatch(v -> together.contains(v.name()) && h.name().equals(v.host()));
      long free = freeMiB(s, h.name());
      if (best.isEmpty() || (withPartner && !bestTogether) || (withPartner == bestTogether && free > bestFree)) {
        best = Optional.of(h.name());
        bestFree = free;
        bestTogether = withPartner;
      }
    }
    if (best.isEmpty()) {
      why[0] = lastRefusal == null ? "VM " + vm + " has no other host to go to" : "no host can take VM " + vm
          + " (the last one looked at: " + lastRefusal + ")";
    }
    return best;
  }

  /** The migration ended with the VM on {@code to} under {@code epoch}. */
  public static Decision completed(Inventory s, String vm, String from, String to, long epoch,
      MigrationStats stats, Instant at, Initiator by) {
    VmRecord record = s.vms().get(vm);
    if (record == null) return Decision.notFound("no VM named " + vm);
    HostRecord target = s.hosts().get(to);
    if (target == null) return Decision.notFound("no host named " + to);
    boolean alreadyThere = to.equals(record.host()) && epoch == record.epoch();
    // The source reports on its own that the VM stopped there as it left; that report may come first.
    boolean leftSource = !record.running()
        && running(s, vm, at).filter(m -> m.from().equals(from) && m.to().equals(to)).isPresent();
    if (!alreadyThere) {
      if (!from.equals(record.host()) && !leftSource) {
        return Decision.conflict("VM " + vm + " runs on " + (record.running() ? record.host() : "no host")
            + ", not on " + from);
      }
      if (epoch <= record.epoch()) {
        return Decision.conflict("stale lease: VM " + vm + " is at epoch " + record.epoch()
            + ", the migration reported epoch " + epoch);
      }
    }
    return Decision.accept(new VmMigrated(vm, from, to, epoch, at, by, stats));
  }

  /** The migration did not happen (or was cancelled): the VM runs on {@code runsOn} (null: nowhere). */
  public static Decision failed(Inventory s, String vm, String from, String to, String reason,
      String runsOn, boolean cancelled, MigrationStats stats, Instant at, Initiator by) {
    if (!s.vms().containsKey(vm)) return Decision.notFound("no VM named " + vm);
    return Decision.accept(new VmMigrationFailed(vm, from, to, reason == null ? "" : reason, runsOn,
        cancelled, at, by, stats));
  }

  // ---- the checks ----

  private static String refusal(Inventory s, VmRecord vm, String to, boolean keepTogether, Instant now) {
    String notRunning = notMovable(s, vm, now);
    if (notRunning != null) return notRunning;
    if (to == null || !s.hosts().containsKey(to)) return "no host named " + to + " to migrate VM " + vm.name() + " to";
    if (to.equals(vm.host())) return "VM " + vm.name() + " already runs on " + to;
    return targetRefusal(s, vm, to, keepTogether);
  }

  /** Why the VM cannot move at all now, or null. */
  private static String notMovable(Inventory s, VmRecord vm, Instant now) {
    if (!vm.desired().resident() || vm.desired() == PowerState.SUSPENDED || !vm.running()) {
      return "VM " + vm.name() + " is not running (" + (vm.running() ? vm.desired().apiName() : "it runs on no host")
          + "); only a running VM migrates live";
    }
    Optional<Migration> under = running(s, vm.name(), now);
    if (under.isPresent()) {
      return "VM " + vm.name() + " is already migrating to " + under.get().to() + " (since " + under.get().started() + ")";
    }
    return null;
  }

  /** Why {@code to} cannot take the VM, or null. */
  private static String targetRefusal(Inventory s, VmRecord vm, String to, boolean keepTogether) {
    HostRecord h = s.hosts().get(to);
    if (h.state() != HostState.CONNECTED) {
      return "host " + to + (h.state() == HostState.MAINTENANCE ? " is in maintenance mode"
          : " is " + h.state().name().toLowerCase() + ", not connected");
    }
    long free = freeMiB(s, to);
    if (free < vm.config().memoryMiB()) {
      return "host " + to + " has " + free + " MiB free, VM " + vm.name() + " needs " + vm.config().memoryMiB();
    }
    for (String partner : partners(s, vm.name(), Rule.Kind.ANTI_AFFINITY)) {
      VmRecord p = s.vms().get(partner);
      if (p != null && to.equals(p.host())) {
        return "an anti-affinity rule keeps VM " + vm.name() + " apart from " + partner + ", which runs on " + to;
      }
    }
    if (keepTogether) {
      for (String partner : partners(s, vm.name(), Rule.Kind.AFFINITY)) {
        VmRecord p = s.vms().get(partner);
        if (p != null && p.running() && !to.equals(p.host())) {
          return "an affinity rule keeps VM " + vm.name() + " with " + partner + ", which runs on " + p.host();
        }
      }
    }
    return null;
  }

  /** Memory not taken on the host by the VMs recorded there and those migrating to it. */
  static long freeMiB(Inventory s, String host) {
    long used = 0;
    for (VmRecord v : s.vms().values()) {
      boolean there = host.equals(v.host());
      boolean coming = s.migrationsOf(v.name()).stream().anyMatch(m -> m.running() && host.equals(m.to()));
      if (there || coming) used += v.config().memoryMiB();
    }
    return s.hosts().get(host).memoryMiB() - used;
  }

  private static Set<String> partners(Inventory s, String vm, Rule.Kind kind) {
    Set<String> out = new HashSet<>();
    for (Rule r : s.rulesOf(vm, kind)) out.addAll(r.vms());
    out.remove(vm);
    return out;
  }
}
