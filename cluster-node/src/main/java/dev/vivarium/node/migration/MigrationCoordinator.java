package dev.vivarium.node.migration;

import dev.vivarium.node.hosts.AgentHosts;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.Migration;
import dev.vivarium.vcenter.inventory.MigrationDecisions;
import dev.vivarium.vcenter.migration.MigrationReply;
import dev.vivarium.vcenter.migration.MigrationRequest;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * This node's migration coordinator ({@link MigrationRequest}): each migration is a
 * {@link MigrationRun} of its own; a cancel goes to the agent of the host the inventory says the
 * migration leaves from, whichever node started it.
 */
public final class MigrationCoordinator {

    private MigrationCoordinator() {
    }

    /**
     * @param runTimeout how long a run waits for its source host's answer before asking the hosts
     *                   where the VM is (a migration's own limits are far below it)
     */
    public static Behavior<MigrationRequest> create(ActorRef<InventoryCommand> inventory, Duration ask, Duration runTimeout) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(MigrationRequest.KEY, ctx.getSelf()));
            MigrationRun.Parts parts = new MigrationRun.Parts(inventory, ask, runTimeout);
            return Behaviors.receive(MigrationRequest.class)
                    .onMessage(MigrationRequest.Migrate.class, m -> {
                        ctx.spawnAnonymous(MigrationRun.create(parts, m));
                        return Behaviors.same();
                    })
                    .onMessage(MigrationRequest.Cancel.class, c -> {
                        // Answered from the stage's thread: a tell may come from anywhere.
                        cancel(ctx.getSystem(), inventory, ask, c.vm()).whenComplete((answer, failure) ->
                                c.replyTo().tell(answer != null ? answer
                                        : new MigrationReply.CancelAnswer(c.vm(), false, "cancel failed: " + failure.getMessage())));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static CompletionStage<MigrationReply.CancelAnswer> cancel(org.apache.pekko.actor.typed.ActorSystem<?> system,
                                                                      ActorRef<InventoryCommand> inventory, Duration ask, String vm) {
        return AskPattern.<InventoryCommand, InventorySnapshot>ask(inventory, InventoryCommand.GetInventory::new, ask,
                system.scheduler()).thenCompose(snapshot -> {
            Inventory inv = snapshot.inventory();
            Optional<Migration> running = MigrationDecisions.running(inv, vm, Instant.now());
            if (running.isEmpty()) {
                return java.util.concurrent.CompletableFuture.completedFuture(new MigrationReply.CancelAnswer(vm, false,
                        inv.vms().containsKey(vm) ? "no migration of VM " + vm + " runs" : "no VM named " + vm));
            }
            String from = running.get().from();
            return AgentHosts.byHost(system, ask).thenCompose(agents -> {
                ActorRef<HostCommand> agent = agents.get(from);
                if (agent == null) {
                    return java.util.concurrent.CompletableFuture.completedFuture(new MigrationReply.CancelAnswer(vm, false,
                            "host " + from + ", where the migration runs, does not answer"));
                }
                return AskPattern.<HostCommand, HostReply>ask(agent, r -> new HostCommand.CancelMigration(vm, r), ask,
                        system.scheduler()).thenApply(reply -> reply instanceof HostReply.CancelAnswer a
                        ? new MigrationReply.CancelAnswer(vm, a.cancelled(), a.detail())
                        : new MigrationReply.CancelAnswer(vm, false, "unexpected answer " + reply));
            });
        });
    }
}
