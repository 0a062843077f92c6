package dev.vivarium.node;

import com.typesafe.config.Config;
import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.node.api.RouteContributions;
import dev.vivarium.node.config.ConfigProblem;
import dev.vivarium.node.drs.DrsRoutes;
import dev.vivarium.node.drs.DrsService;
import dev.vivarium.node.hosts.CleanStop;
import dev.vivarium.node.hosts.HostDirectory;
import dev.vivarium.node.hosts.HostFigures;
import dev.vivarium.node.hosts.HostRegistration;
import dev.vivarium.node.events.EventPublisher;
import dev.vivarium.node.inventory.InventoryEventFeed;
import dev.vivarium.node.hosts.VmActors;
import dev.vivarium.node.inventory.ClusterStatus;
import dev.vivarium.node.inventory.InventoryAlarms;
import dev.vivarium.node.inventory.InventoryAsk;
import dev.vivarium.node.inventory.InventoryMaintenance;
import dev.vivarium.node.inventory.InventoryVmService;
import dev.vivarium.node.inventory.RunningVmOperations;
import dev.vivarium.node.inventory.VmSnapshots;
import dev.vivarium.node.rules.RuleRoutes;
import dev.vivarium.node.rules.RuleService;
import dev.vivarium.node.fault.FaultEvents;
import dev.vivarium.node.fault.Faults;
import dev.vivarium.node.fault.LabFaults;
import dev.vivarium.node.hosts.HighAvailability;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.node.migration.MigrationCoordinator;
import dev.vivarium.node.migration.DrsMoves;
import dev.vivarium.node.migration.MigrationService;
import dev.vivarium.vcenter.inventory.ImageCatalog;
import dev.vivarium.vcenter.migration.MigrationRequest;
import dev.vivarium.vcenter.mirror.InventoryMirror;
import dev.vivarium.vcenter.drs.DrsActor;
import dev.vivarium.vcenter.drs.DrsTuning;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.reconcile.ReconcilerActor;
import dev.vivarium.vcenter.singleton.InventorySingleton;
import dev.vivarium.vm.host.HostAgent;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Wires a node to the modules above it: this host's HostAgent on the shared datastore, the
 * inventory (a cluster singleton), the reconciler (a cluster singleton beside it) with a
 * {@link HostDirectory} as its channel to the hosts, the API's VM service over both, and the
 * inventory's event log fed into the node's.
 */
public final class NodeWiring {

    private NodeWiring() {
    }

    /**
     * Starts this node's parts on {@code system}. Blocks on the inventory's database (its schema).
     *
     * @throws ConfigProblem when the datastore or the inventory's database cannot be opened
     */
    public static NodeServices wire(ActorSystem<Void> system, String hostName, EventPublisher events) {
        Config config = system.settings().config();
        Config w = config.getConfig("vivarium.wiring");
        Duration period = w.getDuration("reconcile-period");
        HostSettings hostSettings = HostSettings.fromConfig(config.getConfig("vivarium"));

        Path datastorePath = Path.of(config.getString("vivarium.datastore.path"));
        Datastore datastore;
        HostSession session;
        try {
            datastore = Datastore.open(datastorePath, datastoreSettings(config.getConfig("vivarium.datastore")));
            session = datastore.joinAsHost(hostName);
        } catch (ConfigProblem e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ConfigProblem("vivarium.datastore.path", "cannot open the datastore " + datastorePath + ": " + e.getMessage());
        }
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "vivarium-datastore-session",
                () -> {
                    session.close();
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
        ActorRef<HostCommand> agent = system.systemActorOf(HostAgent.create(datastore, session, hostSettings), "host-agent",
                Props.empty());
        system.receptionist().tell(Receptionist.register(HostDirectory.AGENTS, agent));

        ActorRef<InventoryCommand> inventory;
        try {
            inventory = InventorySingleton.start(system);
        } catch (SQLException | RuntimeException e) {
            throw new ConfigProblem("pekko-persistence-jdbc.shared-databases.slick.db.url",
                    "cannot prepare the inventory's database: " + e.getMessage());
        }
        CleanStop.register(system, hostName, agent, inventory, w.getDuration("suspend-timeout"));
        HostFigures figures = new HostFigures();
        Executor io = system.dispatchers().lookup(DispatcherSelector.fromConfig(HostAgent.IO_DISPATCHER));
        // Each node's reconciler instance sends through its own node's directory; only the singleton's runs.
        // The directory reports to the reconciler's proxy and the reconciler sends through the directory: tie the knot.
        AtomicReference<ActorRef<HostDirectory.Msg>> directory = new AtomicReference<>();
        ActorRef<ReconcilerActor.Msg> reconciler = ClusterSingleton.get(system).init(SingletonActor.of(
                ReconcilerActor.create(inventory, d -> directory.get().tell(new HostDirectory.Directive(d)), period,
                        w.getDuration("placement-timeout"), w.getDuration("placement-settle")), "vcenter-reconciler"));
        directory.set(system.systemActorOf(HostDirectory.create(new HostDirectory.Parts(hostName, inventory, reconciler,
                figures, datastore, io, hostSettings.acquireTimeout(), period)), "host-directory", Props.empty()));
        system.systemActorOf(HostRegistration.create(new HostRegistration.Host(hostName, hostSettings.capacityMips(),
                w.getInt("memory-mib")), inventory), "host-registration", Props.empty());
        system.systemActorOf(InventoryEventFeed.create(inventory, events, w.getDuration("event-poll")), "inventory-events",
                Props.empty());
        InventoryMirror mirror = new InventoryMirror();
        system.systemActorOf(mirror.poller(inventory, w.getDuration("mirror-period")), "inventory-mirror", Props.empty());
        HighAvailability.start(system, hostName, datastore, session, agent, inventory, mirror, figures, io, events);
        Duration taskTimeout = w.getDuration("task-timeout");
        InventoryAsk ask = new InventoryAsk(inventory, system, mirror);
        VmActors actors = new VmActors(system);
        RunningVmOperations running = new RunningVmOperations(ask, actors, figures, taskTimeout,
                w.getDuration("guest-shutdown-timeout"));
        VmSnapshots snapshots = new VmSnapshots(new VmSnapshots.Parts(ask, actors, figures, datastore, session, io, taskTimeout,
                InventoryVmService.CALLER));
        RuleService rules = new RuleService(ask, InventoryVmService.CALLER);
        RouteContributions.get(system).add((router, api) -> RuleRoutes.addTo(router, rules));
        // Live migration's one entry point on this node (found by others, DRS included, under MigrationRequest.KEY).
        ActorRef<MigrationRequest> coordinator = system.systemActorOf(MigrationCoordinator.create(inventory,
                Duration.ofSeconds(10), w.getDuration("migration-timeout")), "migrations", Props.empty());
        MigrationService migrations = new MigrationService(system, coordinator, Duration.ofSeconds(10));
        // DRS: a singleton beside the inventory and the reconciler; its moves are live migrations.
        DrsTuning drsTuning = DrsTuning.from(config.getConfig("vivarium"));
        ActorRef<DrsActor.Msg> drs = ClusterSingleton.get(system).init(SingletonActor.of(DrsActor.create(inventory, reconciler,
                new DrsMoves(migrations), drsTuning), "vcenter-drs"));
        DrsService drsService = new DrsService(drs, ask, InventoryVmService.CALLER, drsTuning.moveTimeout().plusSeconds(10));
        RouteContributions.get(system).add((router, api) -> DrsRoutes.addTo(router, api, drsService));
        String labDir = config.getString("vivarium.lab.dir");
        Faults faults = labDir.isEmpty() ? Faults.NOT_LAB
                : new LabFaults(hostName, new LabDir(Path.of(labDir)), actors,
                        new FaultEvents(ask, events, InventoryVmService.CALLER), java.time.Clock.systemUTC());
        ClusterStatus cluster = new ClusterStatus(ask, config.getInt("vivarium.ha.host-failures-to-tolerate"));
        return new NodeServices(new InventoryVmService(ask, figures, running, snapshots, migrations, taskTimeout, cluster,
                new ImageCatalog(hostSettings.vm().imageDirectory()), (vm, why) -> reconciler.tell(new ReconcilerActor.ReconcileNow(vm, why))),
                figures, new InventoryMaintenance(ask, actors, figures, taskTimeout, InventoryVmService.CALLER, migrations),
                new InventoryAlarms(ask), faults, cluster::get);
    }

    /** The datastore's heartbeat and lease timers (vivarium.datastore); a lease too short for its heartbeat is refused. */
    static DatastoreSettings datastoreSettings(Config d) {
        try {
            return new DatastoreSettings(d.getDuration("heartbeat-period"), d.getDuration("lease-time"), d.getDuration("fence-margin"));
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem("vivarium.datastore.lease-time", e.getMessage());
        }
    }
}
