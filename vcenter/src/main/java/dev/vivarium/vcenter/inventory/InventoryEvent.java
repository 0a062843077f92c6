package dev.vivarium.vcenter.inventory;

import java.time.Instant;

/**
 * What happened to the inventory: the journal holds these (as JSON), and each one is also a line
 * of the event log, with who did it and when. New fields may be added to a record later; old
 * events then read with the field's default, so never rename or remove a field.
 */
public sealed interface InventoryEvent extends InventorySerializable {

  Instant at();

  Initiator by();

  /** The VM, host or rule the event is about. */
  String entity();

  /** A sentence for the event log. */
  String describe();

  /** The event's kind as the log and the API name it. */
  default String kind() { return getClass().getSimpleName(); }

  record HostJoined(String host, long capacityMips, int memoryMiB, Instant at, Initiator by)
      implements InventoryEvent {
    public String entity() { return host; }
    public String describe() {
      return "Host " + host + " joined (" + capacityMips + " MIPS, " + memoryMiB + " MiB)";
    }
  }

  record HostConnected(String host, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return host; }
    public String describe() { return "Host " + host + " connected"; }
  }

  record HostLost(String host, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return host; }
    public String describe() { return "Host " + host + " lost"; }
  }

  /** The host left the cluster cleanly (its node stopped); its VMs were suspended, not lost. */
  record HostDisconnected(String host, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return host; }
    public String describe() { return "Host " + host + " disconnected (stopped cleanly)"; }
  }

  record MaintenanceEntered(String host, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return host; }
    public String describe() { return "Host " + host + " entered maintenance mode"; }
  }

  record MaintenanceExited(String host, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return host; }
    public String describe() { return "Host " + host + " exited maintenance mode"; }
  }

  record VmCreated(VmConfig config, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return config.name(); }
    public String describe() {
      return "VM " + config.name() + " created (" + config.memoryMiB() + " MiB, image "
          + config.image() + ")";
    }
  }

  record VmReconfigured(VmConfig config, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return config.name(); }
    public String describe() { return "VM " + config.name() + " reconfigured"; }
  }

  record VmDeleted(String vm, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return vm; }
    public String describe() { return "VM " + vm + " deleted"; }
  }

  /** The user (or HA, DRS) changed what the VM should be; hosts follow by reconciliation. */
  record VmPowerRequested(String vm, PowerState desired, Instant at, Initiator by)
      implements InventoryEvent {
    public String entity() { return vm; }
    public String describe() { return "VM " + vm + " requested " + desired.apiName(); }
  }

  /**
   * A power-on that cannot happen now, and why (no host with room, a host's refusal): the VM's
   * last failure, shown as its alarm {@value #POWER_ON_ALARM} until it runs or is asked again.
   */
  record VmPowerOnFailed(String vm, String reason, Instant at, Initiator by)
      implements InventoryEvent {
    public String entity() { return vm; }
    public String describe() { return "VM " + vm + " could not be powered on: " + reason; }
  }

  /** The alarm a failed power-on raises on its VM. */
  String POWER_ON_ALARM = "powerOn";

  /** A host started the VM under a new datastore lease epoch. */
  record VmPoweredOn(String vm, String host, long epoch, Instant at, Initiator by)
      implements InventoryEvent {
    public String entity() { return vm; }
    public String describe() { return "VM " + vm + " powered on on " + host + " (epoch " + epoch + ")"; }
  }

  /** The VM stopped running on its host (powered off, or suspended to its checkpoint). */
  record VmStopped(String vm, String host, long epoch, Instant at, Initiator by)
      implements InventoryEvent {
    public String entity() { return vm; }
    public String describe() { return "VM " + vm + " stopped on " + host + " (epoch " + epoch + ")"; }
  }

  /** A live migration began (the inventory leaves the VM to it until it ends). */
  record VmMigrationStarted(String vm, String fromHost, String toHost, String task, Instant at,
      Initiator by) implements InventoryEvent {
    public String entity() { return vm; }
    public String describe() {
      return "VM " + vm + " migrating from " + fromHost + " to " + toHost;
    }
  }

  /** @param stats what the live migration measured (null in events written before it kept them) */
  record VmMigrated(String vm, String fromHost, String toHost, long epoch, Instant at,
      Initiator by, MigrationStats stats) implements InventoryEvent {
    public VmMigrated(String vm, String fromHost, String toHost, long epoch, Instant at, Initiator by) {
      this(vm, fromHost, toHost, epoch, at, by, null);
    }
    public String entity() { return vm; }
    public String describe() {
      return "VM " + vm + " migrated from " + fromHost + " to " + toHost + " (epoch " + epoch
          + (stats == null || stats.downtimeMs() < 0 ? ""
              : String.format(java.util.Locale.ROOT, ", downtime %.2f ms", stats.downtimeMs())) + ")";
    }
  }

  /**
   * A live migration did not happen (or was cancelled).
   *
   * @param runsOn where the VM runs now (null: nowhere, its host failed)
   */
  record VmMigrationFailed(String vm, String fromHost, String toHost, String reason, String runsOn,
      boolean cancelled, Instant at, Initiator by, MigrationStats stats) implements InventoryEvent {
    public String entity() { return vm; }
    public String kind() { return cancelled ? "VmMigrationCancelled" : "VmMigrationFailed"; }
    public String describe() {
      return "VM " + vm + " migration from " + fromHost + " to " + toHost
          + (cancelled ? " cancelled" : " failed") + ": " + reason + "; it runs "
          + (runsOn == null ? "nowhere" : "on " + runsOn);
    }
  }

  /**
   * A VM's actor carried out an operation that changes nothing the inventory keeps (a reset, a
   * snapshot taken, reverted or deleted): recorded so the event log says who did it.
   *
   * @param kind    the event's name in the log, e.g. VmReset, VmSnapshotTaken
   * @param message the log's sentence
   */
  record VmOperated(String vm, String kind, String message, Instant at, Initiator by)
      implements InventoryEvent {
    public String entity() { return vm; }
    public String describe() { return message; }
  }

  /**
   * A fault the lab injected or ended (lab mode only; the inventory keeps no state for it):
   * recorded here so that every node's event log shows it, not only the node that carried it out.
   *
   * @param subject the hosts or the VM it hit, or "lab"
   * @param kind    FaultInjected or FaultHealed
   * @param message the log's sentence
   */
  record FaultRecorded(String subject, String kind, String message, Instant at, Initiator by)
      implements InventoryEvent {
    public String entity() { return subject; }
    public String describe() { return message; }
  }

  record VmRestartedByHa(String vm, String host, long epoch, Instant at, Initiator by)
      implements InventoryEvent {
    public String entity() { return vm; }
    public String describe() {
      return "VM " + vm + " restarted by HA on " + host + " (epoch " + epoch + ")";
    }
  }

  record RuleAdded(Rule rule, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return rule.name(); }
    public String describe() { return rule.describe(); }
  }

  record RuleRemoved(String rule, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return rule; }
    public String describe() { return "Rule " + rule + " removed"; }
  }

  /** A host group was created, or its hosts changed. */
  record HostGroupDefined(HostGroup group, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return group.name(); }
    public String describe() {
      return "Host group " + group.name() + " defined: " + String.join(", ", group.hosts());
    }
  }

  record HostGroupRemoved(String group, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return group; }
    public String describe() { return "Host group " + group + " removed"; }
  }

  /** DRS's settings changed (automation level, threshold, moves per round). */
  record DrsConfigured(DrsConfig config, Instant at, Initiator by) implements InventoryEvent {
    public String entity() { return "drs"; }
    public String describe() { return "DRS set to " + config.describe(); }
  }

  record AlarmRaised(String alarm, String target, String message, Instant at, Initiator by)
      implements InventoryEvent {
    public String entity() { return target; }
    public String describe() { return "Alarm " + alarm + " raised on " + target + ": " + message; }
  }

  record AlarmCleared(String alarm, String target, Instant at, Initiator by)
      implements InventoryEvent {
    public String entity() { return target; }
    public String describe() { return "Alarm " + alarm + " cleared on " + target; }
  }
}
