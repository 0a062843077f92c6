package dev.vivarium.datastore.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.lease.AcquireResult;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.storage.CorruptFileException;
import dev.vivarium.datastore.storage.PayloadWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk overlays beside checkpoints and snapshots. The datastore does not read overlays, so the
 * overlays here are a small text format of their own ("sector=content" lines) with a real
 * merge (newest wins), which lets the test read back the disk each chain stands for.
 */
class OverlayStoreTest {
    @TempDir
    Path root;
    @TempDir
    Path holding;

    private Datastore datastore;
    private HostSession a;
    private HostSession b;
    private Lease lease;
    private CheckpointStore checkpoints;
    private SnapshotStore snapshots;
    private OverlayStore overlays;

    @BeforeEach
    void powerOn() throws IOException {
        datastore = Datastore.open(root, DatastoreSettings.DEFAULTS);
        a = datastore.joinAsHost("esx-a");
        b = datastore.joinAsHost("esx-b");
        lease = ((AcquireResult.Acquired) a.tryAcquire("vm1")).lease();
        checkpoints = datastore.vm("vm1").checkpoints();
        snapshots = datastore.vm("vm1").snapshots();
        overlays = datastore.vm("vm1").overlays();
    }

    @AfterEach
    void stopHosts() {
        a.close();
        b.close();
    }

    @Test
    void aCheckpointStoresItsOverlayUnderItsOwnNumberAndItsDiskIsTheChain() throws IOException {
        CheckpointInfo f1 = checkpoints.writeFull(lease, payload("m1"), disk(0, "0=a 1=b"));
        CheckpointInfo i2 = checkpoints.writeIncremental(lease, f1, payload("m2"), disk(f1.seq(), "1=c"));
        CheckpointInfo i3 = checkpoints.writeIncremental(lease, i2, payload("m3"), disk(i2.seq(), "2=d"));

        assertThat(overlays.chain(i3.seq())).extracting(OverlayInfo::seq).containsExactly(1L, 2L, 3L);
        assertThat(diskOf(i2.seq())).isEqualTo(Map.of(0L, "a", 1L, "c"));
        assertThat(diskOf(i3.seq())).isEqualTo(Map.of(0L, "a", 1L, "c", 2L, "d"));
        assertThat(overlays.chain(0)).as("the bare base image").isEmpty();
    }

    @Test
    void retentionFoldsOlderOverlaysIntoOneAndKeepsEveryRestorePointExact() throws IOException {
        CheckpointInfo tip = null;
        for (int n = 1; n <= 6; n++) {
            String writes = n + "=w" + n + " 0=v" + n;
            tip = n % 3 == 1 ? checkpoints.writeFull(lease, payload("m" + n), disk(n - 1, writes))
                    : checkpoints.writeIncremental(lease, tip, payload("m" + n), disk(n - 1, writes));
        }
        Map<Long, String> diskAt5 = diskOf(5);
        Map<Long, String> diskAt6 = diskOf(6);

        checkpoints.prune(lease, RetentionPolicy.LATEST_ONLY, OverlayStoreTest::merge); // keeps 4, 5, 6

        assertThat(overlays.chain(4)).as("1..4 folded into one file stamped 4, on the base")
                .singleElement().satisfies(o -> assertThat(o.parentSeq()).isZero());
        assertThat(overlays.list()).extracting(OverlayInfo::seq).containsExactly(4L, 5L, 6L);
        assertThat(diskOf(4)).isEqualTo(Map.of(0L, "v4", 1L, "w1", 2L, "w2", 3L, "w3", 4L, "w4"));
        assertThat(diskOf(5)).isEqualTo(diskAt5);
        assertThat(diskOf(6)).isEqualTo(diskAt6);
        assertThat(overlayFiles()).hasSize(3);

        // Next round: the folded file is folded again with what came after it.
        CheckpointInfo f7 = checkpoints.writeFull(lease, payload("m7"), disk(6, "7=w7"));
        checkpoints.prune(lease, RetentionPolicy.LATEST_ONLY, OverlayStoreTest::merge);
        assertThat(overlays.list()).extracting(OverlayInfo::seq).containsExactly(7L);
        Map<Long, String> expected = new TreeMap<>(diskAt6);
        expected.put(7L, "w7");
        assertThat(diskOf(f7.seq())).isEqualTo(expected);
    }

    @Test
    void smallOverlaysOnABigFoldedOneWaitUntilFoldingIsWorthIt() throws IOException {
        StringBuilder big = new StringBuilder("0=big");
        for (int lba = 1; lba < 200; lba++) {
            big.append(' ').append(lba).append("=big");
        }
        CheckpointInfo tip = checkpoints.writeFull(lease, payload("m1"), disk(0, big.toString()));
        for (int n = 2; n <= OverlayStore.MAX_UNFOLDED; n++) {
            tip = checkpoints.writeFull(lease, payload("m" + n), disk(n - 1, n + "=s" + n));
            checkpoints.prune(lease, RetentionPolicy.LATEST_ONLY, OverlayStoreTest::merge);
            assertThat(overlays.chain(tip.seq())).as("not worth rewriting the big one yet").hasSize(n);
        }
        Map<Long, String> before = diskOf(tip.seq());
        tip = checkpoints.writeFull(lease, payload("last"), disk(tip.seq(), "0=new"));
        checkpoints.prune(lease, RetentionPolicy.LATEST_ONLY, OverlayStoreTest::merge);
        assertThat(overlays.chain(tip.seq())).as("folded once the small ones are many").hasSize(1);
        assertThat(overlays.list()).hasSize(1);
        Map<Long, String> expected = new TreeMap<>(before);
        expected.put(0L, "new");
        assertThat(diskOf(tip.seq())).isEqualTo(expected);
    }

    @Test
    void aSnapshotPinsTheOverlaysOfItsInstant() throws IOException {
        CheckpointInfo f1 = checkpoints.writeFull(lease, payload("m1"), disk(0, "0=a"));
        SnapshotInfo snap = snapshots.take(lease, "before-upgrade", "", payload("s2"), disk(f1.seq(), "1=b"));
        CheckpointInfo f3 = checkpoints.writeFull(lease, payload("m3"), disk(snap.seq(), "0=c"));
        CheckpointInfo i4 = checkpoints.writeIncremental(lease, f3, payload("m4"), disk(f3.seq(), "2=d"));
        CheckpointInfo f5 = checkpoints.writeFull(lease, payload("m5"), disk(i4.seq(), "3=e"));

        checkpoints.prune(lease, RetentionPolicy.LATEST_ONLY, OverlayStoreTest::merge);

        assertThat(diskOf(snap.seq())).isEqualTo(Map.of(0L, "a", 1L, "b"));
        assertThat(diskOf(f5.seq())).isEqualTo(Map.of(0L, "c", 1L, "b", 2L, "d", 3L, "e"));
        assertThat(overlays.list()).extracting(OverlayInfo::seq).as("1 and 2 pinned by the snapshot, 5 folded")
                .containsExactly(1L, 2L, 5L);

        snapshots.delete(lease, "before-upgrade");
        CheckpointInfo f6 = checkpoints.writeFull(lease, payload("m6"), disk(f5.seq(), "4=f"));
        checkpoints.prune(lease, RetentionPolicy.LATEST_ONLY, OverlayStoreTest::merge);
        assertThat(overlays.list()).extracting(OverlayInfo::seq)
                .as("unpinned overlays go; 6 is small beside the folded 5, so it stays on it").containsExactly(5L, 6L);
        assertThat(diskOf(f6.seq())).isEqualTo(Map.of(0L, "c", 1L, "b", 2L, "d", 3L, "e", 4L, "f"));
    }

    @Test
    void anOverlayWrittenLateByAFencedOwnerIsIgnoredAndPruned() throws IOException {
        CheckpointInfo f1 = checkpoints.writeFull(lease, payload("m1"), disk(0, "0=a"));
        CheckpointInfo i2 = checkpoints.writeIncremental(lease, f1, payload("m2"), disk(1, "0=b"));
        // The old owner's overlay 3 lands after the takeover (its checkpoint never does).
        OverlayInfo late = overlays.write(lease, new DiskOverlay(2, file -> Files.writeString(file, "0=LATE")));
        Path parked = holding.resolve("late");
        Files.move(late.file(), parked);
        long epoch = a.handOver(lease, "esx-b");
        Lease next = b.adopt("vm1", epoch);
        Files.move(parked, late.file());

        assertThat(overlays.list()).extracting(OverlayInfo::seq).containsExactly(1L, 2L);
        assertThat(overlays.latest()).get().extracting(OverlayInfo::seq).isEqualTo(2L);
        CheckpointInfo i4 = checkpoints.writeIncremental(next, i2, payload("m4"), disk(i2.seq(), "1=c"));
        assertThat(i4.seq()).as("numbers continue above the late overlay").isEqualTo(4);
        assertThat(diskOf(i4.seq())).isEqualTo(Map.of(0L, "b", 1L, "c"));

        checkpoints.prune(next, RetentionPolicy.LATEST_ONLY, OverlayStoreTest::merge);
        assertThat(late.file()).doesNotExist();
        assertThat(diskOf(i4.seq())).isEqualTo(Map.of(0L, "b", 1L, "c"));
    }

    @Test
    void aPowerOffOverlayIsTheDiskTheNextBootStartsWith() throws IOException {
        CheckpointInfo f1 = checkpoints.writeFull(lease, payload("m1"), disk(0, "0=a"));
        OverlayInfo off = overlays.write(lease, disk(f1.seq(), "1=b"));
        Files.delete(f1.file()); // a power off discards the running state
        overlays.retain(lease, off.seq(), List.of(), OverlayStoreTest::merge);

        assertThat(overlays.latest()).get().isEqualTo(overlays.chain(off.seq()).get(0));
        assertThat(overlays.list()).singleElement().satisfies(o -> assertThat(o.parentSeq()).isZero());
        assertThat(diskOf(off.seq())).isEqualTo(Map.of(0L, "a", 1L, "b"));
    }

    @Test
    void aMissingLinkIsReportedNotPapered() throws IOException {
        CheckpointInfo f1 = checkpoints.writeFull(lease, payload("m1"), disk(0, "0=a"));
        CheckpointInfo i2 = checkpoints.writeIncremental(lease, f1, payload("m2"), disk(1, "0=b"));
        Files.delete(overlays.chain(1).get(0).file());
        assertThatThrownBy(() -> overlays.chain(i2.seq())).isInstanceOf(CorruptFileException.class)
                .hasMessageContaining("checkpoint 2 needs overlay 1, which is missing");
        assertThatThrownBy(() -> overlays.chain(7)).isInstanceOf(CorruptFileException.class)
                .hasMessageContaining("checkpoint 7 has no overlay");
    }

    // ---- the test's overlay format: "sector=content" separated by spaces ----

    private static DiskOverlay disk(long parent, String writes) {
        return new DiskOverlay(parent, file -> Files.writeString(file, writes));
    }

    private Map<Long, String> diskOf(long seq) throws IOException {
        Map<Long, String> disk = new TreeMap<>();
        for (OverlayInfo o : overlays.chain(seq)) {
            disk.putAll(parse(o.file()));
        }
        return disk;
    }

    private static void merge(List<Path> oldestFirst, Path target) throws IOException {
        Map<Long, String> disk = new TreeMap<>();
        for (Path p : oldestFirst) {
            disk.putAll(parse(p));
        }
        StringBuilder out = new StringBuilder();
        disk.forEach((k, v) -> out.append(out.length() == 0 ? "" : " ").append(k).append('=').append(v));
        Files.writeString(target, out);
    }

    private static Map<Long, String> parse(Path file) throws IOException {
        Map<Long, String> sectors = new TreeMap<>();
        for (String entry : Files.readString(file).split(" ")) {
            String[] kv = entry.split("=");
            sectors.put(Long.parseLong(kv[0]), kv[1]);
        }
        return sectors;
    }

    private List<Path> overlayFiles() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("vms/vm1/disk"))) {
            return files.toList();
        }
    }

    private static PayloadWriter payload(String text) {
        return PayloadWriter.of(text.getBytes(StandardCharsets.UTF_8));
    }
}
