package dev.vivarium.datastore.checkpoint;

import dev.vivarium.datastore.lease.SequenceProbe;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One sequence for everything a VM's owners write (checkpoints and snapshots), so one cutoff
 * per lease epoch can judge them all. Numbers are taken from what is on the datastore, never
 * from memory, so a new owner continues above whatever its predecessors left.
 */
public final class VmSequence implements SequenceProbe {
    static final String CHECKPOINT_SUFFIX = ".ckpt";
    static final String SNAPSHOT_SUFFIX = ".snap";

    private final Path checkpoints;
    private final Path snapshots;

    public VmSequence(Path checkpoints, Path snapshots) {
        this.checkpoints = checkpoints;
        this.snapshots = snapshots;
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
        return max;
    }
}
