package dev.vivarium.node;

import dev.vivarium.node.api.ApiMetrics;
import dev.vivarium.node.api.ApiRoutes;
import dev.vivarium.node.api.ApiServer;
import dev.vivarium.node.api.BearerToken;
import dev.vivarium.node.api.ConsoleRoutes;
import dev.vivarium.node.api.FaultRoutes;
import dev.vivarium.node.api.HttpApi;
import dev.vivarium.node.api.RouteContributions;
import dev.vivarium.node.api.TaskRegistry;
import dev.vivarium.node.cluster.ClusterMembership;
import dev.vivarium.node.cluster.MembershipEvents;
import dev.vivarium.node.cluster.TerminationWait;
import dev.vivarium.node.config.ConfigProblem;
import dev.vivarium.node.config.NodeConfigLoader;
import dev.vivarium.node.config.NodeSettings;
import dev.vivarium.node.console.Consoles;
import dev.vivarium.node.events.InMemoryEventLog;
import dev.vivarium.node.web.WebClient;
import dev.vivarium.node.web.WebSettings;
import dev.vivarium.node.lab.ApiRelay;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.node.lab.LabNetwork;
import java.nio.file.Path;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Vivarium host: a cluster member with its REST API. */
public final class HostNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostNode.class);
    private static final int KEPT_TASKS = 1000;

    private final NodeSettings settings;
    private final ActorSystem<Void> system;
    private final ServerBinding binding;
    private final InMemoryEventLog events;
    private final TerminationWait termination;

    private HostNode(NodeSettings settings, ActorSystem<Void> system, ServerBinding binding, InMemoryEventLog events,
                     TerminationWait termination) {
        this.settings = settings;
        this.system = system;
        this.binding = binding;
        this.events = events;
        this.termination = termination;
    }

    /**
     * Starts the member and binds its API; the member joins its seed nodes by itself.
     *
     * @throws ConfigProblem when the token file cannot be read
     */
    public static HostNode start(NodeConfigLoader.Loaded loaded, NodeServices services) {
        return start(loaded, (system, events) -> services);
    }

    /**
     * Starts the member, wires its services on its ActorSystem (they need it: the inventory's
     * singleton, the HostAgent), and binds its API.
     *
     * @throws ConfigProblem when the token file cannot be read or the wiring refuses a setting
     */
    public static HostNode start(NodeConfigLoader.Loaded loaded, NodeServices.Wiring wiring) {
        NodeSettings s = loaded.settings();
        BearerToken token;
        try {
            token = BearerToken.read(s.tokenFile());
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigProblem("vivarium.api.token-file", s.tokenFile() + ": " + e.getMessage());
        }
        InMemoryEventLog events = new InMemoryEventLog(s.eventHistory(), Clock.systemUTC());
        ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
            ctx.spawn(MembershipEvents.create(events, s.name()), "membership-events");
            return Behaviors.empty();
        }), NodeSettings.SYSTEM_NAME, loaded.config());
        TerminationWait termination = TerminationWait.register(system);
        NodeServices services;
        try {
            services = wiring.wire(system, events);
        } catch (RuntimeException e) {
            system.terminate();
            throw e;
        }
        try {
            ClusterMembership membership = new ClusterMembership(system, services.hostResources());
            ApiMetrics metrics = new ApiMetrics(membership::hosts);
            Materializer materializer = Materializer.createMaterializer(system);
            var parts = new ApiRoutes.Parts(membership::hosts, events,
                    new TaskRegistry(s.name(), KEPT_TASKS, Clock.systemUTC()), services.vms(), metrics, materializer,
                    services.maintenance());
            var router = ApiRoutes.router(parts);
            RouteContributions.get(system).addTo(router, parts);
            // A console request asks the Receptionist, then the agents, then the VM: all within the request's time.
            ConsoleRoutes.addTo(router, new Consoles(system, services.vms(), materializer, s.requestTimeout().dividedBy(3),
                    loaded.config().getDuration("vivarium.api.console-reattach")));
            FaultRoutes.addTo(router, services.faults());
            FaultRoutes.addClusterTo(router, services.cluster());
            WebClient web = new WebClient(system, WebSettings.fromConfig(loaded.config()), s.name(), token, materializer,
                    s.requestTimeout());
            web.addRoutes(router, membership::hosts, services.vms(), services.alarms());
            HttpApi api = new HttpApi(router, web.access(), metrics, materializer, s.requestTimeout());
            CompletionStage<ServerBinding> bound = ApiServer.bind(system, s.apiHost(), s.apiPort(), web.front(api));
            ServerBinding binding = bound.toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (loaded.config().getBoolean("vivarium.lab.api-relay")) {
                // A lab in its own network namespace: its gateway reaches this API through a socket in the lab's folder.
                ApiRelay.fromUnixSocket(LabNetwork.apiSocket(new LabDir(Path.of(loaded.config().getString("vivarium.lab.dir"))), s.name()),
                        binding.localAddress());
            }
            return new HostNode(s, system, binding, events, termination);
        } catch (Exception e) {
            system.terminate();
            throw new IllegalStateException("cannot bind the API at " + s.apiHost() + ":" + s.apiPort() + ": " + e.getMessage(), e);
        }
    }

    public NodeSettings settings() {
        return settings;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public InMemoryEventLog events() {
        return events;
    }

    /** The API's base address, e.g. http://127.0.0.1:40123. */
    public String apiUrl() {
        return ApiServer.url(binding);
    }

    /**
     * Blocks until the member has shut down (SIGTERM, downed by the Split Brain Resolver, or
     * {@link #close}) and tells why: Pekko's CoordinatedShutdown reason. Once the shutdown's last
     * phase has begun, it waits at most that phase's timeout for the ActorSystem
     * ({@link TerminationWait}: a node cut off by a partition would otherwise wait for minutes).
     */
    public CoordinatedShutdown.Reason awaitTermination() {
        if (!termination.await()) {
            LOG.warn("host {}: the actor system did not terminate within {} s of its last shutdown phase (its cluster "
                    + "transport may be closing a connection to a node it no longer reaches); the node ends anyway",
                    settings.name(), termination.bound().toSeconds());
        }
        return CoordinatedShutdown.get(system).getShutdownReason()
                .orElse(CoordinatedShutdown.unknownReason());
    }

    /**
     * Runs {@code action} once the member has left and just before its ActorSystem terminates.
     * Unlike code after {@link #awaitTermination}, it runs inside the shutdown, so it also runs
     * when SIGTERM ends the JVM right after Pekko's shutdown hook.
     */
    public void beforeTermination(Consumer<CoordinatedShutdown.Reason> action) {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "vivarium-report-stop", () -> {
            action.accept(shutdown.getShutdownReason().orElse(CoordinatedShutdown.unknownReason()));
            return CompletableFuture.completedFuture(Done.getInstance());
        });
    }

    /** Whether this member stopped because the cluster downed it (it was on the losing side, or declared lost). */
    public static boolean wasDowned(CoordinatedShutdown.Reason reason) {
        return reason == CoordinatedShutdown.clusterDowningReason();
    }

    /** Leaves the cluster and stops, as SIGTERM does (CoordinatedShutdown). */
    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("node " + settings.name() + " did not stop within 30 s", e);
        }
    }
}
