package dev.vivarium.x86.machine;

import dev.vivarium.x86.devices.ata.FileDiskBackend;
import dev.vivarium.x86.devices.ata.overlay.MemoryOverlay;
import dev.vivarium.x86.devices.ata.overlay.OverlayDisk;
import dev.vivarium.x86.devices.ata.overlay.OverlayFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A checkpoint covers the disk: `disklog` (a journal whose every line depends on what the disk
 * held) is captured mid-run with its disk overlay frozen at the same instruction, keeps running
 * and writing, and a machine restored from the capture plus the overlays up to it sees the
 * disk exactly as it was then and prints what the uninterrupted run printed.
 */
class DiskCheckpointTest {
    private static final int DISK_SECTORS = 2048;
    private static final String CMDLINE = "sectors=16 periods=60 period_ms=2 report=1";
    private static final long END = 40_000_000;

    @TempDir
    Path dir;
    private Path base;
    private MachineConfig config;
    private String straight;

    @BeforeEach
    void uninterruptedRun() throws Exception {
        base = Files.write(dir.resolve("base.img"), new byte[DISK_SECTORS * 512]);
        config = new MachineConfig(16 << 20, new MachineConfig.MultibootKernel(TestImages.image("disklog"), CMDLINE),
                null, false, MachineConfig.DEFAULT_START_EPOCH_NANOS);
        try (OverlayDisk disk = disk(List.of())) {
            CaptureRestoreTest.Run run = new CaptureRestoreTest.Run(PcMachine.create(config, disk));
            run.advance(END);
            assertThat(run.finished).as("disklog ran to its end").isTrue();
            straight = run.serial.toString();
            run.machine.close();
        }
        assertThat(straight).contains("disklog 60 sector 11 was 44").contains("disklog done 60");
    }

    @Test
    void restoringACheckpointBringsBackMemoryAndDiskOfTheSameInstant() throws Exception {
        long[] points = {900_000, 2_500_003, 4_000_001};
        List<Path> overlays = new ArrayList<>();
        List<byte[]> captures = new ArrayList<>();
        List<byte[]> disksAtCapture = new ArrayList<>();
        List<String> printed = new ArrayList<>();
        try (OverlayDisk disk = disk(List.of())) {
            CaptureRestoreTest.Run run = new CaptureRestoreTest.Run(PcMachine.create(config, disk));
            for (long point : points) {
                run.advance(point - run.machine.cpu().instructions());
                captures.add(run.machine.capture());
                MemoryOverlay frozen = disk.freeze(); // same instant, nothing ran in between
                disksAtCapture.add(contents(disk));
                printed.add(run.serial.toString());
                Path file = dir.resolve("ovl-" + overlays.size());
                OverlayFile.write(file, DISK_SECTORS, List.of(frozen));
                List<OverlayFile> chain = new ArrayList<>(disk.sealedChain());
                chain.add(OverlayFile.open(file, DISK_SECTORS));
                disk.adopt(chain, frozen);
                overlays.add(file);
            }
            run.advance(END);
            assertThat(run.serial.toString()).as("checkpointing does not disturb the guest").isEqualTo(straight);
            run.machine.close();
        }
        assertThat(printed.get(0)).as("the first capture falls after some disk writes").contains("disklog 2 ");

        for (int n = 0; n < points.length; n++) {
            try (OverlayDisk disk = disk(open(overlays.subList(0, n + 1)))) {
                assertThat(contents(disk)).as("disk restored at checkpoint %d", n).isEqualTo(disksAtCapture.get(n));
                assertThat(resume(disk, captures.get(n), printed.get(n))).as("run resumed at checkpoint %d", n).isEqualTo(straight);
            }
        }
    }

    @Test
    void foldingOlderOverlaysKeepsRestoresExact() throws Exception {
        List<Path> overlays = new ArrayList<>();
        byte[] capture;
        String printed;
        try (OverlayDisk disk = disk(List.of())) {
            CaptureRestoreTest.Run run = new CaptureRestoreTest.Run(PcMachine.create(config, disk));
            for (int n = 1; n <= 5; n++) {
                run.advance(700_000);
                Path file = dir.resolve("ovl-" + n);
                OverlayFile.write(file, DISK_SECTORS, List.of(disk.freeze()));
                overlays.add(file);
            }
            capture = run.machine.capture();
            Path last = dir.resolve("ovl-last");
            OverlayFile.write(last, DISK_SECTORS, List.of(disk.freeze()));
            overlays.add(last);
            printed = run.serial.toString();
            run.machine.close();
        }
        Path folded = dir.resolve("folded");
        List<OverlayFile> older = open(overlays.subList(0, 4));
        OverlayFile.write(folded, DISK_SECTORS, older);
        for (OverlayFile f : older) {
            f.close();
        }
        List<Path> merged = new ArrayList<>(List.of(folded));
        merged.addAll(overlays.subList(4, overlays.size()));
        try (OverlayDisk layered = disk(open(overlays)); OverlayDisk compact = disk(open(merged))) {
            assertThat(contents(compact)).isEqualTo(contents(layered));
            assertThat(resume(compact, capture, printed)).isEqualTo(straight);
        }
    }

    private String resume(OverlayDisk disk, byte[] capture, String printedBefore) throws Exception {
        CaptureRestoreTest.Run resumed = new CaptureRestoreTest.Run(PcMachine.createForRestore(config, disk));
        resumed.machine.restore(capture);
        resumed.serial.write(printedBefore.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        resumed.advance(END);
        resumed.machine.close();
        return resumed.serial.toString();
    }

    private OverlayDisk disk(List<OverlayFile> chain) throws IOException {
        return new OverlayDisk(FileDiskBackend.open(base, true), chain);
    }

    private static List<OverlayFile> open(List<Path> files) throws IOException {
        List<OverlayFile> opened = new ArrayList<>();
        for (Path f : files) {
            opened.add(OverlayFile.open(f, DISK_SECTORS));
        }
        return opened;
    }

    /** The journal's ring and a margin past it. */
    private static byte[] contents(OverlayDisk disk) throws IOException {
        byte[] out = new byte[32 * 512];
        disk.read(0, out, 0, 32);
        return out;
    }
}
