package dev.vivarium.vm.host;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.VmFiles;
import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.lease.LeaseRecord;
import dev.vivarium.vm.actor.MachineLoader;
import dev.vivarium.vm.actor.VmActor;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.actor.VmUsage;
import dev.vivarium.vm.migration.HostMigrations;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One per node: powers VMs on (lease first, then restore or boot, then a {@link VmActor} on
 * the VM dispatcher), shares the host's CPU budget between them every scheduler tick, keeps
 * their figures, and stops them all when the host fences itself. At start it resumes the VMs
 * whose leases still name this host (a restarted process) and leaves the others to HA.
 */
public final class HostAgent extends AbstractBehavior<HostCommand> {
    public static final String VM_DISPATCHER = "vivarium.vm-dispatcher";
    public static final String IO_DISPATCHER = "vivarium.vm-io-dispatcher";
    /**
     * Figures are computed over at least this much time: with many VMs a busy one gets a turn
     * only every few ticks, so one tick's report is mostly noise.
     */
    private static final long STATS_WINDOW_NANOS = 1_000_000_000L;

    private final Datastore datastore;
    private final HostSession session;
    private final HostSettings settings;
    private final Executor io;
    private final MachineLoader loader;
    private final ActorRef<VmUsage> usageAdapter;
    private final Map<String, Running> vms = new LinkedHashMap<>();
    private final Map<String, HostCommand.PowerOn> starting = new LinkedHashMap<>();
    private final ActorRef<VmReply> suspendAnswers;
    /** Set once the node stops cleanly: no VM starts here any more. */
    private HostCommand.SuspendAll evacuation;
    private boolean evacuated;
    /** VMs asked to suspend that still run here, with the suspends they refused (busy with a snapshot, ...). */
    private final Map<String, Integer> suspending = new LinkedHashMap<>();
    private final Map<String, Long> suspended = new LinkedHashMap<>();
    private final Map<String, String> notSuspended = new LinkedHashMap<>();
    /** Live migrations in and out of this host. */
    private final HostMigrations migrations;
    private static final int SUSPEND_TRIES = 10;
    private static final Duration SUSPEND_RETRY = Duration.ofMillis(200);

    /** A VM on this host with the scheduler's view of it. */
    private static final class Running {
        final ActorRef<VmCommand> ref;
        final VmConfig config;
        final long epoch;
        double demandMips;
        HostReply.VmStats stats;
        /** As the VM said at its last report (every tick, not per figures window): the API shows it at once. */
        boolean paused;
        /** Reports add up here until they span a scheduler tick: a busy VM answers grants in bursts. */
        long windowNanos, windowInstructions, windowReadyNanos, windowDirtyPages;
        boolean windowCreditLimited;
        /** Auto-converge of a migration: the share of its speed held back, and the speed it had before. */
        int throttlePercent;
        double throttleBaseMips;

        Running(ActorRef<VmCommand> ref, VmConfig config, long epoch, boolean paused) {
            this.ref = ref;
            this.config = config;
            this.epoch = epoch;
            this.paused = paused;
            this.demandMips = Double.POSITIVE_INFINITY; // until it reports, it may use what it gets
            CpuAllocation cpu = config.cpu();
            this.stats = new HostReply.VmStats(config.name(), epoch, cpu.shares(), cpu.reservationMips(), cpu.limitMips(), 0, 0, 0, 0, 0, paused);
        }

        /** Its claim on the CPU: its configuration's, under a migration's throttle while there is one. */
        CpuAllocation allocation() {
            CpuAllocation cpu = config.cpu();
            if (throttlePercent == 0) {
                return cpu;
            }
            long throttled = Math.max(cpu.reservationMips(), Math.round(throttleBaseMips * (100 - throttlePercent) / 100));
            long limit = cpu.limitMips() == CpuAllocation.UNLIMITED ? throttled : Math.min(cpu.limitMips(), throttled);
            return new CpuAllocation(cpu.shares(), cpu.reservationMips(), Math.max(1, Math.max(limit, cpu.reservationMips())));
        }
    }

    public static Behavior<HostCommand> create(Datastore datastore, HostSession session, HostSettings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(HostCommand.Tick.INSTANCE, settings.schedulerTick());
            return new HostAgent(ctx, datastore, session, settings);
        }));
    }

    private HostAgent(ActorContext<HostCommand> context, Datastore datastore, HostSession session, HostSettings settings) {
        super(context);
        this.datastore = datastore;
        this.session = session;
        this.settings = settings;
        this.io = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(IO_DISPATCHER));
        this.loader = new MachineLoader(settings.vm().imageDirectory());
        this.usageAdapter = context.messageAdapter(VmUsage.class, HostCommand.Usage::new);
        this.suspendAnswers = context.messageAdapter(VmReply.class, HostCommand.SuspendAnswer::new);
        ActorRef<HostCommand> self = context.getSelf();
        session.onFenced((host, reason) -> self.tell(new HostCommand.Fenced(reason)));
        this.migrations = new HostMigrations(context, new MigrationHost(), datastore, session, settings, io);
        if (settings.recoverOwnVms()) {
            recoverOwnVms();
        }
    }

    @Override
    public Receive<HostCommand> createReceive() {
        return newReceiveBuilder()
                .onMessage(HostCommand.PowerOn.class, this::onPowerOn)
                .onMessage(HostCommand.Prepared.class, this::onPrepared)
                .onMessage(HostCommand.PrepareFailed.class, failed -> {
                    starting.remove(failed.request().vm());
                    failed.request().replyTo().tell(new HostReply.Refused(failed.request().vm(), failed.reason()));
                    return this;
                })
                .onMessage(HostCommand.FindVm.class, find -> {
                    Running vm = vms.get(find.vm());
                    find.replyTo().tell(vm == null ? new HostReply.NotHere(find.vm()) : new HostReply.VmFound(find.vm(), vm.ref, vm.epoch));
                    return this;
                })
                .onMessage(HostCommand.GetStats.class, get -> {
                    get.replyTo().tell(stats());
                    return this;
                })
                .onMessageEquals(HostCommand.Tick.INSTANCE, this::onTick)
                .onMessage(HostCommand.Usage.class, this::onUsage)
                .onMessage(HostCommand.MigrateVm.class, m -> {
                    migrations.migrate(m);
                    return this;
                })
                .onMessage(HostCommand.CancelMigration.class, c -> {
                    migrations.cancel(c);
                    return this;
                })
                .onMessage(HostCommand.PrepareIncoming.class, p -> {
                    migrations.prepareIncoming(p);
                    return this;
                })
                .onMessage(HostCommand.MigrationStep.class, step -> {
                    migrations.onStep(step.step());
                    return evacuationProgress();
                })
                .onMessage(HostCommand.VmStopped.class, stopped -> {
                    vms.remove(stopped.vm());
                    migrations.vmStopped(stopped.vm());
                    if (suspending.remove(stopped.vm()) != null && !suspended.containsKey(stopped.vm())) {
                        notSuspended.putIfAbsent(stopped.vm(), "it stopped before it was suspended");
                    }
                    return evacuationProgress();
                })
                .onMessage(HostCommand.SuspendAll.class, this::onSuspendAll)
                .onMessage(HostCommand.SuspendAnswer.class, answer -> {
                    VmReply reply = answer.reply();
                    if (reply instanceof VmReply.Done done && vms.containsKey(done.vm())) {
                        suspended.put(done.vm(), vms.get(done.vm()).epoch);
                    } else if (reply instanceof VmReply.Failed failed && suspending.containsKey(failed.vm())) {
                        int tries = suspending.merge(failed.vm(), 1, Integer::sum);
                        if (tries < SUSPEND_TRIES) {
                            // Most likely busy with a checkpoint or snapshot write: ask again shortly.
                            getContext().scheduleOnce(SUSPEND_RETRY, vms.get(failed.vm()).ref, new VmCommand.Suspend(suspendAnswers));
                        } else {
                            suspending.remove(failed.vm());
                            notSuspended.put(failed.vm(), failed.reason());
                        }
                    }
                    return evacuationProgress();
                })
                .onMessage(HostCommand.Fenced.class, fenced -> {
                    getContext().getLog().error("host {} fenced itself ({}): stopping its {} VMs", session.host(), fenced.reason(), vms.size());
                    vms.values().forEach(vm -> vm.ref.tell(new VmCommand.Fence(fenced.reason())));
                    return this;
                })
                .build();
    }

    // ---- power on ----

    private Behavior<HostCommand> onPowerOn(HostCommand.PowerOn request) {
        if (evacuation != null) {
            refuseShuttingDown(request);
            return this;
        }
        if (vms.containsKey(request.vm()) || starting.containsKey(request.vm()) || migrations.arriving(request.vm())) {
            request.replyTo().tell(HostReply.Refused.alreadyThere(request.vm(), session.host(), vms.containsKey(request.vm())));
            return this;
        }
        starting.put(request.vm(), request);
        long reserved = vms.values().stream().mapToLong(vm -> vm.config.cpu().reservationMips()).sum();
        ActorRef<HostCommand> self = getContext().getSelf();
        CompletableFuture.runAsync(() -> {
            try {
                self.tell(new HostCommand.Prepared(request, prepare(request, reserved)));
            } catch (Exception e) {
                self.tell(new HostCommand.PrepareFailed(request, e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }, io);
        return this;
    }

    /** On the I/O executor: admission control, the lease, then the machine (booted or restored). */
    private HostCommand.PreparedVm prepare(HostCommand.PowerOn request, long reservedMips) throws Exception {
        VmFiles files = datastore.vm(request.vm());
        VmConfig config = files.readConfig();
        if (reservedMips + config.cpu().reservationMips() > settings.capacityMips()) {
            throw new IllegalStateException("VM " + request.vm() + " reserves " + config.cpu().reservationMips()
                    + " MIPS; host " + session.host() + " has " + (settings.capacityMips() - reservedMips) + " of "
                    + settings.capacityMips() + " MIPS unreserved");
        }
        Lease lease = session.acquire(request.vm(), Duration.ofMillis(request.acquireTimeoutMillis()));
        try {
            return new HostCommand.PreparedVm(config, loader.load(config, files), lease);
        } catch (Exception e) {
            session.release(lease); // nothing ran: give the VM back
            throw e;
        }
    }

    private Behavior<HostCommand> onPrepared(HostCommand.Prepared prepared) {
        HostCommand.PreparedVm vm = prepared.vm();
        String name = vm.config().name();
        starting.remove(name);
        if (evacuation != null) {
            giveBack(vm);
            refuseShuttingDown(prepared.request());
            return evacuationProgress();
        }
        VmActor.Setup setup = new VmActor.Setup(vm.config(), vm.loaded().machine(), vm.loaded().restoredSeq(), vm.loaded().disk(), vm.lease(),
                session, datastore.vm(name), settings.vm(), io);
        ActorRef<VmCommand> ref = getContext().spawn(VmActor.create(setup), "vm-" + name + "-e" + vm.lease().epoch(),
                DispatcherSelector.fromConfig(VM_DISPATCHER));
        getContext().watchWith(ref, new HostCommand.VmStopped(name));
        if (prepared.request().paused()) {
            // Before any grant reaches it (this agent sends both, so they arrive in order): no guest instruction runs.
            ref.tell(new VmCommand.Pause(getContext().getSystem().ignoreRef()));
        }
        vms.put(name, new Running(ref, vm.config(), vm.lease().epoch(), prepared.request().paused()));
        getContext().getLog().info("VM {} powered on at epoch {} ({}{})", name, vm.lease().epoch(),
                vm.loaded().restoredSeq() < 0 ? "cold boot" : "restored from checkpoint " + vm.loaded().restoredSeq(),
                prepared.request().paused() ? ", paused" : "");
        prepared.request().replyTo().tell(new HostReply.VmStarted(name, ref, vm.lease().epoch(), vm.loaded().restoredSeq()));
        return this;
    }

    // ---- clean stop ----

    /** The answer to a power-on that arrives, or finishes preparing, once the clean stop began. */
    private void refuseShuttingDown(HostCommand.PowerOn request) {
        request.replyTo().tell(new HostReply.Refused(request.vm(), "host " + session.host() + " is shutting down"));
    }

    private Behavior<HostCommand> onSuspendAll(HostCommand.SuspendAll request) {
        if (evacuation == null) {
            migrations.stopAll();
            getContext().getLog().info("host {} is shutting down: suspending its {} VMs", session.host(), vms.size());
            vms.forEach((name, vm) -> {
                suspending.put(name, 0);
                vm.ref.tell(new VmCommand.Suspend(suspendAnswers));
            });
        }
        evacuation = request;
        evacuated = false;
        return evacuationProgress();
    }

    /** Answers the clean stop once every VM has suspended (or given up) and none is starting. */
    private Behavior<HostCommand> evacuationProgress() {
        if (evacuation != null && !evacuated && suspending.isEmpty() && starting.isEmpty()) {
            evacuated = true;
            evacuation.replyTo().tell(new HostCommand.AllSuspended(session.host(), suspended, notSuspended));
        }
        return this;
    }

    /** A VM prepared while the host began to stop: it never ran here, so its lease goes back untouched. */
    private void giveBack(HostCommand.PreparedVm vm) {
        CompletableFuture.runAsync(() -> {
            try {
                vm.loaded().machine().close();
                if (vm.loaded().disk() != null) {
                    vm.loaded().disk().close(); // the machine does not own its disk
                }
                session.release(vm.lease());
            } catch (IOException e) {
                getContext().getSystem().log().warn("host {}: giving back VM {} failed: {}", session.host(), vm.config().name(),
                        e.getMessage());
            }
        }, io);
    }

    private void recoverOwnVms() {
        ActorRef<HostCommand> self = getContext().getSelf();
        ActorRef<HostReply> ignore = getContext().getSystem().ignoreRef();
        CompletableFuture.runAsync(() -> {
            try {
                for (String vm : datastore.vms()) {
                    Optional<LeaseRecord> lease = datastore.vm(vm).currentLease();
                    if (lease.isPresent() && lease.get().isHeld() && lease.get().owner().equals(session.host())) {
                        // Paused if management had it paused: no guest instruction runs before it says otherwise.
                        self.tell(new HostCommand.PowerOn(vm, settings.acquireTimeout().toMillis(),
                                datastore.vm(vm).markedPaused(), ignore));
                    }
                }
            } catch (IOException e) {
                getContext().getLog().error("host {}: cannot list the datastore's VMs to recover them: {}", session.host(), e.getMessage());
            }
        }, io);
    }

    // ---- CPU scheduling ----

    private Behavior<HostCommand> onTick() {
        double tickSeconds = settings.schedulerTick().toNanos() / 1e9;
        List<Running> running = new ArrayList<>(vms.values());
        List<CpuAllocator.Claim> claims = running.stream().map(vm -> new CpuAllocator.Claim(vm.allocation(), vm.demandMips)).toList();
        double[] mips = CpuAllocator.allocate(settings.capacityMips(), claims);
        for (int i = 0; i < running.size(); i++) {
            long instructions = Math.max(1, Math.round(mips[i] * 1e6 * tickSeconds));
            running.get(i).ref.tell(new VmCommand.Grant(instructions, usageAdapter));
        }
        return this;
    }

    private Behavior<HostCommand> onUsage(HostCommand.Usage report) {
        VmUsage u = report.usage();
        Running vm = vms.get(u.vm());
        if (vm == null) {
            return this;
        }
        vm.paused = u.paused();
        vm.windowNanos += u.intervalNanos();
        vm.windowInstructions += u.instructions();
        vm.windowReadyNanos += u.readyNanos();
        vm.windowDirtyPages += u.dirtyPages();
        vm.windowCreditLimited |= u.creditLimited();
        if (vm.windowNanos < STATS_WINDOW_NANOS) {
            return this;
        }
        double seconds = vm.windowNanos / 1e9;
        double delivered = vm.windowInstructions / seconds / 1e6;
        double ready = Math.min(100, vm.windowReadyNanos / 1e9 / seconds * 100);
        // A VM that ran out of grant would have used more: it claims all it may get next time.
        vm.demandMips = vm.windowCreditLimited ? Double.POSITIVE_INFINITY : delivered * 1.25 + 1;
        double demandShown = vm.windowCreditLimited && ready < 100 ? delivered / (1 - ready / 100) : delivered;
        CpuAllocation cpu = vm.config.cpu();
        vm.stats = new HostReply.VmStats(u.vm(), vm.epoch, cpu.shares(), cpu.reservationMips(), cpu.limitMips(), demandShown, delivered,
                ready, u.memoryBytes(), vm.windowDirtyPages / seconds, u.paused());
        vm.windowNanos = 0;
        vm.windowInstructions = 0;
        vm.windowReadyNanos = 0;
        vm.windowDirtyPages = 0;
        vm.windowCreditLimited = false;
        return this;
    }

    /** What this host's migrations see of it and do to it. */
    private final class MigrationHost implements HostMigrations.Host {
        @Override
        public String name() {
            return session.host();
        }

        @Override
        public Optional<ActorRef<VmCommand>> running(String vm) {
            return Optional.ofNullable(vms.get(vm)).map(r -> r.ref);
        }

        @Override
        public boolean has(String vm) {
            return vms.containsKey(vm) || starting.containsKey(vm);
        }

        @Override
        public boolean takesVms() {
            return evacuation == null;
        }

        @Override
        public long reservedMips() {
            return vms.values().stream().mapToLong(vm -> vm.config.cpu().reservationMips()).sum();
        }

        @Override
        public long firstGrant() {
            double tickSeconds = settings.schedulerTick().toNanos() / 1e9;
            return Math.max(1, Math.round(settings.capacityMips() * 1e6 * tickSeconds / (vms.size() + 1)));
        }

        @Override
        public ActorRef<VmCommand> spawn(VmActor.Setup setup) {
            String name = setup.config().name();
            ActorRef<VmCommand> ref = getContext().spawn(VmActor.create(setup), "vm-" + name + "-e" + setup.lease().epoch(),
                    DispatcherSelector.fromConfig(VM_DISPATCHER));
            getContext().watchWith(ref, new HostCommand.VmStopped(name));
            return ref;
        }

        @Override
        public void arrived(String vm, ActorRef<VmCommand> ref, VmConfig config, long epoch, boolean paused) {
            vms.put(vm, new Running(ref, config, epoch, paused));
            getContext().getLog().info("VM {} arrived by live migration at epoch {}", vm, epoch);
        }

        @Override
        public void left(String vm) {
            Running gone = vms.remove(vm);
            if (gone != null) {
                getContext().unwatch(gone.ref); // its actor stops soon; a later copy here must not be forgotten with it
            }
        }

        @Override
        public void throttle(String vm, int percent) {
            Running r = vms.get(vm);
            if (r != null) {
                if (r.throttlePercent == 0 && percent > 0) {
                    r.throttleBaseMips = Math.max(1, r.stats.deliveredMips());
                }
                r.throttlePercent = percent;
            }
        }
    }

    private HostReply.HostStats stats() {
        List<HostReply.VmStats> list = vms.values().stream().map(vm -> vm.stats.withPaused(vm.paused)).toList();
        return new HostReply.HostStats(session.host(), settings.capacityMips(),
                list.stream().mapToDouble(HostReply.VmStats::deliveredMips).sum(),
                vms.values().stream().mapToLong(vm -> (long) vm.config.memoryMiB() << 20).sum(),
                list.stream().mapToLong(HostReply.VmStats::memoryBytes).sum(), vms.size(), list);
    }
}
