package dev.vivarium.node.rules;

import java.util.List;

/**
 * A rule as {@code GET /api/v1/rules} shows it.
 *
 * @param kind      affinity, anti-affinity, must-run-on, should-run-on, must-not-run-on, should-not-run-on
 * @param hostGroup the group a VM–host rule names, null for VM–VM rules
 * @param broken    whether the VMs break it where they run now (VMs that run nowhere break nothing)
 */
public record RuleView(String name, String kind, List<String> vms, String hostGroup, boolean broken) {
}
