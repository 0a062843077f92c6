package dev.vivarium.x86.devices.ata.overlay;

import dev.vivarium.x86.devices.ata.FileDiskBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The copy-on-write disk on real files: layering, sealing, folding, and refusing bad overlays. */
class OverlayDiskTest {
    private static final int SECTORS = 64;

    @TempDir
    Path dir;

    @Test
    void writesGoToTheNewestLayerReadsLookDownAndTheBaseIsNeverWritten() throws IOException {
        Path base = base();
        byte[] before = Files.readAllBytes(base);
        try (OverlayDisk disk = open(base)) {
            disk.write(3, sector(31), 0, 1);
            disk.write(5, sector(51), 0, 1);
            disk.freeze();
            disk.write(5, sector(52), 0, 1);
            disk.write(6, concat(sector(61), sector(71)), 0, 2);

            assertThat(read(disk, 3)).isEqualTo(sector(31));
            assertThat(read(disk, 5)).isEqualTo(sector(52));
            assertThat(read(disk, 7)).isEqualTo(sector(71));
            assertThat(read(disk, 9)).isEqualTo(baseSector(9));
        }
        assertThat(Files.readAllBytes(base)).isEqualTo(before);
    }

    @Test
    void aSealedOverlayHoldsTheDiskAsItWasWhenFrozen() throws IOException {
        Path base = base();
        Path file = dir.resolve("1.ovl");
        try (OverlayDisk disk = open(base)) {
            disk.write(2, sector(21), 0, 1);
            MemoryOverlay frozen = disk.freeze();
            disk.write(2, sector(22), 0, 1); // after the freeze: not in the overlay
            disk.write(4, sector(41), 0, 1);
            OverlayFile.write(file, SECTORS, List.of(frozen));
            disk.adopt(List.of(OverlayFile.open(file, SECTORS)), frozen);
            assertThat(read(disk, 2)).isEqualTo(sector(22));
            assertThat(read(disk, 4)).isEqualTo(sector(41));
        }
        try (OverlayDisk restored = new OverlayDisk(FileDiskBackend.open(base, true), List.of(OverlayFile.open(file, SECTORS)))) {
            assertThat(read(restored, 2)).isEqualTo(sector(21));
            assertThat(read(restored, 4)).isEqualTo(baseSector(4));
        }
        assertThat(Files.size(file)).as("one sector and its index entry, plus header and checksum")
                .isEqualTo(32 + 8 + 512 + 4);
    }

    @Test
    void foldingAChainIntoOneOverlayGivesTheSameDisk() throws IOException {
        Path base = base();
        List<Path> files = new ArrayList<>();
        try (OverlayDisk disk = open(base)) {
            for (int layer = 0; layer < 4; layer++) {
                for (int lba = layer; lba < SECTORS; lba += 3 + layer) {
                    disk.write(lba, sector(layer * 100 + lba), 0, 1);
                }
                Path file = dir.resolve(layer + ".ovl");
                OverlayFile.write(file, SECTORS, List.of(disk.freeze()));
                files.add(file);
            }
        }
        Path folded = dir.resolve("folded.ovl");
        List<OverlayFile> chain = openAll(files);
        OverlayFile.write(folded, SECTORS, chain);
        try (OverlayDisk layered = new OverlayDisk(FileDiskBackend.open(base, true), chain);
             OverlayDisk merged = new OverlayDisk(FileDiskBackend.open(base, true), List.of(OverlayFile.open(folded, SECTORS)))) {
            for (int lba = 0; lba < SECTORS; lba++) {
                assertThat(read(merged, lba)).as("sector %d", lba).isEqualTo(read(layered, lba));
            }
        }
        assertThat(Files.size(folded)).isLessThan(files.stream().mapToLong(OverlayDiskTest::size).sum());
    }

    @Test
    void corruptTornForeignOrMismatchedOverlaysAreRefused() throws IOException {
        Path good = dir.resolve("good.ovl");
        try (OverlayDisk disk = open(base())) {
            disk.write(1, sector(11), 0, 1);
            OverlayFile.write(good, SECTORS, List.of(disk.freeze()));
        }
        byte[] bytes = Files.readAllBytes(good);

        byte[] flipped = bytes.clone();
        flipped[bytes.length - 100] ^= 0x10;
        assertRefused(flipped, SECTORS, "checksum mismatch");
        assertRefused(Arrays.copyOf(bytes, bytes.length - 7), SECTORS, "torn write");
        assertRefused("VIVSTATE not an overlay at all, just text".getBytes(), SECTORS, "bad magic");
        byte[] newer = bytes.clone();
        newer[11] = 2;
        assertRefused(newer, SECTORS, "format version 2 is not supported");
        assertRefused(bytes, SECTORS * 2, "disk of " + SECTORS + " sectors");
        byte[] unordered = resealed(bytes, b -> b.putLong(32, SECTORS + 5)); // an index entry beyond the disk, checksum right
        assertRefused(unordered, SECTORS, "index entry 0");
    }

    @Test
    void readingAndRewritingSectorsAllocatesNothingInAnyLayer() throws IOException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Path file = dir.resolve("hot.ovl");
        try (OverlayDisk disk = open(base())) {
            for (int lba = 0; lba < SECTORS / 2; lba += 2) {
                disk.write(lba, sector(lba), 0, 1);
            }
            MemoryOverlay frozen = disk.freeze();
            OverlayFile.write(file, SECTORS, List.of(frozen));
            disk.adopt(List.of(OverlayFile.open(file, SECTORS)), frozen);
            byte[] buffer = new byte[16 * 512]; // the drive's one transfer buffer
            for (int lba = 1; lba < SECTORS / 2; lba += 2) {
                disk.write(lba, buffer, 0, 1);
            }
            for (int round = 0; round < 3; round++) { // warm up (the JDK's per-thread direct buffer, JIT)
                hotLoop(disk, buffer);
            }
            long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            hotLoop(disk, buffer);
            long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertThat(allocated).as("bytes allocated by 20,000 sector reads and rewrites").isLessThan(4096);
        }
    }

    private static void hotLoop(OverlayDisk disk, byte[] buffer) throws IOException {
        for (int i = 0; i < 10_000; i++) {
            // the lower half: odd sectors from memory, even ones from the overlay file; the upper half from the base
            disk.read(i % SECTORS, buffer, (i % 16) * 512, 1);
            disk.write(i % (SECTORS / 2) | 1, buffer, (i % 16) * 512, 1);
        }
    }

    // ---- helpers ----

    private void assertRefused(byte[] content, long diskSectors, String message) throws IOException {
        Path file = Files.write(dir.resolve("bad-" + System.nanoTime() + ".ovl"), content);
        assertThatThrownBy(() -> OverlayFile.open(file, diskSectors))
                .isInstanceOf(OverlayFormatException.class).hasMessageContaining(message).hasMessageContaining(file.toString());
    }

    private interface Edit {
        void apply(ByteBuffer bytes);
    }

    private static byte[] resealed(byte[] bytes, Edit edit) {
        byte[] copy = bytes.clone();
        ByteBuffer b = ByteBuffer.wrap(copy);
        edit.apply(b);
        CRC32C crc = new CRC32C();
        crc.update(copy, 0, copy.length - 4);
        b.putInt(copy.length - 4, (int) crc.getValue());
        return copy;
    }

    private Path base() throws IOException {
        Path base = dir.resolve("base.img");
        try (FileChannel ch = FileChannel.open(base, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int lba = 0; lba < SECTORS; lba++) {
                ch.write(ByteBuffer.wrap(baseSector(lba)));
            }
        }
        return base;
    }

    private static OverlayDisk open(Path base) throws IOException {
        return new OverlayDisk(FileDiskBackend.open(base, true), List.of());
    }

    private static List<OverlayFile> openAll(List<Path> files) throws IOException {
        List<OverlayFile> opened = new ArrayList<>();
        for (Path f : files) {
            opened.add(OverlayFile.open(f, SECTORS));
        }
        return opened;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] read(OverlayDisk disk, long lba) throws IOException {
        byte[] out = new byte[512];
        disk.read(lba, out, 0, 1);
        return out;
    }

    private static byte[] sector(int value) {
        byte[] s = new byte[512];
        Arrays.fill(s, (byte) value);
        s[0] = (byte) (value >> 8);
        return s;
    }

    private static byte[] baseSector(int lba) {
        byte[] s = new byte[512];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (lba * 7 + i);
        }
        return s;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
