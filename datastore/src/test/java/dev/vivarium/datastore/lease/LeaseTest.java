package dev.vivarium.datastore.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.checkpoint.CheckpointInfo;
import dev.vivarium.datastore.checkpoint.CheckpointStore;
import dev.vivarium.datastore.storage.FileCreator;
import dev.vivarium.datastore.storage.PayloadWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leases between hosts that live in one JVM (each with its own heartbeat); the process tests are separate. */
class LeaseTest {
    static final DatastoreSettings FAST =
            new DatastoreSettings(Duration.ofMillis(100), Duration.ofMillis(1500), Duration.ofMillis(500));

    @TempDir
    Path root;

    private final List<HostSession> sessions = new ArrayList<>();

    @AfterEach
    void closeSessions() {
        sessions.forEach(HostSession::close);
    }

    private HostSession join(String host, FileCreator creator) throws IOException {
        HostSession session = Datastore.open(root, FAST, creator).joinAsHost(host);
        sessions.add(session);
        return session;
    }

    private HostSession join(String host) throws IOException {
        return join(host, FileCreator.LOCAL);
    }

    private CheckpointStore store() throws IOException {
        return Datastore.open(root, FAST).vm("vm1").checkpoints();
    }

    private static Lease acquired(AcquireResult result) {
        assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
        return ((AcquireResult.Acquired) result).lease();
    }

    @Test
    void theFirstTakerGetsEpochOneAndOthersFindItHeld() throws IOException {
        HostSession a = join("esx-a");
        HostSession b = join("esx-b");

        Lease lease = acquired(a.tryAcquire("vm1"));
        assertThat(lease.epoch()).isEqualTo(1);
        assertThat(lease.stillValid()).isTrue();

        AcquireResult other = b.tryAcquire("vm1");
        assertThat(other).isInstanceOf(AcquireResult.Held.class);
        assertThat(((AcquireResult.Held) other).current().owner()).isEqualTo("esx-a");
        assertThat(Datastore.open(root, FAST).vm("vm1").currentLease()).hasValueSatisfying(r -> {
            assertThat(r.epoch()).isEqualTo(1);
            assertThat(r.owner()).isEqualTo("esx-a");
        });
    }

    @Test
    void aLiveOwnersLeaseIsNotTakenHoweverLongOthersWait() throws IOException {
        HostSession a = join("esx-a");
        HostSession b = join("esx-b");
        acquired(a.tryAcquire("vm1"));

        // Wait for more than a lease time's worth of A's heartbeats while B keeps trying.
        long target = a.heartbeatCounter() + FAST.leaseTime().dividedBy(FAST.heartbeatPeriod()) + 2;
        List<AcquireResult> attempts = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            attempts.add(b.tryAcquire("vm1"));
            return a.heartbeatCounter() >= target;
        });
        assertThat(attempts).isNotEmpty().allSatisfy(r -> assertThat(r).isInstanceOf(AcquireResult.Held.class));
    }

    @Test
    void aSilentOwnersLeaseIsTakenOnlyAfterTheLeaseTime() throws IOException {
        HostSession a = join("esx-a");
        HostSession b = join("esx-b");
        Lease old = acquired(a.tryAcquire("vm1"));
        CheckpointInfo full = store().writeFull(old, PayloadWriter.of(new byte[]{1, 2, 3}));

        a.close(); // A's heartbeat stops, as if the host died
        long stoppedAt = System.nanoTime();
        AtomicReference<Lease> taken = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            AcquireResult result = b.tryAcquire("vm1");
            if (result instanceof AcquireResult.Acquired acquired) {
                taken.set(acquired.lease());
            }
            return taken.get() != null;
        });
        Duration waited = Duration.ofNanos(System.nanoTime() - stoppedAt);

        assertThat(waited).isGreaterThanOrEqualTo(FAST.leaseTime());
        assertThat(taken.get().epoch()).isEqualTo(2);
        // What A wrote before the takeover stays the VM's history for B to restore from.
        assertThat(store().latestChain()).containsExactly(full);
        assertThatThrownBy(old::check).isInstanceOf(FencedException.class);
        assertThatThrownBy(() -> store().writeFull(old, PayloadWriter.of(new byte[]{9}))).isInstanceOf(FencedException.class);
    }

    @Test
    void aWriteWithAStaleEpochIsRefusedAndLeavesNoFile() throws IOException {
        HostSession a = join("esx-a");
        HostSession b = join("esx-b");
        Lease old = acquired(a.tryAcquire("vm1"));
        CheckpointStore store = store();
        CheckpointInfo first = store.writeFull(old, PayloadWriter.of(new byte[]{1}));

        long epoch = a.handOver(old, "esx-b");
        Lease adopted = b.adopt("vm1", epoch);
        assertThat(adopted.epoch()).isEqualTo(2);

        // A's host is healthy (its own check passes); only the datastore's newer epoch refuses it.
        old.check();
        assertThat(old.stillValid()).isFalse();
        assertThatThrownBy(() -> store.writeFull(old, PayloadWriter.of(new byte[]{2})))
                .isInstanceOf(StaleEpochException.class)
                .hasMessageContaining("holds epoch 1 but the datastore shows epoch 2 held by esx-b");
        try (var files = Files.list(root.resolve("vms/vm1/checkpoints"))) {
            assertThat(files).hasSize(1);
        }
        CheckpointInfo next = store.writeIncremental(adopted, first, PayloadWriter.of(new byte[]{3}));
        assertThat(store.latestChain()).containsExactly(first, next);
        assertThatThrownBy(() -> b.adopt("vm1", 1)).isInstanceOf(StaleEpochException.class);
    }

    @Test
    void acquireWaitsUntilItsTimeoutAndTakesAFreeVmAtOnce() throws IOException {
        HostSession a = join("esx-a");
        HostSession b = join("esx-b");
        Lease lease = a.acquire("vm1", Duration.ofSeconds(5));

        assertThatThrownBy(() -> b.acquire("vm1", Duration.ofMillis(300)))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("VM vm1: lease not acquired within PT0.3S")
                .hasMessageContaining("held by esx-a at epoch 1");
        a.release(lease);
        assertThat(b.acquire("vm1", Duration.ofSeconds(5)).epoch()).isEqualTo(3);
    }

    @Test
    void aFailingFenceListenerDoesNotKeepTheOthersFromRunning() throws IOException {
        HostSession a = join("esx-a");
        AtomicBoolean secondCalled = new AtomicBoolean();
        a.onFenced((host, why) -> {
            throw new IllegalStateException("listener bug");
        });
        a.onFenced((host, why) -> secondCalled.set(true));
        Lease lease = acquired(a.tryAcquire("vm1"));
        a.close(); // renewals stop; the watchdog is closed too, so the runner's check notices

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                lease.check();
                return false;
            } catch (FencedException fenced) {
                return true;
            }
        });
        assertThat(secondCalled).isTrue();
    }

    @Test
    void aReleasedVmIsFreeAtOnce() throws IOException {
        HostSession a = join("esx-a");
        HostSession b = join("esx-b");
        Lease lease = acquired(a.tryAcquire("vm1"));
        a.release(lease);

        assertThat(lease.stillValid()).isFalse();
        assertThat(Datastore.open(root, FAST).vm("vm1").currentLease()).hasValueSatisfying(r -> assertThat(r.isHeld()).isFalse());
        assertThat(acquired(b.tryAcquire("vm1")).epoch()).isEqualTo(3);
    }

    @Test
    void aHostThatCannotRenewFencesItselfBeforeAnotherHostTakesOver() throws IOException {
        AtomicBoolean storageBroken = new AtomicBoolean();
        FileCreator flaky = path -> {
            if (storageBroken.get()) {
                throw new IOException("Input/output error");
            }
            return FileCreator.LOCAL.createNew(path);
        };
        HostSession a = join("esx-a", flaky);
        HostSession b = join("esx-b");
        AtomicLong fencedAt = new AtomicLong();
        AtomicReference<String> reason = new AtomicReference<>();
        a.onFenced((host, why) -> {
            reason.set(why);
            fencedAt.set(System.nanoTime());
        });
        Lease lease = acquired(a.tryAcquire("vm1"));

        storageBroken.set(true);
        AtomicLong takenAt = new AtomicLong();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (b.tryAcquire("vm1") instanceof AcquireResult.Acquired) {
                takenAt.set(System.nanoTime());
            }
            return takenAt.get() != 0;
        });

        assertThat(fencedAt.get()).isNotZero().isLessThan(takenAt.get());
        assertThat(reason.get()).contains("heartbeat not renewed", "Input/output error");
        assertThatThrownBy(lease::check).isInstanceOf(FencedException.class);
        assertThatThrownBy(() -> a.tryAcquire("vm2")).isInstanceOf(FencedException.class);

        // Once storage is back the host may take leases again, but the old one stays dead.
        storageBroken.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.tryAcquire("vm2") instanceof AcquireResult.Acquired);
        assertThatThrownBy(lease::check).isInstanceOf(FencedException.class);
    }
}
