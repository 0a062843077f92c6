package dev.vivarium.node.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vivarium.vcenter.host.HostDirective;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.reconcile.ReconcilerActor;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler decides a stop or a pause from a host's report, which may be older than what
 * runs there now: the directive names the run (its lease epoch), and the host's directory carries
 * it out only on that run. Here the host runs "web" at epoch 4 (it left by live migration and came
 * back since its report at epoch 2) and "db" at epoch 7.
 */
class HostDirectoryTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private ActorSystem<Void> system;
    private final Queue<VmCommand> toWeb = new ConcurrentLinkedQueue<>();
    private final Queue<VmCommand> toDb = new ConcurrentLinkedQueue<>();
    private ActorRef<HostDirectory.Msg> directory;

    @BeforeEach
    void start() {
        system = ActorSystem.create(Behaviors.empty(), "host-directory-test");
        ActorRef<VmCommand> web = system.systemActorOf(recorder(toWeb), "web", Props.empty());
        ActorRef<VmCommand> db = system.systemActorOf(recorder(toDb), "db", Props.empty());
        Map<String, HostReply.VmFound> running = Map.of("web", new HostReply.VmFound("web", web, 4),
                "db", new HostReply.VmFound("db", db, 7));
        ActorRef<HostCommand> agent = system.systemActorOf(agent(running), "agent", Props.empty());
        system.receptionist().tell(Receptionist.register(HostDirectory.AGENTS, agent));
        HostFigures figures = new HostFigures();
        ActorRef<InventoryCommand> inventory = system.systemActorOf(Behaviors.ignore(), "inventory",
                Props.empty());
        ActorRef<ReconcilerActor.Msg> reconciler = system.systemActorOf(Behaviors.ignore(), "reconciler",
                Props.empty());
        directory = system.systemActorOf(HostDirectory.create(new HostDirectory.Parts("host-1", inventory, reconciler, figures,
                null, Runnable::run, Duration.ofSeconds(5), Duration.ofMillis(500))), "directory",
                Props.empty());
        // The directory names an agent by its first figures; directives for its host go to it from then on.
        await().atMost(WAIT).until(() -> figures.vmsOn("host-1").contains("web"));
    }

    @AfterEach
    void stop() {
        system.terminate();
    }

    @Test
    void aStopOrPauseDecidedOnAnotherRunOfTheVmLeavesTheRunningOneAlone() {
        directory.tell(new HostDirectory.Directive(new HostDirective.Stop("host-1", "web", 2, false)));
        directory.tell(new HostDirectory.Directive(new HostDirective.SetPaused("host-1", "web", 2, true)));
        // The agent answers in order, so once db's pause arrives, web's directives have been handled.
        directory.tell(new HostDirectory.Directive(new HostDirective.SetPaused("host-1", "db", 7, true)));
        await().atMost(WAIT).until(() -> !toDb.isEmpty());
        assertThat(toDb).singleElement().isInstanceOf(VmCommand.Pause.class);
        assertThat(toWeb).as("web runs at epoch 4; the directives were about its run at epoch 2").isEmpty();

        directory.tell(new HostDirectory.Directive(new HostDirective.Stop("host-1", "web", 4, false)));
        await().atMost(WAIT).until(() -> !toWeb.isEmpty());
        assertThat(toWeb).singleElement().isInstanceOf(VmCommand.PowerOff.class);
    }

    private static Behavior<VmCommand> recorder(Queue<VmCommand> into) {
        return Behaviors.receive(VmCommand.class).onAnyMessage(m -> {
            into.add(m);
            return Behaviors.same();
        }).build();
    }

    /** A host agent that runs the given VMs: it reports them and finds them. */
    private static Behavior<HostCommand> agent(Map<String, HostReply.VmFound> running) {
        List<HostReply.VmStats> vms = running.values().stream().map(f -> new HostReply.VmStats(f.vm(), f.epoch(), 1000, 0, 0,
                0, 0, 0, 16L << 20, 0, false)).toList();
        return Behaviors.receive(HostCommand.class)
                .onMessage(HostCommand.GetStats.class, g -> {
                    g.replyTo().tell(new HostReply.HostStats("host-1", 1000, 0, 0, 0, vms.size(), vms));
                    return Behaviors.same();
                })
                .onMessage(HostCommand.FindVm.class, f -> {
                    HostReply.VmFound found = running.get(f.vm());
                    f.replyTo().tell(found != null ? found : new HostReply.NotHere(f.vm()));
                    return Behaviors.same();
                })
                .build();
    }
}
