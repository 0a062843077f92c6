package dev.vivarium.vm.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.checkpoint.CheckpointInfo;
import dev.vivarium.datastore.checkpoint.OverlayInfo;
import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.vm.disk.DisklogReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM with a disk on a host process killed with SIGKILL: another host restores it from its
 * latest checkpoint, and the disk it gets is the disk of that checkpoint's instant (base image
 * plus the overlays up to it; whatever the dead host wrote since is gone with its memory), so
 * the `disklog` journal goes on exactly as the uninterrupted run did.
 */
class DiskHostCrashTest {
    private static final int CHECKPOINT_MS = 300;
    private static final int PERIOD_MS = 10;
    private static final String CMDLINE = "sectors=16 period_ms=" + PERIOD_MS + " periods=0 report=1";
    /**
     * At most one checkpoint period of host time is redone; in that time a guest that fell
     * behind host time (JIT warm-up, a loaded machine) may catch up by up to a second (the
     * pacer's limit, beyond which it rebases). A few lines may die unprinted with the host.
     */
    private static final int REDONE = (CHECKPOINT_MS + 1000) / PERIOD_MS + 2;
    private static final int UNPRINTED = 5;
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final Pattern PERIOD = Pattern.compile("disklog (\\d+) sector .*");
    private static final Pattern STARTED = Pattern.compile("started dl epoch \\d+ restored (-?\\d+)");

    @TempDir
    Path root;
    @TempDir
    Path logs;
    @TempDir
    Path images;

    @Test
    void aKilledHostsVmComesBackElsewhereWithTheDiskOfItsCheckpoint() throws Exception {
        Path base = DisklogReference.zeroBase(images);
        Datastore datastore = Datastore.open(root, HostProcessMain.LEASES);
        datastore.vm("dl").writeConfig(new VmConfig("dl", 16, "disklog", base.toString(), CMDLINE, CpuAllocation.NORMAL,
                RestartPriority.MEDIUM, List.of()));
        DisklogReference reference = new DisklogReference(CMDLINE.replace("periods=0", "periods=1000"));
        List<String> expected = Arrays.asList(reference.text().split("\n"));

        try (ProcessHost a = ProcessHost.start("host-a", root, logs, CHECKPOINT_MS, "--vm", "dl")) {
            a.awaitLine("started dl", WAIT);
            await().atMost(WAIT).until(() -> a.console("dl").size() >= 80); // several checkpoints, full and incremental
            a.kill();
            List<String> printedByA = a.console("dl");
            assertThat(expected).as("host A's journal").startsWith(printedByA.subList(0, printedByA.size() - 1).toArray(String[]::new));
            long lastByA = period(printedByA.get(printedByA.size() - 1));
            System.out.println("host A's log:\n" + a.stderr() + "\nfiles at the kill (name, bytes, mtime):");
            for (String dir : List.of("checkpoints", "disk")) {
                try (var files = Files.list(root.resolve("vms/dl/" + dir))) {
                    files.sorted().forEach(f -> {
                        try {
                            System.out.println(f.getFileName() + " " + Files.size(f) + " " + Files.getLastModifiedTime(f).toMillis());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                }
            }
            System.out.println("killed at " + System.currentTimeMillis() + ", last line " + lastByA);

            // The disk of the latest checkpoint, as the datastore holds it: base plus the overlay chain up to it.
            List<CheckpointInfo> chain = datastore.vm("dl").checkpoints().latestChain();
            long tip = chain.get(chain.size() - 1).seq();
            List<Path> overlays = datastore.vm("dl").overlays().chain(tip).stream().map(OverlayInfo::file).toList();
            assertThat(overlays).isNotEmpty();
            byte[] ringAtCheckpoint = DisklogReference.ring(base, overlays);

            try (ProcessHost b = ProcessHost.start("host-b", root, logs, CHECKPOINT_MS, "--vm", "dl")) {
                Matcher started = STARTED.matcher(b.awaitLine("started dl", WAIT).text());
                assertThat(started.matches()).isTrue();
                assertThat(Long.parseLong(started.group(1))).as("restored from the latest checkpoint").isEqualTo(tip);
                await().atMost(WAIT).until(() -> b.console("dl").size() >= 15);
                List<String> printedByB = b.console("dl");
                System.out.println("host B's log:\n" + b.stderr() + "\nB's first lines: " + printedByB.subList(0, 3));

                // B's first line may be the rest of a line cut at the capture; the ones after are whole.
                int k = expected.indexOf(printedByB.get(1));
                assertThat(k).as("B's second line is a line of the uninterrupted run: %s", printedByB.get(1)).isPositive();
                assertThat(expected.subList(k, k + printedByB.size() - 1)).as("B's journal goes on as the uninterrupted run")
                        .isEqualTo(printedByB.subList(1, printedByB.size()));
                String cut = expected.get(k - 1);
                assertThat(cut).endsWith(printedByB.get(0));
                long resumedAt = period(cut);

                // The checkpoint fell in period resumedAt, before or after that period's write.
                boolean before = Arrays.equals(ringAtCheckpoint, reference.ringAfter((int) resumedAt - 1));
                boolean after = printedByB.get(0).equals(cut) && Arrays.equals(ringAtCheckpoint, reference.ringAfter((int) resumedAt));
                boolean partial = !printedByB.get(0).equals(cut) && Arrays.equals(ringAtCheckpoint, reference.ringAfter((int) resumedAt));
                assertThat(before || after || partial).as("the restored disk is the disk at the checkpoint's instant").isTrue();
                assertThat(Files.readAllBytes(base)).as("the base image is never written").containsOnly(0);
                assertThat(resumedAt).as("resumed within one checkpoint period of host A's last line %d", lastByA)
                        .isBetween(lastByA - REDONE, lastByA + 1 + UNPRINTED);
            }
        }
    }

    private static long period(String line) {
        Matcher m = PERIOD.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("not a period line: " + line);
        }
        return Long.parseLong(m.group(1));
    }
}
