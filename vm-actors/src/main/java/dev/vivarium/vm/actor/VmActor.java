package dev.vivarium.vm.actor;

import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.VmFiles;
import dev.vivarium.datastore.checkpoint.CheckpointInfo;
import dev.vivarium.datastore.checkpoint.CheckpointStore;
import dev.vivarium.datastore.checkpoint.DiskOverlay;
import dev.vivarium.datastore.checkpoint.OverlayInfo;
import dev.vivarium.datastore.checkpoint.SnapshotInfo;
import dev.vivarium.datastore.checkpoint.SnapshotStore;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.datastore.lease.FencedException;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.lease.LeaseLostException;
import dev.vivarium.datastore.storage.PayloadWriter;
import dev.vivarium.datastore.storage.SealedFile;
import dev.vivarium.vm.migration.MigrationFigures;
import dev.vivarium.vm.migration.MigrationOutcome;
import dev.vivarium.vm.migration.OutgoingMigration;
import dev.vivarium.vm.migration.SourceEvent;
import dev.vivarium.vm.migration.TargetLookup;
import dev.vivarium.x86.devices.ata.overlay.MemoryOverlay;
import dev.vivarium.x86.devices.ata.overlay.OverlayFile;
import dev.vivarium.x86.cpu.GuestFaults;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import dev.vivarium.x86.memory.GuestMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One VM: owns its {@link PcMachine} and runs it in time slices, each a message to itself, so
 * management commands, grants and checkpoints interleave with execution. It must be spawned on
 * the VM dispatcher ({@code vivarium.vm-dispatcher}); datastore writes run on the I/O executor
 * and come back as {@link VmCommand.StorageDone}.
 *
 * <p>The machine only runs while the VM holds instructions granted by its host's scheduler,
 * while its guest time is not ahead of host time, and while {@link Lease#check()} passes
 * (checked before every slice: a fenced host never runs another guest instruction).
 */
public final class VmActor extends AbstractBehavior<VmCommand> {

    /** What a VM actor is started with; the machine is already booted or restored. */
    public record Setup(VmConfig config, PcMachine machine, long restoredSeq, VmDisk disk, Lease lease, HostSession session,
                        VmFiles files, VmSettings settings, Executor io, boolean arriving) {

        /** A VM that starts running here (booted or restored). */
        public Setup(VmConfig config, PcMachine machine, long restoredSeq, VmDisk disk, Lease lease, HostSession session,
                     VmFiles files, VmSettings settings, Executor io) {
            this(config, machine, restoredSeq, disk, lease, session, files, settings, io, false);
        }
    }

    private static final String WAKE = "wake", CHECKPOINT = "checkpoint", SHUTDOWN = "shutdown";
    /** Instructions per machine run within a slice (a few milliseconds at emulator speed). */
    private static final long RUN_CHUNK = 100_000;

    private final TimerScheduler<VmCommand> timers;
    private final ActorRef<VmCommand> self;
    private final Setup setup;
    private final String name;
    private final MachineLoader loader;
    private final RealTimePacer pacer;
    private final StringBuilder console = new StringBuilder();
    /** The console's most recent output, which a new subscriber gets first (a serial log, as on real hosts). */
    private final StringBuilder history = new StringBuilder();
    /**
     * The run the console counts in: new when the VM boots or is restored here, since the guest
     * then writes from another point than where the last count stopped; it moves with the VM.
     */
    private long consoleRun = newConsoleRun();
    /** Where {@link #history} starts in everything the console wrote in {@link #consoleRun} (it moves with the VM). */
    private long historyStart;
    private final Set<ActorRef<ConsoleOutput>> subscribers = new LinkedHashSet<>();
    private long consoleInputBytes;
    /** The lease it runs under: a migration that failed late may leave it a newer one. */
    private Lease lease;
    /** Live migration away from this host, while one runs (see {@link MigrationPart}). */
    private final MigrationPart migration = new MigrationPart();

    private PcMachine machine;
    /** The machine's disk (null for none): it outlives machines across resets, a revert replaces it. */
    private VmDisk disk;
    /** This VM's datastore tasks, one at a time in submission order: each disk overlay names the one before it. */
    private final Executor io;
    private VmState state = VmState.RUNNING;
    private String detail;
    /** A RunSlice is in the mailbox: at most one, so a VM takes one turn at a time on the dispatcher. */
    private boolean sliceQueued;
    private boolean wakePending;
    private boolean busyWithStorage;
    /** A suspend or power-off has stopped the guest: PAUSED then means leaving, not paused by management. */
    private boolean leaving;
    /** Whether management had paused the VM when it began leaving. */
    private boolean pausedBeforeLeaving;
    /** Instructions granted by the host and not yet used. */
    private long credit;
    private long readySince = -1;
    private final UsageMeter usage = new UsageMeter();
    /** An arriving VM's first instruction: its time goes back to the source, which measures the downtime. */
    private CompletableFuture<Long> firstInstruction;

    private CheckpointInfo chainTip;
    private int incrementalsSinceFull;
    private long lastCheckpointSeq;
    private boolean checkpointInFlight;
    private final List<ActorRef<VmReply>> checkpointWaiters = new ArrayList<>();
    private ActorRef<VmReply> shutdownWaiter;

    public static Behavior<VmCommand> create(Setup setup) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new VmActor(ctx, timers, setup)));
    }

    private VmActor(ActorContext<VmCommand> context, TimerScheduler<VmCommand> timers, Setup setup) {
        super(context);
        this.self = context.getSelf();
        this.timers = timers;
        this.setup = setup;
        this.name = setup.config().name();
        this.loader = new MachineLoader(setup.settings().imageDirectory());
        this.io = new SerialExecutor(setup.io());
        this.disk = setup.disk();
        this.lease = setup.lease();
        this.lastCheckpointSeq = setup.restoredSeq();
        this.pacer = new RealTimePacer(setup.machine().clock().instructionsPerSecond(), setup.settings().paceGuestTime());
        if (setup.arriving()) {
            // Its memory and devices are being received on another thread: nothing touches the machine before Arrive.
            machine = setup.machine();
            state = VmState.ARRIVING;
            detail = "arriving by live migration";
            return;
        }
        this.detail = setup.restoredSeq() < 0 ? "cold boot" : "restored from checkpoint " + setup.restoredSeq();
        install(setup.machine());
        pacer.restart(machine.clock().nanos());
        startCheckpoints();
        // A VM starts running: an earlier host's paused mark no longer holds. A Pause sent with the
        // power-on marks it again after this, in order, on the same executor.
        markPaused(false);
        queueSlice();
    }

    private void startCheckpoints() {
        Duration period = setup.settings().checkpointPeriod();
        timers.startTimerWithFixedDelay(CHECKPOINT, VmCommand.CheckpointTick.INSTANCE, period, period);
    }

    /**
     * Keeps the datastore's paused mark as management's wish (see {@link VmFiles#markPaused}),
     * on the VM's I/O executor; a failure costs only the mark, which the reconciler makes good.
     */
    private void markPaused(boolean paused) {
        VmFiles files = setup.files();
        org.slf4j.Logger log = getContext().getLog(); // taken here: the context belongs to the actor's thread
        io.execute(() -> {
            try {
                files.markPaused(paused);
            } catch (IOException e) {
                log.warn("VM {}: cannot {} its paused mark: {}", name, paused ? "write" : "clear", e.getMessage());
            }
        });
    }

    private void install(PcMachine fresh) {
        machine = fresh;
        machine.chipset().serial().output().subscribe(b -> console.append((char) b));
        machine.memory().takeDirty(GuestMemory.DirtyLog.RATE);
        chainTip = null; // a new machine starts a new chain with a full checkpoint
    }

    @Override
    public Receive<VmCommand> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(VmCommand.RunSlice.INSTANCE, () -> {
                    sliceQueued = false;
                    runSlice();
                    return next();
                })
                .onMessageEquals(VmCommand.Wake.INSTANCE, () -> {
                    wakePending = false;
                    if (!sliceQueued) {
                        runSlice();
                    }
                    return next();
                })
                .onMessage(VmCommand.Grant.class, this::onGrant)
                .onMessageEquals(VmCommand.CheckpointTick.INSTANCE, () -> {
                    if (!checkpointInFlight && canCheckpoint()) {
                        startCheckpoint();
                    }
                    return this;
                })
                .onMessage(VmCommand.StorageDone.class, done -> {
                    done.then().run();
                    return next();
                })
                .onMessage(VmCommand.Fence.class, f -> fence(f.reason()))
                .onMessage(VmCommand.ShutdownTimedOut.class, t -> {
                    powerOff(t.replyTo(), "powered off hard: the guest did not shut down in time");
                    return this;
                })
                .onMessage(VmCommand.GetStatus.class, g -> {
                    g.replyTo().tell(status());
                    return this;
                })
                .onMessage(VmCommand.SubscribeConsole.class, s -> {
                    if (!subscribers.contains(s.subscriber())) {
                        // What it missed: from where it stopped following on another host, in this run;
                        // all this VM keeps when it followed another run (the VM was restored since) or none.
                        int skip = s.run() != consoleRun ? 0 : (int) Math.min(history.length(), Math.max(0, s.from() - historyStart));
                        if (history.length() > skip) {
                            s.subscriber().tell(new ConsoleOutput(name, history.substring(skip), consoleRun, historyStart + skip));
                        }
                        // A subscriber on a node that dies never unsubscribes: forget it when it stops.
                        getContext().watchWith(s.subscriber(), new VmCommand.UnsubscribeConsole(s.subscriber()));
                    }
                    subscribers.add(s.subscriber());
                    return this;
                })
                .onMessage(VmCommand.UnsubscribeConsole.class, s -> {
                    if (subscribers.remove(s.subscriber())) {
                        getContext().unwatch(s.subscriber());
                    }
                    return this;
                })
                .onMessage(VmCommand.ConsoleInput.class, input -> {
                    if (migration.holds(input)) {
                        return this;
                    }
                    byte[] bytes = input.text().getBytes(StandardCharsets.ISO_8859_1);
                    machine.chipset().serial().input().write(bytes);
                    consoleInputBytes += bytes.length;
                    queueSlice();
                    return this;
                })
                .onMessage(VmCommand.Replying.class, this::onManagement)
                .onMessage(VmCommand.PrepareMigration.class, m -> {
                    migration.prepare(m);
                    return this;
                })
                .onMessage(VmCommand.StartMigration.class, m -> {
                    migration.start(m);
                    return this;
                })
                .onMessage(VmCommand.AbandonMigration.class, m -> {
                    migration.abandonBeforeStart();
                    return this;
                })
                .onMessage(VmCommand.CancelMigration.class, m -> {
                    migration.cancel(m);
                    return this;
                })
                .onMessage(VmCommand.MigrationEvent.class, e -> {
                    migration.onEvent(e.event());
                    return next();
                })
                .onMessage(VmCommand.Arrive.class, this::arrive)
                .onMessage(VmCommand.DiscardArrival.class, d -> {
                    state = VmState.FAILED;
                    detail = "did not arrive: " + d.reason();
                    return Behaviors.stopped();
                })
                .onSignal(PostStop.class, s -> {
                    migration.abandon();
                    closeMachine();
                    closeDisk(disk);
                    return this;
                })
                .build();
    }

    /** A lab fault inside the guest: the CPU is put in the state a guest bug leaves it in, and runs on from there. */
    private void injectGuestFault(VmCommand.InjectGuestFault f) {
        try {
            switch (f.kind()) {
                case VmCommand.InjectGuestFault.CRASH -> GuestFaults.loseInterruptTable(machine.cpu());
                case VmCommand.InjectGuestFault.HANG -> GuestFaults.spinAtCurrentInstruction(machine.cpu(), machine.memory());
                default -> throw new IllegalArgumentException("no guest fault '" + f.kind() + "' (crash, hang)");
            }
            f.replyTo().tell(new VmReply.Done(name, "guest " + f.kind() + " injected"));
        } catch (IllegalStateException | IllegalArgumentException e) {
            f.replyTo().tell(new VmReply.Failed(name, e.getMessage()));
        }
    }

    /** The actor ends once the VM is off, suspended or fenced; its host sees it terminate. */
    private Behavior<VmCommand> next() {
        return state == VmState.POWERED_OFF || state == VmState.SUSPENDED || state == VmState.FENCED
                || (state == VmState.MIGRATED && !migration.forwarding()) ? Behaviors.stopped() : this;
    }

    /** Commands that change the machine: refused while a datastore operation on it is under way. */
    private Behavior<VmCommand> onManagement(VmCommand.Replying command) {
        if (state == VmState.ARRIVING) {
            command.replyTo().tell(new VmReply.Failed(name, "busy: the VM is arriving by live migration"));
            return this;
        }
        if (migration.holds(command)) {
            return this;
        }
        if (busyWithStorage) {
            command.replyTo().tell(new VmReply.Failed(name, "busy: a suspend, power off or snapshot operation is under way"));
            return this;
        }
        if (command instanceof VmCommand.PowerOff p) {
            powerOff(p.replyTo(), "powered off");
        } else if (command instanceof VmCommand.Reset r) {
            reset(r.replyTo());
        } else if (command instanceof VmCommand.InjectGuestFault f) {
            injectGuestFault(f);
        } else if (command instanceof VmCommand.ShutdownGuest s) {
            machine.chipset().backdoor().requestShutdown();
            shutdownWaiter = s.replyTo();
            timers.startSingleTimer(SHUTDOWN, new VmCommand.ShutdownTimedOut(s.replyTo()), Duration.ofMillis(s.timeoutMillis()));
            queueSlice();
        } else if (command instanceof VmCommand.Pause p) {
            if (state == VmState.RUNNING) {
                state = VmState.PAUSED;
                cancelWake();
                endReady();
                if (p.marked()) {
                    markPaused(true);
                }
            }
            p.replyTo().tell(new VmReply.Done(name, "paused"));
        } else if (command instanceof VmCommand.Unpause u) {
            if (state == VmState.PAUSED) {
                state = VmState.RUNNING;
                pacer.restart(machine.clock().nanos()); // the pause is not guest time to catch up on
                queueSlice();
                markPaused(false);
            }
            u.replyTo().tell(new VmReply.Done(name, "running"));
        } else if (command instanceof VmCommand.Suspend s) {
            suspend(s.replyTo());
        } else if (command instanceof VmCommand.Checkpoint c) {
            checkpointWaiters.add(c.replyTo());
            if (!checkpointInFlight) {
                startCheckpoint();
            }
        } else if (command instanceof VmCommand.TakeSnapshot t) {
            takeSnapshot(t);
        } else if (command instanceof VmCommand.ListSnapshots l) {
            listSnapshots(l.replyTo());
        } else if (command instanceof VmCommand.RevertToSnapshot r) {
            revert(r);
        } else if (command instanceof VmCommand.DeleteSnapshot d) {
            Lease current = lease;
            storage(() -> {
                setup.files().snapshots().delete(current, d.name());
                return null;
            }, (ok, error) -> reply(d.replyTo(), error, "snapshot " + d.name() + " deleted"));
        } else {
            command.replyTo().tell(new VmReply.Failed(name, "unknown command " + command.getClass().getSimpleName()));
        }
        return this;
    }

    // ---- execution ----

    private void queueSlice() {
        if (!sliceQueued && state == VmState.RUNNING) {
            sliceQueued = true;
            cancelWake();
            getContext().getSelf().tell(VmCommand.RunSlice.INSTANCE);
        }
    }

    private void runSlice() {
        if (state != VmState.RUNNING) {
            return;
        }
        try {
            lease.check();
        } catch (FencedException e) {
            fence(e.getMessage());
            return;
        }
        // Host time is read once per run, not per decision: a limit from an earlier reading is
        // never later than the true one, and an idle guest's wake is a few runs at most.
        long start = System.nanoTime();
        long now = start;
        long deadline = start + setup.settings().maxSliceTime().toNanos();
        long executed = 0;
        boolean goOn = true;
        while (goOn && executed < setup.settings().sliceInstructions()) {
            if (credit <= 0) {
                readySince = now; // runnable, held back by the host's budget until the next grant
                goOn = false;
                break;
            }
            long guest = machine.clock().nanos();
            long allowance = pacer.allowance(guest, now);
            long limit = pacer.guestLimit(now);
            if (allowance <= 0) {
                wakeIn(guest - limit);
                goOn = false;
                break;
            }
            // Small runs, so the slice's time limit holds however slow the emulator is on this machine.
            long budget = Math.min(Math.min(Math.min(setup.settings().sliceInstructions() - executed, credit), allowance), RUN_CHUNK);
            long before = machine.cpu().instructions();
            if (firstInstruction != null) {
                firstInstruction.complete(System.nanoTime()); // an arriving VM's downtime ends here
                firstInstruction = null;
            }
            // A halted guest takes every timer interrupt due up to the limit inside this one run.
            RunResult result = machine.run(budget, limit);
            long ran = machine.cpu().instructions() - before;
            executed += ran;
            credit -= ran;
            if (result instanceof RunResult.Halted h) {
                if (h.untilNanos() != Long.MAX_VALUE) {
                    wakeIn(h.untilNanos() - limit); // costs nothing until the guest's next timer is due in host time
                } // else only console input can wake it; ConsoleInput queues a slice
                goOn = false;
            } else if (result instanceof RunResult.HaltedForever) {
                state = VmState.HALTED_FOREVER;
                detail = "the guest halted with interrupts off";
                goOn = false;
            } else if (result instanceof RunResult.Exited e) {
                usage.ran(executed, System.nanoTime() - start);
                flushConsole();
                guestExited(e.code());
                return;
            } else if (result instanceof RunResult.Reset r) {
                usage.ran(executed, System.nanoTime() - start);
                flushConsole();
                reboot("the guest reset (" + r.cause() + ")");
                return;
            } else {
                now = System.nanoTime();
                if (now - deadline >= 0) {
                    break;
                }
            }
        }
        usage.ran(executed, (goOn ? now : System.nanoTime()) - start);
        flushConsole();
        if (goOn) {
            queueSlice();
        }
    }

    /**
     * Sleeps until the guest's next timer event is due in host time, but at least the wake
     * granularity: a guest ticking faster is woken less often and takes the ticks due meanwhile
     * in one go (as a hypervisor delivers a descheduled VM's timer interrupts when it runs
     * again), so a host full of idle 1 kHz guests pays for a wake per granularity, not per tick.
     */
    private void wakeIn(long nanos) {
        long granularity = setup.settings().wakeGranularity().toNanos();
        timers.startSingleTimer(WAKE, VmCommand.Wake.INSTANCE, Duration.ofNanos(Math.max(nanos, granularity)));
        wakePending = true;
    }

    private void cancelWake() {
        if (wakePending) {
            timers.cancel(WAKE);
            wakePending = false;
        }
    }

    private Behavior<VmCommand> onGrant(VmCommand.Grant grant) {
        // Unused grants do not pile up: a VM that idled cannot later burst past its share.
        credit = Math.min(credit + grant.instructions(), 2 * grant.instructions());
        boolean limited = readySince >= 0;
        endReady();
        grant.replyTo().tell(usage.report(name, limited, machine.memory().allocatedPages() * (long) GuestMemory.PAGE_SIZE,
                machine.memory().takeDirty(GuestMemory.DirtyLog.RATE).count(), paused()));
        if (limited) {
            queueSlice();
        }
        return this;
    }

    /** Paused by management, as its host reports it; a VM on its way out is still as it was. */
    private boolean paused() {
        if (state == VmState.MIGRATING) {
            return migration.pausedBeforeSwitch();
        }
        return leaving ? pausedBeforeLeaving : state == VmState.PAUSED;
    }

    private void endReady() {
        if (readySince >= 0) {
            usage.ready(System.nanoTime() - readySince);
            readySince = -1;
        }
    }

    /** A run no other start of this VM has: random, since restarts on different hosts share no counter. */
    private static long newConsoleRun() {
        long run;
        do {
            run = ThreadLocalRandom.current().nextLong();
        } while (run == ConsoleOutput.NO_RUN);
        return run;
    }

    private void flushConsole() {
        if (console.length() > 0) {
            ConsoleOutput out = new ConsoleOutput(name, console.toString(), consoleRun, historyStart + history.length());
            history.append(console);
            int excess = history.length() - setup.settings().consoleHistoryBytes();
            if (excess > 0) {
                history.delete(0, excess);
                historyStart += excess;
            }
            console.setLength(0);
            subscribers.forEach(s -> s.tell(out));
        }
    }

    // ---- life cycle ----

    private void guestExited(int code) {
        String what = "the guest exited with code " + code;
        if (shutdownWaiter != null) {
            timers.cancel(SHUTDOWN);
            powerOff(shutdownWaiter, "guest shut down: " + what);
            shutdownWaiter = null;
        } else {
            powerOff(null, what);
        }
    }

    private void reboot(String why) {
        try {
            PcMachine fresh = loader.coldBoot(setup.config(), disk, setup.files()); // the disk keeps what the guest wrote
            closeMachine();
            install(fresh);
            pacer.restart(machine.clock().nanos());
            state = VmState.RUNNING;
            detail = why + "; booted again";
            queueSlice();
        } catch (Exception e) {
            state = VmState.FAILED;
            detail = why + "; the reboot failed: " + e.getMessage();
        }
    }

    private void reset(ActorRef<VmReply> replyTo) {
        reboot("reset by management");
        reply(replyTo, state == VmState.FAILED ? new IOException(detail) : null, "reset");
    }

    /** Stops the guest, discards its checkpoints (a power cycle loses the running state) and releases the lease. */
    private void powerOff(ActorRef<VmReply> replyTo, String why) {
        stopRunning();
        Lease lease = this.lease;
        VmDisk vmDisk = disk;
        MemoryOverlay frozen = vmDisk == null ? null : vmDisk.freeze();
        storage(() -> {
            lease.checkWritable();
            // The disk survives a power cycle: its overlay is the disk the next boot starts with.
            OverlayInfo off = vmDisk == null ? null : setup.files().overlays().write(lease, vmDisk.overlayUpTo(frozen));
            CheckpointStore checkpoints = setup.files().checkpoints();
            for (CheckpointInfo c : checkpoints.list()) {
                if (c.epoch() <= lease.epoch()) {
                    Files.deleteIfExists(c.file());
                }
            }
            if (off != null) {
                setup.files().overlays().retain(lease, off.seq(), snapshotSeqs(), vmDisk::merge);
            }
            setup.session().release(lease);
            return null;
        }, (ok, error) -> {
            state = VmState.POWERED_OFF;
            detail = why + (error == null ? "" : "; releasing the VM failed: " + error.getMessage());
            if (replyTo != null) {
                reply(replyTo, error, why);
            }
        });
    }

    private void suspend(ActorRef<VmReply> replyTo) {
        stopRunning();
        byte[] state = machine.capture();
        VmDisk vmDisk = disk;
        MemoryOverlay frozen = vmDisk == null ? null : vmDisk.freeze();
        Lease lease = this.lease;
        storage(() -> {
            CheckpointStore checkpoints = setup.files().checkpoints();
            CheckpointInfo info = checkpoints.writeFull(lease, PayloadWriter.of(state), vmDisk == null ? null : vmDisk.overlayUpTo(frozen));
            if (vmDisk != null) {
                vmDisk.stored(frozen, info.seq());
            }
            prune(checkpoints, lease, vmDisk);
            setup.session().release(lease);
            return null;
        }, (ok, error) -> {
            if (error == null) {
                this.state = VmState.SUSPENDED;
                detail = "suspended to the datastore";
                replyTo.tell(new VmReply.Done(name, "suspended"));
            } else {
                this.state = VmState.RUNNING; // nothing was freed: the VM goes on here
                leaving = false;
                chainTip = null;
                pacer.restart(machine.clock().nanos());
                queueSlice();
                replyTo.tell(new VmReply.Failed(name, "suspend failed, still running: " + error.getMessage()));
            }
        });
    }

    private void stopRunning() {
        cancelWake();
        timers.cancel(CHECKPOINT);
        endReady();
        if (!leaving) {
            pausedBeforeLeaving = state == VmState.PAUSED;
        }
        state = VmState.PAUSED;
        leaving = true;
        busyWithStorage = true;
    }

    private Behavior<VmCommand> fence(String reason) {
        state = VmState.FENCED;
        detail = "fenced: " + reason;
        checkpointWaiters.forEach(w -> w.tell(new VmReply.Failed(name, detail)));
        getContext().getLog().warn("VM {} stopped: {}", name, detail);
        return Behaviors.stopped();
    }

    private void closeMachine() {
        try {
            machine.close();
        } catch (IOException e) {
            getContext().getLog().warn("VM {}: closing its machine failed: {}", name, e.getMessage());
        }
    }

    private void closeDisk(VmDisk old) {
        if (old != null) {
            try {
                old.close();
            } catch (IOException e) {
                getContext().getLog().warn("VM {}: closing its disk failed: {}", name, e.getMessage());
            }
        }
    }

    // ---- checkpoints and snapshots ----

    private boolean canCheckpoint() {
        return (state == VmState.RUNNING || state == VmState.PAUSED || state == VmState.HALTED_FOREVER)
                && !migration.blocksCheckpoints();
    }

    private void startCheckpoint() {
        List<ActorRef<VmReply>> waiting = List.copyOf(checkpointWaiters);
        checkpointWaiters.clear();
        if (!canCheckpoint() || busyWithStorage) {
            waiting.forEach(w -> w.tell(new VmReply.Failed(name, "no checkpoint: the VM is " + state)));
            return;
        }
        boolean full = chainTip == null || incrementalsSinceFull >= setup.settings().fullEvery();
        byte[] bytes = full ? machine.capture() : machine.captureIncremental();
        VmDisk vmDisk = disk;
        MemoryOverlay frozen = vmDisk == null ? null : vmDisk.freeze(); // the same instant: the guest has not run since
        CheckpointInfo base = chainTip;
        Lease lease = this.lease;
        checkpointInFlight = true;
        CompletableFuture.supplyAsync(() -> call(() -> {
            CheckpointStore store = setup.files().checkpoints();
            DiskOverlay overlay = vmDisk == null ? null : vmDisk.overlayUpTo(frozen);
            CheckpointInfo info = full ? store.writeFull(lease, PayloadWriter.of(bytes), overlay)
                    : store.writeIncremental(lease, base, PayloadWriter.of(bytes), overlay);
            if (vmDisk != null) {
                vmDisk.stored(frozen, info.seq());
            }
            if (full) {
                prune(store, lease, vmDisk); // the new full one supersedes (merges) older chains
            }
            return new Stored(info, openChain(vmDisk, info.seq()));
        }), io).whenComplete(back((stored, error) -> {
            CheckpointInfo info = stored == null ? null : stored.info();
            if (stored != null) {
                adoptChain(vmDisk, stored.chain(), frozen);
            }
            checkpointInFlight = false;
            if (error != null) {
                chainTip = null; // the dirty pages of a lost incremental are gone: start a new chain
                waiting.forEach(w -> w.tell(new VmReply.Failed(name, "checkpoint failed: " + error.getMessage())));
                getContext().getLog().warn("VM {}: checkpoint failed: {}", name, error.getMessage());
                if (error instanceof LeaseLostException) {
                    getContext().getSelf().tell(new VmCommand.Fence(error.getMessage()));
                }
            } else {
                chainTip = info;
                incrementalsSinceFull = full ? 0 : incrementalsSinceFull + 1;
                lastCheckpointSeq = info.seq();
                waiting.forEach(w -> w.tell(new VmReply.CheckpointTaken(name, info.seq(), full, bytes.length)));
            }
            if (!checkpointWaiters.isEmpty()) {
                startCheckpoint();
            }
            migration.checkpointEnded();
        }));
    }

    private void takeSnapshot(VmCommand.TakeSnapshot take) {
        byte[] bytes = machine.capture();
        VmDisk vmDisk = disk;
        MemoryOverlay frozen = vmDisk == null ? null : vmDisk.freeze();
        chainTip = null; // capture() took the dirty pages an incremental checkpoint would need
        Lease current = lease;
        storage(() -> {
            SnapshotInfo info = setup.files().snapshots().take(current, take.name(), take.description(),
                    PayloadWriter.of(bytes), vmDisk == null ? null : vmDisk.overlayUpTo(frozen));
            if (vmDisk != null) {
                vmDisk.stored(frozen, info.seq());
            }
            return openChain(vmDisk, info.seq());
        }, (chain, error) -> {
            if (error == null) {
                adoptChain(vmDisk, chain, frozen);
            }
            reply(take.replyTo(), error, "snapshot " + take.name() + " taken");
        });
    }

    /** What a checkpoint task hands back: the checkpoint, and the disk's new overlay chain (null without a disk). */
    private record Stored(CheckpointInfo info, List<OverlayFile> chain) {
    }

    /** Removes superseded checkpoint chains and, for a VM with a disk, folds and removes the overlays under them. */
    private void prune(CheckpointStore store, Lease lease, VmDisk vmDisk) throws IOException {
        if (vmDisk == null) {
            store.prune(lease, setup.settings().retention());
        } else {
            store.prune(lease, setup.settings().retention(), vmDisk::merge);
        }
    }

    private List<OverlayFile> openChain(VmDisk vmDisk, long seq) throws IOException {
        return vmDisk == null ? null : vmDisk.openChain(setup.files().overlays(), seq);
    }

    /** On the VM's thread: reads of what {@code frozen} held now come from the stored chain. */
    private void adoptChain(VmDisk vmDisk, List<OverlayFile> chain, MemoryOverlay frozen) {
        if (vmDisk == null || vmDisk != disk) {
            return; // no disk, or a revert replaced it meanwhile (closing the old one closed these files)
        }
        try {
            vmDisk.adopt(chain, frozen);
        } catch (IOException | RuntimeException e) {
            getContext().getLog().warn("VM {}: swapping in the stored disk overlays failed: {}", name, e.getMessage());
        }
    }

    private List<Long> snapshotSeqs() throws IOException {
        return setup.files().snapshots().list().stream().map(SnapshotInfo::seq).toList();
    }

    private void listSnapshots(ActorRef<VmReply> replyTo) {
        storage(() -> {
            SnapshotStore store = setup.files().snapshots();
            List<VmReply.SnapshotEntry> entries = new ArrayList<>();
            for (SnapshotInfo info : store.list()) {
                try (SealedFile file = store.open(info)) {
                    var meta = store.metadata(file, info);
                    entries.add(new VmReply.SnapshotEntry(info.name(), meta.description(), info.seq(), meta.createdAtMillis()));
                }
            }
            return entries;
        }, (entries, error) -> replyTo.tell(error == null ? new VmReply.Snapshots(name, entries)
                : new VmReply.Failed(name, error.getMessage())));
    }

    private void revert(VmCommand.RevertToSnapshot revert) {
        storage(() -> {
            SnapshotStore store = setup.files().snapshots();
            SnapshotInfo info = store.find(revert.name()).orElseThrow(
                    () -> new IllegalArgumentException("VM " + name + " has no snapshot named '" + revert.name() + "'"));
            byte[] bytes;
            try (SealedFile file = store.open(info)) {
                bytes = file.readPayload();
            }
            VmDisk snapshotDisk = loader.openDisk(setup.config(), setup.files(), info.seq());
            PcMachine fresh = loader.forRestore(setup.config(), snapshotDisk);
            try {
                fresh.restore(bytes);
            } catch (RuntimeException e) {
                fresh.close();
                if (snapshotDisk != null) {
                    snapshotDisk.close();
                }
                throw e;
            }
            return new Reverted(fresh, snapshotDisk);
        }, (reverted, error) -> {
            if (error == null) {
                closeMachine();
                closeDisk(disk); // what the guest wrote since the snapshot goes with it
                disk = reverted.disk();
                install(reverted.machine());
                pacer.restart(machine.clock().nanos());
                state = VmState.RUNNING;
                detail = "reverted to snapshot " + revert.name();
                queueSlice();
            }
            reply(revert.replyTo(), error, "reverted to snapshot " + revert.name());
        });
    }

    private record Reverted(PcMachine machine, VmDisk disk) {
    }

    // ---- datastore operations off the VM's thread ----

    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws Exception;
    }

    private static <T> T call(IoCall<T> io) {
        try {
            return io.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    /** Runs {@code io} on the I/O executor; {@code then} runs on this actor's thread. Management waits meanwhile. */
    private <T> void storage(IoCall<T> io, BiConsumer<T, Throwable> then) {
        busyWithStorage = true;
        CompletableFuture.supplyAsync(() -> call(io), this.io).whenComplete(back((value, error) -> {
            busyWithStorage = false;
            then.accept(value, error);
        }));
    }

    private <T> BiConsumer<T, Throwable> back(BiConsumer<T, Throwable> then) {
        ActorRef<VmCommand> self = getContext().getSelf();
        return (value, error) -> self.tell(new VmCommand.StorageDone(() -> then.accept(value, unwrap(error))));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private void reply(ActorRef<VmReply> replyTo, Throwable error, String what) {
        replyTo.tell(error == null ? new VmReply.Done(name, what) : new VmReply.Failed(name, what + " failed: " + error.getMessage()));
    }

    // ---- live migration ----

    /** A VM arriving by live migration: the lease passed, so the guest runs here from now, at once. */
    private Behavior<VmCommand> arrive(VmCommand.Arrive a) {
        if (state != VmState.ARRIVING) {
            a.firstInstruction().completeExceptionally(new IllegalStateException("VM " + name + " is " + state));
            return this;
        }
        install(machine); // the receiving thread handed the machine over with this message
        history.setLength(0);
        history.append(a.consoleHistory());
        consoleRun = a.consoleRun();
        historyStart = Math.max(0, a.consoleOffset());
        credit = a.credit(); // its first grant now, not at the next scheduler tick
        state = a.paused() ? VmState.PAUSED : VmState.RUNNING;
        detail = "migrated in at epoch " + a.epoch();
        pacer.restart(machine.clock().nanos()); // the switch-over is no guest time to catch up on
        startCheckpoints();
        migration.feedHeldInput();
        if (state == VmState.RUNNING) {
            firstInstruction = a.firstInstruction();
            runSlice(); // in this turn: no trip through the mailbox before the first instruction
        } else {
            a.firstInstruction().complete(System.nanoTime());
        }
        return next();
    }

    /**
     * This VM's side of a live migration away from its host ({@link OutgoingMigration} does the
     * moving, on this actor's thread), and what it holds back meanwhile: commands that change the
     * machine are refused while pages go, and kept during the switch-over, then sent after the
     * VM to its new host (or carried out here if it stays).
     */
    private final class MigrationPart implements OutgoingMigration.SourceVm {
        private ActorRef<SourceEvent> host;
        private VmCommand.PrepareMigration waiting;
        /** Prepared: no checkpoint starts until the migration ends (the lease hand-over's cutoff). */
        private boolean reserved;
        private OutgoingMigration outgoing;
        private TargetLookup lookup;
        private String targetHost;
        private VmState before = VmState.RUNNING;
        private List<MemoryOverlay> sentLayers = List.of();
        private final List<VmCommand> held = new ArrayList<>();
        private final StringBuilder heldInput = new StringBuilder();
        private boolean forwarding;

        private record Forward(Optional<ActorRef<VmCommand>> target) {
        }

        boolean blocksCheckpoints() {
            return reserved;
        }

        boolean forwarding() {
            return forwarding;
        }

        boolean pausedBeforeSwitch() {
            return before == VmState.PAUSED;
        }

        void prepare(VmCommand.PrepareMigration p) {
            String refusal = busyWithStorage || leaving ? "busy: a suspend, power off or snapshot operation is under way"
                    : reserved ? "it is already migrating"
                    : state == VmState.RUNNING || state == VmState.PAUSED || state == VmState.HALTED_FOREVER ? null
                    : "it is " + state.name().toLowerCase();
            if (refusal != null) {
                p.host().tell(new SourceEvent.Ready(name, lease.epoch(), -1, "VM " + name + " cannot migrate: " + refusal));
                return;
            }
            reserved = true;
            if (checkpointInFlight) {
                waiting = p; // answered when the checkpoint's write ends
            } else {
                ready(p);
            }
        }

        private void ready(VmCommand.PrepareMigration p) {
            p.host().tell(new SourceEvent.Ready(name, lease.epoch(), disk == null ? -1 : disk.storedTip(), null));
        }

        void checkpointEnded() {
            if (waiting != null) {
                ready(waiting);
                waiting = null;
            }
        }

        void abandonBeforeStart() {
            if (outgoing == null) {
                reserved = false;
                waiting = null;
            }
        }

        void start(VmCommand.StartMigration m) {
            if (!reserved || outgoing != null || !canMove()) {
                m.host().tell(new SourceEvent.Finished(new MigrationOutcome(name, m.target().sourceHost(), m.target().host(),
                        MigrationOutcome.Result.REFUSED, "VM " + name + " is " + state.name().toLowerCase() + " and cannot migrate",
                        m.target().sourceHost(), 0, MigrationFigures.NONE)));
                reserved = outgoing != null;
                return;
            }
            host = m.host();
            lookup = m.lookup();
            targetHost = m.target().host();
            outgoing = new OutgoingMigration(name, m.target(), m.settings(), this, setup.session(), lease, io);
            List<MemoryOverlay> layers = List.of();
            if (disk != null) {
                disk.freeze(); // its writes until now go with the first pass; those after, at the switch-over
                layers = disk.unsaved();
                sentLayers = layers;
            }
            detail = "migrating to " + targetHost;
            outgoing.start(layers);
        }

        private boolean canMove() {
            return state == VmState.RUNNING || state == VmState.PAUSED || state == VmState.HALTED_FOREVER;
        }

        void cancel(VmCommand.CancelMigration c) {
            if (outgoing == null) {
                c.host().tell(new SourceEvent.CancelAnswer(name, false, "no migration of VM " + name + " runs"));
            } else if (outgoing.cancel(c.reason())) {
                c.host().tell(new SourceEvent.CancelAnswer(name, true, "cancelled"));
            } else {
                c.host().tell(new SourceEvent.CancelAnswer(name, false, "too late: the switch-over of VM " + name + " is under way"));
            }
        }

        void onEvent(Object event) {
            if (event instanceof Forward f) {
                forwardHeld(f.target());
            } else if (outgoing != null) {
                outgoing.onEvent(event);
            }
        }

        /** Whether {@code command} waits for the migration (or was refused because of it). */
        boolean holds(VmCommand command) {
            if (state == VmState.ARRIVING && command instanceof VmCommand.ConsoleInput input) {
                heldInput.append(input.text()); // typed before the guest runs here: it gets it first thing
                return true;
            }
            if (outgoing == null) {
                return false;
            }
            if (outgoing.switchingOver()) {
                if (command instanceof VmCommand.ConsoleInput input) {
                    heldInput.append(input.text());
                    return true;
                }
                held.add(command); // the switch-over takes milliseconds: it goes to where the VM is next
                return true;
            }
            if (command instanceof VmCommand.ListSnapshots || command instanceof VmCommand.ConsoleInput) {
                return false; // reads the datastore / reaches the UART, which moves with the VM
            }
            if (command instanceof VmCommand.Replying r) {
                r.replyTo().tell(new VmReply.Failed(name, "busy: VM " + name + " is migrating to " + targetHost
                        + "; cancel the migration or try again when it has ended"));
                return true;
            }
            return false;
        }

        void feedHeldInput() {
            if (heldInput.length() > 0) {
                byte[] bytes = heldInput.toString().getBytes(StandardCharsets.ISO_8859_1);
                machine.chipset().serial().input().write(bytes);
                consoleInputBytes += bytes.length;
                heldInput.setLength(0);
            }
        }

        void abandon() {
            if (outgoing != null) {
                outgoing.abandon();
                outgoing = null;
            }
        }

        private void forwardHeld(Optional<ActorRef<VmCommand>> target) {
            for (VmCommand c : held) {
                if (target.isPresent()) {
                    target.get().tell(c);
                } else if (c instanceof VmCommand.Replying r) {
                    r.replyTo().tell(new VmReply.Failed(name, "VM " + name + " moved to " + targetHost + " during the command; "
                            + "it could not be passed on there: send it again"));
                }
            }
            held.clear();
            forwarding = false;
        }

        // ---- OutgoingMigration.SourceVm ----

        @Override
        public GuestMemory memory() {
            return machine.memory();
        }

        @Override
        public OutgoingMigration.SwitchState stopGuest() {
            long pause = System.nanoTime();
            before = state;
            cancelWake();
            endReady();
            flushConsole(); // what the guest wrote leaves now, not with the next slice on the target
            state = VmState.MIGRATING;
            byte[] core = machine.captureWithoutMemory();
            List<MemoryOverlay> layers = List.of();
            if (disk != null) {
                disk.freeze();
                List<MemoryOverlay> left = new ArrayList<>(disk.unsaved());
                left.removeIf(layer -> sentLayers.stream().anyMatch(sent -> sent == layer));
                layers = left;
            }
            return new OutgoingMigration.SwitchState(core, history.toString().getBytes(StandardCharsets.ISO_8859_1),
                    consoleRun, historyStart, before == VmState.PAUSED, layers, pause);
        }

        @Override
        public void runOn(Lease newLease) {
            if (newLease != null && newLease != lease) {
                lease = newLease;
                chainTip = null; // a new epoch starts a new chain
            }
            outgoing = null;
            reserved = false;
            sentLayers = List.of();
            if (state == VmState.MIGRATING) {
                state = before;
            }
            detail = "a migration to " + targetHost + " did not happen; runs on here";
            if (state == VmState.RUNNING) {
                pacer.restart(machine.clock().nanos());
                queueSlice();
            }
            List<VmCommand> again = List.copyOf(held);
            held.clear();
            if (heldInput.length() > 0) {
                again = new ArrayList<>(again);
                again.add(new VmCommand.ConsoleInput(heldInput.toString()));
                heldInput.setLength(0);
            }
            again.forEach(self::tell); // carried out here after all
        }

        @Override
        public void gone() {
            state = VmState.MIGRATED;
            detail = "migrated to " + targetHost;
            host.tell(new SourceEvent.Left(name));
            outgoing = null;
            reserved = false;
            if (heldInput.length() > 0) {
                held.add(new VmCommand.ConsoleInput(heldInput.toString()));
                heldInput.setLength(0);
            }
            if (!held.isEmpty()) {
                forwarding = true;
                lookup.find(Duration.ofSeconds(5)).whenComplete((ref, e) ->
                        self.tell(new VmCommand.MigrationEvent(new Forward(ref == null ? Optional.empty() : ref))));
            }
        }

        @Override
        public void throttle(int percent) {
            host.tell(new SourceEvent.Throttle(name, percent));
        }

        @Override
        public void deliver(Object event) {
            self.tell(new VmCommand.MigrationEvent(event));
        }

        @Override
        public void finished(MigrationOutcome outcome) {
            host.tell(new SourceEvent.Finished(outcome));
        }

        @Override
        public CompletionStage<Boolean> targetRuns(Duration timeout) {
            return lookup.find(timeout).thenApply(Optional::isPresent);
        }
    }

    private VmStatus status() {
        return new VmStatus(name, state, machine.cpu().instructions(), machine.clock().nanos(), lease.epoch(),
                lastCheckpointSeq, detail, consoleInputBytes, machine.chipset().backdoor().heartbeats());
    }
}
