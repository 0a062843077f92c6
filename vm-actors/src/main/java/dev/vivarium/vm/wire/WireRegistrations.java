package dev.vivarium.vm.wire;

import dev.vivarium.vm.actor.ConsoleOutput;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.actor.VmState;
import dev.vivarium.vm.actor.VmStatus;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import dev.vivarium.vm.migration.MigrationFigures;
import dev.vivarium.vm.migration.MigrationOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Every class that crosses the wire, in the order Kryo numbers them. Every node must use the
 * same list: append new classes at the end, never reorder or remove, or nodes of different
 * builds read each other's messages as the wrong class.
 */
public final class WireRegistrations {
    private WireRegistrations() {
    }

    public static final List<Class<?>> CLASSES = List.of(
            ArrayList.class,
            VmState.class,
            VmStatus.class,
            ConsoleOutput.class,
            VmCommand.PowerOff.class,
            VmCommand.Reset.class,
            VmCommand.ShutdownGuest.class,
            VmCommand.Pause.class,
            VmCommand.Unpause.class,
            VmCommand.Suspend.class,
            VmCommand.TakeSnapshot.class,
            VmCommand.ListSnapshots.class,
            VmCommand.RevertToSnapshot.class,
            VmCommand.DeleteSnapshot.class,
            VmCommand.Checkpoint.class,
            VmCommand.GetStatus.class,
            VmCommand.SubscribeConsole.class,
            VmCommand.UnsubscribeConsole.class,
            VmCommand.ConsoleInput.class,
            VmReply.Done.class,
            VmReply.Failed.class,
            VmReply.Snapshots.class,
            VmReply.SnapshotEntry.class,
            VmReply.CheckpointTaken.class,
            HostCommand.PowerOn.class,
            HostCommand.FindVm.class,
            HostCommand.GetStats.class,
            HostReply.VmStarted.class,
            HostReply.Refused.class,
            HostReply.VmFound.class,
            HostReply.NotHere.class,
            HostReply.HostStats.class,
            HostReply.VmStats.class,
            VmCommand.InjectGuestFault.class,
            byte[].class,
            HostCommand.MigrateVm.class,
            HostCommand.CancelMigration.class,
            HostCommand.PrepareIncoming.class,
            HostReply.IncomingReady.class,
            HostReply.IncomingRefused.class,
            HostReply.CancelAnswer.class,
            MigrationOutcome.class,
            MigrationOutcome.Result.class,
            MigrationFigures.class);
}
