package dev.vivarium.datastore.checkpoint;

import dev.vivarium.datastore.Names;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.lease.LeaseFiles;
import dev.vivarium.datastore.storage.AtomicFiles;
import dev.vivarium.datastore.storage.CorruptFileException;
import dev.vivarium.datastore.storage.FileKind;
import dev.vivarium.datastore.storage.PayloadWriter;
import dev.vivarium.datastore.storage.SealedFile;
import dev.vivarium.datastore.storage.SealedHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A VM's named snapshots in {@code snapshots/<name>@<seq>-e<epoch>.snap}: whole-machine blobs
 * the emulator writes and reads back on revert. They share the VM's sequence with its
 * checkpoints, so the same lease cutoffs keep a fenced owner's late snapshot out.
 */
public final class SnapshotStore {
    private final String vm;
    private final Path directory;
    private final LeaseFiles leases;
    private final AtomicFiles files;
    private final VmSequence sequence;
    private final OverlayStore overlays;

    public SnapshotStore(String vm, Path directory, LeaseFiles leases, AtomicFiles files, VmSequence sequence,
                         OverlayStore overlays) {
        this.vm = vm;
        this.directory = directory;
        this.leases = leases;
        this.files = files;
        this.sequence = sequence;
        this.overlays = overlays;
    }

    public SnapshotInfo take(Lease lease, String name, String description, PayloadWriter payload) throws IOException {
        return take(lease, name, description, payload, null);
    }

    /**
     * Takes a snapshot; {@code disk} (null for a VM without a disk) is stored first under the
     * same sequence number, so the snapshot pins the disk of its instant until it is deleted.
     */
    public SnapshotInfo take(Lease lease, String name, String description, PayloadWriter payload, DiskOverlay disk)
            throws IOException {
        synchronized (sequence) {
            Names.require("snapshot", name);
            requireOwnVm(lease);
            lease.check();
            if (find(name).isPresent()) {
                throw new IllegalArgumentException("VM " + vm + " already has a snapshot named '" + name + "'");
            }
            Files.createDirectories(directory);
            StampedName stamp = new StampedName(sequence.maxSequence() + 1, lease.epoch());
            Path target = directory.resolve(StampedFile.name(name, stamp, VmSequence.SNAPSHOT_SUFFIX));
            byte[] meta = new SnapshotMetadata(name, description, System.currentTimeMillis()).encode(stamp.seq());
            if (disk != null) {
                overlays.write(lease, stamp.seq(), disk);
            }
            if (!files.createExclusive(target, new SealedHeader(FileKind.SNAPSHOT, lease.epoch(), meta), payload, lease.guard())) {
                throw new IOException("VM " + vm + ": snapshot file " + target.getFileName() + " already exists (two writers at once?)");
            }
            return new SnapshotInfo(name, stamp.seq(), stamp.epoch(), target);
        }
    }

    /** The VM's snapshots, oldest first; stale-epoch files are left out. */
    public List<SnapshotInfo> list() throws IOException {
        List<StampedFile> all = StampedFile.list(directory, VmSequence.SNAPSHOT_SUFFIX);
        if (all.isEmpty()) {
            return List.of();
        }
        EpochValidity validity = EpochValidity.load(leases, all.stream().mapToLong(f -> f.stamp().epoch()).min().orElseThrow());
        Map<String, SnapshotInfo> byName = new LinkedHashMap<>();
        all.stream().filter(f -> validity.accepts(f.stamp()))
                .sorted(Comparator.comparingLong(f -> f.stamp().seq()))
                .forEach(f -> byName.putIfAbsent(f.label(),
                        new SnapshotInfo(f.label(), f.stamp().seq(), f.stamp().epoch(), f.path())));
        return List.copyOf(byName.values());
    }

    public Optional<SnapshotInfo> find(String name) throws IOException {
        return list().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Opens a snapshot for revert, after verifying its file; read its metadata with {@link #metadata}. */
    public SealedFile open(SnapshotInfo snapshot) throws IOException {
        SealedFile file = SealedFile.open(snapshot.file(), FileKind.SNAPSHOT);
        try {
            if (file.header().epoch() != snapshot.epoch()) {
                throw new CorruptFileException(snapshot.file(), "header epoch " + file.header().epoch() + " disagrees with its name");
            }
            metadata(file, snapshot);
            return file;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public SnapshotMetadata metadata(SealedFile opened, SnapshotInfo snapshot) throws IOException {
        try {
            return SnapshotMetadata.decode(opened.header().meta(), snapshot);
        } catch (IOException e) {
            throw new CorruptFileException(snapshot.file(), e.getMessage());
        }
    }

    public void delete(Lease lease, String name) throws IOException {
        synchronized (sequence) {
            requireOwnVm(lease);
            SnapshotInfo snapshot = find(name).orElseThrow(
                    () -> new IllegalArgumentException("VM " + vm + " has no snapshot named '" + name + "'"));
            lease.checkWritable();
            Files.deleteIfExists(snapshot.file());
            AtomicFiles.syncDirectory(directory);
        }
    }

    OverlayStore overlays() {
        return overlays;
    }

    private void requireOwnVm(Lease lease) {
        if (!lease.vm().equals(vm)) {
            throw new IllegalArgumentException("lease of VM " + lease.vm() + " cannot write snapshots of VM " + vm);
        }
    }
}
