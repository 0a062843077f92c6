package dev.vivarium.vm.host;

import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.vm.actor.MachineLoader;
import dev.vivarium.vm.actor.VmUsage;
import dev.vivarium.vm.wire.WireMessage;
import org.apache.pekko.actor.typed.ActorRef;

/** What a {@link HostAgent} understands: {@link Remote} commands from any node, the rest from itself. */
public sealed interface HostCommand permits HostCommand.Remote, HostCommand.Local {

    sealed interface Remote extends HostCommand, WireMessage permits PowerOn, FindVm, GetStats {
    }

    /**
     * Takes the VM's lease (waiting up to {@code acquireTimeoutMillis} for a dead owner's lease to
     * expire) and powers it on: restored from its latest checkpoint chain, else booted.
     */
    record PowerOn(String vm, long acquireTimeoutMillis, ActorRef<HostReply> replyTo) implements Remote {
    }

    record FindVm(String vm, ActorRef<HostReply> replyTo) implements Remote {
    }

    record GetStats(ActorRef<HostReply> replyTo) implements Remote {
    }

    sealed interface Local extends HostCommand permits Prepared, PrepareFailed, Tick, Usage, VmStopped, Fenced {
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
