package dev.vivarium.vcenter.inventory;

import java.util.List;
import java.util.Locale;

/**
 * A DRS/HA rule, as vSphere's: over VMs (AFFINITY keeps them on one host, ANTI_AFFINITY on
 * different hosts: "keep together" and "separate virtual machines"), or between VMs and a host
 * group ({@code hostGroup}, null for the VM–VM kinds): they must or should run, or not run, on a
 * host of the group. MUST rules are never broken; SHOULD rules give way when nothing else can
 * run the VM.
 */
public record Rule(String name, Kind kind, List<String> vms, String hostGroup)
    implements InventorySerializable {

  public enum Kind {
    AFFINITY, ANTI_AFFINITY, MUST_RUN_ON, SHOULD_RUN_ON, MUST_NOT_RUN_ON, SHOULD_NOT_RUN_ON;

    /** Whether the rule ties VMs to a host group (else it relates VMs to each other). */
    public boolean vmHost() { return this != AFFINITY && this != ANTI_AFFINITY; }

    public boolean mandatory() { return this == MUST_RUN_ON || this == MUST_NOT_RUN_ON; }

    /** For VM–host rules: whether the VMs belong on the group (else off it). */
    public boolean onGroup() { return this == MUST_RUN_ON || this == SHOULD_RUN_ON; }

    /** The API's and the CLI's name: affinity, anti-affinity, must-run-on, ... */
    public String apiName() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    public static Kind fromApiName(String name) {
      for (Kind k : values()) {
        if (k.apiName().equals(name)) return k;
      }
      throw new IllegalArgumentException("unknown rule kind " + name + "; kinds: affinity, anti-affinity, "
          + "must-run-on, should-run-on, must-not-run-on, should-not-run-on");
    }
  }

  public Rule {
    vms = vms == null ? List.of() : List.copyOf(vms);
  }

  /** A VM–VM rule. */
  public Rule(String name, Kind kind, List<String> vms) {
    this(name, kind, vms, null);
  }

  /** The fewest VMs the rule may name: two for VM–VM rules, one for VM–host rules. */
  public int minimumVms() { return kind != null && kind.vmHost() ? 1 : 2; }

  /** The rule with {@code vm} taken out (a VM was deleted). */
  public Rule without(String vm) {
    return new Rule(name, kind, vms.stream().filter(m -> !m.equals(vm)).toList(), hostGroup);
  }

  /** A sentence for the log: "Anti-affinity rule r added for a, b". */
  public String describe() {
    String what = switch (kind) {
      case AFFINITY -> "Affinity rule " + name;
      case ANTI_AFFINITY -> "Anti-affinity rule " + name;
      default -> "VM-host rule " + name + " (" + kind.apiName().replace('-', ' ') + " host group " + hostGroup + ")";
    };
    return what + " added for " + String.join(", ", vms);
  }
}
