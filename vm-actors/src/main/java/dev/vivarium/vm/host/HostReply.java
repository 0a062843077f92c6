package dev.vivarium.vm.host;

import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.wire.WireMessage;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** A {@link HostAgent}'s answers. */
public sealed interface HostReply extends WireMessage {

    /** @param restoredSeq the checkpoint it resumed from, -1 for a cold boot */
    record VmStarted(String vm, ActorRef<VmCommand> ref, long epoch, long restoredSeq) implements HostReply {
    }

    record Refused(String vm, String reason) implements HostReply {

        /** The refusal of a power-on for a VM this host already runs or is starting: no failure, it is there. */
        public static Refused alreadyThere(String vm, String host, boolean running) {
            return new Refused(vm, "VM " + vm + " is already " + (running ? "running" : "starting") + " on host " + host);
        }

        /** Whether this refusal only says the VM is already there ({@link #alreadyThere}). */
        public boolean alreadyThere() {
            return reason.startsWith("VM " + vm + " is already ");
        }
    }

    /**
     * The VM runs here, its actor {@code ref}, under lease {@code epoch}: a directive meant for
     * another run of it (an older epoch a late report showed) is not for this one.
     */
    record VmFound(String vm, ActorRef<VmCommand> ref, long epoch) implements HostReply {
    }

    record NotHere(String vm) implements HostReply {
    }

    /** The target of a migration is ready: the source connects to {@code host}:{@code port} with {@code token}. */
    record IncomingReady(String vm, String host, int port, byte[] token) implements HostReply {
    }

    /** The target will not take the VM; {@code busy}: only now (at its limit of migrations), ask again. */
    record IncomingRefused(String vm, String reason, boolean busy) implements HostReply {
    }

    /** Whether a migration was cancelled; {@code detail} says why not (none runs, or its switch-over has begun). */
    record CancelAnswer(String vm, boolean cancelled, String detail) implements HostReply {
    }

    /**
     * @param usedMips             instructions per second delivered to all VMs over the last tick
     * @param committedMemoryBytes the memory the VMs are configured with
     * @param residentMemoryBytes  the guest pages they actually hold
     */
    record HostStats(String host, long capacityMips, double usedMips, long committedMemoryBytes,
                     long residentMemoryBytes, int vmCount, List<VmStats> vms) implements HostReply {
        public HostStats {
            vms = List.copyOf(vms);
        }
    }

    /**
     * One VM over the last scheduler tick.
     *
     * @param epoch        the lease epoch it runs under (the management plane's proof of ownership)
     * @param readyPercent time it wanted to run but was held back by the host's budget
     * @param paused       whether it is paused now, as the VM itself last said (not what management wants)
     */
    record VmStats(String vm, long epoch, int shares, long reservationMips, long limitMips, double demandMips,
                   double deliveredMips, double readyPercent, long memoryBytes, double dirtyPagesPerSecond, boolean paused) {

        /** The same figures with the VM's current pause state. */
        public VmStats withPaused(boolean now) {
            return now == paused ? this : new VmStats(vm, epoch, shares, reservationMips, limitMips, demandMips, deliveredMips,
                    readyPercent, memoryBytes, dirtyPagesPerSecond, now);
        }
    }
}
