package dev.vivarium.node.inventory;

import dev.vivarium.node.api.Failures;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Waits for the hosts' figures to show something (a VM running, a host empty): they are polled
 * into {@link dev.vivarium.node.hosts.HostFigures} every reconcile period, so a task re-reads
 * them on the system's scheduler instead of blocking a thread.
 */
final class FiguresPoll {

    private static final Duration EVERY = Duration.ofMillis(250);

    private FiguresPoll() {
    }

    /**
     * Completes with the first result {@code check} gives; fails with {@code what} "... within N s"
     * once {@code timeout} has passed without one.
     */
    static CompletionStage<String> until(ActorSystem<?> system, Duration timeout, String what,
                                         Supplier<Optional<String>> check) {
        return untilAsync(system, timeout, what, () -> CompletableFuture.completedFuture(check.get()));
    }

    /** As {@link #until}, for a check that asks (the inventory, say) rather than reads; one ask at a time. */
    static CompletionStage<String> untilAsync(ActorSystem<?> system, Duration timeout, String what,
                                              Supplier<CompletionStage<Optional<String>>> check) {
        CompletableFuture<String> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            CompletionStage<Optional<String>> asked;
            try {
                asked = check.get();
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            asked.whenComplete((result, failure) -> {
                if (failure != null) {
                    done.completeExceptionally(Failures.cause(failure));
                } else if (result.isPresent()) {
                    done.complete(result.get());
                } else if (System.nanoTime() - deadline > 0) {
                    done.completeExceptionally(new IllegalStateException(what + " within " + timeout.toSeconds() + " s"));
                } else {
                    system.scheduler().scheduleOnce(EVERY, poll[0], system.executionContext());
                }
            });
        };
        poll[0].run();
        return done;
    }
}
