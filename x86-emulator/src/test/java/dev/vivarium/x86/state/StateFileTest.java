package dev.vivarium.x86.state;

import org.junit.jupiter.api.Test;

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
}
