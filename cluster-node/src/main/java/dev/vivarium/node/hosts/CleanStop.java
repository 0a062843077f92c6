package dev.vivarium.node.hosts;

import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.Reply;
import dev.vivarium.vm.host.HostCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a host does when its node stops cleanly (SIGTERM, {@code lab down}), before it leaves the
 * cluster: it tells the inventory it is disconnecting (so it takes no new VM and its removal from
 * the cluster is not read as a failure), suspends every VM to the shared datastore (each releases
 * its lease), and records them as stopped here. Their desired power state stays poweredOn, so the
 * reconciler resumes them on the connected hosts from the suspended state, or, when none is left
 * (the whole lab stops), at the next start. This is what vSphere does with a host that is shut
 * down on purpose: its VMs are evacuated (here by suspend and resume, until VMotion exists), and
 * HA, which only acts on failures, leaves them alone.
 *
 * <p>A node the cluster downed skips all of it: it is the failed side, and HA restarts its VMs
 * elsewhere once their leases expire; before it ends it applies the isolation response
 * ({@link IsolationResponse}).
 */
public final class CleanStop {

    private static final Logger LOG = LoggerFactory.getLogger(CleanStop.class);
    /** One inventory answer; the singleton may be moving away from a stopping node, so each is tried again. */
    private static final Duration ASK = Duration.ofSeconds(3);
    private static final int TRIES = 4;

    private final ActorSystem<?> system;
    private final String host;
    private final ActorRef<HostCommand> agent;
    private final ActorRef<InventoryCommand> inventory;
    private final Duration suspendTimeout;

    private CleanStop(ActorSystem<?> system, String host, ActorRef<HostCommand> agent, ActorRef<InventoryCommand> inventory,
                      Duration suspendTimeout) {
        this.system = system;
        this.host = host;
        this.agent = agent;
        this.inventory = inventory;
        this.suspendTimeout = suspendTimeout;
    }

    /**
     * Runs the clean stop in CoordinatedShutdown's before-cluster-shutdown phase (its timeout,
     * set in vivarium-node-pekko.conf, bounds it; {@code suspendTimeout} must fit in it).
     */
    public static void register(ActorSystem<?> system, String host, ActorRef<HostCommand> agent,
                                ActorRef<InventoryCommand> inventory, Duration suspendTimeout) {
        CleanStop stop = new CleanStop(system, host, agent, inventory, suspendTimeout);
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeClusterShutdown(), "vivarium-suspend-vms", () -> {
            if (shutdown.getShutdownReason().filter(r -> r == CoordinatedShutdown.clusterDowningReason()).isPresent()) {
                var ha = system.settings().config().getConfig("vivarium.ha");
                return IsolationResponse.apply(system, host, agent, IsolationResponse.parse(ha.getString("isolation-response")),
                        ha.getDuration("isolation-response-timeout"));
            }
            return stop.run();
        });
    }

    private CompletionStage<Done> run() {
        Initiator me = Initiator.host(host);
        LOG.info("host {} stops cleanly: disconnecting from the inventory and suspending its VMs", host);
        return change(r -> new InventoryCommand.DisconnectHost(host, me, r), "disconnect host " + host)
                .thenCompose(d -> AskPattern.<HostCommand, HostCommand.AllSuspended>ask(agent, HostCommand.SuspendAll::new,
                        suspendTimeout, system.scheduler()))
                .thenCompose(all -> {
                    all.failed().forEach((vm, why) -> LOG.warn("host {}: VM {} was not suspended: {}", host, vm, why));
                    List<CompletableFuture<Boolean>> records = all.suspended().entrySet().stream()
                            .map(e -> change(r -> new InventoryCommand.RecordVmStopped(e.getKey(), host, e.getValue(), me, r),
                                    "record VM " + e.getKey() + " suspended").toCompletableFuture())
                            .toList();
                    return CompletableFuture.allOf(records.toArray(CompletableFuture[]::new)).thenApply(v -> all.suspended());
                })
                .handle((Map<String, Long> suspended, Throwable failure) -> {
                    if (failure != null) {
                        LOG.error("host {}: the clean stop did not complete: {}", host, failure.toString());
                    } else {
                        LOG.info("host {} suspended {} VMs {} and leaves the cluster", host, suspended.size(), suspended.keySet());
                    }
                    return Done.getInstance();
                });
    }

    /** True when the inventory took the change (or had it already); false, logged, when it never answered or refused. */
    private CompletionStage<Boolean> change(Function<ActorRef<Reply>, InventoryCommand> command, String what) {
        return attempt(command, what, 1);
    }

    private CompletionStage<Boolean> attempt(Function<ActorRef<Reply>, InventoryCommand> command, String what, int attempt) {
        return AskPattern.<InventoryCommand, Reply>ask(inventory, command::apply, ASK, system.scheduler())
                .handle((reply, failure) -> {
                    if (failure == null) {
                        if (reply instanceof Reply.Rejected rejected) {
                            LOG.warn("host {}: the inventory refused to {}: {}", host, what, rejected.rejection().message());
                            return CompletableFuture.completedFuture(false);
                        }
                        return CompletableFuture.completedFuture(true);
                    }
                    if (attempt >= TRIES) {
                        LOG.warn("host {}: could not {}: the inventory did not answer ({})", host, what, failure.toString());
                        return CompletableFuture.completedFuture(false);
                    }
                    return attempt(command, what, attempt + 1).toCompletableFuture();
                })
                .thenCompose(Function.identity());
    }
}
