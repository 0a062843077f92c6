package dev.vivarium.vm.actor;

import dev.vivarium.vm.wire.WireMessage;
import java.util.List;

/** What a VM answers to a {@link VmCommand}. */
public sealed interface VmReply extends WireMessage permits VmReply.Done, VmReply.Failed, VmReply.Snapshots,
        VmReply.CheckpointTaken, VmStatus {
    /** The command was carried out; {@code what} names it ("powered off", "snapshot s1 taken"). */
    record Done(String vm, String what) implements VmReply {
    }

    /** The command was refused or failed; nothing changed unless {@code reason} says so. */
    record Failed(String vm, String reason) implements VmReply {
    }

    record Snapshots(String vm, List<SnapshotEntry> snapshots) implements VmReply {
        public Snapshots {
            snapshots = List.copyOf(snapshots);
        }
    }

    record SnapshotEntry(String name, String description, long seq, long createdAtMillis) {
    }

    /** @param full whether it holds the whole machine or only the pages dirtied since the previous one */
    record CheckpointTaken(String vm, long seq, boolean full, long bytes) implements VmReply {
    }
}
