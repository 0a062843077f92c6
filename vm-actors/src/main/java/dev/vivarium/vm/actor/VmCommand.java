package dev.vivarium.vm.actor;

import dev.vivarium.vm.wire.WireMessage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Everything a {@link VmActor} understands. {@link Management} commands may come from any
 * node (they cross the wire with Kryo); {@link Internal} ones come from the VM itself and its
 * {@link dev.vivarium.vm.host.HostAgent} on the same node and never leave it.
 */
public sealed interface VmCommand permits VmCommand.Management, VmCommand.Internal {

    sealed interface Management extends VmCommand, WireMessage permits Replying, SubscribeConsole, UnsubscribeConsole,
            ConsoleInput {
    }

    /** A management command answered through {@code replyTo}. */
    sealed interface Replying extends Management permits PowerOff, Reset, ShutdownGuest, Pause, Unpause, Suspend,
            TakeSnapshot, ListSnapshots, RevertToSnapshot, DeleteSnapshot, Checkpoint, GetStatus, InjectGuestFault {
        ActorRef<VmReply> replyTo();
    }

    /** Hard power off: the guest stops at once, its checkpoints are discarded and the lease released. */
    record PowerOff(ActorRef<VmReply> replyTo) implements Replying {
    }

    /** Presses the reset button: the guest boots again from its image. */
    record Reset(ActorRef<VmReply> replyTo) implements Replying {
    }

    /** Asks the guest through the tools channel to shut down; powers off hard if it has not exited in time. */
    record ShutdownGuest(long timeoutMillis, ActorRef<VmReply> replyTo) implements Replying {
    }

    record Pause(ActorRef<VmReply> replyTo) implements Replying {
    }

    record Unpause(ActorRef<VmReply> replyTo) implements Replying {
    }

    /** Writes the whole machine to the datastore and frees the host; power it on anywhere to resume. */
    record Suspend(ActorRef<VmReply> replyTo) implements Replying {
    }

    record TakeSnapshot(String name, String description, ActorRef<VmReply> replyTo) implements Replying {
    }

    record ListSnapshots(ActorRef<VmReply> replyTo) implements Replying {
    }

    record RevertToSnapshot(String name, ActorRef<VmReply> replyTo) implements Replying {
    }

    record DeleteSnapshot(String name, ActorRef<VmReply> replyTo) implements Replying {
    }

    /** A checkpoint now (incremental when a chain is open), besides the periodic ones. */
    record Checkpoint(ActorRef<VmReply> replyTo) implements Replying {
    }

    record GetStatus(ActorRef<VmReply> replyTo) implements Replying {
    }

    /**
     * Lab fault injection into the guest ({@code fault guest-crash}, {@code guest-hang}): {@link #CRASH}
     * makes its next interrupt triple-fault (the PC resets), {@link #HANG} makes it loop at its
     * current instruction (its output and tools heartbeat stop). See x86 {@code GuestFaults}.
     */
    record InjectGuestFault(String kind, ActorRef<VmReply> replyTo) implements Replying {
        public static final String CRASH = "crash";
        public static final String HANG = "hang";
    }

    /** The subscriber first gets the VM's recent output ({@code console-history}), then everything new. */
    record SubscribeConsole(ActorRef<ConsoleOutput> subscriber) implements Management {
    }

    record UnsubscribeConsole(ActorRef<ConsoleOutput> subscriber) implements Management {
    }

    /** Bytes typed on the serial console (ISO-8859-1, one char per byte). */
    record ConsoleInput(String text) implements Management {
    }

    /** Messages of the VM's own node. */
    sealed interface Internal extends VmCommand permits RunSlice, Wake, Grant, CheckpointTick, StorageDone, ShutdownTimedOut,
            Fence {
    }

    /** Run the guest for one time slice (a self message, so management messages interleave). */
    enum RunSlice implements Internal { INSTANCE }

    /** The guest's next timer event is due in host time (a halted guest waits for this, costing nothing). */
    enum Wake implements Internal { INSTANCE }

    /** The host's CPU scheduler grants this many instructions; the VM answers with its {@link VmUsage}. */
    record Grant(long instructions, ActorRef<VmUsage> replyTo) implements Internal {
    }

    enum CheckpointTick implements Internal { INSTANCE }

    /** A datastore operation run off the VM's thread has ended; {@code then} continues on the VM's thread. */
    record StorageDone(Runnable then) implements Internal {
    }

    record ShutdownTimedOut(ActorRef<VmReply> replyTo) implements Internal {
    }

    /** The host fenced itself: stop without touching the datastore. */
    record Fence(String reason) implements Internal {
    }

}
