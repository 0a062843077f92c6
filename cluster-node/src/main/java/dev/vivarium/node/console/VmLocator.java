package dev.vivarium.node.console;

import dev.vivarium.node.hosts.AgentHosts;
import dev.vivarium.node.hosts.HostDirectory;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * Finds the actor of a running VM on whichever host runs it: asks every host's agent the
 * Receptionist lists (a lab has a handful), so it needs neither the inventory nor the hosts'
 * figures, which lag a reconcile period behind a VM that just moved.
 */
public final class VmLocator {

    /** A running VM's actor and the host it runs on. */
    public record Located(ActorRef<VmCommand> vm, String host) {
    }

    private final ActorSystem<?> system;
    private final Duration timeout;

    public VmLocator(ActorSystem<?> system, Duration timeout) {
        this.system = system;
        this.timeout = timeout;
    }

    /**
     * The first host that answers that it runs the VM; empty when none does (an agent that does
     * not answer in time, on a node that is down but not yet removed, counts as no).
     */
    public CompletionStage<Optional<Located>> find(String vm) {
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                        r -> Receptionist.find(HostDirectory.AGENTS, r), timeout, system.scheduler())
                .thenCompose(listing -> {
                    CompletableFuture<Optional<Located>> first = new CompletableFuture<>();
                    List<CompletableFuture<Optional<Located>>> asks = listing.getServiceInstances(HostDirectory.AGENTS).stream()
                            .map(agent -> ask(agent, vm).whenComplete((found, e) -> found.ifPresent(f -> first.complete(found))))
                            .toList();
                    CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).whenComplete((all, e) -> first.complete(Optional.empty()));
                    return first;
                });
    }

    private CompletableFuture<Optional<Located>> ask(ActorRef<HostCommand> agent, String vm) {
        return AskPattern.<HostCommand, HostReply>ask(agent, r -> new HostCommand.FindVm(vm, r), timeout, system.scheduler())
                .handle((reply, failure) -> reply instanceof HostReply.VmFound found
                        ? Optional.of(new Located(found.ref(), hostOf(found.ref()))) : Optional.<Located>empty())
                .toCompletableFuture();
    }

    private String hostOf(ActorRef<?> ref) {
        return AgentHosts.hostOf(system, ref);
    }
}
