package dev.vivarium.datastore.checkpoint;

import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.lease.LeaseFiles;
import dev.vivarium.datastore.storage.AtomicFiles;
import dev.vivarium.datastore.storage.CorruptFileException;
import dev.vivarium.datastore.storage.FileKind;
import dev.vivarium.datastore.storage.PayloadWriter;
import dev.vivarium.datastore.storage.SealedFile;
import dev.vivarium.datastore.storage.SealedHeader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A VM's checkpoints: opaque emulator payloads, full or incremental, in {@code checkpoints/}
 * as immutable files named {@code full@<seq>-e<epoch>.ckpt} or
 * {@code incr-<parentSeq>@<seq>-e<epoch>.ckpt}, so listing needs no file to be opened.
 * Writing needs the VM's lease; files of stale epochs are ignored by every reader.
 */
public final class CheckpointStore {
    private static final String FULL = "full";
    private static final String INCREMENTAL = "incr-";

    private final String vm;
    private final Path directory;
    private final LeaseFiles leases;
    private final AtomicFiles files;
    private final VmSequence sequence;
    private final SnapshotStore snapshots;
    private final OverlayStore overlays;

    public CheckpointStore(String vm, Path directory, LeaseFiles leases, AtomicFiles files, VmSequence sequence,
                           SnapshotStore snapshots) {
        this.vm = vm;
        this.directory = directory;
        this.leases = leases;
        this.files = files;
        this.sequence = sequence;
        this.snapshots = snapshots;
        this.overlays = snapshots.overlays();
    }

    public CheckpointInfo writeFull(Lease lease, PayloadWriter payload) throws IOException {
        return writeFull(lease, payload, null);
    }

    /**
     * Stores a full checkpoint; {@code disk} (null for a VM without a disk) is the disk overlay
     * frozen with the capture, stored first under the same sequence number.
     */
    public CheckpointInfo writeFull(Lease lease, PayloadWriter payload, DiskOverlay disk) throws IOException {
        synchronized (sequence) {
            return write(lease, CheckpointKind.FULL, -1, payload, disk);
        }
    }

    public CheckpointInfo writeIncremental(Lease lease, CheckpointInfo base, PayloadWriter payload) throws IOException {
        return writeIncremental(lease, base, payload, null);
    }

    /** Stores the changes since {@code base}, which must be the tip of the latest chain, with the disk overlay frozen with them. */
    public CheckpointInfo writeIncremental(Lease lease, CheckpointInfo base, PayloadWriter payload, DiskOverlay disk)
            throws IOException {
        synchronized (sequence) {
            List<CheckpointInfo> chain = latestChain();
            if (chain.isEmpty() || chain.get(chain.size() - 1).seq() != base.seq()) {
                throw new IllegalArgumentException("VM " + vm + ": an incremental checkpoint must follow the tip of the latest chain ("
                        + (chain.isEmpty() ? "there is none" : "seq " + chain.get(chain.size() - 1).seq()) + "), not seq " + base.seq());
            }
            return write(lease, CheckpointKind.INCREMENTAL, base.seq(), payload, disk);
        }
    }

    /** The checkpoints to restore from: the newest valid full one, then its incrementals in order. */
    public List<CheckpointInfo> latestChain() throws IOException {
        List<CheckpointInfo> valid = list();
        Optional<CheckpointInfo> full = valid.stream().filter(c -> c.kind() == CheckpointKind.FULL)
                .max(Comparator.comparingLong(CheckpointInfo::seq));
        if (full.isEmpty()) {
            return List.of();
        }
        List<CheckpointInfo> chain = new ArrayList<>(List.of(full.get()));
        while (true) {
            long tip = chain.get(chain.size() - 1).seq();
            Optional<CheckpointInfo> next = valid.stream()
                    .filter(c -> c.kind() == CheckpointKind.INCREMENTAL && c.parentSeq() == tip)
                    .max(Comparator.comparingLong(CheckpointInfo::epoch).thenComparingLong(CheckpointInfo::seq));
            if (next.isEmpty()) {
                return List.copyOf(chain);
            }
            chain.add(next.get());
        }
    }

    /** All checkpoints that belong to the VM's history (stale-epoch files left out), by sequence. */
    public List<CheckpointInfo> list() throws IOException {
        return EpochValidity.keepValid(leases, listAll(), c -> new StampedName(c.seq(), c.epoch()));
    }

    /** Opens a checkpoint's payload after verifying the file (see {@link SealedFile}). */
    public SealedFile open(CheckpointInfo checkpoint) throws IOException {
        SealedFile file = SealedFile.open(checkpoint.file(), FileKind.CHECKPOINT);
        try {
            DataInputStream meta = new DataInputStream(new ByteArrayInputStream(file.header().meta()));
            long seq = meta.readLong();
            long parent = meta.readLong();
            if (file.header().epoch() != checkpoint.epoch() || seq != checkpoint.seq() || parent != checkpoint.parentSeq()) {
                throw new CorruptFileException(checkpoint.file(), "contents (seq " + seq + ", parent " + parent
                        + ", epoch " + file.header().epoch() + ") disagree with its name");
            }
            return file;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Removes the chains older than the policy keeps, and late writes of fenced owners. Only
     * files of this lease's epoch or older are touched: a newer owner's files never are.
     *
     * @return what was removed
     */
    public List<CheckpointInfo> prune(Lease lease, RetentionPolicy policy) throws IOException {
        synchronized (sequence) {
            requireOwnVm(lease);
            lease.checkWritable();
            List<CheckpointInfo> valid = list();
            List<Long> fulls = valid.stream().filter(c -> c.kind() == CheckpointKind.FULL)
                    .map(CheckpointInfo::seq).sorted(Comparator.reverseOrder()).toList();
            long oldestKept = fulls.size() < policy.keepFullChains() ? 0 : fulls.get(policy.keepFullChains() - 1);
            List<CheckpointInfo> removed = new ArrayList<>();
            for (CheckpointInfo c : listAll()) {
                boolean stale = !valid.contains(c);
                if (c.epoch() <= lease.epoch() && (stale || c.seq() < oldestKept)) {
                    Files.deleteIfExists(c.file());
                    removed.add(c);
                }
            }
            if (!removed.isEmpty()) {
                AtomicFiles.syncDirectory(directory);
            }
            return removed;
        }
    }

    /**
     * {@link #prune(Lease, RetentionPolicy)}, then the same for the disk: the overlays under the
     * oldest checkpoint kept are folded into one with {@code merger}, and overlays that neither
     * a kept checkpoint nor a snapshot needs any more are removed.
     */
    public List<CheckpointInfo> prune(Lease lease, RetentionPolicy policy, OverlayMerger merger) throws IOException {
        synchronized (sequence) {
            List<CheckpointInfo> removed = prune(lease, policy);
            List<CheckpointInfo> kept = list();
            if (!kept.isEmpty()) {
                List<Long> roots = new ArrayList<>(kept.stream().map(CheckpointInfo::seq).toList());
                snapshots.list().forEach(s -> roots.add(s.seq()));
                overlays.retain(lease, kept.get(0).seq(), roots, merger);
            }
            return removed;
        }
    }

    private CheckpointInfo write(Lease lease, CheckpointKind kind, long parent, PayloadWriter payload, DiskOverlay disk)
            throws IOException {
        requireOwnVm(lease);
        lease.check(); // before streaming tens of MiB for nothing
        Files.createDirectories(directory);
        StampedName stamp = new StampedName(sequence.maxSequence() + 1, lease.epoch());
        String label = kind == CheckpointKind.FULL ? FULL : INCREMENTAL + parent;
        Path target = directory.resolve(StampedFile.name(label, stamp, VmSequence.CHECKPOINT_SUFFIX));
        SealedHeader header = new SealedHeader(FileKind.CHECKPOINT, lease.epoch(), meta(stamp.seq(), parent));
        if (disk != null) {
            overlays.write(lease, stamp.seq(), disk); // first: a checkpoint never exists without its disk
        }
        if (!files.createExclusive(target, header, payload, lease.guard())) {
            throw new IOException("VM " + vm + ": checkpoint " + target.getFileName() + " already exists (two writers at once?)");
        }
        return new CheckpointInfo(stamp.seq(), stamp.epoch(), kind, parent, target);
    }

    private List<CheckpointInfo> listAll() throws IOException {
        List<CheckpointInfo> result = new ArrayList<>();
        for (StampedFile f : StampedFile.list(directory, VmSequence.CHECKPOINT_SUFFIX)) {
            if (f.label().equals(FULL)) {
                result.add(new CheckpointInfo(f.stamp().seq(), f.stamp().epoch(), CheckpointKind.FULL, -1, f.path()));
            } else if (f.label().startsWith(INCREMENTAL)) {
                parseParent(f.label().substring(INCREMENTAL.length())).ifPresent(parent -> result.add(
                        new CheckpointInfo(f.stamp().seq(), f.stamp().epoch(), CheckpointKind.INCREMENTAL, parent, f.path())));
            }
        }
        result.sort(Comparator.comparingLong(CheckpointInfo::seq).thenComparingLong(CheckpointInfo::epoch));
        return result;
    }

    private void requireOwnVm(Lease lease) {
        if (!lease.vm().equals(vm)) {
            throw new IllegalArgumentException("lease of VM " + lease.vm() + " cannot write checkpoints of VM " + vm);
        }
    }

    private static Optional<Long> parseParent(String digits) {
        try {
            return Optional.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static byte[] meta(long seq, long parent) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(seq);
            out.writeLong(parent);
        }
        return bytes.toByteArray();
    }
}
