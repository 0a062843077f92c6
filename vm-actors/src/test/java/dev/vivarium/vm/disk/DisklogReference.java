package dev.vivarium.vm.disk;

import dev.vivarium.vm.Lab;
import dev.vivarium.x86.devices.ata.FileDiskBackend;
import dev.vivarium.x86.devices.ata.overlay.OverlayDisk;
import dev.vivarium.x86.devices.ata.overlay.OverlayFile;
import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The uninterrupted run of the {@code disklog} guest on a zeroed disk, in a bare machine: its
 * console lines, and the disk after any number of periods. The guest's output depends only on
 * the order of its disk operations, never on timing, so a VM that was checkpointed, killed,
 * restored or reverted must print lines of this run, in this order, and hold its disks.
 */
public final class DisklogReference {
    public static final int DISK_SECTORS = 2048;
    public static final int RING = 16;

    private final String commandLine;

    public DisklogReference(String commandLine) {
        this.commandLine = commandLine;
    }

    /** A zeroed base image for VMs (1 MiB, as the guests' tests use). */
    public static Path zeroBase(Path dir) throws IOException {
        return Files.write(dir.resolve("base.img"), new byte[DISK_SECTORS * 512]);
    }

    /** The console of the whole run. */
    public String text() throws Exception {
        return run(commandLine).text;
    }

    /** The ring after {@code periods} periods. */
    public byte[] ringAfter(int periods) throws Exception {
        return run(commandLine.replaceAll("periods=\\d+", "") + " periods=" + periods).ring;
    }

    /** The ring of a disk on the datastore: the base under an overlay chain. */
    public static byte[] ring(Path base, List<Path> overlays) throws IOException {
        try (OverlayDisk disk = new OverlayDisk(FileDiskBackend.open(base, true), open(overlays))) {
            byte[] ring = new byte[RING * 512];
            disk.read(0, ring, 0, RING);
            return ring;
        }
    }

    private static List<OverlayFile> open(List<Path> overlays) throws IOException {
        OverlayFile[] files = new OverlayFile[overlays.size()];
        for (int i = 0; i < files.length; i++) {
            files[i] = OverlayFile.open(overlays.get(i), DISK_SECTORS);
        }
        return Arrays.asList(files);
    }

    private record Result(String text, byte[] ring) {
    }

    private static Result run(String cmdline) throws Exception {
        Path dir = Files.createTempDirectory("disklog-ref");
        try (OverlayDisk disk = new OverlayDisk(FileDiskBackend.open(zeroBase(dir), true), List.of())) {
            byte[] image = Files.readAllBytes(Lab.images().resolve("disklog.elf"));
            MachineConfig config = new MachineConfig(16 << 20, new MachineConfig.MultibootKernel(image, cmdline), null, false,
                    MachineConfig.DEFAULT_START_EPOCH_NANOS);
            ByteArrayOutputStream serial = new ByteArrayOutputStream();
            try (PcMachine machine = PcMachine.create(config, disk)) {
                machine.chipset().serial().output().subscribe(serial::write);
                for (int i = 0; i < 100_000; i++) {
                    RunResult r = machine.run(10_000_000);
                    if (r instanceof RunResult.Exited) {
                        byte[] ring = new byte[RING * 512];
                        disk.read(0, ring, 0, RING);
                        return new Result(serial.toString(StandardCharsets.ISO_8859_1), ring);
                    } else if (r instanceof RunResult.Halted h) {
                        machine.idleUntil(h.untilNanos());
                    } else if (!(r instanceof RunResult.BudgetUsed)) {
                        throw new AssertionError("disklog stopped: " + r);
                    }
                }
            }
            throw new AssertionError("disklog did not finish");
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }
}
