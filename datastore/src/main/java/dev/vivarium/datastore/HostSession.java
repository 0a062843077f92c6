package dev.vivarium.datastore;

import dev.vivarium.datastore.lease.AcquireResult;
import dev.vivarium.datastore.lease.FenceListener;
import dev.vivarium.datastore.lease.HeartbeatObserver;
import dev.vivarium.datastore.lease.HostHeartbeat;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.lease.LeaseLostException;
import dev.vivarium.datastore.lease.Leases;
import dev.vivarium.datastore.lease.PreparedHandOver;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * A host attached to the datastore: its heartbeat runs while the session is open, and it takes
 * and gives up VM leases. Closing stops the heartbeat, so other hosts may take this host's
 * leases once the lease time has passed.
 */
public final class HostSession implements Closeable {
    private final Datastore datastore;
    private final HostHeartbeat heartbeat;
    private final Leases leases;
    private final HeartbeatObserver observer;
    private final Duration pollEvery;

    HostSession(Datastore datastore, HostHeartbeat heartbeat, HeartbeatObserver observer) {
        this.datastore = datastore;
        this.heartbeat = heartbeat;
        this.observer = observer;
        this.leases = new Leases(heartbeat, observer, datastore.settings());
        this.pollEvery = datastore.settings().heartbeatPeriod().dividedBy(4);
    }

    public String host() {
        return heartbeat.host();
    }

    /** The host agent stops its VMs here, before any other host may take their leases. */
    public void onFenced(FenceListener listener) {
        heartbeat.addFenceListener(listener);
    }

    /**
     * The observer this host's lease takes judge other hosts' silence with. HA watches hosts
     * through the same one, so the silence it has already watched counts when it takes a lease
     * (a second observer would start counting from zero and wait the lease time again).
     */
    public HeartbeatObserver heartbeatObserver() {
        return observer;
    }

    /** The counter of this host's last heartbeat. */
    public long heartbeatCounter() {
        return heartbeat.counter();
    }

    public AcquireResult tryAcquire(String vm) throws IOException {
        VmFiles files = datastore.vm(vm);
        return leases.tryAcquire(vm, files.leaseFiles(), files.sequence());
    }

    /** Tries until the lease is taken or {@code timeout} passes (a dead owner needs the lease time). */
    public Lease acquire(String vm, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            AcquireResult result = tryAcquire(vm);
            if (result instanceof AcquireResult.Acquired acquired) {
                return acquired.lease();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new LeaseLostException("VM " + vm + ": lease not acquired within " + timeout + " (" + describe(result) + ")");
            }
            try {
                Thread.sleep(pollEvery.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the lease of VM " + vm);
            }
        }
    }

    private static String describe(AcquireResult result) {
        if (result instanceof AcquireResult.Held held) {
            return "held by " + held.current().owner() + " at epoch " + held.current().epoch() + ", its heartbeat silent for "
                    + held.silentFor().toMillis() + " ms of the " + held.silentFor().plus(held.remaining()).toMillis() + " ms lease time";
        }
        return "another host took epoch " + ((AcquireResult.Lost) result).epoch() + " first";
    }

    public void release(Lease lease) throws IOException {
        VmFiles files = datastore.vm(lease.vm());
        leases.release(lease, files.leaseFiles(), files.sequence());
    }

    /** Passes a VM to {@code target} at the next epoch (the end of a migration). */
    public long handOver(Lease lease, String target) throws IOException {
        VmFiles files = datastore.vm(lease.vm());
        return leases.handOver(lease, files.leaseFiles(), files.sequence(), Names.require("host", target));
    }

    /** Prepares passing a VM to {@code target} (see {@link Leases#prepareHandOver}); commit it at the switch-over. */
    public PreparedHandOver prepareHandOver(Lease lease, String target) throws IOException {
        VmFiles files = datastore.vm(lease.vm());
        return leases.prepareHandOver(lease, files.leaseFiles(), files.sequence(), Names.require("host", target));
    }

    /** The lease a hand-over in progress passes to this host at {@code epoch} (see {@link Leases#pending}). */
    public Lease pendingHandOver(String vm, long epoch) throws IOException {
        return leases.pending(vm, datastore.vm(vm).leaseFiles(), epoch);
    }

    /** Checks a hand-over the source prepared for this host (see {@link Leases#checkPrepared}). */
    public void checkPreparedHandOver(String vm, long epoch, String temporaryName) throws IOException {
        leases.checkPrepared(vm, datastore.vm(vm).leaseFiles(), epoch, temporaryName);
    }

    /** Commits a prepared hand-over from the target's side (see {@link Leases#publishPrepared}). */
    public boolean publishPreparedHandOver(String vm, long epoch, String temporaryName) throws IOException {
        return leases.publishPrepared(datastore.vm(vm).leaseFiles(), epoch, temporaryName);
    }

    /** Makes a VM's lease directory durable (after {@link #publishPreparedHandOver}). */
    public void syncLeases(String vm) throws IOException {
        leases.sync(datastore.vm(vm).leaseFiles());
    }

    /** The source takes the next epoch itself after a switch-over whose outcome it did not hear (see {@link Leases#reclaim}). */
    public java.util.Optional<Lease> reclaim(Lease lease) throws IOException {
        VmFiles files = datastore.vm(lease.vm());
        return leases.reclaim(lease, files.leaseFiles(), files.sequence());
    }

    /** The VM's current lease on the datastore. */
    public java.util.Optional<dev.vivarium.datastore.lease.LeaseRecord> currentLease(String vm) throws IOException {
        return datastore.vm(vm).currentLease();
    }

    /** Takes up a lease handed to this host at {@code epoch}. */
    public Lease adopt(String vm, long epoch) throws IOException {
        return leases.adopt(vm, datastore.vm(vm).leaseFiles(), epoch);
    }

    @Override
    public void close() {
        heartbeat.close();
    }
}
