package dev.vivarium.node.inventory;

import dev.vivarium.ha.admission.AdmissionControl;
import dev.vivarium.node.api.ApiException;
import dev.vivarium.vcenter.inventory.VmRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The cluster as HA sees it ({@code GET /api/v1/cluster}): its failover capacity (how many host
 * failures still leave room to restart every protected VM) against the configured
 * {@code vivarium.ha.host-failures-to-tolerate}, and HA's admission control of power-ons.
 */
public final class ClusterStatus {

    private final InventoryAsk inventory;
    private final int tolerate;

    public ClusterStatus(InventoryAsk inventory, int tolerate) {
        this.inventory = inventory;
        this.tolerate = tolerate;
    }

    public CompletionStage<Map<String, Object>> get() {
        return inventory.read(dev.vivarium.vcenter.protocol.InventoryCommand.GetInventory::new,
                dev.vivarium.vcenter.protocol.Answers.InventorySnapshot::new).thenApply(snapshot -> {
                    AdmissionControl.Capacity c = AdmissionControl.capacity(snapshot.inventory());
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("hosts", c.hosts());
                    out.put("hostFailuresToTolerate", tolerate);
                    out.put("failoverCapacity", c.hostFailuresTolerated());
                    out.put("admissionControl", tolerate > 0 ? (c.hostFailuresTolerated() >= tolerate ? "ok" : "violated") : "off");
                    out.put("protectedMemoryMiB", c.protectedMemoryMiB());
                    out.put("protectedReservationMips", c.protectedReservationMips());
                    out.put("memoryMiB", c.memoryMiB());
                    out.put("capacityMips", c.capacityMips());
                    return out;
                });
    }

    /** Fails with 409 when powering {@code vm} on would leave fewer host failures covered than configured. */
    CompletionStage<VmRecord> admit(VmRecord vm) {
        return inventory.snapshot().thenApply(inv -> {
            Optional<String> refusal = AdmissionControl.refusePowerOn(inv, vm, tolerate);
            if (refusal.isPresent()) {
                throw ApiException.conflict(refusal.get());
            }
            return vm;
        });
    }
}
