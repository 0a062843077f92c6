package dev.vivarium.datastore;

import dev.vivarium.datastore.checkpoint.CheckpointStore;
import dev.vivarium.datastore.checkpoint.OverlayStore;
import dev.vivarium.datastore.checkpoint.SnapshotStore;
import dev.vivarium.datastore.checkpoint.VmSequence;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.datastore.config.VmConfigCodec;
import dev.vivarium.datastore.lease.LeaseFiles;
import dev.vivarium.datastore.lease.LeaseRecord;
import dev.vivarium.datastore.storage.AtomicFiles;
import dev.vivarium.datastore.storage.CommitGuard;
import dev.vivarium.datastore.storage.CorruptFileException;
import dev.vivarium.datastore.storage.FileKind;
import dev.vivarium.datastore.storage.PayloadWriter;
import dev.vivarium.datastore.storage.SealedFile;
import dev.vivarium.datastore.storage.SealedHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One VM's directory on the datastore:
 * <pre>
 *   vms/&lt;name&gt;/vm.config       configuration (written by management, no lease needed)
 *   vms/&lt;name&gt;/disk.img        base disk image
 *   vms/&lt;name&gt;/lease/          one file per lease epoch
 *   vms/&lt;name&gt;/checkpoints/    full and incremental checkpoints, stamped with seq and epoch
 *   vms/&lt;name&gt;/snapshots/      named snapshots, stamped likewise
 *   vms/&lt;name&gt;/disk/           disk overlays, one per checkpoint and snapshot, stamped likewise
 *   vms/&lt;name&gt;/paused          present while management has the VM paused
 * </pre>
 */
public final class VmFiles {
    private final String name;
    private final Path directory;
    private final AtomicFiles files;
    private final LeaseFiles leases;
    private final VmSequence sequence;

    VmFiles(String name, Path directory, AtomicFiles files) {
        this.name = Names.require("VM", name);
        this.directory = directory;
        this.files = files;
        this.leases = new LeaseFiles(directory.resolve("lease"), files);
        this.sequence = VmSequence.of(directory.resolve("checkpoints"), directory.resolve("snapshots"),
                directory.resolve("disk"));
    }

    public String name() {
        return name;
    }

    public Path directory() {
        return directory;
    }

    public void writeConfig(VmConfig config) throws IOException {
        if (!config.name().equals(name)) {
            throw new IllegalArgumentException("configuration of VM " + config.name() + " cannot be stored as VM " + name);
        }
        Files.createDirectories(directory);
        files.write(configFile(), SealedHeader.of(FileKind.VM_CONFIG, 0), VmConfigCodec.encode(config));
    }

    public VmConfig readConfig() throws IOException {
        Path file = configFile();
        byte[] payload;
        try {
            payload = SealedFile.read(file, FileKind.VM_CONFIG).payload();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "VM " + name + " has no configuration");
        }
        try {
            return VmConfigCodec.decode(payload);
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException(file, "invalid configuration: " + e.getMessage());
        }
    }

    public boolean exists() {
        return Files.isRegularFile(configFile());
    }

    /** Replaces the base disk image (streamed: images can be large). */
    public void writeDisk(PayloadWriter image) throws IOException {
        Files.createDirectories(directory);
        files.write(directory.resolve("disk.img"), SealedHeader.of(FileKind.DISK_IMAGE, 0), image, CommitGuard.NONE);
    }

    /** Opens the base disk image after verifying it. */
    public SealedFile openDisk() throws IOException {
        return SealedFile.open(directory.resolve("disk.img"), FileKind.DISK_IMAGE);
    }

    public CheckpointStore checkpoints() {
        return new CheckpointStore(name, directory.resolve("checkpoints"), leases, files, sequence, snapshots());
    }

    public SnapshotStore snapshots() {
        return new SnapshotStore(name, directory.resolve("snapshots"), leases, files, sequence, overlays());
    }

    public OverlayStore overlays() {
        return new OverlayStore(name, directory.resolve("disk"), leases, files, sequence);
    }

    /**
     * Marks the VM paused by management, or clears the mark. The host running the VM keeps it
     * up to date, so a host that recovers its own VMs after its process crashed starts this one
     * paused instead of running it until the management plane pauses it again.
     */
    public void markPaused(boolean paused) throws IOException {
        if (paused) {
            files.write(pausedFile(), SealedHeader.of(FileKind.PAUSED_MARK, 0), new byte[0]);
        } else if (Files.deleteIfExists(pausedFile())) {
            AtomicFiles.syncDirectory(directory);
        }
    }

    /** Whether the VM was last marked paused ({@link #markPaused}). */
    public boolean markedPaused() {
        return Files.isRegularFile(pausedFile());
    }

    private Path pausedFile() {
        return directory.resolve("paused");
    }

    /** The lease as the datastore shows it now (empty if the VM was never powered on). */
    public Optional<LeaseRecord> currentLease() throws IOException {
        return leases.current();
    }

    LeaseFiles leaseFiles() {
        return leases;
    }

    VmSequence sequence() {
        return sequence;
    }

    private Path configFile() {
        return directory.resolve("vm.config");
    }
}
