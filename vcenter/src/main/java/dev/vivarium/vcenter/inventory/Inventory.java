package dev.vivarium.vcenter.inventory;

import dev.vivarium.vcenter.inventory.InventoryEvent.AlarmCleared;
import dev.vivarium.vcenter.inventory.InventoryEvent.AlarmRaised;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostConnected;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostDisconnected;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostJoined;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostGroupDefined;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostGroupRemoved;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostLost;
import dev.vivarium.vcenter.inventory.InventoryEvent.MaintenanceEntered;
import dev.vivarium.vcenter.inventory.InventoryEvent.MaintenanceExited;
import dev.vivarium.vcenter.inventory.InventoryEvent.RuleAdded;
import dev.vivarium.vcenter.inventory.InventoryEvent.RuleRemoved;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmCreated;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmDeleted;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmMigrated;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmPowerRequested;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmPoweredOn;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmReconfigured;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmRestartedByHa;
import dev.vivarium.vcenter.inventory.InventoryEvent.VmStopped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The inventory's state: hosts, VMs, rules and the host groups they name, raised alarms, live
 * migrations, DRS's settings and the most recent event log lines.
 * Immutable: {@link #apply} returns a new inventory. Maps are copied on every event, which is
 * cheap at the size of a cluster (tens of hosts, hundreds of VMs) and keeps snapshots and replies
 * safe to share; they are sorted by name so listings come out in a stable order.
 */
public record Inventory(
    SortedMap<String, HostRecord> hosts,
    SortedMap<String, VmRecord> vms,
    SortedMap<String, Rule> rules,
    SortedMap<String, Alarm> alarms,
    List<LogEntry> recentLog,
    long lastLogSeq,
    SortedMap<String, HostGroup> hostGroups,
    SortedMap<String, List<Migration>> migrations,
    DrsConfig drs) implements InventorySerializable {

  /** Live migrations kept per VM (the journal keeps them all). */
  public static final int MIGRATIONS_KEPT = 50;

  public Inventory {
    hosts = frozen(hosts);
    vms = frozen(vms);
    rules = frozen(rules);
    alarms = frozen(alarms);
    recentLog = recentLog == null ? List.of() : List.copyOf(recentLog);
    hostGroups = frozen(hostGroups);
    migrations = frozen(migrations);
    drs = drs == null ? DrsConfig.DEFAULTS : drs;
  }

  /** An inventory without host groups and migrations (as before they existed). */
  public Inventory(SortedMap<String, HostRecord> hosts, SortedMap<String, VmRecord> vms,
      SortedMap<String, Rule> rules, SortedMap<String, Alarm> alarms, List<LogEntry> recentLog,
      long lastLogSeq) {
    this(hosts, vms, rules, alarms, recentLog, lastLogSeq, null, null, null);
  }

  public static Inventory empty() {
    return new Inventory(null, null, null, null, List.of(), 0, null, null, null);
  }

  /** A VM's live migrations, oldest first. */
  public List<Migration> migrationsOf(String vm) {
    return migrations.getOrDefault(vm, List.of());
  }

  /**
   * The inventory after {@code e}, keeping the last {@code logCapacity} log lines (the full log
   * stays in the journal).
   */
  public Inventory apply(InventoryEvent e, int logCapacity) {
    Inventory next = applyToEntities(e);
    String kind = e.kind();
    String message = e.describe();
    if (e instanceof VmStopped s) {
      // The user reads a stop as what it was for: a power-off or a suspend. A disconnected host
      // stops only by suspending its VMs (a clean stop of its node): they run on elsewhere.
      boolean suspend = vms.containsKey(s.vm()) && vms.get(s.vm()).desired() == PowerState.SUSPENDED;
      boolean hostStopped = hosts.containsKey(s.host())
          && hosts.get(s.host()).state() == HostState.DISCONNECTED;
      kind = suspend || hostStopped ? "VmSuspended" : "VmPoweredOff";
      message = "VM " + s.vm() + (suspend || hostStopped ? " suspended" : " powered off") + " on "
          + s.host() + " (epoch " + s.epoch() + ")" + (hostStopped ? " as its host stopped" : "");
    }
    LogEntry line = new LogEntry(lastLogSeq + 1, e.at(), e.by(), kind, e.entity(), message);
    List<LogEntry> log = new ArrayList<>(recentLog.size() + 1);
    int from = Math.max(0, recentLog.size() + 1 - logCapacity);
    log.addAll(recentLog.subList(Math.min(from, recentLog.size()), recentLog.size()));
    log.add(line);
    return new Inventory(next.hosts, next.vms, next.rules, next.alarms, log, lastLogSeq + 1,
        next.hostGroups, next.migrations, next.drs);
  }

  private Inventory applyToEntities(InventoryEvent e) {
    if (e instanceof HostJoined j) {
      return withHosts(putting(hosts, j.host(),
          new HostRecord(j.host(), j.capacityMips(), j.memoryMiB(), HostState.JOINED)));
    } else if (e instanceof HostConnected c) {
      return withHost(c.host(), h -> h.withState(HostState.CONNECTED));
    } else if (e instanceof HostLost l) {
      return withHost(l.host(), h -> h.withState(HostState.LOST));
    } else if (e instanceof HostDisconnected d) {
      return withHost(d.host(), h -> h.withState(HostState.DISCONNECTED));
    } else if (e instanceof MaintenanceEntered m) {
      return withHost(m.host(), h -> h.withState(HostState.MAINTENANCE));
    } else if (e instanceof MaintenanceExited m) {
      return withHost(m.host(), h -> h.withState(HostState.CONNECTED));
    } else if (e instanceof VmCreated c) {
      return withVms(putting(vms, c.config().name(),
          new VmRecord(c.config(), PowerState.POWERED_OFF, null, 0)));
    } else if (e instanceof VmReconfigured r) {
      return withVm(r.config().name(), v -> v.withConfig(r.config()));
    } else if (e instanceof VmDeleted d) {
      return withoutVm(d.vm());
    } else if (e instanceof VmPowerRequested p) {
      // A new request is a new chance: the last power-on failure no longer stands.
      return withVm(p.vm(), v -> v.withDesired(p.desired())).withoutPowerOnFailure(p.vm());
    } else if (e instanceof InventoryEvent.VmPowerOnFailed f) {
      Alarm alarm = new Alarm(InventoryEvent.POWER_ON_ALARM, f.vm(), f.reason(), f.at());
      return new Inventory(hosts, vms, rules, putting(alarms, alarm.key(), alarm), recentLog,
          lastLogSeq, hostGroups, migrations, drs);
    } else if (e instanceof VmPoweredOn on) {
      return withVm(on.vm(), v -> v.startedOn(on.host(), on.epoch())).withoutPowerOnFailure(on.vm());
    } else if (e instanceof VmRestartedByHa r) {
      return withVm(r.vm(), v -> v.startedOn(r.host(), r.epoch())).withoutPowerOnFailure(r.vm());
    } else if (e instanceof InventoryEvent.VmMigrationStarted m) {
      return withMigrations(m.vm(), new Migration(m.fromHost(), m.toHost(), m.task(), m.at(), null,
          Migration.Outcome.RUNNING, "", m.fromHost(), 0, null, m.by()));
    } else if (e instanceof VmMigrated m) {
      Inventory moved = withVm(m.vm(), v -> v.startedOn(m.toHost(), m.epoch()));
      return moved.endingMigration(m.vm(), m.fromHost(), m.toHost(), m.at(), m.by(),
          Migration.Outcome.MIGRATED, "", m.toHost(), m.epoch(), m.stats());
    } else if (e instanceof InventoryEvent.VmMigrationFailed f) {
      return endingMigration(f.vm(), f.fromHost(), f.toHost(), f.at(), f.by(),
          f.cancelled() ? Migration.Outcome.CANCELLED : Migration.Outcome.FAILED, f.reason(),
          f.runsOn(), 0, f.stats());
    } else if (e instanceof VmStopped s) {
      return withVm(s.vm(), VmRecord::stopped);
    } else if (e instanceof InventoryEvent.VmOperated || e instanceof InventoryEvent.FaultRecorded) {
      return this; // only the log line
    } else if (e instanceof RuleAdded r) {
      return new Inventory(hosts, vms, putting(rules, r.rule().name(), r.rule()), alarms,
          recentLog, lastLogSeq, hostGroups, migrations, drs);
    } else if (e instanceof RuleRemoved r) {
      return new Inventory(hosts, vms, removing(rules, r.rule()), alarms, recentLog, lastLogSeq,
          hostGroups, migrations, drs);
    } else if (e instanceof HostGroupDefined g) {
      return new Inventory(hosts, vms, rules, alarms, recentLog, lastLogSeq,
          putting(hostGroups, g.group().name(), g.group()), migrations, drs);
    } else if (e instanceof HostGroupRemoved g) {
      return new Inventory(hosts, vms, rules, alarms, recentLog, lastLogSeq,
          removing(hostGroups, g.group()), migrations, drs);
    } else if (e instanceof InventoryEvent.DrsConfigured d) {
      return new Inventory(hosts, vms, rules, alarms, recentLog, lastLogSeq, hostGroups,
          migrations, d.config());
    } else if (e instanceof AlarmRaised a) {
      Alarm alarm = new Alarm(a.alarm(), a.target(), a.message(), a.at());
      return new Inventory(hosts, vms, rules, putting(alarms, alarm.key(), alarm), recentLog,
          lastLogSeq, hostGroups, migrations, drs);
    } else if (e instanceof AlarmCleared c) {
      return new Inventory(hosts, vms, rules, removing(alarms, c.target() + "/" + c.alarm()),
          recentLog, lastLogSeq, hostGroups, migrations, drs);
    }
    throw new IllegalArgumentException("unhandled event " + e);
  }

  /**
   * A deleted VM leaves its rules (a rule left with fewer VMs than it needs goes: two for a
   * VM–VM rule, one for a VM–host rule) and its alarms.
   */
  private Inventory withoutVm(String vm) {
    TreeMap<String, Rule> keptRules = new TreeMap<>();
    rules.forEach((name, r) -> {
      Rule left = r.without(vm);
      if (left.vms().size() >= left.minimumVms()) keptRules.put(name, left);
    });
    TreeMap<String, Alarm> keptAlarms = new TreeMap<>(alarms);
    keptAlarms.values().removeIf(a -> a.entity().equals(vm));
    return new Inventory(hosts, removing(vms, vm), keptRules, keptAlarms, recentLog, lastLogSeq,
        hostGroups, removing(migrations, vm), drs);
  }

  /** A migration began: its entry goes last in the VM's list, the oldest go past the limit. */
  private Inventory withMigrations(String vm, Migration m) {
    List<Migration> list = new ArrayList<>(migrationsOf(vm));
    list.add(m);
    if (list.size() > MIGRATIONS_KEPT) list = list.subList(list.size() - MIGRATIONS_KEPT, list.size());
    return new Inventory(hosts, vms, rules, alarms, recentLog, lastLogSeq, hostGroups,
        putting(migrations, vm, List.copyOf(list)), drs);
  }

  /** Ends the VM's running migration between these hosts (or records one that had no start). */
  private Inventory endingMigration(String vm, String from, String to, java.time.Instant at,
      Initiator by, Migration.Outcome outcome, String reason, String runsOn, long epoch,
      MigrationStats stats) {
    List<Migration> list = new ArrayList<>(migrationsOf(vm));
    for (int i = list.size() - 1; i >= 0; i--) {
      Migration m = list.get(i);
      if (m.running() && m.from().equals(from) && m.to().equals(to)) {
        list.set(i, m.ended(at, outcome, reason, runsOn, epoch, stats));
        return new Inventory(hosts, vms, rules, alarms, recentLog, lastLogSeq, hostGroups,
            putting(migrations, vm, List.copyOf(list)), drs);
      }
    }
    return withMigrations(vm, new Migration(from, to, "", at, at, outcome, reason, runsOn, epoch,
        stats, by));
  }

  private Inventory withHost(String name, UnaryOperator<HostRecord> f) {
    return withHosts(putting(hosts, name, f.apply(hosts.get(name))));
  }

  private Inventory withoutPowerOnFailure(String vm) {
    String key = vm + "/" + InventoryEvent.POWER_ON_ALARM;
    return alarms.containsKey(key) ? new Inventory(hosts, vms, rules, removing(alarms, key), recentLog,
        lastLogSeq, hostGroups, migrations, drs) : this;
  }

  private Inventory withVm(String name, UnaryOperator<VmRecord> f) {
    return withVms(putting(vms, name, f.apply(vms.get(name))));
  }

  private Inventory withHosts(SortedMap<String, HostRecord> h) {
    return new Inventory(h, vms, rules, alarms, recentLog, lastLogSeq, hostGroups, migrations, drs);
  }

  private Inventory withVms(SortedMap<String, VmRecord> v) {
    return new Inventory(hosts, v, rules, alarms, recentLog, lastLogSeq, hostGroups, migrations, drs);
  }

  /** The rules of {@code kind} that name {@code vm}. */
  public List<Rule> rulesOf(String vm, Rule.Kind kind) {
    return rules.values().stream().filter(r -> r.kind() == kind && r.vms().contains(vm)).toList();
  }

  private static <V> SortedMap<String, V> putting(Map<String, V> m, String k, V v) {
    TreeMap<String, V> copy = new TreeMap<>(m);
    copy.put(k, v);
    return copy;
  }

  private static <V> SortedMap<String, V> removing(Map<String, V> m, String k) {
    TreeMap<String, V> copy = new TreeMap<>(m);
    copy.remove(k);
    return copy;
  }

  private static <V> SortedMap<String, V> frozen(Map<String, V> m) {
    return Collections.unmodifiableSortedMap(m == null ? new TreeMap<>() : new TreeMap<>(m));
  }
}
