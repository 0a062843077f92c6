package dev.vivarium.datastore.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.lease.AcquireResult;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.storage.CorruptFileException;
import dev.vivarium.datastore.storage.DatastoreFullException;
import dev.vivarium.datastore.storage.DiskFullAfter;
import dev.vivarium.datastore.storage.PayloadWriter;
import dev.vivarium.datastore.storage.SealedFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path root;
    @TempDir
    Path holding;

    private Datastore datastore;
    private HostSession a;
    private HostSession b;
    private Lease lease;
    private CheckpointStore store;

    @BeforeEach
    void powerOn() throws IOException {
        datastore = Datastore.open(root, DatastoreSettings.DEFAULTS);
        a = datastore.joinAsHost("esx-a");
        b = datastore.joinAsHost("esx-b");
        lease = ((AcquireResult.Acquired) a.tryAcquire("vm1")).lease();
        store = datastore.vm("vm1").checkpoints();
    }

    @AfterEach
    void stopHosts() {
        a.close();
        b.close();
    }

    @Test
    void theLatestChainIsTheNewestFullCheckpointAndItsIncrements() throws IOException {
        CheckpointInfo f1 = store.writeFull(lease, payload("full 1"));
        CheckpointInfo i2 = store.writeIncremental(lease, f1, payload("incr 2"));
        assertThat(store.latestChain()).containsExactly(f1, i2);

        CheckpointInfo f3 = store.writeFull(lease, payload("full 3"));
        CheckpointInfo i4 = store.writeIncremental(lease, f3, payload("incr 4"));
        CheckpointInfo i5 = store.writeIncremental(lease, i4, payload("incr 5"));
        assertThat(store.latestChain()).containsExactly(f3, i4, i5);
        assertThat(List.of(f1.seq(), i2.seq(), f3.seq(), i4.seq(), i5.seq())).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(i5.parentSeq()).isEqualTo(4);

        try (SealedFile file = store.open(i4)) {
            assertThat(new String(file.readPayload(), StandardCharsets.UTF_8)).isEqualTo("incr 4");
            assertThat(file.header().epoch()).isEqualTo(lease.epoch());
        }
        assertThatThrownBy(() -> store.writeIncremental(lease, i4, payload("fork")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must follow the tip of the latest chain (seq 5), not seq 4");
    }

    @Test
    void retentionRemovesSupersededChainsOnly() throws IOException {
        CheckpointInfo f1 = store.writeFull(lease, payload("f1"));
        CheckpointInfo i2 = store.writeIncremental(lease, f1, payload("i2"));
        CheckpointInfo f3 = store.writeFull(lease, payload("f3"));
        CheckpointInfo i4 = store.writeIncremental(lease, f3, payload("i4"));
        CheckpointInfo f5 = store.writeFull(lease, payload("f5"));
        CheckpointInfo i6 = store.writeIncremental(lease, f5, payload("i6"));

        assertThat(store.prune(lease, new RetentionPolicy(2))).containsExactly(f1, i2);
        assertThat(store.list()).containsExactly(f3, i4, f5, i6);
        assertThat(store.prune(lease, RetentionPolicy.LATEST_ONLY)).containsExactly(f3, i4);
        assertThat(store.prune(lease, RetentionPolicy.LATEST_ONLY)).isEmpty();
        assertThat(store.latestChain()).containsExactly(f5, i6);
        assertThat(fileNames()).hasSize(2);
    }

    @Test
    void aLateWriteOfTheOldOwnerIsIgnoredByReadersAndPruned() throws IOException {
        CheckpointInfo f1 = store.writeFull(lease, payload("f1"));
        CheckpointInfo i2 = store.writeIncremental(lease, f1, payload("i2"));
        CheckpointInfo i3 = store.writeIncremental(lease, i2, payload("i3 written, rename delayed"));
        // Hold back i3 as if the old owner's rename had not landed yet when the VM moved on.
        Path parked = holding.resolve("i3");
        Files.move(i3.file(), parked);

        long epoch = a.handOver(lease, "esx-b");
        Lease next = b.adopt("vm1", epoch);
        Files.move(parked, i3.file()); // the late rename lands after the takeover

        assertThat(store.latestChain()).containsExactly(f1, i2);
        CheckpointInfo i4 = store.writeIncremental(next, i2, payload("i4 by the new owner"));
        assertThat(i4.seq()).isEqualTo(4);
        assertThat(store.latestChain()).containsExactly(f1, i2, i4);

        assertThat(store.prune(next, RetentionPolicy.LATEST_ONLY)).containsExactly(i3);
        assertThat(i3.file()).doesNotExist();
    }

    @Test
    void aCorruptCheckpointIsReportedNotLoaded() throws IOException {
        CheckpointInfo f1 = store.writeFull(lease, payload("the machine state"));
        try (RandomAccessFile raw = new RandomAccessFile(f1.file().toFile(), "rw")) {
            raw.seek(raw.length() - 20);
            raw.write(0x7f);
        }
        assertThatThrownBy(() -> store.open(f1)).isInstanceOf(CorruptFileException.class)
                .hasMessageContaining(f1.file().toString());
    }

    @Test
    void aFullDiskFailsTheCheckpointAndKeepsTheChain() throws IOException {
        CheckpointInfo f1 = store.writeFull(lease, payload("f1"));
        CheckpointStore filling = Datastore.open(root, DatastoreSettings.DEFAULTS, new DiskFullAfter(4096)).vm("vm1").checkpoints();

        assertThatThrownBy(() -> filling.writeIncremental(lease, f1, out -> out.write(new byte[1 << 20])))
                .isInstanceOf(DatastoreFullException.class)
                .hasMessageContaining("No space left on device");
        assertThat(store.latestChain()).containsExactly(f1);
        assertThat(fileNames()).hasSize(1);
    }

    @Test
    void namedSnapshotsCanBeTakenListedRevertedAndDeleted() throws IOException {
        SnapshotStore snapshots = datastore.vm("vm1").snapshots();
        SnapshotInfo clean = snapshots.take(lease, "clean-boot", "right after boot", payload("state at boot"));
        SnapshotInfo patched = snapshots.take(lease, "patched", "", payload("state after patch"));
        assertThat(snapshots.list()).containsExactly(clean, patched);

        try (SealedFile file = snapshots.open(clean)) {
            assertThat(new String(file.readPayload(), StandardCharsets.UTF_8)).isEqualTo("state at boot");
            assertThat(snapshots.metadata(file, clean).description()).isEqualTo("right after boot");
        }
        assertThatThrownBy(() -> snapshots.take(lease, "clean-boot", "again", payload("x")))
                .hasMessageContaining("already has a snapshot named 'clean-boot'");
        assertThatThrownBy(() -> snapshots.take(lease, "no spaces", "", payload("x")))
                .hasMessageContaining("snapshot name 'no spaces' is invalid");

        snapshots.delete(lease, "clean-boot");
        assertThat(snapshots.list()).containsExactly(patched);
        assertThatThrownBy(() -> snapshots.delete(lease, "clean-boot")).hasMessageContaining("has no snapshot named 'clean-boot'");
        // Snapshots and checkpoints share the VM's sequence.
        assertThat(store.writeFull(lease, payload("f")).seq()).isEqualTo(3);
    }

    private List<String> fileNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.resolve("vms/vm1/checkpoints"))) {
            files.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    private static PayloadWriter payload(String text) {
        return PayloadWriter.of(text.getBytes(StandardCharsets.UTF_8));
    }
}
