package dev.vivarium.node.hosts;

import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * vSphere HA's isolation response: what a host does with its VMs when the cluster downs it (it
 * is cut off from the majority, or was too slow), before its process ends and its leases expire
 * for the majority's HA agents. {@code powerOff}: nothing more; they stop with the process and
 * restart from their latest periodic checkpoint. {@code suspend}: each VM is paused and
 * checkpointed under its lease, which stays held, so the majority restarts it from that very
 * state: no progress lost. {@code shutdown}: the guests are asked to shut down through their
 * tools (powered off hard after the time limit); the majority's reconciler starts them again.
 */
final class IsolationResponse {

    private static final Logger LOG = LoggerFactory.getLogger(IsolationResponse.class);

    enum Kind { POWER_OFF, SUSPEND, SHUTDOWN }

    private IsolationResponse() {
    }

    static Kind parse(String text) {
        return switch (text) {
            case "powerOff" -> Kind.POWER_OFF;
            case "suspend" -> Kind.SUSPEND;
            case "shutdown" -> Kind.SHUTDOWN;
            default -> throw new IllegalArgumentException("vivarium.ha.isolation-response: " + text + " (powerOff, suspend, shutdown)");
        };
    }

    /** Carries the response out on every VM of this host; completes when all answered or {@code within} passed. */
    static CompletionStage<Done> apply(ActorSystem<?> system, String host, ActorRef<HostCommand> agent, Kind kind, Duration within) {
        if (kind == Kind.POWER_OFF) {
            LOG.warn("host {} was downed by the cluster: isolation response powerOff, its VMs stop with it (HA restarts them "
                    + "from their checkpoints)", host);
            return CompletableFuture.completedFuture(Done.getInstance());
        }
        LOG.warn("host {} was downed by the cluster: isolation response {} for its VMs", host, kind.name().toLowerCase(Locale.ROOT));
        return AskPattern.<HostCommand, HostReply>ask(agent, HostCommand.GetStats::new, within, system.scheduler())
                .thenCompose(reply -> {
                    List<String> vms = ((HostReply.HostStats) reply).vms().stream().map(HostReply.VmStats::vm).toList();
                    List<CompletableFuture<VmReply>> answers = vms.stream()
                            .map(vm -> respond(system, agent, vm, kind, within).toCompletableFuture()
                                    .exceptionally(e -> new VmReply.Failed(vm, String.valueOf(e.getMessage()))))
                            .toList();
                    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                            .thenApply(v -> {
                                answers.forEach(a -> LOG.warn("host {}: isolation response: {}", host, a.join()));
                                return Done.getInstance();
                            });
                })
                .exceptionally(e -> {
                    LOG.error("host {}: isolation response did not complete: {}", host, e.toString());
                    return Done.getInstance();
                });
    }

    private static CompletionStage<VmReply> respond(ActorSystem<?> system, ActorRef<HostCommand> agent, String vm, Kind kind,
                                                    Duration within) {
        return AskPattern.<HostCommand, HostReply>ask(agent, r -> new HostCommand.FindVm(vm, r), within, system.scheduler())
                .thenCompose(found -> {
                    if (!(found instanceof HostReply.VmFound f)) {
                        return CompletableFuture.completedFuture(new VmReply.Failed(vm, "no longer here"));
                    }
                    if (kind == Kind.SHUTDOWN) {
                        return AskPattern.<VmCommand, VmReply>ask(f.ref(), r -> new VmCommand.ShutdownGuest(within.toMillis() / 2, r),
                                within, system.scheduler());
                    }
                    // Paused first, so the checkpoint is the last state it ever ran: the lease stays held for HA.
                    // Unmarked: no one wished it paused, so HA restarts it running.
                    return AskPattern.<VmCommand, VmReply>ask(f.ref(), r -> new VmCommand.Pause(r, false), within, system.scheduler())
                            .thenCompose(p -> AskPattern.<VmCommand, VmReply>ask(f.ref(), VmCommand.Checkpoint::new, within,
                                    system.scheduler()));
                });
    }
}
