package dev.vivarium.node.rules;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.vcenter.inventory.Rule;
import java.util.List;

/** The body of {@code POST /api/v1/rules}: {"name", "kind", "vms", "hostGroup"}. */
public record RuleSpec(String name, String kind, List<String> vms, String hostGroup) {

    /** The inventory's rule; 400 when a field is missing or the kind unknown. */
    public Rule toRule() {
        if (name == null || kind == null || vms == null) {
            throw ApiException.badRequest("name, kind and vms are required (and hostGroup for a VM-host rule)");
        }
        try {
            return new Rule(name, Rule.Kind.fromApiName(kind), vms, hostGroup);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("kind: " + e.getMessage());
        }
    }
}
