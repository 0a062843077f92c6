package dev.vivarium.vm.actor;

import dev.vivarium.datastore.VmFiles;
import dev.vivarium.datastore.checkpoint.CheckpointInfo;
import dev.vivarium.datastore.checkpoint.CheckpointStore;
import dev.vivarium.datastore.checkpoint.OverlayInfo;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.datastore.storage.SealedFile;
import dev.vivarium.x86.boot.BootImageException;
import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds a VM's machine from its configuration: a cold boot of its image (or of its Linux
 * kernel and initrd), or the restore of a checkpoint chain (the full checkpoint, then each
 * incremental in order). Images, kernels and initrds are found by absolute path, in the image
 * directory, or in the VM's own folder on the datastore.
 *
 * <p>A VM with a disk gets a {@link VmDisk}: its base image (read-only, possibly shared with
 * other VMs) under the overlays of the checkpoint restored, so memory and disk come back to
 * the same instant; a cold boot takes the newest whole overlay chain (the disk as the last
 * power off left it) or the bare base.
 */
public final class MachineLoader {
    private final Path imageDirectory;

    public MachineLoader(Path imageDirectory) {
        this.imageDirectory = imageDirectory;
    }

    /** A machine, the checkpoint it was restored from (-1 for a cold boot) and its disk (null for none). */
    public record Loaded(PcMachine machine, long restoredSeq, VmDisk disk) {
    }

    /** Restores the latest checkpoint chain when there is one, else boots the image. */
    public Loaded load(VmConfig config, VmFiles files) throws IOException, BootImageException {
        CheckpointStore checkpoints = files.checkpoints();
        List<CheckpointInfo> chain = checkpoints.latestChain();
        if (chain.isEmpty()) {
            VmDisk disk = openDisk(config, files, files.overlays().latest().map(OverlayInfo::seq).orElse(0L));
            try {
                return new Loaded(coldBoot(config, disk, files), -1, disk);
            } catch (IOException | BootImageException | RuntimeException e) {
                closeQuietly(disk, e);
                throw e;
            }
        }
        long tip = chain.get(chain.size() - 1).seq();
        VmDisk disk = null;
        PcMachine machine = null;
        try {
            disk = openDisk(config, files, tip);
            machine = forRestore(config, disk);
            for (CheckpointInfo checkpoint : chain) {
                try (SealedFile file = checkpoints.open(checkpoint)) {
                    machine.restore(file.readPayload());
                }
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(machine, e);
            closeQuietly(disk, e);
            throw new IOException("VM " + config.name() + ": cannot restore checkpoint chain " + chain.stream()
                    .map(c -> Long.toString(c.seq())).toList() + ": " + e.getMessage(), e);
        }
        return new Loaded(machine, tip, disk);
    }

    /** Boots the image on {@code disk} (null for a VM without one), which outlives the machine. */
    public PcMachine coldBoot(VmConfig config, VmDisk disk) throws IOException, BootImageException {
        return coldBoot(config, disk, null);
    }

    /** {@link #coldBoot(VmConfig, VmDisk)}, also looking in {@code files}' folder on the datastore. */
    public PcMachine coldBoot(VmConfig config, VmDisk disk, VmFiles files) throws IOException, BootImageException {
        Path vmFolder = files == null ? null : files.directory();
        MachineConfig.Boot boot;
        if (config.bootsKernel()) {
            byte[] kernel = Files.readAllBytes(resolve(config.name(), "kernel", config.kernel(), List.of(), vmFolder));
            byte[] initrd = config.initrd().isEmpty() ? null
                    : Files.readAllBytes(resolve(config.name(), "initrd", config.initrd(), List.of(), vmFolder));
            boot = new MachineConfig.LinuxKernel(kernel, initrd, config.commandLine());
        } else {
            boot = new MachineConfig.MultibootKernel(Files.readAllBytes(resolveImage(config, vmFolder)), config.commandLine());
        }
        return PcMachine.create(machineConfig(config, boot), backend(disk));
    }

    /** Builds an empty machine of the VM's configuration on {@code disk} for {@link PcMachine#restore}. */
    public PcMachine forRestore(VmConfig config, VmDisk disk) {
        // What it boots does not matter: the capture brings memory and CPU as they were.
        return PcMachine.createForRestore(machineConfig(config, new MachineConfig.MultibootKernel(new byte[0], "")),
                backend(disk));
    }

    /** The VM's disk as checkpoint or snapshot {@code seq} left it (0: the bare base), or null when it has none. */
    public VmDisk openDisk(VmConfig config, VmFiles files, long seq) throws IOException {
        if (config.disk().isEmpty()) {
            return null;
        }
        return VmDisk.open(resolve(config.name(), "disk image", config.disk(), List.of(), null), files.overlays(), seq);
    }

    private static dev.vivarium.x86.devices.ata.DiskBackend backend(VmDisk disk) {
        return disk == null ? null : disk.backend();
    }

    private static void closeQuietly(AutoCloseable c, Exception failure) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }

    private MachineConfig machineConfig(VmConfig config, MachineConfig.Boot boot) {
        // Deterministic clock: guest time follows instructions, paced to real time by the VM actor.
        return new MachineConfig((long) config.memoryMiB() << 20, boot, null, false, System.currentTimeMillis() * 1_000_000L);
    }

    /** An absolute path as it is; a name is looked up in the image directory, with or without ".elf". */
    Path resolveImage(VmConfig config) throws IOException {
        return resolveImage(config, null);
    }

    private Path resolveImage(VmConfig config, Path vmFolder) throws IOException {
        return resolve(config.name(), "image", config.image(), List.of(".elf"), vmFolder);
    }

    /** {@code name} as an absolute path, else in the image directory (then with each suffix), else in {@code vmFolder} when given. */
    private Path resolve(String vm, String what, String name, List<String> suffixes, Path vmFolder) throws IOException {
        Path given = Path.of(name);
        List<Path> candidates = new java.util.ArrayList<>();
        if (given.isAbsolute()) {
            candidates.add(given);
        } else {
            candidates.add(imageDirectory.resolve(name));
            suffixes.forEach(suffix -> candidates.add(imageDirectory.resolve(name + suffix)));
            if (vmFolder != null) {
                candidates.add(vmFolder.resolve(name));
            }
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IOException("VM " + vm + ": " + what + " '" + name + "' not found"
                + (given.isAbsolute() ? "" : " in " + imageDirectory + (vmFolder == null ? "" : " or " + vmFolder)));
    }
}
