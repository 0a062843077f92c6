package dev.vivarium.node.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A node's wait for its ActorSystem to terminate, bounded once CoordinatedShutdown reaches its
 * last phase (actor-system-terminate) by that phase's own timeout (Pekko's, 10 s by default).
 *
 * <p>Why a bound: Pekko waits without one for every actor to stop, and Artery's TCP transport
 * closes its outbound connections gracefully. A node cut off by a network partition, whose peers'
 * packets are dropped rather than refused, then waits for a FIN that never comes, until the
 * kernel stops retransmitting (tcp_retries2, about 15 minutes; akka/akka-core#30326). A host the
 * cluster downed would linger that long, though its VMs stopped long before (isolation response,
 * fencing) and HA restarted them elsewhere. All Vivarium does on a stop runs in earlier phases,
 * so ending the process then cuts nothing short.
 */
public final class TerminationWait {

    private static final String LAST_PHASE = CoordinatedShutdown.PhaseActorSystemTerminate();

    private final ActorSystem<?> system;
    private final Duration bound;
    private final CompletableFuture<Done> lastPhase = new CompletableFuture<>();

    private TerminationWait(ActorSystem<?> system) {
        this.system = system;
        this.bound = system.settings().config().getDuration("pekko.coordinated-shutdown.phases." + LAST_PHASE + ".timeout");
    }

    /** Registers with the system's CoordinatedShutdown: call it before the shutdown can begin. */
    public static TerminationWait register(ActorSystem<?> system) {
        TerminationWait wait = new TerminationWait(system);
        CoordinatedShutdown.get(system).addTask(LAST_PHASE, "vivarium-termination-wait", () -> {
            wait.lastPhase.complete(Done.getInstance());
            return CompletableFuture.completedFuture(Done.getInstance());
        });
        return wait;
    }

    /** How long the system may take to terminate once the last phase began. */
    public Duration bound() {
        return bound;
    }

    /**
     * Blocks until the system has terminated (true), or until the last phase of its shutdown
     * has run for {@link #bound()} without the system terminating (false).
     */
    public boolean await() {
        CompletableFuture<Boolean> terminated = system.getWhenTerminated().toCompletableFuture().thenApply(d -> true);
        CompletableFuture<Boolean> overdue = lastPhase.thenCompose(d -> new CompletableFuture<Boolean>()
                .completeOnTimeout(false, bound.toMillis(), TimeUnit.MILLISECONDS));
        return (Boolean) CompletableFuture.anyOf(terminated, overdue).join();
    }
}
