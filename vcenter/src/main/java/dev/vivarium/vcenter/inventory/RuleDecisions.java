package dev.vivarium.vcenter.inventory;

import dev.vivarium.vcenter.inventory.InventoryEvent.AlarmCleared;
import dev.vivarium.vcenter.inventory.InventoryEvent.AlarmRaised;
import dev.vivarium.vcenter.inventory.InventoryEvent.RuleAdded;
import dev.vivarium.vcenter.inventory.InventoryEvent.RuleRemoved;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;

/** Checks rule and alarm commands against the inventory. */
public final class RuleDecisions {

  private RuleDecisions() {}

  public static Decision add(Inventory s, Rule rule, Instant at, Initiator by) {
    if (rule == null || rule.kind() == null) return Decision.badRequest("rule or its kind is missing");
    Optional<String> bad = VmValidation.checkName("rule", rule.name());
    if (bad.isPresent()) return Decision.badRequest(bad.get());
    if (new HashSet<>(rule.vms()).size() != rule.vms().size() || rule.vms().size() < 2) {
      return Decision.badRequest("rule " + rule.name() + " needs at least two different VMs");
    }
    for (String vm : rule.vms()) {
      if (!s.vms().containsKey(vm)) return Decision.notFound("no VM named " + vm);
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
