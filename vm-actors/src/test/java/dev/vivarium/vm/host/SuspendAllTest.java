package dev.vivarium.vm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vivarium.vm.Lab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host stopping cleanly: every VM suspended to the datastore, no VM started any more. */
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
}
