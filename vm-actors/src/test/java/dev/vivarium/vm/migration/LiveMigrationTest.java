package dev.vivarium.vm.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.vm.Lab;
import dev.vivarium.vm.disk.DisklogReference;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.actor.VmState;
import dev.vivarium.vm.actor.VmStatus;
import dev.vivarium.vm.host.HostCommand;
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

/** Two hosts in one JVM on one datastore: a running VM moves between them live and goes on. */
class LiveMigrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path datastore;
    @TempDir
    Path images;
    private Lab a;
    private Lab b;

    @BeforeEach
    void start() throws Exception {
        Map<String, Object> settings = Map.of("vivarium.vm.checkpoint-period", "1h");
        a = new Lab(datastore, "host-a", settings);
        b = new Lab(datastore, "host-b", settings);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private MigrationOutcome migrate(Lab from, Lab to, String toName, String vm) {
        TestProbe<MigrationOutcome> probe = from.kit.createTestProbe();
        from.host.tell(new HostCommand.MigrateVm(vm, toName, to.host, 0, probe.ref()));
        return probe.receiveMessage(WAIT);
    }

    private ActorRef<VmCommand> find(Lab lab, String vm) {
        TestProbe<HostReply> probe = lab.kit.createTestProbe();
        lab.host.tell(new HostCommand.FindVm(vm, probe.ref()));
        HostReply reply = probe.receiveMessage(WAIT);
        return reply instanceof HostReply.VmFound found ? found.ref() : null;
    }

    @Test
    void aCounterMovesToAnotherHostAndBackWithoutLosingOrRepeatingANumber() throws Exception {
        HostReply.VmStarted started = a.powerOn(Lab.counter("vm1", 10));
        Lab.Console before = a.console(started.ref());
        await().atMost(WAIT).until(() -> before.last() >= 5);

        MigrationOutcome there = migrate(a, b, "host-b", "vm1");
        assertThat(there.result()).as(there.reason()).isEqualTo(MigrationOutcome.Result.MIGRATED);
        assertThat(there.runsOn()).isEqualTo("host-b");
        MigrationFigures f = there.figures();
        assertThat(f.downtimeNanos()).isPositive();
        assertThat(f.rounds()).isGreaterThanOrEqualTo(1);
        assertThat(f.pagesSent()).isPositive();
        assertThat(f.zeroPages()).as("a 16 MiB counter leaves most pages untouched").isGreaterThan(f.pagesSent());
        assertThat(f.converged()).isTrue();
        assertThat(f.verified()).as("the source's memory matches what the target installed").isTrue();
        a.awaitGone("vm1", WAIT);

        ActorRef<VmCommand> onB = find(b, "vm1");
        assertThat(onB).isNotNull();
        VmStatus status = (VmStatus) b.ask(onB, VmCommand.GetStatus::new);
        assertThat(status.state()).isEqualTo(VmState.RUNNING);
        assertThat(status.epoch()).isEqualTo(started.epoch() + 1);
        Lab.Console after = b.console(onB);
        await().atMost(WAIT).until(() -> after.last() >= before.last() + 5);
        // The console's run moved with it: a stream following from host-a goes on where it stopped.
        Lab.Console followed = b.follow(onB, before);
        await().atMost(WAIT).until(() -> followed.numbers().size() >= 2);
        assertThat(followed.run()).isEqualTo(before.run());
        assertThat(followed.numbers().get(0)).isBetween(before.last() + 1, before.last() + 2);

        MigrationOutcome back = migrate(b, a, "host-a", "vm1");
        assertThat(back.result()).as(back.reason()).isEqualTo(MigrationOutcome.Result.MIGRATED);
        b.awaitGone("vm1", WAIT);
        ActorRef<VmCommand> home = find(a, "vm1");
        Lab.Console again = a.console(home);
        await().atMost(WAIT).until(() -> again.last() >= after.last() + 5);

        // The history moved with the VM: the last host's console holds the numbers in order, none twice, none missing.
        var numbers = again.numbers();
        for (int i = 1; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).as("line %d of %s", i, numbers).isEqualTo(numbers.get(i - 1) + 1);
        }
        assertThat(numbers.get(0)).isLessThanOrEqualTo(before.numbers().get(before.numbers().size() - 1));
        assertThat(((VmStatus) a.ask(home, VmCommand.GetStatus::new)).epoch()).isEqualTo(started.epoch() + 2);
        assertThat(a.ask(home, VmCommand.PowerOff::new)).isInstanceOf(VmReply.Done.class);
    }

    /**
     * {@code disklog} moved in the middle of its journal, with no checkpoint since it booted: its
     * writes live only in the disk's in-memory layer, which must move with it. Its lines depend on
     * everything its disk held, so the journal must go on exactly as the uninterrupted run's.
     */
    @Test
    void aVmWithADiskMovesInTheMiddleOfItsWritesAndItsJournalGoesOnAsTheReferenceRun() throws Exception {
        // 1,000 periods of 10 ms: ten seconds of guest time, far more than the migration takes on a loaded machine.
        String cmdline = "sectors=16 period_ms=10 periods=1000 report=1";
        String reference = new DisklogReference(cmdline).text();
        VmConfig config = new VmConfig("dl", 16, "disklog", DisklogReference.zeroBase(images).toString(), cmdline,
                CpuAllocation.NORMAL, RestartPriority.MEDIUM, List.of());
        HostReply.VmStarted started = a.powerOn(config);
        Lab.Console before = a.console(started.ref());
        await().atMost(WAIT).until(() -> count(before.text(), "disklog ") >= 20);

        MigrationOutcome there = migrate(a, b, "host-b", "dl");
        assertThat(there.result()).as(there.reason()).isEqualTo(MigrationOutcome.Result.MIGRATED);
        assertThat(there.figures().diskSectors()).as("the writes since boot moved with the VM").isPositive();
        a.awaitGone("dl", WAIT);
        Lab.Console after = b.console(find(b, "dl"));
        String lastLine = reference.substring(reference.lastIndexOf("disklog done"));
        await().atMost(Duration.ofMinutes(2)).until(() -> after.text().contains(lastLine));

        // The source's stream is the journal's beginning, the target's (its history moved along) its end, and they meet.
        String begun = before.text();
        String ended = after.text();
        assertThat(reference).startsWith(begun).endsWith(ended);
        assertThat(begun.length() + ended.length()).as("nothing missing between the two").isGreaterThanOrEqualTo(reference.length());
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
