package dev.vivarium.vm.actor;

import dev.vivarium.datastore.VmFiles;
import dev.vivarium.datastore.checkpoint.CheckpointInfo;
import dev.vivarium.datastore.checkpoint.CheckpointStore;
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
 * Builds a VM's machine from its configuration: a cold boot of its image, or the restore of
 * a checkpoint chain (the full checkpoint, then each incremental in order).
 *
 * <p>Disks: VMs with a disk are refused for now (see the module README); the guests of our
 * workloads have none, and a checkpoint of a disked VM would need the disk's copy-on-write
 * overlay to be captured at the same instant.
 */
public final class MachineLoader {
    private final Path imageDirectory;

    public MachineLoader(Path imageDirectory) {
        this.imageDirectory = imageDirectory;
    }

    /** A machine and the checkpoint it was restored from (-1 for a cold boot). */
    public record Loaded(PcMachine machine, long restoredSeq) {
    }

    /** Restores the latest checkpoint chain when there is one, else boots the image. */
    public Loaded load(VmConfig config, VmFiles files) throws IOException, BootImageException {
        CheckpointStore checkpoints = files.checkpoints();
        List<CheckpointInfo> chain = checkpoints.latestChain();
        if (chain.isEmpty()) {
            return new Loaded(coldBoot(config), -1);
        }
        PcMachine machine = PcMachine.createForRestore(machineConfig(config, new byte[0]));
        try {
            for (CheckpointInfo checkpoint : chain) {
                try (SealedFile file = checkpoints.open(checkpoint)) {
                    machine.restore(file.readPayload());
                }
            }
        } catch (IOException | RuntimeException e) {
            machine.close();
            throw new IOException("VM " + config.name() + ": cannot restore checkpoint chain " + chain.stream()
                    .map(c -> Long.toString(c.seq())).toList() + ": " + e.getMessage(), e);
        }
        return new Loaded(machine, chain.get(chain.size() - 1).seq());
    }

    public PcMachine coldBoot(VmConfig config) throws IOException, BootImageException {
        return PcMachine.create(machineConfig(config, Files.readAllBytes(resolveImage(config))));
    }

    /** Builds an empty machine of the VM's configuration for {@link PcMachine#restore}. */
    public PcMachine forRestore(VmConfig config) throws IOException {
        return PcMachine.createForRestore(machineConfig(config, new byte[0]));
    }

    private MachineConfig machineConfig(VmConfig config, byte[] image) {
        if (!config.disk().isEmpty()) {
            throw new IllegalArgumentException("VM " + config.name() + " has disk '" + config.disk()
                    + "': VMs with disks cannot run on vm-actors yet (their checkpoints would not cover the disk)");
        }
        // Deterministic clock: guest time follows instructions, paced to real time by the VM actor.
        return new MachineConfig((long) config.memoryMiB() << 20, new MachineConfig.MultibootKernel(image, config.commandLine()),
                null, false, System.currentTimeMillis() * 1_000_000L);
    }

    /** An absolute path as it is; a name is looked up in the image directory, with or without ".elf". */
    Path resolveImage(VmConfig config) throws IOException {
        Path given = Path.of(config.image());
        for (Path candidate : given.isAbsolute() ? List.of(given)
                : List.of(imageDirectory.resolve(config.image()), imageDirectory.resolve(config.image() + ".elf"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IOException("VM " + config.name() + ": image '" + config.image() + "' not found"
                + (given.isAbsolute() ? "" : " in " + imageDirectory));
    }
}
