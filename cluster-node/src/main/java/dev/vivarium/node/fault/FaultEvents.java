package dev.vivarium.node.fault;

import dev.vivarium.node.api.Failures;
import dev.vivarium.node.events.EventPublisher;
import dev.vivarium.node.inventory.InventoryAsk;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.protocol.InventoryCommand;

/**
 * Where the lab's fault events go: the inventory's log, which every node's event log follows, so
 * that a page or {@code events} on any node shows them. When the inventory does not take one (it
 * may have run on the node a kill just hit, and is starting again elsewhere), this node's own log
 * keeps it, saying so.
 */
public final class FaultEvents {

    private final InventoryAsk inventory;
    private final EventPublisher local;
    private final Initiator by;

    public FaultEvents(InventoryAsk inventory, EventPublisher local, Initiator by) {
        this.inventory = inventory;
        this.local = local;
        this.by = by;
    }

    /** Records {@code kind} (FaultInjected or FaultHealed) about {@code subject}; returns at once. */
    void publish(String kind, String subject, String message) {
        inventory.logLine(r -> new InventoryCommand.RecordFault(subject, kind, message, by, r))
                .whenComplete((logged, failure) -> {
                    if (failure != null) {
                        local.publish(kind, subject, "fault", message + " (in this node's log only: the inventory did not take it: "
                                + Failures.cause(failure).getMessage() + ")");
                    }
                });
    }
}
