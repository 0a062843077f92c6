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

    /**
     * The target's side of a hand-over prepared by the source: checks that the file the source
     * names holds the next epoch for this host (before the switch-over, so the switch-over itself
     * is only {@link #publishPrepared}).
     */
    public void checkPrepared(String vm, LeaseFiles files, long epoch, String temporaryName) throws IOException {
        LeaseRecord record = files.readPrepared(temporaryName, epoch);
        if (!record.owner().equals(heartbeat.host())) {
            throw new StaleEpochException("VM " + vm + ": the prepared hand-over of epoch " + epoch + " names host "
                    + record.owner() + ", not " + heartbeat.host());
        }
    }

    /**
     * Commits a hand-over prepared by the source from the target's side: one link(2) makes the
     * source's prepared file the lease of {@code epoch}. The target does this at the switch-over,
     * once it holds the whole machine and its checksum agrees, so the pause needs no round trip
     * back to the source. The local fencing check comes first: a fenced host takes no lease.
     *
     * @return false if the epoch exists already (the source reclaimed the VM, or another host took it)
     */
    public boolean publishPrepared(LeaseFiles files, long epoch, String temporaryName) throws IOException {
        heartbeat.currentGeneration();
        return files.publishPrepared(temporaryName, epoch);
    }

    /** Makes a VM's lease directory durable after a hand-over committed off the critical path. */
    public void sync(LeaseFiles files) throws IOException {
        files.sync();
    }

    /**
     * The source of a switch-over that lost the target before it heard the outcome takes the
     * next epoch for itself: if that succeeds the target can no longer commit (its link(2) fails)
     * and the VM stays here under the returned lease; if the epoch exists, the target (or another
     * host) has the VM.
     */
    public Optional<Lease> reclaim(Lease lease, LeaseFiles files, SequenceProbe probe) throws IOException {
        long generation = heartbeat.currentGeneration();
        long epoch = lease.epoch() + 1;
        if (!files.create(new LeaseRecord(epoch, heartbeat.host(), probe.maxSequence(), System.currentTimeMillis()))) {
            return Optional.empty();
        }
        return Optional.of(new Lease(lease.vm(), epoch, generation, heartbeat, files));
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
