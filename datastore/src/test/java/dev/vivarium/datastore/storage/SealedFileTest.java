package dev.vivarium.datastore.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedFileTest {
    @TempDir
    Path dir;

    private final AtomicFiles files = new AtomicFiles(FileCreator.LOCAL);

    @Test
    void roundTripsHeaderMetadataAndPayload() throws IOException {
        Path target = dir.resolve("a.bin");
        byte[] meta = {1, 2, 3};
        files.write(target, new SealedHeader(FileKind.CHECKPOINT, 42, meta), PayloadWriter.of(bytes("hello")), CommitGuard.NONE);

        SealedFile.Content content = SealedFile.read(target, FileKind.CHECKPOINT);
        assertThat(content.header().epoch()).isEqualTo(42);
        assertThat(content.header().meta()).containsExactly(1, 2, 3);
        assertThat(new String(content.payload(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(listing()).containsExactly("a.bin");
    }

    @Test
    void streamsLargePayloadsBothWays() throws Exception {
        Path target = dir.resolve("big.bin");
        long size = 20L * 1024 * 1024 + 17;
        MessageDigest written = MessageDigest.getInstance("SHA-256");
        files.write(target, SealedHeader.of(FileKind.CHECKPOINT, 1), out -> {
            Random random = new Random(7);
            byte[] chunk = new byte[100_000];
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, left);
                written.update(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }, CommitGuard.NONE);

        MessageDigest read = MessageDigest.getInstance("SHA-256");
        try (SealedFile file = SealedFile.open(target, FileKind.CHECKPOINT); InputStream in = file.payload()) {
            assertThat(file.payloadLength()).isEqualTo(size);
            byte[] buffer = new byte[65_536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                read.update(buffer, 0, n);
            }
        }
        assertThat(read.digest()).isEqualTo(written.digest());
    }

    @Test
    void aFlippedByteIsReportedAsChecksumMismatch() throws IOException {
        Path target = dir.resolve("c.bin");
        files.write(target, SealedHeader.of(FileKind.VM_CONFIG, 0), bytes("memory=16"));
        try (RandomAccessFile raw = new RandomAccessFile(target.toFile(), "rw")) {
            raw.seek(SealedFormat.FIXED_HEADER + 2);
            int b = raw.read();
            raw.seek(SealedFormat.FIXED_HEADER + 2);
            raw.write(b ^ 0x10);
        }
        assertThatThrownBy(() -> SealedFile.read(target, FileKind.VM_CONFIG))
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining(target.toString());
    }

    @Test
    void aTornFileIsReportedNotLoaded() throws IOException {
        Path target = dir.resolve("t.bin");
        files.write(target, SealedHeader.of(FileKind.CHECKPOINT, 3), new byte[10_000]);
        try (RandomAccessFile raw = new RandomAccessFile(target.toFile(), "rw")) {
            raw.setLength(raw.length() - 100);
        }
        assertThatThrownBy(() -> SealedFile.read(target, FileKind.CHECKPOINT))
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining("torn");

        Files.write(target, new byte[5]);
        assertThatThrownBy(() -> SealedFile.read(target, FileKind.CHECKPOINT))
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void foreignFilesAndWrongKindsAreRefused() throws IOException {
        Path foreign = dir.resolve("f.txt");
        Files.write(foreign, bytes("just some text that is long enough to hold a header"));
        assertThatThrownBy(() -> SealedFile.read(foreign, FileKind.VM_CONFIG))
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining("not a datastore file");

        Path lease = dir.resolve("l.bin");
        files.write(lease, SealedHeader.of(FileKind.LEASE, 1), bytes("x"));
        assertThatThrownBy(() -> SealedFile.read(lease, FileKind.CHECKPOINT))
                .isInstanceOf(CorruptFileException.class)
                .hasMessageContaining("holds a LEASE, expected a CHECKPOINT");
    }

    @Test
    void aFullDiskFailsClearlyAndLeavesThePreviousFileInPlace() throws IOException {
        Path target = dir.resolve("cfg.bin");
        files.write(target, SealedHeader.of(FileKind.VM_CONFIG, 0), bytes("previous good"));

        AtomicFiles filling = new AtomicFiles(new DiskFullAfter(100_000));
        assertThatThrownBy(() -> filling.write(target, SealedHeader.of(FileKind.VM_CONFIG, 0), new byte[1_000_000]))
                .isInstanceOf(DatastoreFullException.class)
                .hasMessageContaining("datastore full while writing " + target)
                .hasMessageContaining("No space left on device")
                .hasMessageContaining("previous version was left in place");

        assertThat(SealedFile.read(target, FileKind.VM_CONFIG).payload()).isEqualTo(bytes("previous good"));
        assertThat(listing()).containsExactly("cfg.bin");
    }

    @Test
    void aRefusingGuardLeavesThePreviousFileAndNoTemporary() throws IOException {
        Path target = dir.resolve("g.bin");
        files.write(target, SealedHeader.of(FileKind.CHECKPOINT, 1), bytes("epoch 1"));
        assertThatThrownBy(() -> files.write(target, SealedHeader.of(FileKind.CHECKPOINT, 1), PayloadWriter.of(bytes("late")),
                () -> {
                    throw new IOException("refused");
                })).hasMessage("refused");
        assertThat(SealedFile.read(target, FileKind.CHECKPOINT).payload()).isEqualTo(bytes("epoch 1"));
        assertThat(listing()).containsExactly("g.bin");
    }

    @Test
    void exclusiveCreationHasOneWinner() throws IOException {
        Path target = dir.resolve("lease-1");
        assertThat(files.createExclusive(target, SealedHeader.of(FileKind.LEASE, 1), bytes("first"))).isTrue();
        assertThat(files.createExclusive(target, SealedHeader.of(FileKind.LEASE, 1), bytes("second"))).isFalse();
        assertThat(SealedFile.read(target, FileKind.LEASE).payload()).isEqualTo(bytes("first"));
        assertThat(listing()).containsExactly("lease-1");
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> names = Files.list(dir)) {
            return names.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
