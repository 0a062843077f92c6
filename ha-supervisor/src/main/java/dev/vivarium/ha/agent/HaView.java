package dev.vivarium.ha.agent;

import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.reconcile.HostReport;
import java.util.Collection;
import java.util.Optional;

/**
 * What HA knows of the management plane without asking it: the inventory as this node last
 * saw it (empty while it was never reached; HA does not wait for it) and what the hosts last
 * reported running. Read on the agent's thread; implementations must not block.
 */
public interface HaView {

    Optional<Inventory> inventory();

    Collection<HostReport> reports();
}
