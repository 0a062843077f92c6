package dev.vivarium.vcenter.inventory;

import dev.vivarium.vcenter.inventory.InventoryEvent.VmCreated;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmDeleted;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmPowerRequested;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmPoweredOn;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmReconfigured;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmRestartedByHa;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmStopped;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Checks VM commands against the inventory and says which events they cause. */
public final class VmDecisions {

  /** The power operations VirtualCenter allows from each state (the rest are InvalidPowerState). */
  private static final Map<PowerState, Set<PowerState>> ALLOWED = Map.of(
      PowerState.POWERED_OFF, EnumSet.of(PowerState.POWERED_ON),
      PowerState.POWERED_ON, EnumSet.of(PowerState.POWERED_OFF, PowerState.SUSPENDED,
          PowerState.PAUSED),
      PowerState.PAUSED, EnumSet.of(PowerState.POWERED_ON, PowerState.POWERED_OFF),
      PowerState.SUSPENDED, EnumSet.of(PowerState.POWERED_ON, PowerState.POWERED_OFF));

  private VmDecisions() {}

  public static Decision create(Inventory s, VmConfig config, Instant at, Initiator by) {
    if (config == null) return Decision.badRequest("VM configuration is missing");
    Optional<String> bad = VmValidation.check(config).or(() -> VmValidation.checkFits(config, s.hosts().values()));
    if (bad.isPresent()) return Decision.badRequest(bad.get());
    if (s.vms().containsKey(config.name())) {
      return Decision.conflict("a VM named " + config.name() + " already exists");
    }
    return Decision.accept(new VmCreated(config, at, by));
  }

  /** Shares, reservation, limit and priority change at any time; memory and workload when off. */
  public static Decision reconfigure(Inventory s, VmConfig config, Instant at, Initiator by) {
    if (config == null) return Decision.badRequest("VM configuration is missing");
    VmRecord vm = s.vms().get(config.name());
    if (vm == null) return Decision.notFound("no VM named " + config.name());
    Optional<String> bad = VmValidation.check(config).or(() -> VmValidation.checkFits(config, s.hosts().values()));
    if (bad.isPresent()) return Decision.badRequest(bad.get());
    if (vm.config().equals(config)) return Decision.unchanged();
    if ((vm.desired() != PowerState.POWERED_OFF || vm.running())
        && vm.config().needsPowerOffToBecome(config)) {
      return Decision.conflict(powerStates(vm) + "; power it off to change its memory, image or command line");
    }
    return Decision.accept(new VmReconfigured(config, at, by));
  }

  public static Decision delete(Inventory s, String name, Instant at, Initiator by) {
    VmRecord vm = s.vms().get(name);
    if (vm == null) return Decision.notFound("no VM named " + name);
    if (vm.desired() != PowerState.POWERED_OFF || vm.running()) {
      return Decision.conflict(powerStates(vm) + "; power it off before deleting it");
    }
    return Decision.accept(new VmDeleted(name, at, by));
  }

  /**
   * What the user sees of a VM's power, both states named as such: "VM x1's desired power state
   * is poweredOn (it is not running now)", so a refusal never contradicts the VM list.
   */
  static String powerStates(VmRecord vm) {
    return "VM " + vm.config().name() + "'s desired power state is " + vm.desired().apiName()
        + (vm.running() ? " (it runs on " + vm.host() + ")" : " (it is not running now)");
  }

  /**
   * A power-on that failed, once per reason: the same reason again while it stands changes
   * nothing, and a VM no longer meant to run has nothing to fail.
   */
  public static Decision powerOnFailed(Inventory s, String name, String reason, Instant at, Initiator by) {
    VmRecord vm = s.vms().get(name);
    if (vm == null) return Decision.notFound("no VM named " + name);
    if (reason == null || reason.isBlank()) return Decision.badRequest("the failure's reason is missing");
    Alarm standing = s.alarms().get(name + "/" + InventoryEvent.POWER_ON_ALARM);
    if (!vm.desired().resident() || vm.running() || standing != null && standing.message().equals(reason)) {
      return Decision.unchanged();
    }
    return Decision.accept(new InventoryEvent.VmPowerOnFailed(name, reason, at, by));
  }

  /** Records the power state the user wants; the hosts follow through reconciliation. */
  public static Decision requestPower(Inventory s, String name, PowerState desired, Instant at,
      Initiator by) {
    if (desired == null) return Decision.badRequest("power state is missing");
    VmRecord vm = s.vms().get(name);
    if (vm == null) return Decision.notFound("no VM named " + name);
    if (vm.desired() == desired) {
      return Decision.conflict("VM " + name + " is already " + desired.apiName());
    }
    if (!ALLOWED.get(vm.desired()).contains(desired)) {
      return Decision.conflict("VM " + name + " is " + vm.desired().apiName() + "; it cannot become "
          + desired.apiName());
    }
    return Decision.accept(new VmPowerRequested(name, desired, at, by));
  }

  /**
   * A host reports that it started the VM under lease {@code epoch}. The epoch must be newer than
   * any the inventory has seen for the VM: an older one comes from a host that lost the lease.
   * A start by HA is logged as an HA restart.
   */
  public static Decision started(Inventory s, String name, String host, long epoch, Instant at,
      Initiator by) {
    VmRecord vm = s.vms().get(name);
    if (vm == null) return Decision.notFound("no VM named " + name);
    Decision hostProblem = hostTakesVms(s, host);
    if (hostProblem != null) return hostProblem;
    if (host.equals(vm.host()) && epoch == vm.epoch()) return Decision.unchanged();
    // A VM arriving by live migration: the migration records its move, with its figures.
    if (epoch > vm.epoch() && MigrationDecisions.running(s, name, at).filter(m -> m.to().equals(host)).isPresent()) {
      return Decision.unchanged();
    }
    if (epoch <= vm.epoch()) {
      return Decision.conflict("stale lease: VM " + name + " is at epoch " + vm.epoch()
          + ", " + host + " reported epoch " + epoch);
    }
    return Decision.accept(by.kind() == Initiator.Kind.HA
        ? new VmRestartedByHa(name, host, epoch, at, by)
        : new VmPoweredOn(name, host, epoch, at, by));
  }

  /** A host reports that the VM stopped; only its current owner, at its current epoch, can. */
  public static Decision stopped(Inventory s, String name, String host, long epoch, Instant at,
      Initiator by) {
    VmRecord vm = s.vms().get(name);
    if (vm == null) return Decision.notFound("no VM named " + name);
    if (!vm.running() && epoch == vm.epoch()) return Decision.unchanged();
    if (!host.equals(vm.host()) || epoch != vm.epoch()) {
      return Decision.conflict("stale report: VM " + name + " runs on "
          + (vm.running() ? vm.host() : "no host") + " at epoch " + vm.epoch() + ", not on "
          + host + " at epoch " + epoch);
    }
    return Decision.accept(new VmStopped(name, host, epoch, at, by));
  }

  /** A VM's actor did {@code kind} (a reset, a snapshot operation); only a known VM's is logged. */
  public static Decision operated(Inventory s, String name, String kind, String message, Instant at,
      Initiator by) {
    if (!s.vms().containsKey(name)) return Decision.notFound("no VM named " + name);
    if (kind == null || !kind.matches("Vm[A-Za-z]+")) {
      return Decision.badRequest("event kind '" + kind + "' is not Vm followed by letters");
    }
    return Decision.accept(new InventoryEvent.VmOperated(name, kind, message, at, by));
  }

  /** A migration handed the VM's lease from {@code from} to {@code to} at a newer epoch. */
  public static Decision migrated(Inventory s, String name, String from, String to, long epoch,
      Instant at, Initiator by) {
    Decision hostProblem = s.vms().containsKey(name) ? hostTakesVms(s, to) : null;
    if (hostProblem != null) return hostProblem;
    return MigrationDecisions.completed(s, name, from, to, epoch, null, at, by);
  }

  private static Decision hostTakesVms(Inventory s, String host) {
    HostRecord h = host == null ? null : s.hosts().get(host);
    if (h == null) return Decision.notFound("no host named " + host);
    if (!h.state().up()) {
      return Decision.conflict("host " + host + " is " + h.state().name().toLowerCase());
    }
    return null;
  }
}
