package dev.vivarium.x86.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetadataTest {

    @TempDir
    Path dir;

    private Metadata metadata() throws IOException {
        Path file = dir.resolve("metadata.json");
        Files.writeString(file, Fixtures.METADATA);
        return Metadata.read(file);
    }

    @Test
    void plainOpcodesAndGroupsByModrmReg() throws IOException {
        Metadata m = metadata();
        assertThat(m.lookup(0x40, -1)).isEqualTo(new Metadata.Form("normal", 0xFFFF));
        assertThat(m.lookup(0xF6, 4).flagsMask()).isEqualTo(65323);
        assertThat(m.lookup(0xC6, 1)).isEqualTo(new Metadata.Form("undefined", 255));
        assertThat(m.lookup(0xC6, 0).status()).isEqualTo("normal");
    }

    @Test
    void unknownOpcodesCompareEveryFlag() throws IOException {
        Metadata m = metadata();
        assertThat(m.lookup(0x90, -1).flagsMask()).isEqualTo(0xFFFF);
        assertThat(m.lookup(0xF6, 7).flagsMask()).isEqualTo(0xFFFF); // group without an entry for reg 7
        assertThat(m.lookup(0x0F01, 0).status()).isEqualTo("unknown");
        assertThat(Metadata.NONE.lookup(0x40, -1).flagsMask()).isEqualTo(0xFFFF);
    }

    @Test
    void badMetadataIsBadInput() throws IOException {
        Path file = dir.resolve("metadata.json");
        Files.writeString(file, "{\"opcodes\":{\"40\":");
        assertThatThrownBy(() -> Metadata.read(file)).isInstanceOf(ConformanceInputException.class);
        Files.writeString(file, "{\"opcodes\":{\"F6\":{\"reg\":{\"9\":{}}}}}");
        assertThatThrownBy(() -> Metadata.read(file)).hasMessageContaining("ModRM reg '9'");
    }

    @Test
    void revocationListIgnoresCommentsAndCase() throws IOException {
        Path file = dir.resolve("revocation_list.txt");
        Files.writeString(file, "# bad tests\n\nABC123\n  def456  \n");
        RevocationList r = RevocationList.read(file);
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.revokes("abc123")).isTrue();
        assertThat(r.revokes("DEF456")).isTrue();
        assertThat(r.revokes("# bad tests")).isFalse();
        assertThat(RevocationList.EMPTY.revokes("abc123")).isFalse();
    }
}
