package dev.vivarium.node;

import dev.vivarium.node.cluster.HostResources;
import dev.vivarium.node.events.Alarms;
import dev.vivarium.node.events.EventPublisher;
import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.fault.Faults;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import dev.vivarium.node.hosts.HostMaintenance;
import org.apache.pekko.actor.typed.ActorSystem;
import dev.vivarium.node.vm.NotBuiltVmService;
import dev.vivarium.node.vm.VmService;

/**
 * The parts a node gets from the modules above it, in one place: {@link NodeWiring} builds them
 * over the inventory (vcenter) and the HostAgents (vm-actors); tests of the API alone use
 * {@link #notBuiltYet()} or their own.
 *
 * @param vms           what the API does with VMs
 * @param hostResources each host's capacity and use
 * @param maintenance   hosts' maintenance mode
 * @param alarms        the alarms raised now
 * @param faults        the lab's fault injection (refused outside a lab)
 * @param cluster       the cluster as HA sees it (GET /api/v1/cluster)
 */
public record NodeServices(VmService vms, HostResources hostResources, HostMaintenance maintenance, Alarms alarms,
                           Faults faults, Supplier<CompletionStage<Map<String, Object>>> cluster) {

    /** Services of a node outside a lab and without the inventory's views: no alarms (501), no fault injection (403), no cluster view (501). */
    public NodeServices(VmService vms, HostResources hostResources, HostMaintenance maintenance) {
        this(vms, hostResources, maintenance, Alarms.NOT_BUILT, Faults.NOT_LAB, () -> {
            throw ApiException.notBuilt("the cluster's HA view needs the inventory");
        });
    }

    /** Services without maintenance mode (it answers 501). */
    public NodeServices(VmService vms, HostResources hostResources) {
        this(vms, hostResources, HostMaintenance.NOT_BUILT);
    }

    /** Builds a node's services on its ActorSystem; {@code events} is the node's event log, to add to. */
    @FunctionalInterface
    public interface Wiring {
        NodeServices wire(ActorSystem<Void> system, EventPublisher events);
    }

    /** What a node runs with before those modules are wired: VM requests answer 501, capacities are unknown. */
    public static NodeServices notBuiltYet() {
        return new NodeServices(new NotBuiltVmService(), HostResources.UNKNOWN);
    }
}
