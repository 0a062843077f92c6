package dev.vivarium.datastore.lease;

import dev.vivarium.datastore.DatastoreSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Takes, releases and hands over VM leases for one host. A lease held by another host is
 * taken only once that host's heartbeat has stood still for the lease time on this host's
 * clock; by then the owner has fenced itself (it does so a margin earlier on its own clock).
 */
public final class Leases {
    private final HostHeartbeat heartbeat;
    private final HeartbeatObserver observer;
    private final Duration leaseTime;

    public Leases(HostHeartbeat heartbeat, HeartbeatObserver observer, DatastoreSettings settings) {
        this.heartbeat = heartbeat;
        this.observer = observer;
        this.leaseTime = settings.leaseTime();
    }

    public AcquireResult tryAcquire(String vm, LeaseFiles files, SequenceProbe probe) throws IOException {
        long generation = heartbeat.currentGeneration();
        Optional<LeaseRecord> current = files.current();
        if (current.isPresent() && current.get().isHeld() && !current.get().owner().equals(heartbeat.host())) {
            HeartbeatObserver.Observation seen = observer.observe(current.get().owner());
            if (seen.silentFor().compareTo(leaseTime) < 0) {
                return new AcquireResult.Held(current.get(), seen.silentFor(), leaseTime.minus(seen.silentFor()));
            }
        }
        // Our own earlier lease (a restarted host process) is taken anew at a higher epoch too,
        // which fences off anything the previous incarnation might still write.
        long epoch = current.map(r -> r.epoch() + 1).orElse(1L);
        LeaseRecord record = new LeaseRecord(epoch, heartbeat.host(), probe.maxSequence(), System.currentTimeMillis());
        if (!files.create(record)) {
            return new AcquireResult.Lost(epoch);
        }
        return new AcquireResult.Acquired(new Lease(vm, epoch, generation, heartbeat, files));
    }

    /** Gives the VM up (powered off): the next epoch is recorded as free. */
    public void release(Lease lease, LeaseFiles files, SequenceProbe probe) throws IOException {
        passOn(lease, files, probe, "");
    }

    /** Passes the lease to {@code target} (end of a migration); the target {@link #adopt}s it. */
    public long handOver(Lease lease, LeaseFiles files, SequenceProbe probe, String target) throws IOException {
        return passOn(lease, files, probe, target);
    }

    /**
     * Prepares passing the lease to {@code target} (a migration's switch-over): the next epoch's
     * file is written and fsynced now, before the guest pauses; {@link PreparedHandOver#commit}
     * then publishes it with one link(2). Its cutoff is the VM's highest file sequence now, so
     * the owner must write no VM file until the hand-over is committed or abandoned.
     */
    public PreparedHandOver prepareHandOver(Lease lease, LeaseFiles files, SequenceProbe probe, String target) throws IOException {
        lease.checkWritable();
        long epoch = lease.epoch() + 1;
        LeaseRecord record = new LeaseRecord(epoch, target, probe.maxSequence(), System.currentTimeMillis());
        return new PreparedHandOver(lease, epoch, files.prepare(record));
    }

    /**
     * The lease of {@code epoch} that a hand-over in progress passes to this host: usable once
     * the source has committed it, which the caller learns from the source. Nothing is read
     * here; {@link Lease#checkWritable()} confirms it on the datastore, and every write does.
     */
    public Lease pending(String vm, LeaseFiles files, long epoch) throws FencedException {
        return new Lease(vm, epoch, heartbeat.currentGeneration(), heartbeat, files);
    }

    /** Takes up a lease that the datastore shows as handed to this host at {@code epoch}. */
    public Lease adopt(String vm, LeaseFiles files, long epoch) throws IOException {
        long generation = heartbeat.currentGeneration();
        Lease lease = new Lease(vm, epoch, generation, heartbeat, files);
        lease.checkWritable();
        return lease;
    }

    private long passOn(Lease lease, LeaseFiles files, SequenceProbe probe, String next) throws IOException {
        lease.checkWritable();
        long epoch = lease.epoch() + 1;
        if (!files.create(new LeaseRecord(epoch, next, probe.maxSequence(), System.currentTimeMillis()))) {
            throw new StaleEpochException("VM " + lease.vm() + ": epoch " + epoch + " was taken by another host first");
        }
        return epoch;
    }
}
