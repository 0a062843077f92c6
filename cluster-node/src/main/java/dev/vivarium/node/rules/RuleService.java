package dev.vivarium.node.rules;

import dev.vivarium.drs.core.RuleCheck;
import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.inventory.InventoryAsk;
import dev.vivarium.vcenter.inventory.HostGroup;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.placement.ClusterView;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** DRS rules and host groups over the inventory, for the API. */
public final class RuleService {

    private final InventoryAsk inventory;
    private final Initiator caller;

    public RuleService(InventoryAsk inventory, Initiator caller) {
        this.inventory = inventory;
        this.caller = caller;
    }

    public CompletionStage<List<RuleView>> list() {
        return inventory.snapshot().thenApply(RuleService::views);
    }

    public CompletionStage<RuleView> get(String name) {
        return list().thenApply(rules -> rules.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no rule named " + name)));
    }

    public CompletionStage<RuleView> create(RuleSpec spec) {
        Rule rule = spec.toRule();
        return inventory.change(r -> new InventoryCommand.AddRule(rule, caller, r)).thenCompose(ok -> get(rule.name()));
    }

    public CompletionStage<Void> delete(String name) {
        return inventory.change(r -> new InventoryCommand.RemoveRule(name, caller, r)).thenApply(ok -> null);
    }

    public CompletionStage<List<HostGroup>> hostGroups() {
        return inventory.snapshot().thenApply(inv -> List.copyOf(inv.hostGroups().values()));
    }

    /** Creates the group, or gives it these hosts. */
    public CompletionStage<HostGroup> defineHostGroup(HostGroup group) {
        if (group.name() == null) {
            throw ApiException.badRequest("name: required");
        }
        return inventory.change(r -> new InventoryCommand.DefineHostGroup(group, caller, r))
                .thenCompose(ok -> inventory.snapshot()).thenApply(inv -> inv.hostGroups().get(group.name()));
    }

    public CompletionStage<Void> deleteHostGroup(String name) {
        return inventory.change(r -> new InventoryCommand.RemoveHostGroup(name, caller, r)).thenApply(ok -> null);
    }

    /** Every rule, with whether its VMs break it where the inventory has them running. */
    static List<RuleView> views(Inventory inv) {
        Map<String, String> runningOn = new HashMap<>();
        for (VmRecord vm : inv.vms().values()) {
            if (vm.running()) {
                runningOn.put(vm.name(), vm.host());
            }
        }
        Set<String> broken = new HashSet<>(RuleCheck.broken(ClusterView.of(inv, runningOn, Map.of(), Set.of())));
        return inv.rules().values().stream()
                .map(r -> new RuleView(r.name(), r.kind().apiName(), r.vms(), r.hostGroup(), broken.contains(r.name())))
                .toList();
    }
}
