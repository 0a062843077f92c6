package dev.vivarium.datastore.checkpoint;

import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.lease.LeaseFiles;
import dev.vivarium.datastore.storage.AtomicFiles;
import dev.vivarium.datastore.storage.CorruptFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A VM's disk overlays in {@code disk/ovl-<parentSeq>@<seq>-e<epoch>.ovl}: immutable files,
 * each holding the sectors written between the checkpoints (or snapshots) {@code parentSeq}
 * and {@code seq}, on the read-only base image (parent 0). The disk of checkpoint N is the
 * base plus the chain that ends at overlay N, followed by parent links. Like checkpoints they
 * carry the writer's epoch, and files of stale epochs (a fenced owner's late writes) are
 * ignored by every reader and pruned by the next owner.
 *
 * <p>Retention folds a chain (once the overlays above its bottom one are a quarter of its size,
 * or {@link #MAX_UNFOLDED} files) into one file stored under the stamp of its newest member (so
 * every chain through it still resolves) with parent 0, then removes the folded files nobody
 * else needs; the base image is never touched. While both the folded file and the file it
 * replaces exist, a reader takes the folded one: they hold the same disk.
 */
public final class OverlayStore {
    private static final String LABEL = "ovl-";
    /** At most this many overlays lie on the bottom one of a kept chain before they are folded. */
    static final int MAX_UNFOLDED = 8;

    private final String vm;
    private final Path directory;
    private final LeaseFiles leases;
    private final AtomicFiles files;
    private final VmSequence sequence;

    public OverlayStore(String vm, Path directory, LeaseFiles leases, AtomicFiles files, VmSequence sequence) {
        this.vm = vm;
        this.directory = directory;
        this.leases = leases;
        this.files = files;
        this.sequence = sequence;
    }

    /** Stores an overlay under its own new sequence number (a power off's disk, which no checkpoint accompanies). */
    public OverlayInfo write(Lease lease, DiskOverlay overlay) throws IOException {
        synchronized (sequence) {
            lease.check();
            return write(lease, sequence.maxSequence() + 1, overlay);
        }
    }

    /** Stores an overlay under {@code seq}, which the caller took from the VM's sequence and holds the lock of. */
    OverlayInfo write(Lease lease, long seq, DiskOverlay overlay) throws IOException {
        requireOwnVm(lease);
        if (overlay.parentSeq() >= seq) {
            throw new IllegalArgumentException("overlay " + seq + " cannot lie on overlay " + overlay.parentSeq());
        }
        Files.createDirectories(directory);
        StampedName stamp = new StampedName(seq, lease.epoch());
        Path target = directory.resolve(StampedFile.name(LABEL + overlay.parentSeq(), stamp, VmSequence.OVERLAY_SUFFIX));
        if (!files.createExclusive(target, overlay.content(), lease.guard())) {
            throw new IOException("VM " + vm + ": disk overlay " + target.getFileName() + " already exists (two writers at once?)");
        }
        return new OverlayInfo(seq, lease.epoch(), overlay.parentSeq(), target);
    }

    /** The overlays that make the disk of checkpoint or snapshot {@code tipSeq}, oldest first (empty for 0: the bare base). */
    public List<OverlayInfo> chain(long tipSeq) throws IOException {
        return chain(tipSeq, bySeq(list()));
    }

    /** The newest overlay whose chain is whole (after a power off: the disk the next boot starts with). */
    public Optional<OverlayInfo> latest() throws IOException {
        Map<Long, List<OverlayInfo>> bySeq = bySeq(list());
        List<Long> seqs = new ArrayList<>(bySeq.keySet());
        seqs.sort(Comparator.reverseOrder());
        for (long seq : seqs) {
            try {
                List<OverlayInfo> chain = chain(seq, bySeq);
                return Optional.of(chain.get(chain.size() - 1));
            } catch (CorruptFileException broken) {
                // an overlay whose parent was pruned (a dead branch): look further back
            }
        }
        return Optional.empty();
    }

    /** Every overlay of the VM's history (stale-epoch files left out), by sequence. */
    public List<OverlayInfo> list() throws IOException {
        return EpochValidity.keepValid(leases, listAll(), o -> new StampedName(o.seq(), o.epoch()));
    }

    /**
     * Folds the chain of {@code foldAt} (the oldest restore point kept) into one overlay, then
     * removes the overlays older than it that no chain of {@code roots} (kept checkpoints,
     * snapshots) still runs through, and stale-epoch files. Only files of this lease's epoch
     * or older are removed.
     *
     * @return the files removed
     */
    public List<Path> retain(Lease lease, long foldAt, Collection<Long> roots, OverlayMerger merger) throws IOException {
        synchronized (sequence) {
            requireOwnVm(lease);
            lease.checkWritable();
            List<Path> removed = new ArrayList<>();
            Map<Long, List<OverlayInfo>> bySeq = bySeq(list());
            if (bySeq.containsKey(foldAt)) {
                List<OverlayInfo> chain = chain(foldAt, bySeq);
                if (worthFolding(chain)) {
                    OverlayInfo tip = chain.get(chain.size() - 1);
                    Path target = directory.resolve(StampedFile.name(LABEL + 0, new StampedName(tip.seq(), tip.epoch()),
                            VmSequence.OVERLAY_SUFFIX));
                    List<Path> sources = chain.stream().map(OverlayInfo::file).toList();
                    files.createExclusive(target, newFile -> merger.merge(sources, newFile), lease.guard());
                    Files.deleteIfExists(tip.file());
                    removed.add(tip.file());
                }
            }
            List<OverlayInfo> valid = list();
            Map<Long, List<OverlayInfo>> now = bySeq(valid);
            Set<Path> needed = new HashSet<>();
            List<Long> live = new ArrayList<>(roots);
            live.add(foldAt);
            for (long root : live) {
                try {
                    if (now.containsKey(root)) {
                        chain(root, now).forEach(o -> needed.add(o.file()));
                    }
                } catch (CorruptFileException broken) {
                    // a restore point whose disk is already incomplete keeps nothing alive
                }
            }
            for (OverlayInfo o : listAll()) {
                boolean stale = !valid.contains(o);
                if (o.epoch() <= lease.epoch() && (stale || (o.seq() < foldAt && !needed.contains(o.file())))) {
                    Files.deleteIfExists(o.file());
                    removed.add(o.file());
                }
            }
            if (!removed.isEmpty()) {
                AtomicFiles.syncDirectory(directory);
            }
            return removed;
        }
    }

    /**
     * Folding rewrites the bottom overlay, which grows to the disk's whole written set, so it
     * waits until the overlays above it are a quarter of its size or {@link #MAX_UNFOLDED}
     * files: the rewrites cost a bounded multiple of what the guest wrote, and a chain stays
     * short (each read looks through it).
     */
    private static boolean worthFolding(List<OverlayInfo> chain) throws IOException {
        if (chain.size() < 2) {
            return false;
        }
        long bottom = Files.size(chain.get(0).file());
        long above = 0;
        for (OverlayInfo o : chain.subList(1, chain.size())) {
            above += Files.size(o.file());
        }
        return chain.size() - 1 >= MAX_UNFOLDED || above * 4 >= bottom;
    }

    private void requireOwnVm(Lease lease) {
        if (!lease.vm().equals(vm)) {
            throw new IllegalArgumentException("lease of VM " + lease.vm() + " cannot write disk overlays of VM " + vm);
        }
    }

    private List<OverlayInfo> chain(long tipSeq, Map<Long, List<OverlayInfo>> bySeq) throws CorruptFileException {
        List<OverlayInfo> chain = new ArrayList<>();
        for (long seq = tipSeq; seq != 0; ) {
            List<OverlayInfo> candidates = bySeq.get(seq);
            if (candidates == null) {
                throw new CorruptFileException(directory.resolve("ovl-?@" + seq), "VM " + vm + ": the disk of "
                        + (chain.isEmpty() ? "checkpoint " + tipSeq + " has no overlay" : "checkpoint " + tipSeq
                        + " needs overlay " + seq + ", which is missing"));
            }
            OverlayInfo chosen = candidates.get(0); // the folded one (parent 0) when there are two
            chain.add(chosen);
            if (chosen.parentSeq() >= seq) {
                throw new CorruptFileException(chosen.file(), "lies on overlay " + chosen.parentSeq() + ", not an older one");
            }
            seq = chosen.parentSeq();
        }
        Collections.reverse(chain);
        return chain;
    }

    private static Map<Long, List<OverlayInfo>> bySeq(List<OverlayInfo> overlays) {
        Map<Long, List<OverlayInfo>> bySeq = new HashMap<>();
        for (OverlayInfo o : overlays) {
            bySeq.computeIfAbsent(o.seq(), k -> new ArrayList<>()).add(o);
        }
        bySeq.values().forEach(l -> l.sort(Comparator.comparingLong(OverlayInfo::parentSeq)));
        return bySeq;
    }

    private List<OverlayInfo> listAll() throws IOException {
        List<OverlayInfo> result = new ArrayList<>();
        for (StampedFile f : StampedFile.list(directory, VmSequence.OVERLAY_SUFFIX)) {
            if (f.label().startsWith(LABEL)) {
                try {
                    long parent = Long.parseLong(f.label().substring(LABEL.length()));
                    result.add(new OverlayInfo(f.stamp().seq(), f.stamp().epoch(), parent, f.path()));
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        result.sort(Comparator.comparingLong(OverlayInfo::seq).thenComparingLong(OverlayInfo::epoch));
        return result;
    }
}
