package dev.vivarium.datastore.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.checkpoint.CheckpointInfo;
import dev.vivarium.datastore.lease.HeartbeatRecord;
import dev.vivarium.datastore.lease.LeaseRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases between real host processes sharing one datastore directory. */
class MultiProcessLeaseTest {
    // Short enough to keep the failover tests quick, long enough that a host stalled for a
    // second by a busy machine (six JVMs starting on two cores) does not fence itself.
    private static final long HEARTBEAT_MS = 250;
    private static final long LEASE_MS = 2500;
    private static final long MARGIN_MS = 500;
    /** The race needs no expiry at all, so its hosts get timers that no stall reaches. */
    private static final DatastoreSettings RACE =
            new DatastoreSettings(Duration.ofMillis(500), Duration.ofSeconds(20), Duration.ofSeconds(5));
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration WITHIN = Duration.ofSeconds(15);
    private static final String VM = "vm1";

    @TempDir
    Path root;
    @TempDir
    Path logs;

    private final List<JavaProcess> processes = new ArrayList<>();
    private Datastore datastore;
    private DatastoreSettings settings =
            new DatastoreSettings(Duration.ofMillis(HEARTBEAT_MS), Duration.ofMillis(LEASE_MS), Duration.ofMillis(MARGIN_MS));

    @BeforeEach
    void openDatastore() throws IOException {
        datastore = Datastore.open(root, settings);
    }

    @AfterEach
    void killProcesses() {
        for (JavaProcess process : processes) {
            process.close();
        }
    }

    private JavaProcess host(String name) throws IOException {
        JavaProcess process = JavaProcess.start(name, LeaseContender.class, logs, root.toString(), name, VM,
                Long.toString(settings.heartbeatPeriod().toMillis()), Long.toString(settings.leaseTime().toMillis()),
                Long.toString(settings.fenceMargin().toMillis()));
        processes.add(process);
        return process;
    }

    private List<JavaProcess> readyHosts(String... names) throws IOException {
        List<JavaProcess> hosts = new ArrayList<>();
        for (String name : names) {
            hosts.add(host(name));
        }
        hosts.forEach(h -> h.awaitNext(STARTUP, "READY"));
        return hosts;
    }

    @Test
    void racingHostsGetExactlyOneOwner() throws IOException {
        settings = RACE;
        List<JavaProcess> hosts = readyHosts("esx-0", "esx-1", "esx-2", "esx-3", "esx-4", "esx-5");

        JavaProcess winner = race(hosts, 1);
        assertThat(datastore.vm(VM).currentLease()).map(LeaseRecord::owner).hasValue(winner.name());

        // The winner powers the VM off; the rest race again for the free lease.
        winner.ask("release", WITHIN, "RELEASED");
        List<JavaProcess> rest = new ArrayList<>(hosts);
        rest.remove(winner);
        JavaProcess second = race(rest, 3);
        assertThat(datastore.vm(VM).currentLease()).map(LeaseRecord::owner).hasValue(second.name());
    }

    /** All hosts try at once; exactly one gets {@code epoch}, the others see it held or lose the race. */
    private JavaProcess race(List<JavaProcess> hosts, long epoch) throws IOException {
        for (JavaProcess host : hosts) {
            host.send("acquire-once");
        }
        List<JavaProcess> winners = new ArrayList<>();
        for (JavaProcess host : hosts) {
            String answer = host.awaitNext(WITHIN, "ACQUIRED", "HELD", "LOST", "LEASE_LOST").text();
            if (answer.startsWith("ACQUIRED")) {
                assertThat(answer).startsWith("ACQUIRED " + epoch + " ");
                winners.add(host);
            } else {
                assertThat(answer).matches("HELD esx-\\d|LOST " + epoch);
            }
        }
        assertThat(winners).as("owners of epoch %d among %s", epoch, hosts).hasSize(1);
        return winners.get(0);
    }

    @Test
    void aKilledOwnersLeaseIsTakenOverOnlyAfterItExpires() throws Exception {
        JavaProcess a = owner();
        JavaProcess b = rivalWaitingFor(a);

        // While A lives, B waits however long: here, more than a lease time of A's heartbeats.
        long start = heartbeat("esx-a").counter();
        await().atMost(WITHIN).until(() -> heartbeat("esx-a").counter() >= start + LEASE_MS / HEARTBEAT_MS + 2);
        assertThat(b.find("ACQUIRED")).as("%s", b).isEmpty();

        a.killHard();
        HeartbeatRecord last = heartbeat("esx-a");
        String taken = b.awaitNext(WITHIN, "ACQUIRED").text();

        assertThat(taken).startsWith("ACQUIRED 2 ");
        assertThat(acquiredAtMillis(taken)).as("takeover time vs A's last heartbeat")
                .isGreaterThanOrEqualTo(last.wallMillis() + LEASE_MS);
        assertThat(datastore.vm(VM).currentLease()).map(LeaseRecord::owner).hasValue("esx-b");
    }

    @Test
    void aFrozenOwnerWakesToFindItsLeaseGoneAndItsWritesRefused() throws Exception {
        JavaProcess a = owner();
        a.ask("write", WITHIN, "WROTE 1");
        a.ask("run", WITHIN, "RUNNING");
        JavaProcess b = rivalWaitingFor(a);

        a.signal("STOP");
        String taken = b.awaitNext(WITHIN, "ACQUIRED").text();
        assertThat(taken).startsWith("ACQUIRED 2 ");
        assertThat(acquiredAtMillis(taken)).isGreaterThanOrEqualTo(heartbeat("esx-a").wallMillis() + LEASE_MS);
        b.ask("write", WITHIN, "WROTE 2");
        a.signal("CONT");

        // The runner's next check fails: no time slice ran across the freeze.
        String stopped = a.awaitNext(WITHIN, "RUNNER_STOPPED").text();
        long maxGapMs = Long.parseLong(stopped.replaceAll(".* maxGapMs=(\\d+) .*", "$1"));
        assertThat(maxGapMs).as(stopped).isLessThan(LEASE_MS - MARGIN_MS);
        assertThat(a.find("SELF_FENCED")).as("%s", a).isPresent();
        assertThat(a.ask("valid", WITHIN, "VALID")).isEqualTo("VALID false");
        assertThat(a.ask("lease", WITHIN, "LEASE")).isEqualTo("LEASE epoch=2 owner=esx-b");
        assertThat(a.ask("write", WITHIN, "REFUSED", "WROTE")).startsWith("REFUSED FencedException");

        List<CheckpointInfo> chain = datastore.vm(VM).checkpoints().latestChain();
        assertThat(chain).extracting(CheckpointInfo::seq, CheckpointInfo::epoch).containsExactly(tuple(2L, 2L));
        try (Stream<Path> files = Files.list(root.resolve("vms").resolve(VM).resolve("checkpoints"))) {
            assertThat(files).hasSize(2);
        }
    }

    /** Host esx-a, holding the VM's lease at epoch 1. */
    private JavaProcess owner() throws IOException {
        JavaProcess a = readyHosts("esx-a").get(0);
        a.ask("acquire-once", WITHIN, "ACQUIRED 1 ");
        return a;
    }

    /** Host esx-b, trying to take the lease until it gets it. */
    private JavaProcess rivalWaitingFor(JavaProcess owner) throws IOException {
        JavaProcess b = readyHosts("esx-b").get(0);
        b.ask("acquire-wait", WITHIN, "HELD " + owner.name());
        return b;
    }

    private HeartbeatRecord heartbeat(String host) throws IOException {
        return datastore.heartbeats().read(host).orElseThrow();
    }

    private static long acquiredAtMillis(String line) {
        return Long.parseLong(line.replaceAll(".*atMillis=(\\d+).*", "$1"));
    }
}
