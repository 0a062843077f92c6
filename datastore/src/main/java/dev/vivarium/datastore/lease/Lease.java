package dev.vivarium.datastore.lease;

import dev.vivarium.datastore.storage.CommitGuard;
import java.io.IOException;
import java.util.Optional;

/**
 * A lease this host holds on a VM at one epoch. {@link #check()} is the cheap local test a VM
 * runner makes before every time slice; {@link #checkWritable()} also re-reads the lease on the
 * datastore and is what every write of the VM's files passes just before it becomes visible.
 */
public final class Lease implements Fence {
    private final String vm;
    private final long epoch;
    private final long generation;
    private final HostHeartbeat heartbeat;
    private final LeaseFiles files;

    Lease(String vm, long epoch, long generation, HostHeartbeat heartbeat, LeaseFiles files) {
        this.vm = vm;
        this.epoch = epoch;
        this.generation = generation;
        this.heartbeat = heartbeat;
        this.files = files;
    }

    public String vm() {
        return vm;
    }

    public long epoch() {
        return epoch;
    }

    public String host() {
        return heartbeat.host();
    }

    /** Local and cheap: fails once this host has fenced itself or is past its renewal deadline. */
    @Override
    public void check() throws FencedException {
        heartbeat.check(generation);
    }

    /** The local check, then the lease on the datastore must still be this epoch and this host. */
    public void checkWritable() throws IOException {
        check();
        Optional<LeaseRecord> current = files.current();
        if (current.isEmpty() || current.get().epoch() != epoch || !current.get().owner().equals(host())) {
            String now = current.map(r -> "epoch " + r.epoch() + (r.isHeld() ? " held by " + r.owner() : " released"))
                    .orElse("no lease");
            throw new StaleEpochException("VM " + vm + ": host " + host() + " holds epoch " + epoch
                    + " but the datastore shows " + now + "; refused");
        }
    }

    /** Re-reads the datastore: true while this host may still run and write the VM. */
    public boolean stillValid() throws IOException {
        try {
            checkWritable();
            return true;
        } catch (LeaseLostException lost) {
            return false;
        }
    }

    /** For {@link dev.vivarium.datastore.storage.AtomicFiles#write}: refuses a write of a stale epoch. */
    public CommitGuard guard() {
        return this::checkWritable;
    }

    @Override
    public String toString() {
        return "Lease[" + vm + " epoch " + epoch + " on " + host() + "]";
    }
}
