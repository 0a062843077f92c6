package dev.vivarium.node;

import dev.vivarium.node.cluster.HostResources;
import dev.vivarium.node.events.Alarms;
import dev.vivarium.node.events.EventPublisher;
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
 */
public record NodeServices(VmService vms, HostResources hostResources, HostMaintenance maintenance, Alarms alarms) {

    /** Services without alarms (they answer 501). */
    public NodeServices(VmService vms, HostResources hostResources, HostMaintenance maintenance) {
        this(vms, hostResources, maintenance, Alarms.NOT_BUILT);
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
