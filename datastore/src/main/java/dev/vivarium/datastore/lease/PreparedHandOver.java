package dev.vivarium.datastore.lease;

import dev.vivarium.datastore.storage.AtomicFiles;
import java.io.Closeable;
import java.io.IOException;

/**
 * A lease hand-over written ahead: the next epoch's file, naming the target host, is on the
 * datastore under a temporary name and fsynced. {@link #commit()} is the one atomic step that
 * passes the VM: a local fencing check and a link(2), which fails if any host took that epoch
 * first (then the lease was not ours to give any more). Closing it uncommitted withdraws it.
 */
public final class PreparedHandOver implements Closeable {
    private final Lease lease;
    private final long epoch;
    private final AtomicFiles.PreparedFile file;

    PreparedHandOver(Lease lease, long epoch, AtomicFiles.PreparedFile file) {
        this.lease = lease;
        this.epoch = epoch;
        this.file = file;
    }

    /**
     * The prepared file's temporary name in the VM's lease directory: the target may publish it
     * itself ({@link Leases#publishPrepared}), which commits the hand-over as {@link #commit} would.
     */
    public String temporaryName() {
        return file.temporaryName();
    }

    /** The epoch the target holds once committed. */
    public long epoch() {
        return epoch;
    }

    /**
     * Passes the VM to the target: from here on the source must never run it again. Does not
     * sync the directory (call {@link #makeDurable()} right after, off the critical path).
     *
     * @throws FencedException     when this host has fenced itself (its leases may be taken by others)
     * @throws StaleEpochException when another host took the next epoch first
     */
    public void commit() throws IOException {
        if (!file.publish(lease::check)) {
            throw new StaleEpochException("VM " + lease.vm() + ": epoch " + epoch + " was taken by another host first");
        }
    }

    /** Syncs the lease directory, so the committed epoch survives a power cut. */
    public void makeDurable() throws IOException {
        file.syncDirectory();
    }

    public boolean committed() {
        return file.published();
    }

    /** Withdraws an uncommitted hand-over (its temporary file goes); after a commit, does nothing. */
    @Override
    public void close() throws IOException {
        file.close();
    }
}
