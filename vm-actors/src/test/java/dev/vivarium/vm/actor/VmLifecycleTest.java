package dev.vivarium.vm.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vivarium.vm.Lab;
import dev.vivarium.vm.host.HostReply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A VM running the {@code counter} guest, driven through its actor, its console read through the actor. */
class VmLifecycleTest {
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
    void runsPausesSnapshotsAndShutsDownThroughTheToolsChannel() throws Exception {
        long poweredOnAt = System.nanoTime();
        HostReply.VmStarted started = lab.powerOn(Lab.counter("vm1", 10));
        assertThat(started.restoredSeq()).isEqualTo(-1);
        ActorRef<VmCommand> vm = started.ref();
        Lab.Console console = lab.console(vm);
        await().atMost(WAIT).until(() -> console.last() >= 3);

        VmStatus running = (VmStatus) lab.ask(vm, VmCommand.GetStatus::new);
        assertThat(running.state()).isEqualTo(VmState.RUNNING);
        assertThat(running.epoch()).isEqualTo(started.epoch());
        // Guest time is paced: it never runs ahead of the host time since power on.
        assertThat(running.guestNanos()).isPositive().isLessThanOrEqualTo(System.nanoTime() - poweredOnAt);

        // Paused, it executes nothing; unpaused, the counter goes on with the next number.
        assertThat(console.ask(VmCommand.Pause::new)).isInstanceOf(VmReply.Done.class);
        long pausedAt = ((VmStatus) lab.ask(vm, VmCommand.GetStatus::new)).instructions();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> ((VmStatus) lab.ask(vm, VmCommand.GetStatus::new)).instructions() == pausedAt);
        long lastBeforeUnpause = console.last();
        lab.ask(vm, VmCommand.Unpause::new);
        await().atMost(WAIT).until(() -> console.last() >= lastBeforeUnpause + 3);

        // Checkpoints on demand: a full one opens the chain, the next is incremental.
        VmReply.CheckpointTaken first = (VmReply.CheckpointTaken) lab.ask(vm, VmCommand.Checkpoint::new);
        VmReply.CheckpointTaken second = (VmReply.CheckpointTaken) lab.ask(vm, VmCommand.Checkpoint::new);
        assertThat(first.full()).isTrue();
        assertThat(second.full()).isFalse();
        assertThat(second.seq()).isGreaterThan(first.seq());
        assertThat(second.bytes()).isLessThan(first.bytes());
        assertThat(lab.datastore.vm("vm1").checkpoints().latestChain()).hasSize(2);

        // A snapshot, then revert: the counter repeats the numbers after the snapshot.
        console.ask(VmCommand.Pause::new);
        long atSnapshot = console.last();
        assertThat(lab.ask(vm, r -> new VmCommand.TakeSnapshot("s1", "before the jump", r))).isInstanceOf(VmReply.Done.class);
        VmReply.Snapshots listed = (VmReply.Snapshots) lab.ask(vm, VmCommand.ListSnapshots::new);
        assertThat(listed.snapshots()).extracting(VmReply.SnapshotEntry::name).containsExactly("s1");
        assertThat(listed.snapshots().get(0).description()).isEqualTo("before the jump");
        lab.ask(vm, VmCommand.Unpause::new);
        await().atMost(WAIT).until(() -> console.last() >= atSnapshot + 5);
        assertThat(console.ask(r -> new VmCommand.RevertToSnapshot("s1", r))).isInstanceOf(VmReply.Done.class);
        int linesBeforeRevert = console.numbers().size(); // the old machine's output is all in, the new one's not yet
        await().atMost(WAIT).until(() -> console.numbers().size() > linesBeforeRevert);
        // Back in time: the counter repeats the number after the snapshot (the next one if a line was cut at the pause).
        assertThat(console.numbers().get(linesBeforeRevert)).isBetween(atSnapshot + 1, atSnapshot + 2);
        assertThat(lab.ask(vm, r -> new VmCommand.DeleteSnapshot("s1", r))).isInstanceOf(VmReply.Done.class);
        assertThat(((VmReply.Snapshots) lab.ask(vm, VmCommand.ListSnapshots::new)).snapshots()).isEmpty();
        assertThat(lab.ask(vm, r -> new VmCommand.RevertToSnapshot("s1", r))).isInstanceOf(VmReply.Failed.class);

        // Console input reaches the guest's UART without disturbing it; the VM counts the bytes.
        vm.tell(new VmCommand.ConsoleInput("x\u00ff"));
        VmStatus typed = (VmStatus) lab.ask(vm, VmCommand.GetStatus::new);
        assertThat(typed.consoleInputBytes()).isEqualTo(2);
        assertThat(typed.state()).isEqualTo(VmState.RUNNING);

        // Guest shutdown through the tools channel: the counter finishes its line and exits.
        TestProbe<VmCommand> watcher = lab.kit.createTestProbe();
        VmReply shutdown = lab.ask(vm, r -> new VmCommand.ShutdownGuest(10_000, r));
        assertThat(shutdown).isInstanceOf(VmReply.Done.class);
        assertThat(((VmReply.Done) shutdown).what()).contains("guest shut down").contains("code 0");
        assertThat(console.text()).contains("shutdown requested");
        watcher.expectTerminated(vm, WAIT);
        lab.awaitGone("vm1", WAIT); // the agent learns of the stop after the VM's own death
        assertThat(lab.datastore.vm("vm1").currentLease().orElseThrow().isHeld()).isFalse();
        // Powered off, its checkpoints are gone: the next power on boots afresh.
        assertThat(lab.datastore.vm("vm1").checkpoints().latestChain()).isEmpty();
        assertThat(lab.powerOn("vm1", WAIT).restoredSeq()).isEqualTo(-1);
    }

    @Test
    void suspendFreesTheHostAndResumeContinuesTheCounter() throws Exception {
        ActorRef<VmCommand> vm = lab.powerOn(Lab.counter("vm2", 10)).ref();
        Lab.Console before = lab.console(vm);
        await().atMost(WAIT).until(() -> before.last() >= 5);

        assertThat(before.ask(VmCommand.Suspend::new)).isEqualTo(new VmReply.Done("vm2", "suspended"));
        lab.kit.createTestProbe().expectTerminated(vm, WAIT);
        lab.awaitGone("vm2", WAIT);
        assertThat(lab.datastore.vm("vm2").currentLease().orElseThrow().isHeld()).isFalse();
        long last = before.last();

        HostReply.VmStarted resumed = lab.powerOn("vm2", WAIT);
        assertThat(resumed.restoredSeq()).isGreaterThanOrEqualTo(0);
        Lab.Console after = lab.console(resumed.ref());
        await().atMost(WAIT).until(() -> after.numbers().size() >= 3);
        // Nothing lost, nothing repeated: suspend captured the machine after its last line.
        assertThat(after.numbers().get(0)).isBetween(last + 1, last + 2);
        // A stream that followed the VM before asks from where it stopped. The restored VM counts its
        // console anew (another run) and has printed past that offset by now: none of its lines is skipped.
        await().atMost(WAIT).until(() -> after.next() > before.next());
        Lab.Console followed = lab.follow(resumed.ref(), before);
        await().atMost(WAIT).until(() -> followed.numbers().size() >= 3);
        assertThat(followed.run()).isEqualTo(after.run()).isNotEqualTo(before.run());
        assertThat(followed.numbers().get(0)).isEqualTo(after.numbers().get(0));

        assertThat(lab.ask(resumed.ref(), VmCommand.PowerOff::new)).isEqualTo(new VmReply.Done("vm2", "powered off"));
        assertThat(lab.datastore.vm("vm2").checkpoints().latestChain()).isEmpty();
    }

    @Test
    void resetBootsTheGuestAgain() throws Exception {
        ActorRef<VmCommand> vm = lab.powerOn(Lab.counter("vm3", 10)).ref();
        Lab.Console console = lab.console(vm);
        await().atMost(WAIT).until(() -> console.last() >= 5);
        // A late subscriber first gets the console's history, from boot.
        Lab.Console late = lab.console(vm);
        late.ask(VmCommand.GetStatus::new);
        assertThat(late.numbers()).startsWith(1L, 2L, 3L, 4L, 5L);
        // Counted before the reset: every number so far is at least 5, and output of the old run
        // may still arrive after the reply, so look for the restart (a 1) in what follows.
        int lines = console.numbers().size();
        assertThat(lab.ask(vm, VmCommand.Reset::new)).isEqualTo(new VmReply.Done("vm3", "reset"));
        await().atMost(WAIT).until(() -> {
            List<Long> tail = console.numbers().subList(lines, console.numbers().size());
            return tail.contains(1L) && tail.size() - tail.indexOf(1L) >= 3;
        });
        List<Long> afterReset = console.numbers().subList(lines, console.numbers().size());
        assertThat(afterReset.subList(afterReset.indexOf(1L), afterReset.size()))
                .as("the counter starts again from 1 and counts on").startsWith(1L, 2L, 3L);
    }

    @Test
    void aCrashedGuestTripleFaultsAndBootsAgainAHungOneStopsCounting() throws Exception {
        ActorRef<VmCommand> vm = lab.powerOn(Lab.counter("vm4", 10)).ref();
        Lab.Console console = lab.console(vm);
        await().atMost(WAIT).until(() -> console.last() >= 5);
        int lines = console.numbers().size();
        assertThat(lab.ask(vm, r -> new VmCommand.InjectGuestFault(VmCommand.InjectGuestFault.CRASH, r)))
                .isInstanceOf(VmReply.Done.class);
        // Its next timer tick cannot be delivered: #GP, #DF, triple fault; the PC resets and counts from 1 again.
        await().atMost(WAIT).until(() -> console.numbers().subList(lines, console.numbers().size()).contains(1L));
        await().atMost(WAIT).until(() -> console.last() >= 3);

        assertThat(lab.ask(vm, r -> new VmCommand.InjectGuestFault(VmCommand.InjectGuestFault.HANG, r)))
                .isInstanceOf(VmReply.Done.class);
        VmStatus hungAt = (VmStatus) lab.ask(vm, VmCommand.GetStatus::new);
        int printed = console.numbers().size();
        // It still runs (it spins at the injected loop), but prints nothing more.
        await().atMost(WAIT).until(() -> ((VmStatus) lab.ask(vm, VmCommand.GetStatus::new)).instructions()
                > hungAt.instructions() + 1_000_000);
        lab.ask(vm, VmCommand.GetStatus::new);
        assertThat(console.numbers().size()).isLessThanOrEqualTo(printed + 1); // one line may have been on its way
        assertThat(lab.ask(vm, r -> new VmCommand.InjectGuestFault("melt", r))).isInstanceOf(VmReply.Failed.class);
    }
}
