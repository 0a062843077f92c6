package dev.vivarium.vcenter.inventory;

import dev.vivarium.vcenter.inventory.InventoryEvent.AlarmCleared;
import dev.vivarium.vcenter.inventory.InventoryEvent.AlarmRaised;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostGroupDefined;
import dev.vivarium.vcenter.inventory.InventoryEvent.HostGroupRemoved;
import dev.vivarium.vcenter.inventory.InventoryEvent.RuleAdded;
import dev.vivarium.vcenter.inventory.InventoryEvent.RuleRemoved;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;

/** Checks rule, host group and alarm commands against the inventory. */
public final class RuleDecisions {

  private RuleDecisions() {}

  public static Decision add(Inventory s, Rule rule, Instant at, Initiator by) {
    if (rule == null || rule.kind() == null) return Decision.badRequest("rule or its kind is missing");
    Optional<String> bad = VmValidation.checkName("rule", rule.name());
    if (bad.isPresent()) return Decision.badRequest(bad.get());
    if (new HashSet<>(rule.vms()).size() != rule.vms().size() || rule.vms().size() < rule.minimumVms()) {
      return Decision.badRequest("rule " + rule.name() + (rule.minimumVms() == 2
          ? " needs at least two different VMs" : " needs at least one VM, each named once"));
    }
    if (rule.kind().vmHost() && (rule.hostGroup() == null || rule.hostGroup().isBlank())) {
      return Decision.badRequest("a " + rule.kind().apiName() + " rule needs a host group");
    }
    if (!rule.kind().vmHost() && rule.hostGroup() != null) {
      return Decision.badRequest("an " + rule.kind().apiName() + " rule relates VMs to each other; it takes no host group");
    }
    for (String vm : rule.vms()) {
      if (!s.vms().containsKey(vm)) return Decision.notFound("no VM named " + vm);
    }
    if (rule.kind().vmHost() && !s.hostGroups().containsKey(rule.hostGroup())) {
      return Decision.notFound("no host group named " + rule.hostGroup());
    }
    if (s.rules().containsKey(rule.name())) {
      return Decision.conflict("a rule named " + rule.name() + " already exists");
    }
    return Decision.accept(new RuleAdded(rule, at, by));
  }

  public static Decision remove(Inventory s, String name, Instant at, Initiator by) {
    if (!s.rules().containsKey(name)) return Decision.notFound("no rule named " + name);
    return Decision.accept(new RuleRemoved(name, at, by));
  }

  /**
   * Creates a host group, or gives an existing one new hosts (rules naming it follow). Every host
   * must be one the inventory knows; defining a group as it is changes nothing.
   */
  public static Decision defineHostGroup(Inventory s, HostGroup group, Instant at, Initiator by) {
    if (group == null) return Decision.badRequest("the host group is missing");
    Optional<String> bad = VmValidation.checkName("host group", group.name());
    if (bad.isPresent()) return Decision.badRequest(bad.get());
    if (group.hosts().isEmpty()) {
      return Decision.badRequest("host group " + group.name() + " needs at least one host");
    }
    for (String host : group.hosts()) {
      if (!s.hosts().containsKey(host)) return Decision.notFound("no host named " + host);
    }
    if (group.equals(s.hostGroups().get(group.name()))) return Decision.unchanged();
    return Decision.accept(new HostGroupDefined(group, at, by));
  }

  /** Removes a host group no rule names. */
  public static Decision removeHostGroup(Inventory s, String name, Instant at, Initiator by) {
    if (!s.hostGroups().containsKey(name)) return Decision.notFound("no host group named " + name);
    for (Rule r : s.rules().values()) {
      if (name.equals(r.hostGroup())) {
        return Decision.conflict("rule " + r.name() + " names host group " + name + "; delete the rule first");
      }
    }
    return Decision.accept(new HostGroupRemoved(name, at, by));
  }

  /** Sets DRS's automation level, threshold and moves per round; setting them as they are changes nothing. */
  public static Decision configureDrs(Inventory s, DrsConfig config, Instant at, Initiator by) {
    if (config == null) return Decision.badRequest("the DRS settings are missing");
    String problem = config.problem();
    if (problem != null) return Decision.badRequest(problem);
    if (config.equals(s.drs())) return Decision.unchanged();
    return Decision.accept(new InventoryEvent.DrsConfigured(config, at, by));
  }

  /** Raises an alarm on a VM or a host; raising one that is already raised changes nothing. */
  public static Decision raiseAlarm(Inventory s, String alarm, String target, String message,
      Instant at, Initiator by) {
    Optional<String> bad = VmValidation.checkName("alarm", alarm);
    if (bad.isPresent()) return Decision.badRequest(bad.get());
    if (!s.vms().containsKey(target) && !s.hosts().containsKey(target)) {
      return Decision.notFound("no VM or host named " + target);
    }
    if (s.alarms().containsKey(target + "/" + alarm)) return Decision.unchanged();
    return Decision.accept(new AlarmRaised(alarm, target, message == null ? "" : message, at, by));
  }

  public static Decision clearAlarm(Inventory s, String alarm, String target, Instant at,
      Initiator by) {
    if (!s.alarms().containsKey(target + "/" + alarm)) {
      return Decision.notFound("no alarm " + alarm + " is raised on " + target);
    }
    return Decision.accept(new AlarmCleared(alarm, target, at, by));
  }
}
