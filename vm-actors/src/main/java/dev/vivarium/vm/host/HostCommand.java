package dev.vivarium.vm.host;

import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.vm.actor.MachineLoader;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.actor.VmUsage;
import dev.vivarium.vm.migration.MigrationOutcome;
import dev.vivarium.vm.wire.WireMessage;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/** What a {@link HostAgent} understands: {@link Remote} commands from any node, the rest from itself. */
public sealed interface HostCommand permits HostCommand.Remote, HostCommand.Local {

    sealed interface Remote extends HostCommand, WireMessage permits PowerOn, FindVm, GetStats, MigrateVm, CancelMigration,
            PrepareIncoming {
    }

    /**
     * Takes the VM's lease (waiting up to {@code acquireTimeoutMillis} for a dead owner's lease to
     * expire) and powers it on: restored from its latest checkpoint chain, else booted. When
     * {@code paused}, the VM starts paused and runs no guest instruction until it is unpaused (the
     * management plane wants it paused: it was paused when it was stopped or moved).
     */
    record PowerOn(String vm, long acquireTimeoutMillis, boolean paused, ActorRef<HostReply> replyTo) implements Remote {

        /** A power-on of a VM that should run. */
        public PowerOn(String vm, long acquireTimeoutMillis, ActorRef<HostReply> replyTo) {
            this(vm, acquireTimeoutMillis, false, replyTo);
        }
    }

    record FindVm(String vm, ActorRef<HostReply> replyTo) implements Remote {
    }

    record GetStats(ActorRef<HostReply> replyTo) implements Remote {
    }

    /**
     * Migrates a VM running on this host live to {@code targetHost}, whose agent is
     * {@code targetAgent}: queued behind the host's limit of migrations at once, answered with how
     * it ended. This is the one entry point for the API, maintenance mode and DRS.
     *
     * @param downtimeBudgetNanos the pause to aim for; 0 for the host's {@code downtime-budget}
     */
    record MigrateVm(String vm, String targetHost, ActorRef<HostCommand> targetAgent, long downtimeBudgetNanos,
                     ActorRef<MigrationOutcome> replyTo) implements Remote {
    }

    /** Cancels a VM's migration away from this host, queued or running (before its switch-over); answers {@link HostReply.CancelAnswer}. */
    record CancelMigration(String vm, ActorRef<HostReply> replyTo) implements Remote {
    }

    /**
     * From a source host: prepare to take {@code vm} (admission, an empty machine on its disk as
     * of overlay {@code diskTip}, -1 for none, and a listener); answers
     * {@link HostReply.IncomingReady} or {@link HostReply.IncomingRefused}.
     */
    record PrepareIncoming(String vm, String sourceHost, long sourceEpoch, long diskTip, ActorRef<HostReply> replyTo)
            implements Remote {
    }

    sealed interface Local extends HostCommand permits Prepared, PrepareFailed, Tick, Usage, VmStopped, Fenced,
            SuspendAll, SuspendAnswer, MigrationStep {
    }

    /** A step of this host's migrations: an answer, an I/O result, a VM's report (see HostMigrations). */
    record MigrationStep(Object step) implements Local {
    }

    /**
     * The node is stopping cleanly: refuse every power-on from now on, suspend every VM to the
     * datastore (each releases its lease), and answer when none runs here any more. Sent by the
     * node's own shutdown, never across the wire.
     */
    record SuspendAll(ActorRef<AllSuspended> replyTo) implements Local {
    }

    /**
     * @param suspended the VMs written to the datastore, with the lease epoch each ran under
     * @param failed    VM to why it could not be suspended (its latest periodic checkpoint is what is left)
     */
    record AllSuspended(String host, Map<String, Long> suspended, Map<String, String> failed) {
        public AllSuspended {
            suspended = Map.copyOf(suspended);
            failed = Map.copyOf(failed);
        }
    }

    /** A VM's answer to the {@link SuspendAll} suspend. */
    record SuspendAnswer(VmReply reply) implements Local {
    }

    /** The lease is taken and the machine built (on the I/O executor); spawn the actor. */
    record Prepared(PowerOn request, PreparedVm vm) implements Local {
    }

    record PrepareFailed(PowerOn request, String reason) implements Local {
    }

    enum Tick implements Local { INSTANCE }

    record Usage(VmUsage usage) implements Local {
    }

    record VmStopped(String vm) implements Local {
    }

    record Fenced(String reason) implements Local {
    }

    /** A VM ready to be spawned: its configuration, its lease and its booted or restored machine. */
    record PreparedVm(VmConfig config, MachineLoader.Loaded loaded, Lease lease) {
    }
}
