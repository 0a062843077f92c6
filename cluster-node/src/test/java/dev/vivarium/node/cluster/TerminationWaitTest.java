package dev.vivarium.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * A node's wait for its ActorSystem: bounded once the shutdown's last phase has begun. The stuck
 * termination here is an actor that does not finish stopping, as Artery's TCP connection to a
 * partitioned peer does not for up to ~15 min; an unbounded wait (whenTerminated, as
 * HostNode waited before) never returns while it is stuck.
 */
class TerminationWaitTest {

    private static final Config CONFIG = ConfigFactory.parseString("""
            pekko.actor.provider = local
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            pekko.coordinated-shutdown.phases.actor-system-terminate.timeout = 1s
            """).withFallback(ConfigFactory.load());

    @Test
    void aDownedNodeWhoseActorSystemCannotTerminateStopsWaitingAfterTheLastPhasesTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stopping = new CountDownLatch(1);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
            ctx.spawn(Behaviors.receive(Object.class).onSignal(PostStop.class, s -> {
                stopping.countDown();
                release.await(); // stuck in its stop, as a connection waiting for a peer that is gone
                return Behaviors.same();
            }).build(), "stuck");
            return Behaviors.empty();
        }), "termination-wait", CONFIG);
        TerminationWait wait = TerminationWait.register(system);
        assertThat(wait.bound()).isEqualTo(Duration.ofSeconds(1));
        try {
            CoordinatedShutdown.get(system).run(CoordinatedShutdown.clusterDowningReason());
            boolean terminated = assertTimeoutPreemptively(Duration.ofSeconds(60), wait::await);

            assertThat(terminated).isFalse();
            assertThat(stopping.await(0, TimeUnit.SECONDS)).as("the actor was stopping").isTrue();
            assertThat(system.whenTerminated().isCompleted()).as("the system is still terminating").isFalse();
            assertThat(CoordinatedShutdown.get(system).getShutdownReason()).contains(CoordinatedShutdown.clusterDowningReason());
        } finally {
            release.countDown();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSystemThatTerminatesIsWaitedFor() throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "termination-wait", CONFIG);
        TerminationWait wait = TerminationWait.register(system);
        system.terminate();

        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(60), wait::await)).isTrue();
        assertThat(system.whenTerminated().isCompleted()).isTrue();
    }
}
