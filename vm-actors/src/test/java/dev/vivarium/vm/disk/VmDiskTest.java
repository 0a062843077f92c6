package dev.vivarium.vm.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vivarium.datastore.checkpoint.OverlayInfo;
import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.vm.Lab;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.host.HostReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM with a disk through its actor: `disklog` prints lines that depend on everything its
 * disk held, so whenever the VM comes back (revert, resume, cold boot after power off) its
 * console must go on exactly as the uninterrupted run's does, which it only can if the disk
 * came back to the same instant as memory.
 */
class VmDiskTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * The guest runs in real time while the test steps through it, and must not reach its end
     * before the last step, however slowly a loaded machine runs the test: 1,000 periods of 10 ms
     * leave ten seconds for steps that take well under one on a quiet machine.
     */
    private static final int PERIODS = 1000;
    private static final String CMDLINE = "sectors=16 period_ms=10 periods=" + PERIODS + " report=1";

    @TempDir
    Path datastore;
    @TempDir
    Path images;
    private Lab lab;
    private Path base;

    @BeforeEach
    void start() throws Exception {
        base = DisklogReference.zeroBase(images);
        // Checkpoints on demand only; every other one is full, so retention folds overlays as it goes.
        lab = new Lab(datastore, "host-a", Map.of("vivarium.vm.checkpoint-period", "1h", "vivarium.vm.full-checkpoint-every", "1"));
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    @Test
    void revertResumeAndPowerCycleBringTheDiskBackWithMemory() throws Exception {
        String reference = new DisklogReference(CMDLINE).text();
        VmConfig config = new VmConfig("dl", 16, "disklog", base.toString(), CMDLINE, CpuAllocation.NORMAL,
                RestartPriority.MEDIUM, List.of());
        HostReply.VmStarted started = lab.powerOn(config);
        ActorRef<VmCommand> vm = started.ref();
        Lab.Console console = lab.console(vm);
        await().atMost(WAIT).until(() -> periods(console.text()) >= 20);

        for (int i = 0; i < 4; i++) {
            // A few journal periods between checkpoints, so each overlay holds writes and retention's
            // size rule folds the chain (back-to-back checkpoints leave empty overlays, not worth folding).
            int before = periods(console.text());
            await().atMost(WAIT).until(() -> periods(console.text()) >= before + 5);
            assertThat(lab.ask(vm, VmCommand.Checkpoint::new)).isInstanceOf(VmReply.CheckpointTaken.class);
        }
        // Snapshot while paused: everything printed before the capture is in.
        console.ask(VmCommand.Pause::new);
        assertThat(console.ask(r -> new VmCommand.TakeSnapshot("s1", "", r))).isInstanceOf(VmReply.Done.class);
        String atSnapshot = console.text();
        lab.ask(vm, VmCommand.Unpause::new);
        await().atMost(WAIT).until(() -> periods(console.text()) >= periods(atSnapshot) + 20);
        assertThat(lab.ask(vm, VmCommand.Checkpoint::new)).isInstanceOf(VmReply.CheckpointTaken.class);
        assertThat(reference).as("the run so far").startsWith(console.text().substring(0, lastLineEnd(console.text())));

        // Revert: memory and disk of the snapshot; the journal goes on from there as it did then.
        assertThat(console.ask(r -> new VmCommand.RevertToSnapshot("s1", r))).isInstanceOf(VmReply.Done.class);
        int revertedAt = console.text().length();
        await().atMost(WAIT).until(() -> periods(console.text().substring(revertedAt)) >= 20);
        String afterRevert = console.text().substring(revertedAt);
        assertThat(reference).as("snapshot, then what the reverted VM printed")
                .startsWith(atSnapshot + afterRevert.substring(0, lastLineEnd(afterRevert)));

        // Suspend and resume: a full checkpoint with its overlay, retention folding the older ones.
        assertThat(console.ask(VmCommand.Suspend::new)).isInstanceOf(VmReply.Done.class);
        String beforeSuspend = atSnapshot + console.text().substring(revertedAt);
        List<OverlayInfo> overlays = lab.datastore.vm("dl").overlays().list();
        assertThat(overlays).as("folded: the snapshot's chain and the suspend's (1 or 2 files each)").hasSizeLessThanOrEqualTo(4);
        lab.awaitGone("dl", WAIT);
        HostReply.VmStarted resumed = lab.powerOn("dl", WAIT);
        assertThat(resumed.restoredSeq()).isPositive();
        Lab.Console after = lab.console(resumed.ref());
        await().atMost(WAIT).until(() -> after.text().contains("disklog done " + PERIODS));
        assertThat(beforeSuspend + after.text()).as("the whole journal across revert and suspend").isEqualTo(reference);

        // The guest exited: powered off, the disk kept; the next boot finds the journal it left.
        lab.awaitGone("dl", WAIT);
        assertThat(lab.datastore.vm("dl").currentLease().orElseThrow().isHeld()).isFalse();
        HostReply.VmStarted booted = lab.powerOn("dl", WAIT);
        assertThat(booted.restoredSeq()).isEqualTo(-1);
        Lab.Console again = lab.console(booted.ref());
        await().atMost(WAIT).until(() -> again.text().contains("\n"));
        String finalCrc = reference.substring(reference.lastIndexOf("ring crc ") + 9).trim();
        assertThat(again.text()).startsWith("disklog ring 16 sectors, 16 records, newest " + PERIODS + ", crc " + finalCrc + "\n");
        assertThat(lab.ask(booted.ref(), VmCommand.PowerOff::new)).isInstanceOf(VmReply.Done.class);
        lab.awaitGone("dl", WAIT);

        assertThat(Files.readAllBytes(base)).as("the shared base image is never written").containsOnly(0);

        // A damaged overlay is refused with the reason, and the VM is not started on a wrong disk.
        Path overlay = lab.datastore.vm("dl").overlays().latest().orElseThrow().file();
        byte[] bytes = Files.readAllBytes(overlay);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(overlay, bytes);
        assertThatThrownBy(() -> lab.powerOn("dl", WAIT)).hasMessageContaining(overlay.toString())
                .hasMessageContaining("checksum mismatch");
        assertThat(lab.datastore.vm("dl").currentLease().orElseThrow().isHeld()).as("the lease is given back").isFalse();
    }

    /** Until the host has seen the VM's actor stop (it refuses a power on of a VM it still runs). */
    private static int periods(String text) {
        int n = 0;
        for (int i = text.indexOf("disklog "); i >= 0; i = text.indexOf("disklog ", i + 1)) {
            n++;
        }
        return n;
    }

    private static int lastLineEnd(String text) {
        return text.lastIndexOf('\n') + 1;
    }
}
