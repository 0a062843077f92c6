package dev.vivarium.vm.migration;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.VmFiles;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.vm.actor.MachineLoader;
import dev.vivarium.vm.actor.VmActor;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmDisk;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import dev.vivarium.vm.host.HostSettings;
import dev.vivarium.x86.machine.PcMachine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A host agent's migrations, in and out, on the agent's thread: the queue behind the host's
 * limit of migrations at once, the preparation of each (the VM gets ready, the target builds an
 * empty machine and a listener), the target's side (the arriving VM's shell, its receiving
 * thread), cancels, and the VMs' reports. The pages themselves move between the VM actors'
 * threads and the link's; nothing here touches a machine.
 */
public final class HostMigrations {

    /** What the agent lets its migrations see and do (on its thread). */
    public interface Host {
        String name();

        /** The running VM's actor here, if it runs here. */
        Optional<ActorRef<VmCommand>> running(String vm);

        /** Whether the VM runs, starts or arrives here (a second copy must not be made). */
        boolean has(String vm);

        /** False once the host stops cleanly: no VM comes here any more. */
        boolean takesVms();

        /** CPU reservations of the VMs here, in MIPS. */
        long reservedMips();

        /** The instructions a VM gets from the host's scheduler per tick, for an arriving VM's first grant. */
        long firstGrant();

        /** Spawns an arriving VM's actor (watched like the others). */
        ActorRef<VmCommand> spawn(VmActor.Setup setup);

        /** An arriving VM runs here now: the scheduler counts it. */
        void arrived(String vm, ActorRef<VmCommand> ref, VmConfig config, long epoch, boolean paused);

        /** A VM of this host left for another: the scheduler forgets it. */
        void left(String vm);

        /** Auto-converge: hold the VM back by {@code percent} of its speed (0: let it go). */
        void throttle(String vm, int percent);
    }

    private enum Phase { PREPARING_VM, PREPARING_TARGET, RUNNING }

    /** A VM leaving this host. */
    private static final class Out {
        final HostCommand.MigrateVm request;
        final ActorRef<VmCommand> vm;
        Phase phase = Phase.PREPARING_VM;
        boolean cancelled;
        ActorRef<HostReply> cancelAnswer;

        Out(HostCommand.MigrateVm request, ActorRef<VmCommand> vm) {
            this.request = request;
            this.vm = vm;
        }
    }

    /** A VM arriving here (its listener and shell once built). */
    private static final class In {
        IncomingMigration link;
        ActorRef<VmCommand> shell;
        boolean closed;
    }

    private record Queued(HostCommand.MigrateVm request, long notBeforeNanos) {
    }

    private record TargetAnswer(String vm, HostReply reply, Throwable failure) {
    }

    private record Built(HostCommand.PrepareIncoming request, VmConfig config, PcMachine machine, VmDisk disk, Lease lease,
                         IncomingMigration link) {
    }

    private record BuildFailed(HostCommand.PrepareIncoming request, String reason) {
    }

    private record Arrived(String vm, ActorRef<VmCommand> ref, VmConfig config, long epoch, boolean paused) {
    }

    private record ArrivalEnded(String vm) {
    }

    private record Pump() {
    }

    private final ActorContext<HostCommand> ctx;
    private final Host host;
    private final Datastore datastore;
    private final HostSession session;
    private final HostSettings settings;
    private final MigrationSettings migration;
    private final Executor io;
    private final MachineLoader loader;
    private final ActorRef<SourceEvent> sourceEvents;
    private final Deque<Queued> queue = new ArrayDeque<>();
    private final Map<String, Out> outgoing = new LinkedHashMap<>();
    private final Map<String, In> incoming = new LinkedHashMap<>();
    private boolean pumpScheduled;

    public HostMigrations(ActorContext<HostCommand> ctx, Host host, Datastore datastore, HostSession session,
                          HostSettings settings, Executor io) {
        this.ctx = ctx;
        this.host = host;
        this.datastore = datastore;
        this.session = session;
        this.settings = settings;
        this.migration = settings.migration();
        this.io = io;
        this.loader = new MachineLoader(settings.vm().imageDirectory());
        this.sourceEvents = ctx.messageAdapter(SourceEvent.class, HostCommand.MigrationStep::new);
    }

    /** Migrations in or out now (the host's limit counts both). */
    public int active() {
        return outgoing.size() + incoming.size();
    }

    /** Whether the VM is arriving here. */
    public boolean arriving(String vm) {
        return incoming.containsKey(vm);
    }

    // ---- out ----

    public void migrate(HostCommand.MigrateVm m) {
        String refusal = !host.takesVms() ? "host " + host.name() + " is shutting down"
                : host.running(m.vm()).isEmpty() ? "VM " + m.vm() + " does not run on host " + host.name()
                : outgoing.containsKey(m.vm()) || queue.stream().anyMatch(q -> q.request().vm().equals(m.vm()))
                ? "VM " + m.vm() + " is already migrating"
                : m.targetHost().equals(host.name()) ? "VM " + m.vm() + " already runs on host " + m.targetHost() : null;
        if (refusal != null) {
            m.replyTo().tell(MigrationOutcome.refused(m.vm(), host.name(), m.targetHost(), refusal));
            return;
        }
        queue.addLast(new Queued(m, 0));
        pump();
    }

    public void cancel(HostCommand.CancelMigration c) {
        for (Queued q : queue) {
            if (q.request().vm().equals(c.vm())) {
                queue.remove(q);
                q.request().replyTo().tell(cancelled(q.request(), "cancelled while it waited for its turn"));
                c.replyTo().tell(new HostReply.CancelAnswer(c.vm(), true, "cancelled while it waited for its turn"));
                return;
            }
        }
        Out out = outgoing.get(c.vm());
        if (out == null) {
            c.replyTo().tell(new HostReply.CancelAnswer(c.vm(), false, "no migration of VM " + c.vm() + " runs on host " + host.name()));
        } else if (out.phase != Phase.RUNNING) {
            out.cancelled = true; // ends when the step under way answers
            c.replyTo().tell(new HostReply.CancelAnswer(c.vm(), true, "cancelled before its transfer began"));
        } else {
            out.cancelAnswer = c.replyTo();
            out.vm.tell(new VmCommand.CancelMigration("cancelled by request", sourceEvents));
        }
    }

    private void pump() {
        long now = System.nanoTime();
        long nextDue = Long.MAX_VALUE;
        for (var it = queue.iterator(); it.hasNext() && active() < migration.maxConcurrent(); ) {
            Queued q = it.next();
            if (q.notBeforeNanos() - now > 0) {
                nextDue = Math.min(nextDue, q.notBeforeNanos());
                continue;
            }
            it.remove();
            begin(q.request());
        }
        if (nextDue != Long.MAX_VALUE && !pumpScheduled) {
            pumpScheduled = true;
            ctx.scheduleOnce(Duration.ofNanos(Math.max(1_000_000, nextDue - now)), ctx.getSelf(),
                    new HostCommand.MigrationStep(new Pump()));
        }
    }

    private void begin(HostCommand.MigrateVm m) {
        Optional<ActorRef<VmCommand>> vm = host.running(m.vm());
        if (vm.isEmpty()) {
            m.replyTo().tell(MigrationOutcome.refused(m.vm(), host.name(), m.targetHost(),
                    "VM " + m.vm() + " no longer runs on host " + host.name()));
            return;
        }
        outgoing.put(m.vm(), new Out(m, vm.get()));
        vm.get().tell(new VmCommand.PrepareMigration(sourceEvents));
    }

    /** Something for the migrations: a VM's report, an answer, an I/O result. */
    public void onStep(Object step) {
        if (step instanceof SourceEvent e) {
            onSourceEvent(e);
        } else if (step instanceof TargetAnswer a) {
            onTargetAnswer(a);
        } else if (step instanceof Built b) {
            onBuilt(b);
        } else if (step instanceof BuildFailed f) {
            incoming.remove(f.request().vm());
            f.request().replyTo().tell(new HostReply.IncomingRefused(f.request().vm(), f.reason(), false));
            pump();
        } else if (step instanceof Arrived a) {
            incoming.remove(a.vm());
            host.arrived(a.vm(), a.ref(), a.config(), a.epoch(), a.paused());
            pump();
        } else if (step instanceof ArrivalEnded a) {
            incoming.remove(a.vm());
            pump();
        } else if (step instanceof Pump) {
            pumpScheduled = false;
            pump();
        }
    }

    private void onSourceEvent(SourceEvent e) {
        if (e instanceof SourceEvent.Ready r) {
            Out out = outgoing.get(r.vm());
            if (out == null) {
                return;
            }
            if (r.refusal() != null) {
                finish(MigrationOutcome.refused(r.vm(), host.name(), out.request.targetHost(), r.refusal()));
            } else if (out.cancelled) {
                out.vm.tell(new VmCommand.AbandonMigration());
                finish(cancelled(out.request, "cancelled before its transfer began"));
            } else {
                out.phase = Phase.PREPARING_TARGET;
                HostCommand.MigrateVm m = out.request;
                ctx.pipeToSelf(AskPattern.<HostCommand, HostReply>ask(m.targetAgent(),
                                reply -> new HostCommand.PrepareIncoming(m.vm(), host.name(), r.epoch(), r.diskTip(), reply),
                                migration.connectTimeout(), ctx.getSystem().scheduler()),
                        (reply, failure) -> new HostCommand.MigrationStep(new TargetAnswer(m.vm(), reply, failure)));
            }
        } else if (e instanceof SourceEvent.Finished f) {
            finish(f.outcome());
        } else if (e instanceof SourceEvent.Throttle t) {
            host.throttle(t.vm(), t.percent());
        } else if (e instanceof SourceEvent.Left l) {
            host.left(l.vm());
        } else if (e instanceof SourceEvent.CancelAnswer c) {
            Out out = outgoing.get(c.vm());
            if (out != null && out.cancelAnswer != null) {
                out.cancelAnswer.tell(new HostReply.CancelAnswer(c.vm(), c.cancelled(), c.detail()));
                out.cancelAnswer = null;
            }
        }
    }

    private void onTargetAnswer(TargetAnswer a) {
        Out out = outgoing.get(a.vm());
        if (out == null) {
            return;
        }
        HostCommand.MigrateVm m = out.request;
        if (a.reply() instanceof HostReply.IncomingReady ready && !out.cancelled) {
            out.phase = Phase.RUNNING;
            ActorRef<HostCommand> targetAgent = m.targetAgent();
            TargetLookup lookup = timeout -> AskPattern.<HostCommand, HostReply>ask(targetAgent,
                            reply -> new HostCommand.FindVm(m.vm(), reply), timeout, ctx.getSystem().scheduler())
                    .thenApply(reply -> reply instanceof HostReply.VmFound found ? Optional.of(found.ref()) : Optional.empty());
            MigrationSettings s = m.downtimeBudgetNanos() > 0 ? migration.withDowntimeBudget(Duration.ofNanos(m.downtimeBudgetNanos()))
                    : migration;
            out.vm.tell(new VmCommand.StartMigration(new OutgoingMigration.Target(host.name(), m.targetHost(),
                    new InetSocketAddress(ready.host(), ready.port()), ready.token()), s, lookup, sourceEvents));
            return;
        }
        out.vm.tell(new VmCommand.AbandonMigration());
        outgoing.remove(a.vm());
        if (a.reply() instanceof HostReply.IncomingReady) {
            // Cancelled meanwhile: the target's listener gives up when no one connects.
            m.replyTo().tell(cancelled(m, "cancelled before its transfer began"));
        } else if (a.reply() instanceof HostReply.IncomingRefused refused && refused.busy() && !out.cancelled) {
            queue.addFirst(new Queued(m, System.nanoTime() + migration.busyRetry().toNanos())); // its turn comes again
        } else {
            String why = a.reply() instanceof HostReply.IncomingRefused refused ? refused.reason()
                    : out.cancelled ? "cancelled before its transfer began"
                    : "host " + m.targetHost() + " did not answer: " + (a.failure() == null ? a.reply() : a.failure().getMessage());
            m.replyTo().tell(out.cancelled ? cancelled(m, why) : MigrationOutcome.refused(m.vm(), host.name(), m.targetHost(), why));
        }
        pump();
    }

    private void finish(MigrationOutcome outcome) {
        Out out = outgoing.remove(outcome.vm());
        if (out != null) {
            out.request.replyTo().tell(outcome);
            if (out.cancelAnswer != null) {
                out.cancelAnswer.tell(new HostReply.CancelAnswer(outcome.vm(), outcome.result() == MigrationOutcome.Result.CANCELLED,
                        outcome.result() == MigrationOutcome.Result.CANCELLED ? "cancelled" : "it ended first: " + outcome.result()));
            }
        }
        pump();
    }

    /** A VM of this host stopped (fenced, powered off): a migration of it ends here. */
    public void vmStopped(String vm) {
        Out out = outgoing.get(vm);
        if (out != null) {
            finish(new MigrationOutcome(vm, host.name(), out.request.targetHost(), MigrationOutcome.Result.FAILED,
                    "the VM stopped on host " + host.name() + " during its migration", null, 0, MigrationFigures.NONE));
        }
    }

    private MigrationOutcome cancelled(HostCommand.MigrateVm m, String why) {
        return new MigrationOutcome(m.vm(), host.name(), m.targetHost(), MigrationOutcome.Result.CANCELLED, why, host.name(),
                0, MigrationFigures.NONE);
    }

    // ---- in ----

    public void prepareIncoming(HostCommand.PrepareIncoming p) {
        String refusal = !host.takesVms() ? "host " + host.name() + " is shutting down"
                : host.has(p.vm()) || incoming.containsKey(p.vm()) ? "VM " + p.vm() + " already runs or arrives on host " + host.name()
                : null;
        if (refusal != null) {
            p.replyTo().tell(new HostReply.IncomingRefused(p.vm(), refusal, false));
            return;
        }
        if (active() >= migration.maxConcurrent()) {
            p.replyTo().tell(new HostReply.IncomingRefused(p.vm(), "host " + host.name() + " has " + active()
                    + " migrations under way, its limit", true));
            return;
        }
        incoming.put(p.vm(), new In());
        long reserved = host.reservedMips();
        ActorRef<HostCommand> self = ctx.getSelf();
        CompletableFuture.runAsync(() -> self.tell(new HostCommand.MigrationStep(build(p, reserved))), io);
    }

    /** On the I/O executor: admission, the empty machine on the VM's disk, the lease to be, the listener. */
    private Object build(HostCommand.PrepareIncoming p, long reservedMips) {
        VmDisk disk = null;
        PcMachine machine = null;
        try {
            VmFiles files = datastore.vm(p.vm());
            VmConfig config = files.readConfig();
            if (reservedMips + config.cpu().reservationMips() > settings.capacityMips()) {
                return new BuildFailed(p, "VM " + p.vm() + " reserves " + config.cpu().reservationMips() + " MIPS; host "
                        + host.name() + " has " + (settings.capacityMips() - reservedMips) + " unreserved");
            }
            if (config.disk().isEmpty() == p.diskTip() >= 0) {
                return new BuildFailed(p, "VM " + p.vm() + "'s disk is not as its source says");
            }
            disk = p.diskTip() >= 0 ? loader.openDisk(config, files, p.diskTip()) : null;
            machine = loader.forRestore(config, disk);
            Lease lease = session.pendingHandOver(p.vm(), p.sourceEpoch() + 1);
            return new Built(p, config, machine, disk, lease, IncomingMigration.listen(p.vm(), migration));
        } catch (IOException | RuntimeException e) {
            closeQuietly(machine, disk);
            return new BuildFailed(p, "host " + host.name() + " cannot take VM " + p.vm() + ": " + e.getMessage());
        }
    }

    private void onBuilt(Built b) {
        String vm = b.request().vm();
        In in = incoming.get(vm);
        if (in == null || !host.takesVms()) {
            incoming.remove(vm);
            b.link().close();
            closeQuietly(b.machine(), b.disk());
            b.request().replyTo().tell(new HostReply.IncomingRefused(vm, "host " + host.name() + " is shutting down", false));
            pump();
            return;
        }
        ActorRef<VmCommand> shell = host.spawn(new VmActor.Setup(b.config(), b.machine(), -1, b.disk(), b.lease(), session,
                datastore.vm(vm), settings.vm(), io, true));
        in.link = b.link();
        in.shell = shell;
        long credit = host.firstGrant();
        ActorRef<HostCommand> self = ctx.getSelf();
        b.link().start(b.machine(), b.disk(), b.lease(), session, new IncomingMigration.Arrival() {
            @Override
            public CompletionStage<Long> commit(long epoch, byte[] consoleHistory, long consoleRun, long consoleOffset, boolean paused) {
                CompletableFuture<Long> first = new CompletableFuture<>();
                shell.tell(new VmCommand.Arrive(epoch, new String(consoleHistory, StandardCharsets.ISO_8859_1), consoleRun, consoleOffset,
                        paused, credit, first));
                self.tell(new HostCommand.MigrationStep(new Arrived(vm, shell, b.config(), epoch, paused)));
                return first;
            }

            @Override
            public void discard(String reason) {
                shell.tell(new VmCommand.DiscardArrival(reason));
                self.tell(new HostCommand.MigrationStep(new ArrivalEnded(vm)));
            }

            @Override
            public void fence(String reason) {
                shell.tell(new VmCommand.Fence(reason));
            }
        });
        b.request().replyTo().tell(new HostReply.IncomingReady(vm, b.link().host(), b.link().port(), b.link().token()));
    }

    /** The host stops cleanly: queued migrations are cancelled, running ones asked to stop, arrivals closed. */
    public void stopAll() {
        for (Queued q : queue) {
            q.request().replyTo().tell(cancelled(q.request(), "host " + host.name() + " is shutting down"));
        }
        queue.clear();
        outgoing.values().forEach(out -> {
            if (out.phase == Phase.RUNNING) {
                out.vm.tell(new VmCommand.CancelMigration("host " + host.name() + " is shutting down", sourceEvents));
            } else {
                out.cancelled = true;
            }
        });
        incoming.values().forEach(in -> {
            if (in.link != null) {
                in.link.close(); // its thread discards the arriving VM
            }
        });
    }

    private static void closeQuietly(PcMachine machine, VmDisk disk) {
        try {
            if (machine != null) {
                machine.close();
            }
            if (disk != null) {
                disk.close();
            }
        } catch (IOException ignored) {
            // nothing ran on them
        }
    }
}
