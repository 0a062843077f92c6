package dev.vivarium.vcenter.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The guests a VM can be made of: the files of the image directory ({@code
 * vivarium.vm.image-directory}), named without their ".elf", and the kernels and initrds below
 * it (guests/linux/fetch.sh leaves Debian's in {@code linux/}). A VM names its image, kernel and
 * initrd relative to this directory; a name that leaves it ("../../bin/ls") or is not there is
 * refused where the VM is created, naming what is there, rather than when a host tries to load it.
 *
 * @param directory the image directory as the hosts see it (the lab's nodes share one)
 */
public record ImageCatalog(Path directory) {

  /** The suffix a guest image may leave out. */
  private static final String ELF = ".elf";
  /** The image name of a VM that boots a kernel: a label, the kernel and initrd are what load. */
  private static final String LINUX = "linux";

  /** The first problem with the files {@code config} names, or empty when all of them are here. */
  public Optional<String> check(VmConfig config) {
    if (config.kernel().isEmpty()) {
      return check("image", config.image(), true);
    }
    Optional<String> kernel = check("kernel", config.kernel(), false);
    if (kernel.isPresent() || config.initrd().isEmpty()) return kernel;
    return check("initrd", config.initrd(), false);
  }

  private Optional<String> check(String what, String name, boolean elfOptional) {
    Path path = Path.of(name).normalize();
    if (path.isAbsolute() || path.startsWith("..") || name.contains("\\")) {
      return Optional.of(what + " '" + name + "' is not in the image catalog: name a guest of "
          + directory + " (" + String.join(", ", names()) + ")");
    }
    Path file = directory.resolve(path);
    if (Files.isRegularFile(file) || elfOptional && Files.isRegularFile(directory.resolve(name + ELF))) {
      return Optional.empty();
    }
    String hint = LINUX.equals(path.getName(0).toString())
        ? "; guests/linux/fetch.sh fetches Debian's kernel and builds the initrd" : "";
    return Optional.of(what + " '" + name + "' is not in the image catalog " + directory + " ("
        + String.join(", ", names()) + ")" + hint);
  }

  /**
   * What a VM can be created from: each image's name, and "linux" when Debian's kernel is there.
   * An unreadable directory lists nothing (the refusal then names the directory).
   */
  public List<String> names() {
    TreeSet<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(directory)) {
      files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
          .map(f -> f.endsWith(ELF) ? f.substring(0, f.length() - ELF.length()) : f)
          .forEach(names::add);
    } catch (IOException e) {
      return List.of();
    }
    if (Files.isRegularFile(directory.resolve(LINUX).resolve("bzImage"))) names.add(LINUX);
    return List.copyOf(names);
  }
}
