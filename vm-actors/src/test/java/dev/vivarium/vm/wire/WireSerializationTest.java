package dev.vivarium.vm.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.vm.actor.ConsoleOutput;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.actor.VmState;
import dev.vivarium.vm.actor.VmStatus;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import dev.vivarium.vm.migration.MigrationFigures;
import dev.vivarium.vm.migration.MigrationOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every message that can cross nodes, sent from one ActorSystem to another over Artery. */
class WireSerializationTest {
    private static final Config REMOTE = ConfigFactory.parseString("""
            pekko.actor.provider = remote
            pekko.remote.artery.canonical.hostname = 127.0.0.1
            pekko.remote.artery.canonical.port = 0
            pekko.actor.allow-java-serialization = off
            pekko.remote.warn-about-direct-use = off
            """).withFallback(ConfigFactory.load());

    private ActorTestKit nodeA;
    private ActorTestKit nodeB;

    @BeforeEach
    void start() {
        nodeA = ActorTestKit.create("nodeA", REMOTE);
        nodeB = ActorTestKit.create("nodeB", REMOTE);
    }

    @AfterEach
    void stop() {
        nodeB.shutdownTestKit();
        nodeA.shutdownTestKit();
    }

    @Test
    void everyWireMessageArrivesIntactOnTheOtherNode() {
        TestProbe<Object> receiver = nodeA.createTestProbe();
        String address = ActorRefResolver.get(nodeA.system()).toSerializationFormat(receiver.ref());
        ActorRef<Object> remote = ActorRefResolver.get(nodeB.system()).resolveActorRef(address);

        TestProbe<VmReply> replies = nodeB.createTestProbe();
        TestProbe<ConsoleOutput> consoles = nodeB.createTestProbe();
        TestProbe<HostReply> hostReplies = nodeB.createTestProbe();
        TestProbe<VmCommand> vm = nodeB.createTestProbe();
        TestProbe<HostCommand> hostAgent = nodeB.createTestProbe();
        TestProbe<MigrationOutcome> outcomes = nodeB.createTestProbe();
        ActorRef<VmReply> r = replies.ref();
        List<Object> messages = List.of(
                new VmCommand.PowerOff(r), new VmCommand.Reset(r), new VmCommand.ShutdownGuest(5000, r),
                new VmCommand.InjectGuestFault(VmCommand.InjectGuestFault.CRASH, r),
                new VmCommand.Pause(r), new VmCommand.Unpause(r), new VmCommand.Suspend(r),
                new VmCommand.TakeSnapshot("s1", "a description", r), new VmCommand.ListSnapshots(r),
                new VmCommand.RevertToSnapshot("s1", r), new VmCommand.DeleteSnapshot("s1", r), new VmCommand.Checkpoint(r),
                new VmCommand.GetStatus(r), new VmCommand.SubscribeConsole(consoles.ref()),
                new VmCommand.UnsubscribeConsole(consoles.ref()), new VmCommand.ConsoleInput("ls\n\u00ff"),
                new VmReply.Done("vm1", "paused"), new VmReply.Failed("vm1", "busy"),
                new VmReply.Snapshots("vm1", List.of(new VmReply.SnapshotEntry("s1", "d", 7, 1234L))),
                new VmReply.CheckpointTaken("vm1", 8, false, 4096),
                new VmStatus("vm1", VmState.SUSPENDED, 123, 456, 3, 8, "suspended to the datastore", 5, 7),
                new ConsoleOutput("vm1", "counter 1\n\u0000\u00ff"),
                new HostCommand.PowerOn("vm1", 1000, hostReplies.ref()), new HostCommand.PowerOn("vm1", 1000, true, hostReplies.ref()),
                new HostCommand.FindVm("vm1", hostReplies.ref()),
                new HostCommand.GetStats(hostReplies.ref()),
                new HostReply.VmStarted("vm1", vm.ref(), 4, -1), new HostReply.Refused("vm1", "no room"),
                new HostReply.VmFound("vm1", vm.ref(), 3), new HostReply.NotHere("vm1"),
                new HostReply.HostStats("host-a", 1000, 12.5, 16 << 20, 1 << 20, 1,
                        List.of(new HostReply.VmStats("vm1", 3, 1000, 0, -1, 20.5, 12.5, 3.5, 1 << 20, 64.0, true))),
                new VmCommand.SubscribeConsole(consoles.ref(), -77, 12345), new ConsoleOutput("vm1", "counter 2\n", -77, 9876),
                new HostCommand.MigrateVm("vm1", "host-b", hostAgent.ref(), 5_000_000, outcomes.ref()),
                new HostCommand.CancelMigration("vm1", hostReplies.ref()),
                new HostCommand.PrepareIncoming("vm1", "host-a", 3, 7, hostReplies.ref()),
                new HostReply.IncomingReady("vm1", "127.0.0.1", 40123, new byte[] {1, 2, 3, (byte) 0xff}),
                new HostReply.IncomingRefused("vm1", "at its limit", true),
                new HostReply.CancelAnswer("vm1", false, "too late"),
                new MigrationOutcome("vm1", "host-a", "host-b", MigrationOutcome.Result.MIGRATED, "", "host-b", 4,
                        new MigrationFigures(3_000_000, 1_000_000, 80_000_000, 3, 1 << 20, 250, 4000, 12, 16, true, 20, 1.5e9,
                                5_000_000, 400_000, 300_000, 100_000, 500_000, 90_000, true, 0x1234abcd, true)));

        for (Object message : messages) {
            assertThat(SerializationExtension.get(Adapter.toClassic(nodeB.system())).findSerializerFor(message))
                    .as("serializer of %s", message.getClass()).isInstanceOf(KryoWireSerializer.class);
            remote.tell(message);
            Object received = receiver.receiveMessage(Duration.ofSeconds(10));
            assertThat(received).as("%s after the trip", message.getClass().getSimpleName())
                    .usingRecursiveComparison()
                    .withEqualsForType(WireSerializationTest::samePath, ActorRef.class)
                    .isEqualTo(message);
        }

        // A ref that crossed the wire still works: an answer through it comes back to node B.
        VmCommand.GetStatus crossed = (VmCommand.GetStatus) sendAndReceive(remote, receiver, new VmCommand.GetStatus(r));
        crossed.replyTo().tell(new VmReply.Done("vm1", "answered across nodes"));
        assertThat(replies.receiveMessage(Duration.ofSeconds(10))).isEqualTo(new VmReply.Done("vm1", "answered across nodes"));

        // The list above covers every wire message type (so none is silently dropped in production).
        Set<Class<?>> covered = new HashSet<>();
        messages.forEach(m -> covered.add(m.getClass()));
        assertThat(covered).containsAll(wireMessageTypes());
        assertThat(WireRegistrations.CLASSES).containsAll(wireMessageTypes());
    }

    private static Object sendAndReceive(ActorRef<Object> to, TestProbe<Object> at, Object message) {
        to.tell(message);
        return at.receiveMessage(Duration.ofSeconds(10));
    }

    private static boolean samePath(ActorRef<?> a, ActorRef<?> b) {
        return a.path().toStringWithoutAddress().equals(b.path().toStringWithoutAddress()) && a.path().uid() == b.path().uid();
    }

    /** The concrete classes of the sealed wire protocols. */
    private static List<Class<?>> wireMessageTypes() {
        List<Class<?>> leaves = new ArrayList<>();
        for (Class<?> root : List.of(VmCommand.Management.class, VmReply.class, HostCommand.Remote.class, HostReply.class)) {
            collect(root, leaves);
        }
        leaves.add(ConsoleOutput.class);
        leaves.add(MigrationOutcome.class);
        return leaves;
    }

    private static void collect(Class<?> type, List<Class<?>> into) {
        if (type.isSealed()) {
            for (Class<?> sub : type.getPermittedSubclasses()) {
                collect(sub, into);
            }
        } else {
            into.add(type);
        }
    }
}
