package dev.vivarium.datastore.storage;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What a killed host leaves in the middle of a write is removed once it is old enough, and nothing else. */
class TemporaryFilesTest {

    @TempDir
    Path root;

    private Path file(String relative, Duration age) throws Exception {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[]{1, 2, 3});
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
        return p;
    }

    private static String temporaryName(String target) {
        return "." + target + ".tmp-" + UUID.randomUUID();
    }

    @Test
    void abandonedTemporariesGoAndEverythingElseStays() throws Exception {
        Path oldCheckpoint = file("vms/vm1/" + temporaryName("cp-00000007-e2.vcp"), Duration.ofHours(3));
        Path oldHeartbeat = file("hosts/" + temporaryName("host-1.hb"), Duration.ofHours(2));
        Path writing = file("vms/vm1/" + temporaryName("cp-00000008-e2.vcp"), Duration.ofSeconds(5));
        Path oldRealFile = file("vms/vm1/cp-00000006-e2.vcp", Duration.ofDays(3));
        Path otherDotFile = file("vms/vm1/.keep", Duration.ofDays(3));
        Path notOurs = file("vms/vm1/.notes.tmp-123", Duration.ofDays(3));

        assertThat(TemporaryFiles.sweep(root, TemporaryFiles.ABANDONED_AFTER))
                .containsExactlyInAnyOrder(oldCheckpoint, oldHeartbeat);
        assertThat(oldCheckpoint).doesNotExist();
        assertThat(oldHeartbeat).doesNotExist();
        assertThat(writing).as("a write in progress on some host").exists();
        assertThat(oldRealFile).exists();
        assertThat(otherDotFile).exists();
        assertThat(notOurs).exists();
    }

    @Test
    void aHostJoiningSweeps() throws Exception {
        Datastore datastore = Datastore.open(root, DatastoreSettings.DEFAULTS);
        Path left = file("vms/vm2/" + temporaryName("config.vcfg"), Duration.ofHours(2));
        datastore.joinAsHost("host-9").close();
        assertThat(left).doesNotExist();
    }

    @Test
    void aWriteThatFailsLeavesNothingBehind() throws Exception {
        // AtomicFiles removes its own temporary when a write fails: the sweep is for killed hosts only.
        AtomicFiles files = new AtomicFiles(FileCreator.LOCAL);
        Path target = root.resolve("vms/vm3/cp.vcp");
        Files.createDirectories(target.getParent());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> files.write(target, new SealedHeader(FileKind.CHECKPOINT, 1, new byte[0]),
                out -> {
                    out.write(1);
                    throw new java.io.IOException("device gone");
                }, CommitGuard.NONE)).hasMessageContaining("device gone");
        try (var entries = Files.list(target.getParent())) {
            assertThat(entries).isEmpty();
        }
    }
}
