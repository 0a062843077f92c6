package dev.vivarium.datastore.checkpoint;

import dev.vivarium.datastore.lease.SequenceProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One sequence for everything a VM's owners write (checkpoints, snapshots, disk overlays), so one cutoff
 * per lease epoch can judge them all. Numbers are taken from what is on the datastore, never
 * from memory, so a new owner continues above whatever its predecessors left.
 *
 * <p>Numbers must be unique per VM, or a late write of a fenced owner could share its number
 * with a file that was present at the takeover and pass the cutoff. Only the lease holder
 * writes, and within its process every write of a VM's stamped files holds this object's
 * lock from taking the number to the file's creation; there is one instance per VM directory.
 */
public final class VmSequence implements SequenceProbe {
    private static final ConcurrentMap<Path, VmSequence> BY_DIRECTORY = new ConcurrentHashMap<>();

    static final String CHECKPOINT_SUFFIX = ".ckpt";
    static final String SNAPSHOT_SUFFIX = ".snap";
    static final String OVERLAY_SUFFIX = ".ovl";

    private final Path checkpoints;
    private final Path snapshots;
    private final Path overlays;

    private VmSequence(Path checkpoints, Path snapshots, Path overlays) {
        this.checkpoints = checkpoints;
        this.snapshots = snapshots;
        this.overlays = overlays;
    }

    /** The one sequence (and write lock) of the VM whose stamped files live in these directories. */
    public static VmSequence of(Path checkpoints, Path snapshots, Path overlays) {
        return BY_DIRECTORY.computeIfAbsent(checkpoints.toAbsolutePath().normalize(),
                key -> new VmSequence(checkpoints, snapshots, overlays));
    }

    @Override
    public long maxSequence() throws IOException {
        long max = 0;
        for (StampedFile file : StampedFile.list(checkpoints, CHECKPOINT_SUFFIX)) {
            max = Math.max(max, file.stamp().seq());
        }
        for (StampedFile file : StampedFile.list(snapshots, SNAPSHOT_SUFFIX)) {
            max = Math.max(max, file.stamp().seq());
        }
        for (StampedFile file : StampedFile.list(overlays, OVERLAY_SUFFIX)) {
            max = Math.max(max, file.stamp().seq()); // a power off's overlay has no checkpoint beside it
        }
        return max;
    }
}
