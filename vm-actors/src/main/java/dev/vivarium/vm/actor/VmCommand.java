package dev.vivarium.vm.actor;

import dev.vivarium.vm.migration.MigrationSettings;
import dev.vivarium.vm.migration.OutgoingMigration;
import dev.vivarium.vm.migration.SourceEvent;
import dev.vivarium.vm.migration.TargetLookup;
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

    /**
     * Stops the guest where it is. {@code marked}: management's pause, kept on the datastore so a
     * restart elsewhere stays paused; unmarked for a pause that is no one's wish (the isolation
     * response's, before HA restarts the VM running on another host).
     */
    record Pause(ActorRef<VmReply> replyTo, boolean marked) implements Replying {
        public Pause(ActorRef<VmReply> replyTo) {
            this(replyTo, true);
        }
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

    /**
     * The subscriber first gets the VM's recent output ({@code console-history}) from byte
     * {@code from} of its console's run {@code run} on, then everything new. A subscriber that
     * follows the VM to another host asks from where it stopped, so nothing repeats; one that
     * comes from another run (the VM was restored since, or it never followed it: run 0) gets all
     * the VM keeps.
     */
    record SubscribeConsole(ActorRef<ConsoleOutput> subscriber, long run, long from) implements Management {
        public SubscribeConsole(ActorRef<ConsoleOutput> subscriber) {
            this(subscriber, ConsoleOutput.NO_RUN, -1);
        }
    }

    record UnsubscribeConsole(ActorRef<ConsoleOutput> subscriber) implements Management {
    }

    /** Bytes typed on the serial console (ISO-8859-1, one char per byte). */
    record ConsoleInput(String text) implements Management {
    }

    /** Messages of the VM's own node. */
    sealed interface Internal extends VmCommand permits RunSlice, Wake, Grant, CheckpointTick, StorageDone, ShutdownTimedOut,
            Fence, PrepareMigration, StartMigration, AbandonMigration, CancelMigration, MigrationEvent, Arrive, DiscardArrival {
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

    // ---- live migration (the host agent's side is dev.vivarium.vm.migration.HostMigrations) ----

    /** Get ready to leave: let a checkpoint in flight end, start none until the migration ends; answer {@code Ready}. */
    record PrepareMigration(ActorRef<SourceEvent> host) implements Internal {
    }

    /** The target is prepared: go (pre-copy, switch-over), reporting to {@code host}. */
    record StartMigration(OutgoingMigration.Target target, MigrationSettings settings, TargetLookup lookup,
                          ActorRef<SourceEvent> host) implements Internal {
    }

    /** The migration will not start after all (the target refused): checkpoints go on. */
    record AbandonMigration() implements Internal {
    }

    /** Stop the migration if the guest still runs here; answers {@code CancelAnswer}. */
    record CancelMigration(String reason, ActorRef<SourceEvent> host) implements Internal {
    }

    /** Something happened to this VM's migration (its link's threads, its I/O tasks). */
    record MigrationEvent(Object event) implements Internal {
    }

    /**
     * A VM arriving here: the lease passed at {@code epoch}, run the guest now (paused if it was).
     * {@code firstInstruction} completes with the {@link System#nanoTime()} just before its first instruction.
     */
    record Arrive(long epoch, String consoleHistory, long consoleRun, long consoleOffset, boolean paused, long credit,
                  java.util.concurrent.CompletableFuture<Long> firstInstruction) implements Internal {
    }

    /** A VM that was arriving does not come (the source failed or aborted): stop, touching nothing. */
    record DiscardArrival(String reason) implements Internal {
    }

}
