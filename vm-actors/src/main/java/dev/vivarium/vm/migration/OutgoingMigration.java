package dev.vivarium.vm.migration;

import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.lease.AcquireResult;
import dev.vivarium.datastore.lease.FencedException;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.lease.LeaseRecord;
import dev.vivarium.datastore.lease.PreparedHandOver;
import dev.vivarium.x86.devices.ata.overlay.MemoryOverlay;
import dev.vivarium.x86.memory.DirtyPages;
import dev.vivarium.x86.memory.GuestMemory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One VM leaving this host, driven on the VM's own thread (its memory is single-threaded): the
 * first pass copies every page in chunks between the guest's time slices, each later round the
 * pages the migration's dirty log collected meanwhile, until {@link PrecopyPlanner} says what is
 * left fits the downtime budget. Then the guest stops and this thread writes the last pages and
 * the machine without memory; the target checks them, commits the lease hand-over prepared while
 * the guest still ran (one link(2)) and resumes the guest.
 *
 * <p>If the target refuses, or anything fails before the switch-over, the guest runs on here,
 * untouched. If the link fails during the switch-over, the datastore settles it: this host
 * takes the next epoch itself, which the target's link(2) can then no longer take; if the
 * target took it first, the VM is the target's, and this copy is kept only until the target is
 * known to run it (or, if the target dies first, until its lease expires and this host takes
 * the VM back with the exact state of the pause).
 */
public final class OutgoingMigration {

    /** What the source VM's actor does for its migration; called on the VM's thread unless said. */
    public interface SourceVm {
        GuestMemory memory();

        /** Stops executing the guest now, its console flushed, and says what the switch-over carries besides pages. */
        SwitchState stopGuest();

        /** The VM stays here: run the guest on, under {@code lease} (null: the lease it has). */
        void runOn(Lease lease);

        /** The VM runs on the target: the copy here goes. */
        void gone();

        /** Holds the guest back by this share of its speed (0: not at all). */
        void throttle(int percent);

        /** Posts {@code event} to the VM's mailbox, so {@link #onEvent} runs on its thread; any thread may call it. */
        void deliver(Object event);

        /** Reports the outcome to whoever asked for the migration. */
        void finished(MigrationOutcome outcome);

        /** Whether the target's host agent says it runs the VM (any thread). */
        CompletionStage<Boolean> targetRuns(Duration timeout);
    }

    /**
     * What the switch-over carries besides the last pages.
     *
     * @param diskLayers the disk's writes not yet on the datastore that have not been sent yet
     */
    public record SwitchState(byte[] core, byte[] consoleHistory, long consoleRun, long consoleOffset, boolean paused,
                              List<MemoryOverlay> diskLayers, long pauseNanos) {
    }

    /** Where and to whom: what the source's host agent arranged with the target's. */
    public record Target(String sourceHost, String host, InetSocketAddress address, byte[] token) {
    }

    private enum Phase { PRECOPY, SWITCHING, SETTLING, DONE }

    private record HandOverReady(PreparedHandOver handOver, Throwable failure) {
    }

    private record Step() {
    }

    private record Verified(int checksum) {
    }

    /**
     * How a switch-over without an answer settled: {@code lease} to run on here, or the target
     * runs the VM, or neither (null lease, {@code why} says).
     */
    private record Settled(Lease lease, boolean targetRuns, String why) {
    }

    /** Chunks copied per turn of the VM's thread, so the guest's slices come in between. */
    private static final int CHUNKS_PER_TURN = 4;
    private static final Duration RESOLVE_POLL = Duration.ofMillis(250);

    private final String vm;
    private final Target target;
    private final MigrationSettings settings;
    private final SourceVm source;
    private final HostSession session;
    private final Lease lease;
    private final Executor io;
    private final GuestMemory memory;
    private final OutgoingLink link;
    private final long startNanos = System.nanoTime();

    private Phase phase = Phase.PRECOPY;
    private PreparedHandOver handOver;
    private boolean handOverSent;
    /** The pages left when the planner wanted the switch-over before the hand-over was on the link. */
    private DirtyPages waitingForHandOver;
    private PrecopyPlanner.State plan = PrecopyPlanner.State.START;
    private int round;
    /** The pages of the current round: null in the first, which goes over all memory. */
    private int[] pages;
    private int cursor;
    private boolean roundCopied;
    private int throttle, maxThrottle;
    private long rttNanos = -1;
    private boolean sameClock;
    private long bytesSent, pagesSent, zeroPages, switchPages, diskSectors;
    private long pauseNanos, lastByteNanos;
    private OutgoingLink.Resumed resumed;
    private String failure;

    public OutgoingMigration(String vm, Target target, MigrationSettings settings, SourceVm source, HostSession session,
                             Lease lease, Executor io) {
        this.vm = vm;
        this.target = target;
        this.settings = settings;
        this.source = source;
        this.session = session;
        this.lease = lease;
        this.io = io;
        this.memory = source.memory();
        this.link = new OutgoingLink(vm, target.address(), target.token(), memory.ramPages(), settings, source::deliver);
    }

    /**
     * Starts: clears the migration's dirty log (every page goes in the first pass), sends the
     * disk's writes not yet on the datastore, and prepares the lease hand-over (written and
     * fsynced on the I/O executor while the pages go, long before the pause).
     */
    public void start(List<MemoryOverlay> diskLayers) {
        memory.takeDirty(GuestMemory.DirtyLog.MIGRATION);
        link.start();
        if (!diskLayers.isEmpty()) {
            diskSectors += diskLayers.stream().mapToLong(MemoryOverlay::sectorCount).sum();
            link.sendDisk(diskLayers);
        }
        CompletableFuture.runAsync(() -> {
            try {
                source.deliver(new HandOverReady(session.prepareHandOver(lease, target.host()), null));
            } catch (IOException | RuntimeException e) {
                source.deliver(new HandOverReady(null, e));
            }
        }, io);
        copy();
    }

    /** An event of this migration, on the VM's thread. */
    public void onEvent(Object event) {
        if (phase == Phase.DONE) {
            if (event instanceof HandOverReady late && late.handOver() != null) {
                withdraw(late.handOver()); // prepared after the migration ended: nothing may be left behind
            }
            return;
        }
        if (event instanceof Step || event instanceof OutgoingLink.Drained) {
            copy();
        } else if (event instanceof HandOverReady ready) {
            if (ready.failure() != null) {
                giveUp("the lease hand-over could not be prepared: " + ready.failure().getMessage(), MigrationOutcome.Result.FAILED);
            } else {
                handOver = ready.handOver();
                link.sendHandOver(handOver.temporaryName());
            }
        } else if (event instanceof OutgoingLink.HandOverSent) {
            handOverSent = true;
            if (waitingForHandOver != null) {
                // The planner wanted the switch-over; one more round sends what was left and what came since.
                DirtyPages left = DirtyPages.union(waitingForHandOver, memory.takeDirty(GuestMemory.DirtyLog.MIGRATION));
                waitingForHandOver = null;
                nextRound(left);
            }
        } else if (event instanceof OutgoingLink.Connected c) {
            rttNanos = c.rttNanos();
            sameClock = c.sameClock();
        } else if (event instanceof OutgoingLink.RoundSent r) {
            roundSent(r);
        } else if (event instanceof OutgoingLink.Resumed r) {
            resumed = r;
            verifyThenLeave();
        } else if (event instanceof Verified v) {
            leave(v.checksum() == resumed.targetChecksum(), null);
        } else if (event instanceof OutgoingLink.Refused r) {
            refused(r.reason());
        } else if (event instanceof OutgoingLink.Failed f) {
            linkFailed(f);
        } else if (event instanceof Settled s) {
            settled(s);
        }
    }

    /**
     * Cancels the migration if the guest still runs here (before the switch-over).
     *
     * @return false when it is too late: the switch-over is under way
     */
    public boolean cancel(String reason) {
        if (phase != Phase.PRECOPY) {
            return false;
        }
        giveUp(reason, MigrationOutcome.Result.CANCELLED);
        return true;
    }

    /** The VM's actor is stopping (fenced, say): the link closes and the target discards what it got. */
    public void abandon() {
        if (phase != Phase.DONE) {
            phase = Phase.DONE;
            link.close();
            withdraw(handOver);
        }
    }

    public boolean switchingOver() {
        return phase == Phase.SWITCHING || phase == Phase.SETTLING;
    }

    // ---- pre-copy ----

    /** Copies the current round's pages into chunks while the link has room, a few chunks per turn. */
    private void copy() {
        if (phase != Phase.PRECOPY || roundCopied) {
            return;
        }
        int limit = pages == null ? memory.ramPages() : pages.length;
        for (int turn = 0; turn < CHUNKS_PER_TURN && cursor < limit; turn++) {
            OutgoingLink.Chunk chunk = link.takeChunk();
            if (chunk == null) {
                return; // the link says Drained when a buffer comes back
            }
            chunk.round = round;
            while (!chunk.full() && cursor < limit) {
                int pn = pages == null ? cursor : pages[cursor];
                cursor++;
                boolean present = memory.copyPage(pn, chunk.data, chunk.count * MigrationWire.PAGE);
                if (!present && pages == null) {
                    zeroPages++; // the first pass: the target's memory is zero already, nothing to send
                    continue;
                }
                chunk.pns[chunk.count] = pn;
                chunk.present[chunk.count] = present;
                chunk.count++;
            }
            if (chunk.count > 0) {
                link.send(chunk);
            } else {
                link.free(chunk);
            }
        }
        if (cursor >= limit) {
            roundCopied = true;
            link.endRound(round);
        } else {
            source.deliver(new Step()); // behind the guest's next slice in the mailbox
        }
    }

    private void roundSent(OutgoingLink.RoundSent r) {
        bytesSent += r.bytes();
        pagesSent += r.pages();
        zeroPages += r.zeroPages();
        if (settings.failsAt("cut-link-in-precopy", vm)) {
            link.cut();
            return;
        }
        if (settings.failsAt("source-exit-in-precopy", vm)) {
            Runtime.getRuntime().halt(137);
        }
        DirtyPages dirty = memory.takeDirty(GuestMemory.DirtyLog.MIGRATION);
        // Besides the pages the pause holds one trip over the link and the target's restore, commit
        // and first grant; the handshake's round trip is a cold one, so it counts at most 1 ms.
        long overhead = Math.min(Math.max(0, rttNanos), 1_000_000) + 300_000;
        PrecopyPlanner.Decision d = PrecopyPlanner.next(settings, plan, new PrecopyPlanner.Round(round, r.bytes(), r.busyNanos(),
                dirty.count(), overhead, System.nanoTime() - startNanos));
        plan = d.state();
        if (settings.failsAt("never-converge", vm) && !(d instanceof PrecopyPlanner.GiveUp)) {
            nextRound(dirty); // a test's migration that stays in pre-copy until cancelled
            return;
        }
        if (d instanceof PrecopyPlanner.SwitchOver) {
            if (!handOverSent) {
                waitingForHandOver = dirty; // the hand-over's fsync comes before the pause: wait for it
                return;
            }
            switchOver(dirty);
        } else if (d instanceof PrecopyPlanner.GiveUp g) {
            giveUp(g.reason(), MigrationOutcome.Result.FAILED);
        } else {
            if (plan.throttlePercent() != throttle) {
                throttle = plan.throttlePercent();
                maxThrottle = Math.max(maxThrottle, throttle);
                source.throttle(throttle);
            }
            nextRound(dirty);
        }
    }

    private void nextRound(DirtyPages dirty) {
        int[] next = new int[dirty.count()];
        int[] i = {0};
        dirty.forEach(pn -> next[i[0]++] = pn);
        pages = next;
        cursor = 0;
        round++;
        roundCopied = false;
        copy();
    }

    // ---- switch-over ----

    private void switchOver(DirtyPages dirty) {
        try {
            lease.check(); // a fenced host hands nothing over: its VM stops here instead
        } catch (FencedException e) {
            giveUp("this host fenced itself: " + e.getMessage(), MigrationOutcome.Result.FAILED);
            return;
        }
        if (settings.failsAt("source-exit-before-switch", vm)) {
            Runtime.getRuntime().halt(137);
        }
        phase = Phase.SWITCHING;
        SwitchState s = source.stopGuest();
        pauseNanos = s.pauseNanos();
        // The guest has not run since the decision, but the log is the authority.
        DirtyPages last = DirtyPages.union(dirty, memory.takeDirty(GuestMemory.DirtyLog.MIGRATION));
        diskSectors += s.diskLayers().stream().mapToLong(MemoryOverlay::sectorCount).sum();
        OutgoingLink.Written written = link.writeSwitchOver(new OutgoingLink.SwitchOver(memory, last, s.diskLayers(), s.core(),
                s.consoleHistory(), s.consoleRun(), s.consoleOffset(), s.paused(), pauseNanos, startNanos, settings.failsAt("corrupt-checksum", vm)));
        lastByteNanos = written.lastByteNanos();
        bytesSent += written.bytes();
        switchPages = written.pages();
    }

    private void verifyThenLeave() {
        if (!settings.verifyMemory()) {
            leave(false, null);
            return;
        }
        // The guest never runs here again, so its memory may be read off the VM's thread.
        CompletableFuture.runAsync(() -> source.deliver(new Verified(PageChecksums.of(memory))), io);
    }

    private void leave(boolean verified, String note) {
        phase = Phase.DONE;
        link.close();
        withdraw(handOver);
        source.throttle(0);
        if (!verified && settings.verifyMemory() && resumed != null) {
            System.err.println("VM " + vm + ": after its migration the source's memory does not match the target's checksum");
        }
        source.gone(); // first: this host stops listing the VM before anyone records it elsewhere
        source.finished(new MigrationOutcome(vm, target.sourceHost(), target.host(), MigrationOutcome.Result.MIGRATED,
                note == null ? "" : note, target.host(), lease.epoch() + 1, figures(true, verified)));
    }

    // ---- failures ----

    private void giveUp(String reason, MigrationOutcome.Result result) {
        phase = Phase.DONE;
        failure = reason;
        link.close();
        withdraw(handOver);
        source.throttle(0);
        source.finished(new MigrationOutcome(vm, target.sourceHost(), target.host(), result, reason, target.sourceHost(),
                lease.epoch(), figures(false, false)));
        source.runOn(null);
    }

    /** The target looked at the switch-over and did not take the lease: the guest runs on here. */
    private void refused(String reason) {
        if (phase == Phase.PRECOPY) {
            giveUp("the target refused the VM: " + reason, MigrationOutcome.Result.FAILED);
            return;
        }
        failure = "the target refused the switch-over: " + reason;
        phase = Phase.SETTLING;
        CompletableFuture.supplyAsync(this::leaseAfterRefusal, io).thenAccept(source::deliver);
    }

    private Settled leaseAfterRefusal() {
        try {
            return lease.stillValid() ? new Settled(lease, false, null) : settleOnDatastore();
        } catch (IOException | RuntimeException e) {
            return new Settled(null, false, "the VM's lease could not be read: " + e.getMessage());
        }
    }

    private void linkFailed(OutgoingLink.Failed f) {
        failure = f.reason();
        if (phase == Phase.PRECOPY || !f.afterSwitch()) {
            giveUp(f.reason(), MigrationOutcome.Result.FAILED);
            return;
        }
        phase = Phase.SETTLING;
        CompletableFuture.supplyAsync(this::settleOnDatastore, io).thenAccept(source::deliver);
    }

    /**
     * The switch-over may or may not have reached the target: take the next epoch for this host.
     * If that works, the target's commit can no longer succeed and the VM stays here; if the epoch
     * exists, whoever holds it has the VM.
     */
    private Settled settleOnDatastore() {
        try {
            Optional<Lease> kept = session.reclaim(lease);
            if (kept.isPresent()) {
                return new Settled(kept.get(), false, null);
            }
            Optional<LeaseRecord> now = session.currentLease(vm);
            if (now.isPresent() && now.get().owner().equals(target.host())) {
                return new Settled(null, false, null); // the target committed: find out whether it runs (see resolve)
            }
            return new Settled(null, false, "the VM's lease is now " + now.map(r -> "epoch " + r.epoch() + " of "
                    + (r.isHeld() ? r.owner() : "no host")).orElse("gone"));
        } catch (IOException | RuntimeException e) {
            return new Settled(null, false, "the VM's lease could not be settled: " + e.getMessage());
        }
    }

    /**
     * After the target took the lease, without word from it: it is known to run the VM once its
     * agent says so; if it dies first, its lease expires and this host takes the VM back.
     */
    private void resolve(long deadline) {
        source.targetRuns(RESOLVE_POLL.multipliedBy(4)).exceptionally(e -> false).thenAcceptAsync(runs -> {
            if (runs) {
                source.deliver(new Settled(null, true, null));
                return;
            }
            try {
                if (session.tryAcquire(vm) instanceof AcquireResult.Acquired a) {
                    source.deliver(new Settled(a.lease(), false, null));
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // try again
            }
            if (System.nanoTime() - deadline > 0) {
                source.deliver(new Settled(null, true, "unconfirmed"));
            } else {
                CompletableFuture.delayedExecutor(RESOLVE_POLL.toMillis(), TimeUnit.MILLISECONDS, io).execute(() -> resolve(deadline));
            }
        }, io);
    }

    private void settled(Settled s) {
        if (phase != Phase.SETTLING) {
            return;
        }
        if (s.lease() == null && !s.targetRuns() && s.why() == null) {
            resolve(System.nanoTime() + settings.resolveTimeout().toNanos());
        } else if (s.targetRuns()) {
            leave(false, "unconfirmed".equals(s.why())
                    ? "the lease passed to " + target.host() + ", whose host is alive, but its resume was never confirmed (" + failure + ")"
                    : "the target runs the VM; the link failed before it confirmed its resume (" + failure + ")");
        } else if (s.lease() != null) {
            phase = Phase.DONE;
            link.close();
            withdraw(handOver);
            source.throttle(0);
            String reason = s.lease() == lease ? failure : failure + "; the VM runs on here under epoch " + s.lease().epoch();
            source.finished(new MigrationOutcome(vm, target.sourceHost(), target.host(), MigrationOutcome.Result.FAILED, reason,
                    target.sourceHost(), s.lease().epoch(), figures(false, false)));
            source.runOn(s.lease());
        } else {
            // No lease to run on: the VM runs nowhere; its host's recovery or HA restarts it from its checkpoint.
            phase = Phase.DONE;
            link.close();
            withdraw(handOver);
            source.throttle(0);
            source.gone();
            source.finished(new MigrationOutcome(vm, target.sourceHost(), target.host(), MigrationOutcome.Result.FAILED,
                    failure + "; " + s.why(), null, 0, figures(false, false)));
        }
    }

    private void withdraw(PreparedHandOver h) {
        if (h != null) {
            CompletableFuture.runAsync(() -> {
                try {
                    h.close(); // its temporary name; a lease the target made of it stays
                } catch (IOException e) {
                    // a temporary file left behind: the datastore sweeps those
                }
            }, io);
        }
    }

    private MigrationFigures figures(boolean migrated, boolean verified) {
        long stop = pauseNanos > 0 && lastByteNanos > 0 ? lastByteNanos - pauseNanos : -1;
        long downtime = -1, total = -1;
        OutgoingLink.Resumed r = resumed;
        if (migrated && r != null) {
            long targetPart = r.loadNanos() + r.resumeNanos();
            downtime = sameClock ? r.firstNanos() - pauseNanos : stop + rttNanos / 2 + targetPart;
            total = sameClock ? r.firstNanos() - startNanos : lastByteNanos - startNanos + rttNanos / 2 + targetPart;
        } else if (migrated) {
            total = System.nanoTime() - startNanos;
        }
        return new MigrationFigures(downtime, stop, total, round + 1, bytesSent, pagesSent, zeroPages, switchPages,
                diskSectors, pauseNanos > 0, maxThrottle, plan.bytesPerNano() * 1e9, settings.downtimeBudget().toNanos(), stop,
                r == null ? -1 : r.loadNanos(), r == null ? -1 : r.handOverNanos(), r == null ? -1 : r.resumeNanos(), rttNanos,
                sameClock, r == null ? 0 : r.targetChecksum(), verified);
    }
}
