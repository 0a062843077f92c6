package dev.vivarium.vcenter.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCatalogTest {

  @TempDir Path dir;

  private VmConfig image(String image) {
    return VmConfig.of("vm", 16, image, List.of());
  }

  private VmConfig kernel(String kernel, String initrd) {
    return new VmConfig("vm", 64, "linux", List.of(), VmValidation.NORMAL_SHARES, 0, 0, RestartPriority.MEDIUM,
        kernel, initrd);
  }

  @Test
  void namesInTheDirectoryPassAndEverythingElseIsRefusedNamingWhatIsThere() throws Exception {
    Files.writeString(dir.resolve("counter.elf"), "x");
    Files.writeString(dir.resolve("raw.bin"), "x");
    Files.createDirectories(dir.resolve("linux"));
    Files.writeString(dir.resolve("linux/bzImage"), "x");
    Files.writeString(dir.resolve("linux/initrd.gz"), "x");
    ImageCatalog catalog = new ImageCatalog(dir);

    assertThat(catalog.names()).containsExactly("counter", "linux", "raw.bin");
    assertThat(catalog.check(image("counter"))).isEmpty();
    assertThat(catalog.check(image("counter.elf"))).isEmpty();
    assertThat(catalog.check(image("raw.bin"))).isEmpty();
    assertThat(catalog.check(kernel("linux/bzImage", "linux/initrd.gz"))).isEmpty();

    assertThat(catalog.check(image("../../../bin/ls"))).hasValueSatisfying(m ->
        assertThat(m).contains("'../../../bin/ls'", "not in the image catalog", "counter, linux, raw.bin"));
    assertThat(catalog.check(image("/bin/ls"))).isPresent();
    assertThat(catalog.check(image("linux/../../x"))).isPresent();
    assertThat(catalog.check(image("nonesuch"))).hasValueSatisfying(m -> assertThat(m).contains("nonesuch", dir.toString()));
    assertThat(catalog.check(kernel("linux/bzImage", "linux/missing.gz"))).hasValueSatisfying(m ->
        assertThat(m).startsWith("initrd 'linux/missing.gz'").contains("fetch.sh"));
    assertThat(new ImageCatalog(dir.resolve("gone")).check(image("counter"))).hasValueSatisfying(m ->
        assertThat(m).contains("gone"));
  }
}
