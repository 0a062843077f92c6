package dev.vivarium.vcenter.protocol;

import dev.vivarium.vcenter.inventory.Decision;
import dev.vivarium.vcenter.inventory.DrsConfig;
import dev.vivarium.vcenter.inventory.HostDecisions;
import dev.vivarium.vcenter.inventory.HostGroup;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.InventoryEvent;
import dev.vivarium.vcenter.inventory.InventorySerializable;
import dev.vivarium.vcenter.inventory.MigrationDecisions;
import dev.vivarium.vcenter.inventory.MigrationStats;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.inventory.RuleDecisions;
import dev.vivarium.vcenter.inventory.VmConfig;
import dev.vivarium.vcenter.inventory.VmDecisions;
import dev.vivarium.vcenter.protocol.Answers.EventLogPage;
import dev.vivarium.vcenter.protocol.Answers.HostList;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.Answers.VmList;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the inventory entity understands. Changes ({@link Change}) name who asks and reply
 * {@link Reply}; queries answer with the records in {@link Answers}. Every message crosses nodes
 * (the inventory is a cluster singleton), so all are Jackson-serializable records.
 */
public sealed interface InventoryCommand extends InventorySerializable {

  /** A command that may change the inventory: checked by a pure decision, then persisted. */
  sealed interface Change extends InventoryCommand {
    Initiator by();

    ActorRef<Reply> replyTo();

    Decision decide(Inventory s, Instant now);
  }

  // ---- hosts ----

  record JoinHost(String host, long capacityMips, int memoryMiB, Initiator by,
      ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return HostDecisions.join(s, host, capacityMips, memoryMiB, now, by);
    }
  }

  record ConnectHost(String host, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return HostDecisions.connect(s, host, now, by);
    }
  }

  record MarkHostLost(String host, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return HostDecisions.lost(s, host, now, by);
    }
  }

  /** The host's node stops cleanly (it suspends its VMs): not a failure, so not a case for HA. */
  record DisconnectHost(String host, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return HostDecisions.disconnect(s, host, now, by);
    }
  }

  record EnterMaintenance(String host, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return HostDecisions.enterMaintenance(s, host, now, by);
    }
  }

  record ExitMaintenance(String host, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return HostDecisions.exitMaintenance(s, host, now, by);
    }
  }

  // ---- VMs ----

  record CreateVm(VmConfig config, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return VmDecisions.create(s, config, now, by);
    }
  }

  record ReconfigureVm(VmConfig config, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return VmDecisions.reconfigure(s, config, now, by);
    }
  }

  record DeleteVm(String vm, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return VmDecisions.delete(s, vm, now, by);
    }
  }

  /** Power on, off, suspend, pause, resume or unpause: records the desired power state. */
  record RequestPowerState(String vm, PowerState desired, Initiator by, ActorRef<Reply> replyTo)
      implements Change {
    public Decision decide(Inventory s, Instant now) {
      return VmDecisions.requestPower(s, vm, desired, now, by);
    }
  }

  /** A host started the VM under datastore lease {@code epoch} (by HA: an HA restart). */
  record RecordVmStarted(String vm, String host, long epoch, Initiator by,
      ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return VmDecisions.started(s, vm, host, epoch, now, by);
    }
  }

  record RecordVmStopped(String vm, String host, long epoch, Initiator by,
      ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return VmDecisions.stopped(s, vm, host, epoch, now, by);
    }
  }

  /** A live migration of {@code vm} to {@code toHost} begins; refused (409) with the reason when it may not. */
  record StartMigration(String vm, String toHost, String task, boolean keepTogether, Initiator by,
      ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return MigrationDecisions.start(s, vm, toHost, task, keepTogether, now, by);
    }
  }

  /** @param stats what the live migration measured (null when not known) */
  record RecordVmMigrated(String vm, String fromHost, String toHost, long epoch, Initiator by,
      ActorRef<Reply> replyTo, MigrationStats stats) implements Change {
    public RecordVmMigrated(String vm, String fromHost, String toHost, long epoch, Initiator by,
        ActorRef<Reply> replyTo) {
      this(vm, fromHost, toHost, epoch, by, replyTo, null);
    }

    public Decision decide(Inventory s, Instant now) {
      return stats == null ? VmDecisions.migrated(s, vm, fromHost, toHost, epoch, now, by)
          : MigrationDecisions.completed(s, vm, fromHost, toHost, epoch, stats, now, by);
    }
  }

  /** A live migration did not happen (or was cancelled); the VM runs on {@code runsOn} (null: nowhere). */
  record RecordMigrationFailed(String vm, String fromHost, String toHost, String reason, String runsOn,
      boolean cancelled, MigrationStats stats, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return MigrationDecisions.failed(s, vm, fromHost, toHost, reason, runsOn, cancelled, stats, now, by);
    }
  }

  /** A VM's actor did something the log should show with who asked (a reset, a snapshot). */
  record RecordVmOperation(String vm, String kind, String message, Initiator by,
      ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return VmDecisions.operated(s, vm, kind, message, now, by);
    }
  }

  /** A lab fault injected or ended, for the shared event log ({@code kind} FaultInjected or FaultHealed). */
  record RecordFault(String subject, String kind, String message, Initiator by, ActorRef<Reply> replyTo)
      implements Change {
    public Decision decide(Inventory s, Instant now) {
      if (!"FaultInjected".equals(kind) && !"FaultHealed".equals(kind)) {
        return Decision.badRequest("fault event kind '" + kind + "' is neither FaultInjected nor FaultHealed");
      }
      return Decision.accept(new InventoryEvent.FaultRecorded(subject, kind, message, now, by));
    }
  }

  // ---- rules and alarms ----

  record AddRule(Rule rule, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return RuleDecisions.add(s, rule, now, by);
    }
  }

  record RemoveRule(String rule, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return RuleDecisions.remove(s, rule, now, by);
    }
  }

  /** Creates a host group or changes its hosts. */
  record DefineHostGroup(HostGroup group, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return RuleDecisions.defineHostGroup(s, group, now, by);
    }
  }

  record RemoveHostGroup(String group, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return RuleDecisions.removeHostGroup(s, group, now, by);
    }
  }

  /** The reconciler could not power the VM on (no room, a host refused): why, for the user. */
  record RecordPowerOnFailure(String vm, String reason, Initiator by, ActorRef<Reply> replyTo)
      implements Change {
    public Decision decide(Inventory s, Instant now) {
      return VmDecisions.powerOnFailed(s, vm, reason, now, by);
    }
  }

  /** Sets DRS's automation level, migration threshold and moves per round. */
  record ConfigureDrs(DrsConfig config, Initiator by, ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return RuleDecisions.configureDrs(s, config, now, by);
    }
  }

  record RaiseAlarm(String alarm, String target, String message, Initiator by,
      ActorRef<Reply> replyTo) implements Change {
    public Decision decide(Inventory s, Instant now) {
      return RuleDecisions.raiseAlarm(s, alarm, target, message, now, by);
    }
  }

  record ClearAlarm(String alarm, String target, Initiator by, ActorRef<Reply> replyTo)
      implements Change {
    public Decision decide(Inventory s, Instant now) {
      return RuleDecisions.clearAlarm(s, alarm, target, now, by);
    }
  }

  // ---- queries ----

  record GetVm(String vm, ActorRef<VmLookup> replyTo) implements InventoryCommand {}

  record ListVms(ActorRef<VmList> replyTo) implements InventoryCommand {}

  record ListHosts(ActorRef<HostList> replyTo) implements InventoryCommand {}

  /** Up to {@code limit} log lines numbered above {@code afterSeq}, oldest first. */
  record GetEventLog(long afterSeq, int limit, ActorRef<EventLogPage> replyTo)
      implements InventoryCommand {}

  record GetInventory(ActorRef<InventorySnapshot> replyTo) implements InventoryCommand {}

  /** Stops the entity (the singleton's hand-over message), after what is already queued. */
  record Stop() implements InventoryCommand {}
}
