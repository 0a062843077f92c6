package dev.vivarium.datastore.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.checkpoint.CheckpointStore;
import dev.vivarium.datastore.storage.PayloadWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A migration's lease hand-over in two steps: written and fsynced before the guest pauses,
 * published by one link(2) in the switch-over. Until then nothing changes for any reader.
 */
class PreparedHandOverTest {

    @TempDir
    Path root;

    private final List<HostSession> sessions = new ArrayList<>();

    @AfterEach
    void closeSessions() {
        sessions.forEach(HostSession::close);
    }

    private HostSession join(String host) throws IOException {
        HostSession session = Datastore.open(root, LeaseTest.FAST).joinAsHost(host);
        sessions.add(session);
        return session;
    }

    private LeaseRecord current() throws IOException {
        return Datastore.open(root, LeaseTest.FAST).vm("vm1").currentLease().orElseThrow();
    }

    private List<String> leaseDirectory() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("vms/vm1/lease"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aPreparedHandOverChangesNothingUntilCommittedAndThenPassesTheVm() throws IOException {
        HostSession a = join("esx-a");
        HostSession b = join("esx-b");
        Lease lease = a.acquire("vm1", Duration.ofSeconds(5));
        Lease pending = b.pendingHandOver("vm1", 2);

        PreparedHandOver handOver = a.prepareHandOver(lease, "esx-b");
        assertThat(handOver.epoch()).isEqualTo(2);
        assertThat(current().epoch()).as("a reader still sees the source's epoch").isEqualTo(1);
        assertThat(lease.stillValid()).isTrue();
        assertThatThrownBy(pending::checkWritable).as("the target may not write yet").isInstanceOf(StaleEpochException.class);
        assertThat(leaseDirectory()).as("the prepared file waits under a temporary name")
                .anySatisfy(name -> assertThat(name).startsWith(".").contains(".tmp-"));

        handOver.commit();
        handOver.makeDurable();
        assertThat(handOver.committed()).isTrue();
        assertThat(current()).satisfies(r -> {
            assertThat(r.epoch()).isEqualTo(2);
            assertThat(r.owner()).isEqualTo("esx-b");
        });
        pending.checkWritable();
        assertThat(lease.stillValid()).as("the source's lease is dead").isFalse();
        CheckpointStore store = Datastore.open(root, LeaseTest.FAST).vm("vm1").checkpoints();
        assertThatThrownBy(() -> store.writeFull(lease, PayloadWriter.of(new byte[]{1}))).isInstanceOf(StaleEpochException.class);
        store.writeFull(pending, PayloadWriter.of(new byte[]{2}));
        assertThat(leaseDirectory()).as("no temporary file is left").noneMatch(name -> name.startsWith("."));
        handOver.close(); // after a commit: nothing to withdraw
        assertThat(current().epoch()).isEqualTo(2);
    }

    @Test
    void theTargetCommitsAPreparedHandOverItselfByOneLink() throws IOException {
        HostSession a = join("esx-a");
        HostSession b = join("esx-b");
        HostSession c = join("esx-c");
        Lease lease = a.acquire("vm1", Duration.ofSeconds(5));
        PreparedHandOver handOver = a.prepareHandOver(lease, "esx-b");
        String name = handOver.temporaryName();
        b.checkPreparedHandOver("vm1", 2, name);
        assertThatThrownBy(() -> c.checkPreparedHandOver("vm1", 2, name)).as("it names esx-b, not esx-c")
                .isInstanceOf(StaleEpochException.class);
        assertThatThrownBy(() -> b.checkPreparedHandOver("vm1", 3, name)).as("a prepared file of epoch 2 is no file of 3")
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> b.checkPreparedHandOver("vm1", 2, "../../../etc/passwd")).isInstanceOf(IOException.class);

        assertThat(b.publishPreparedHandOver("vm1", 2, name)).isTrue();
        b.syncLeases("vm1");
        assertThat(current().owner()).isEqualTo("esx-b");
        b.pendingHandOver("vm1", 2).checkWritable();
        assertThat(lease.stillValid()).isFalse();
        assertThat(a.reclaim(lease)).as("too late for the source to take the VM back").isEmpty();
        handOver.close(); // the source removes its temporary name afterwards
        assertThat(leaseDirectory()).containsExactly("0000000000000000001.lease", "0000000000000000002.lease");
    }

    @Test
    void aSourceThatReclaimsFirstKeepsTheVmAndTheTargetsLinkFails() throws IOException {
        HostSession a = join("esx-a");
        HostSession b = join("esx-b");
        Lease lease = a.acquire("vm1", Duration.ofSeconds(5));
        PreparedHandOver handOver = a.prepareHandOver(lease, "esx-b");
        Lease kept = a.reclaim(lease).orElseThrow();
        assertThat(kept.epoch()).isEqualTo(2);
        kept.checkWritable();
        assertThat(b.publishPreparedHandOver("vm1", 2, handOver.temporaryName())).isFalse();
        assertThat(current().owner()).isEqualTo("esx-a");
        handOver.close();
        assertThat(leaseDirectory()).noneMatch(name -> name.startsWith("."));
    }

    @Test
    void aWithdrawnHandOverLeavesTheLeaseAndNoFile() throws IOException {
        HostSession a = join("esx-a");
        Lease lease = a.acquire("vm1", Duration.ofSeconds(5));
        PreparedHandOver handOver = a.prepareHandOver(lease, "esx-b");
        handOver.close();
        assertThat(handOver.committed()).isFalse();
        assertThat(current().epoch()).isEqualTo(1);
        assertThat(lease.stillValid()).isTrue();
        assertThat(leaseDirectory()).containsExactly("0000000000000000001.lease");
    }

    @Test
    void aHandOverWhoseEpochWasTakenMeanwhileIsRefusedByTheLink() throws IOException {
        HostSession a = join("esx-a");
        HostSession c = join("esx-c");
        Lease lease = a.acquire("vm1", Duration.ofSeconds(5));
        PreparedHandOver handOver = a.prepareHandOver(lease, "esx-b");
        a.release(lease); // epoch 2 now exists (free), and esx-c takes epoch 3
        assertThat(c.tryAcquire("vm1")).isInstanceOf(AcquireResult.Acquired.class);
        assertThatThrownBy(handOver::commit).isInstanceOf(StaleEpochException.class).hasMessageContaining("epoch 2 was taken");
        assertThat(current().owner()).isEqualTo("esx-c");
        assertThat(leaseDirectory()).noneMatch(name -> name.startsWith("."));
    }

    @Test
    void aHandOverOfASilentSourceWhoseVmWasTakenIsRefused() throws IOException {
        HostSession a = join("esx-a");
        HostSession c = join("esx-c");
        Lease lease = a.acquire("vm1", Duration.ofSeconds(5));
        PreparedHandOver handOver = a.prepareHandOver(lease, "esx-b");
        a.close(); // the source falls silent: another host takes the VM once the lease time has passed
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> c.tryAcquire("vm1") instanceof AcquireResult.Acquired);
        assertThatThrownBy(handOver::commit).isInstanceOf(LeaseLostException.class);
        assertThat(current().owner()).isEqualTo("esx-c");
        assertThat(leaseDirectory()).noneMatch(name -> name.startsWith("."));
    }

    @Test
    void aFencedSourceCannotHandOver() throws IOException {
        HostSession a = join("esx-a");
        Lease lease = a.acquire("vm1", Duration.ofSeconds(5));
        PreparedHandOver handOver = a.prepareHandOver(lease, "esx-b");
        a.close(); // no renewal any more: the source fences itself after leaseTime - fenceMargin
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                lease.check();
                return false;
            } catch (FencedException fenced) {
                return true;
            }
        });
        assertThatThrownBy(handOver::commit).isInstanceOf(FencedException.class);
        assertThat(current().epoch()).isEqualTo(1);
        assertThat(leaseDirectory()).containsExactly("0000000000000000001.lease");
    }
}
