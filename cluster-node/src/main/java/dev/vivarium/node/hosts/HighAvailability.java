package dev.vivarium.node.hosts;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.ha.agent.HaAgent;
import dev.vivarium.ha.agent.HaSettings;
import dev.vivarium.ha.agent.HaView;
import dev.vivarium.ha.monitor.VmMonitor;
import dev.vivarium.ha.place.DrsPlacement;
import dev.vivarium.node.cluster.ClusterMembership;
import dev.vivarium.node.events.EventPublisher;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.mirror.InventoryMirror;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.reconcile.HostReport;
import dev.vivarium.vm.host.HostCommand;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/** Starts this node's HA agent and VM monitoring (module ha-supervisor) on what the node already has. */
public final class HighAvailability {

    private HighAvailability() {
    }

    public static void start(ActorSystem<?> system, String hostName, Datastore datastore, HostSession session,
                             ActorRef<HostCommand> agent, ActorRef<InventoryCommand> inventory, InventoryMirror mirror,
                             HostFigures figures, Executor io, EventPublisher events) {
        var config = system.settings().config().getConfig("vivarium.ha");
        if (!config.getBoolean("enabled")) {
            return;
        }
        HaView view = new HaView() {
            @Override
            public Optional<Inventory> inventory() {
                return mirror.latest();
            }

            @Override
            public Collection<HostReport> reports() {
                return figures.reports();
            }
        };
        var monitoring = config.getConfig("vm-monitoring");
        if (monitoring.getBoolean("enabled")) {
            system.systemActorOf(VmMonitor.create(hostName, agent, new VmMonitor.Settings(monitoring.getDuration("period"),
                    monitoring.getDuration("failure-interval"), monitoring.getInt("max-resets-per-hour")),
                    (type, subject, message) -> events.publish(type, subject, "HA", message)), "vm-monitor", Props.empty());
        }
        system.systemActorOf(HaAgent.create(new HaAgent.Parts(hostName, datastore, session, agent, inventory, view,
                new DrsPlacement(), HaSettings.fromConfig(config), io, ClusterMembership::hostName,
                (type, subject, message) -> events.publish(type, subject, "HA", message))), "ha-agent", Props.empty());
    }
}
