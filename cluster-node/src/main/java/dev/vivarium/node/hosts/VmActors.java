package dev.vivarium.node.hosts;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Reaches a running VM's actor for the API: asks every host's agent (found through the
 * Receptionist) whether it runs the VM, then sends the command to the one that does. A VM runs
 * on at most one host (its datastore lease), so the first that has it is the only one.
 */
public final class VmActors {

    private static final Duration FIND = Duration.ofSeconds(5);

    private final ActorSystem<?> system;

    public VmActors(ActorSystem<?> system) {
        this.system = system;
    }

    /** The VM's actor, or empty when no host runs it. */
    public CompletionStage<Optional<ActorRef<VmCommand>>> find(String vm) {
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                        r -> Receptionist.find(HostDirectory.AGENTS, r), FIND, system.scheduler())
                .thenCompose(listing -> {
                    List<CompletableFuture<HostReply>> answers = listing.getServiceInstances(HostDirectory.AGENTS).stream()
                            .map(agent -> AskPattern.<HostCommand, HostReply>ask(agent, r -> new HostCommand.FindVm(vm, r),
                                            FIND, system.scheduler()).toCompletableFuture()
                                    // An agent that does not answer (its node is going away) runs nothing we can reach.
                                    .exceptionally(e -> new HostReply.NotHere(vm)))
                            .toList();
                    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> answers.stream()
                            .map(CompletableFuture::join)
                            .filter(HostReply.VmFound.class::isInstance)
                            .map(found -> ((HostReply.VmFound) found).ref())
                            .findFirst());
                });
    }

    /**
     * Sends {@code command} to the VM's actor and completes with its answer; 409 when no host
     * runs the VM.
     */
    public CompletionStage<VmReply> ask(String vm, Function<ActorRef<VmReply>, VmCommand> command, Duration timeout) {
        return find(vm).thenCompose(ref -> {
            if (ref.isEmpty()) {
                throw ApiException.conflict("VM " + vm + " runs on no host");
            }
            return AskPattern.ask(ref.get(), command::apply, timeout, system.scheduler());
        });
    }

    /** The answer's one-line result; a failure with the VM's reason when it refused or failed. */
    public static String outcome(VmReply reply) {
        if (reply instanceof VmReply.Done done) {
            return done.vm() + ": " + done.what();
        }
        if (reply instanceof VmReply.Failed failed) {
            throw new IllegalStateException(failed.vm() + ": " + failed.reason());
        }
        throw new IllegalStateException("unexpected answer " + reply);
    }
}
