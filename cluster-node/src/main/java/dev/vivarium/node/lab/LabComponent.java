package dev.vivarium.node.lab;

import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * Something a lab runs besides its node processes. The lab starts every component before the
 * nodes, calls {@link #afterNodesUp} once every node is Up, and stops them after the nodes.
 * This is where the inventory's H2 server (module vcenter) and the demo VMs (--vms) plug in.
 */
public interface LabComponent {

    String name();

    /** Starts before the nodes; returns HOCON lines every node's configuration gets (a database URL). */
    String start(LabDir dir) throws IOException;

    /** Runs when every node is Up. */
    void afterNodesUp(LabDir dir, ApiClient api, int vms, PrintStream out) throws ApiError;

    /** Stops what {@link #start} started; a component that is not running is left alone. */
    void stop(LabDir dir, PrintStream out) throws IOException;

    /** The components of a lab, in the order they start: its network, the inventory's database, then the demo VMs. */
    static List<LabComponent> all() {
        return List.of(new LabNetwork(), new InventoryDatabase(), new DemoVms());
    }
}
