package dev.vivarium.vm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vivarium.vm.Lab;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.actor.VmState;
import dev.vivarium.vm.actor.VmStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host stopping cleanly: every VM suspended to the datastore, no VM started any more. And a VM
 * the management plane wants paused, powered on again after such a suspend (by this host or
 * another), comes back paused: restored, but no guest instruction runs until it is unpaused.
 */
class SuspendAllTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path datastore;
    private Lab lab;

    @BeforeEach
    void start() throws Exception {
        lab = new Lab(datastore, "host-a", Map.of("vivarium.vm.checkpoint-period", "1h"));
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    @Test
    void suspendsEveryVmReleasesTheirLeasesAndRefusesNewOnes() throws Exception {
        HostReply.VmStarted one = lab.powerOn(Lab.counter("one", 10));
        HostReply.VmStarted two = lab.powerOn(Lab.counter("two", 10));
        Lab.Console console = lab.console(one.ref());
        await().atMost(WAIT).until(() -> console.last() >= 3);
        lab.datastore.vm("three").writeConfig(Lab.counter("three", 10));

        TestProbe<HostCommand.AllSuspended> done = lab.kit.createTestProbe();
        lab.host.tell(new HostCommand.SuspendAll(done.ref()));
        HostCommand.AllSuspended answer = done.receiveMessage(WAIT);
        assertThat(answer.host()).isEqualTo("host-a");
        assertThat(answer.suspended()).isEqualTo(Map.of("one", one.epoch(), "two", two.epoch()));
        assertThat(answer.failed()).isEmpty();
        TestProbe<Object> watcher = lab.kit.createTestProbe();
        watcher.expectTerminated(one.ref(), WAIT);
        watcher.expectTerminated(two.ref(), WAIT);
        for (String vm : new String[] {"one", "two"}) {
            assertThat(lab.datastore.vm(vm).currentLease().orElseThrow().isHeld()).as(vm).isFalse();
            assertThat(lab.datastore.vm(vm).checkpoints().latestChain()).as(vm).isNotEmpty();
        }

        TestProbe<HostReply> refused = lab.kit.createTestProbe();
        lab.host.tell(new HostCommand.PowerOn("three", 1000, refused.ref()));
        assertThat(refused.receiveMessage(WAIT)).isEqualTo(new HostReply.Refused("three", "host host-a is shutting down"));
        // Asked again (a second signal), it answers again, with nothing left to do.
        lab.host.tell(new HostCommand.SuspendAll(done.ref()));
        assertThat(done.receiveMessage(WAIT)).isEqualTo(answer);
    }

    private VmStatus status(HostReply.VmStarted vm) {
        return (VmStatus) lab.ask(vm.ref(), VmCommand.GetStatus::new);
    }

    /** Whether the host's figures say {@code vm} is paused (what the management plane shows and reconciles). */
    private boolean reportedPaused(String vm) {
        TestProbe<HostReply> probe = lab.kit.createTestProbe();
        lab.host.tell(new HostCommand.GetStats(probe.ref()));
        HostReply.HostStats stats = (HostReply.HostStats) probe.receiveMessage(WAIT);
        return stats.vms().stream().filter(v -> v.vm().equals(vm)).findFirst().orElseThrow().paused();
    }

    @Test
    void aVmSuspendedPausedAndPoweredOnPausedComesBackPausedAndGoesOnFromThereWhenUnpaused() throws Exception {
        HostReply.VmStarted first = lab.powerOn(Lab.counter("held", 10));
        Lab.Console console = lab.console(first.ref());
        await().atMost(WAIT).until(() -> console.last() >= 3);
        assertThat(reportedPaused("held")).isFalse();
        assertThat(console.ask(VmCommand.Pause::new)).isEqualTo(new VmReply.Done("held", "paused"));
        await().atMost(WAIT).until(() -> reportedPaused("held"));
        long last = console.last();
        long instructions = status(first).instructions();
        assertThat(lab.ask(first.ref(), VmCommand.Suspend::new)).isEqualTo(new VmReply.Done("held", "suspended"));
        lab.kit.createTestProbe().expectTerminated(first.ref(), WAIT);
        lab.awaitGone("held", WAIT); // the agent learns of the stop after the VM's own death

        TestProbe<HostReply> replies = lab.kit.createTestProbe();
        lab.host.tell(new HostCommand.PowerOn("held", 5000, true, replies.ref()));
        HostReply.VmStarted again = (HostReply.VmStarted) replies.receiveMessage(WAIT);
        assertThat(reportedPaused("held")).as("reported paused from the start").isTrue();
        assertThat(again.restoredSeq()).as("restored from the suspend's checkpoint").isNotNegative();
        VmStatus paused = status(again);
        assertThat(paused.state()).isEqualTo(VmState.PAUSED);
        assertThat(paused.instructions()).isEqualTo(instructions);
        // The host keeps granting it time; a paused guest takes none.
        await().during(Duration.ofMillis(500)).atMost(WAIT)
                .until(() -> status(again).instructions() == instructions && status(again).state() == VmState.PAUSED);

        Lab.Console after = lab.console(again.ref());
        assertThat(after.ask(VmCommand.Unpause::new)).isEqualTo(new VmReply.Done("held", "running"));
        await().atMost(WAIT).until(() -> after.last() > last + 1);
        await().atMost(WAIT).until(() -> !reportedPaused("held"));
        // Nothing lost, nothing repeated: the first number after the restore is the next one.
        assertThat(after.numbers().stream().filter(n -> n > last).findFirst()).contains(last + 1);
    }

    /**
     * A host's process dies with a VM management had paused; the host comes back and recovers its
     * own VMs from their checkpoints: this one comes back paused (the datastore's paused mark), so
     * no guest instruction runs before management says so; unpaused, it goes on and the mark is gone.
     */
    @Test
    void aPausedVmRecoveredAfterItsHostCrashedComesBackPaused() throws Exception {
        HostReply.VmStarted first = lab.powerOn(Lab.counter("kept", 10));
        Lab.Console console = lab.console(first.ref());
        await().atMost(WAIT).until(() -> console.last() >= 3);
        assertThat(lab.datastore.vm("kept").markedPaused()).isFalse();
        assertThat(console.ask(VmCommand.Pause::new)).isEqualTo(new VmReply.Done("kept", "paused"));
        assertThat(lab.ask(first.ref(), VmCommand.Checkpoint::new)).isInstanceOf(VmReply.CheckpointTaken.class);
        await().atMost(WAIT).until(() -> lab.datastore.vm("kept").markedPaused());
        long instructions = status(first).instructions();
        lab.close(); // the process dies: no suspend, the lease stays this host's

        lab = new Lab(datastore, "host-a", Map.of("vivarium.vm.checkpoint-period", "1h")); // recovers its own VMs
        AtomicReference<ActorRef<VmCommand>> recovered = new AtomicReference<>();
        await().atMost(WAIT).until(() -> {
            TestProbe<HostReply> probe = lab.kit.createTestProbe();
            lab.host.tell(new HostCommand.FindVm("kept", probe.ref()));
            if (probe.receiveMessage(WAIT) instanceof HostReply.VmFound found) {
                recovered.set(found.ref());
                return true;
            }
            return false;
        });
        VmStatus status = (VmStatus) lab.ask(recovered.get(), VmCommand.GetStatus::new);
        assertThat(status.state()).as(status.toString()).isEqualTo(VmState.PAUSED);
        assertThat(status.instructions()).as("restored, and not one instruction run").isEqualTo(instructions);
        assertThat(reportedPaused("kept")).isTrue();

        Lab.Console after = lab.console(recovered.get());
        assertThat(after.ask(VmCommand.Unpause::new)).isEqualTo(new VmReply.Done("kept", "running"));
        await().atMost(WAIT).until(() -> after.last() > 3);
        await().atMost(WAIT).until(() -> !lab.datastore.vm("kept").markedPaused());
    }
}
