package dev.vivarium.vm.migration;

import dev.vivarium.vm.actor.VmCommand;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/** Finds the migrated VM's actor on the target host (asks its agent), for a source that must reach it. */
@FunctionalInterface
public interface TargetLookup {
    CompletionStage<Optional<ActorRef<VmCommand>>> find(Duration timeout);
}
