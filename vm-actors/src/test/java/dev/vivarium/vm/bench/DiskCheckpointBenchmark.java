package dev.vivarium.vm.bench;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.VmFiles;
import dev.vivarium.datastore.checkpoint.CheckpointStore;
import dev.vivarium.datastore.checkpoint.DiskOverlay;
import dev.vivarium.datastore.lease.AcquireResult;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.storage.PayloadWriter;
import dev.vivarium.x86.devices.ata.FileDiskBackend;
import dev.vivarium.x86.devices.ata.overlay.MemoryOverlay;
import dev.vivarium.x86.devices.ata.overlay.OverlayDisk;
import dev.vivarium.x86.devices.ata.overlay.OverlayFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What a disk adds to a checkpoint (a benchmark, not a test; figures depend on the machine and
 * its load): the freeze on the VM's thread, the checkpoint's datastore write with and without
 * the overlay (fsyncs included), the overlay's size, and a retention fold. A 32 MiB disk,
 * random sectors written between checkpoints, a 256 KiB memory capture; medians of 7 runs.
 * Run: see vm-actors/README.md ({@code DiskCheckpointBenchmark DIR}, DIR on the file system to measure).
 */
public final class DiskCheckpointBenchmark {
    private static final int DISK_SECTORS = 65536;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir")), "disk-bench");
        Path base = Files.write(dir.resolve("base.img"), new byte[DISK_SECTORS * 512]);
        Datastore datastore = Datastore.open(dir.resolve("datastore"), DatastoreSettings.DEFAULTS);
        try (HostSession host = datastore.joinAsHost("bench")) {
            Lease lease = ((AcquireResult.Acquired) host.tryAcquire("vm")).lease();
            VmFiles files = datastore.vm("vm");
            CheckpointStore store = files.checkpoints();
            byte[] memory = new byte[256 << 10];
            Random random = new Random(1);
            for (int written : new int[]{0, 16, 256, 2048, 16384}) {
                long[] freeze = new long[7];
                long[] withDisk = new long[7];
                long[] without = new long[7];
                long size = 0;
                for (int rep = 0; rep < freeze.length; rep++) {
                    try (OverlayDisk disk = writtenDisk(base, written, random)) {
                        long t0 = System.nanoTime();
                        MemoryOverlay frozen = disk.freeze();
                        freeze[rep] = System.nanoTime() - t0;
                        t0 = System.nanoTime();
                        var info = store.writeFull(lease, PayloadWriter.of(memory),
                                new DiskOverlay(0, f -> OverlayFile.write(f, DISK_SECTORS, List.of(frozen))));
                        withDisk[rep] = System.nanoTime() - t0;
                        size = Files.size(files.overlays().chain(info.seq()).get(0).file());
                        t0 = System.nanoTime();
                        store.writeFull(lease, PayloadWriter.of(memory));
                        without[rep] = System.nanoTime() - t0;
                    }
                }
                System.out.printf(Locale.ROOT, "%5d sectors written: freeze %5.1f us | checkpoint write with overlay %6.1f ms, without %5.1f ms | overlay %d bytes%n",
                        written, median(freeze) / 1e3, median(withDisk) / 1e6, median(without) / 1e6, size);
            }
            List<Path> chain = new ArrayList<>();
            for (int n = 0; n < 10; n++) {
                try (OverlayDisk disk = writtenDisk(base, 2048, random)) {
                    Path p = dir.resolve("chain-" + n);
                    OverlayFile.write(p, DISK_SECTORS, List.of(disk.freeze()));
                    chain.add(p);
                }
            }
            long[] fold = new long[5];
            for (int rep = 0; rep < fold.length; rep++) {
                List<OverlayFile> opened = new ArrayList<>();
                for (Path p : chain) {
                    opened.add(OverlayFile.open(p, DISK_SECTORS));
                }
                long t0 = System.nanoTime();
                OverlayFile.write(dir.resolve("folded-" + rep), DISK_SECTORS, opened);
                fold[rep] = System.nanoTime() - t0;
                for (OverlayFile f : opened) {
                    f.close();
                }
            }
            long in = 0;
            for (Path p : chain) {
                in += Files.size(p);
            }
            System.out.printf(Locale.ROOT, "fold of 10 overlays of 2048 random sectors (%d bytes) into one (%d bytes): %.1f ms%n",
                    in, Files.size(dir.resolve("folded-0")), median(fold) / 1e6);
        }
        System.out.println("files left in " + dir);
    }

    private static OverlayDisk writtenDisk(Path base, int sectors, Random random) throws java.io.IOException {
        OverlayDisk disk = new OverlayDisk(FileDiskBackend.open(base, true), List.of());
        byte[] sector = new byte[512];
        for (int i = 0; i < sectors; i++) {
            random.nextBytes(sector);
            disk.write(random.nextInt(DISK_SECTORS), sector, 0, 1);
        }
        return disk;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
