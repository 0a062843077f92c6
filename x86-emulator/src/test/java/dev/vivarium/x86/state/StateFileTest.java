package dev.vivarium.x86.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateFileTest {

    private static byte[] sample() {
        StateWriter w = new StateWriter();
        w.beginSection("dev").writeInt(42).writeLong(-7L).writeBoolean(true).writeString("héllo")
                .writeBytes(new byte[] {1, 2, 3}).writeInts(new int[] {9, 8}).endSection("dev");
        return StateFile.seal(w);
    }

    @Test
    void roundTrip() {
        StateReader r = StateFile.open(sample());
        assertThat(r.peekSection()).isEqualTo("dev");
        r.beginSection("dev");
        assertThat(r.readInt()).isEqualTo(42);
        assertThat(r.readLong()).isEqualTo(-7L);
        assertThat(r.readBoolean()).isTrue();
        assertThat(r.readString()).isEqualTo("héllo");
        assertThat(r.readBytes()).containsExactly(1, 2, 3);
        assertThat(r.readInts()).containsExactly(9, 8);
        r.endSection("dev");
        assertThat(r.atEnd()).isTrue();
    }

    @Test
    void refusesForeignFile() {
        assertThatThrownBy(() -> StateFile.open("PK\u0003\u0004 not a state file".getBytes()))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("bad magic");
        assertThatThrownBy(() -> StateFile.open(new byte[3]))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("not a Vivarium state file");
    }

    @Test
    void refusesOtherVersion() {
        byte[] f = sample();
        f[11] = 99; // low byte of the version field
        assertThatThrownBy(() -> StateFile.open(f))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("version 99 is not supported");
    }

    @Test
    void refusesCorruption() {
        byte[] good = sample();
        for (int i = 20; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            assertThatThrownBy(() -> StateFile.open(bad)).as("flip at %d", i)
                    .isInstanceOf(StateFormatException.class).hasMessageContaining("CRC32C");
        }
    }

    @Test
    void refusesTruncation() {
        byte[] good = sample();
        assertThatThrownBy(() -> StateFile.open(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void sectionMismatchNamesBothTags() {
        StateReader r = StateFile.open(sample());
        assertThatThrownBy(() -> r.beginSection("pic"))
                .isInstanceOf(StateFormatException.class)
                .hasMessageContaining("'pic'").hasMessageContaining("'dev'");
    }

    @Test
    void readingPastTheEndIsAFormatError() {
        StateReader r = new StateReader(new byte[] {0, 0});
        assertThatThrownBy(r::readInt).isInstanceOf(StateFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void unclosedSectionIsAProgrammingError() {
        StateWriter w = new StateWriter().beginSection("x");
        assertThatThrownBy(w::toByteArray).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void streamsToAFileAndVerifiesBeforeReading(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("vm.state");
        byte[] page = new byte[4096];
        Arrays.fill(page, (byte) 0x5A);
        try (OutputStream out = Files.newOutputStream(file)) {
            StateWriter w = StateFile.create(out);
            w.beginSection("pages");
            for (int i = 0; i < 300; i++) { // more than one 64 KiB read buffer
                w.writeInt(i).writeBytes(page);
            }
            w.endSection("pages");
            w.finish();
        }
        try (StateReader r = StateFile.open(file)) {
            assertThat(r.peekSection()).isEqualTo("pages");
            r.beginSection("pages");
            byte[] into = new byte[4096];
            for (int i = 0; i < 300; i++) {
                assertThat(r.readInt()).isEqualTo(i);
                r.readBytesInto(into);
            }
            assertThat(into).isEqualTo(page);
            r.endSection("pages");
            assertThat(r.atEnd()).isTrue();
        }

        byte[] bytes = Files.readAllBytes(file);
        bytes[100_000] ^= 1;
        Path damaged = dir.resolve("damaged.state");
        Files.write(damaged, bytes);
        assertThatThrownBy(() -> StateFile.open(damaged))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("CRC32C");
        Path cut = dir.resolve("cut.state");
        Files.write(cut, Arrays.copyOf(bytes, 50_000));
        assertThatThrownBy(() -> StateFile.open(cut)).isInstanceOf(StateFormatException.class);
        assertThatThrownBy(() -> StateFile.open(dir.resolve("missing.state")))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("no state file");
    }

    @Test
    void fileAndMemoryFormsAreTheSameBytes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("same.state");
        try (OutputStream out = Files.newOutputStream(file)) {
            StateWriter w = StateFile.create(out);
            w.beginSection("dev").writeInt(42).writeLong(-7L).writeBoolean(true).writeString("héllo")
                    .writeBytes(new byte[] {1, 2, 3}).writeInts(new int[] {9, 8}).endSection("dev");
            w.finish();
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(sample());
    }
}
