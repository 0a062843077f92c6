package dev.vivarium.vcenter.inventory;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks a VM configuration, a host or a rule must pass before the inventory records it. Each
 * returns the first problem as a sentence the API can show the user, or empty when all is well.
 */
public final class VmValidation {

  /** VMware's "normal" shares per vCPU; low is half, high is double. */
  public static final int NORMAL_SHARES = 1000;
  public static final int MAX_SHARES = 1_000_000;
  /** A 32-bit guest without PAE addresses at most 4 GiB. */
  public static final int MAX_MEMORY_MIB = 4096;
  public static final int MAX_COMMAND_LINE_CHARS = 4096;
  public static final int MAX_IMAGE_CHARS = 255;

  /** Names become datastore folder names and URL path segments, so they stay plain. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private VmValidation() {}

  public static Optional<String> checkName(String what, String name) {
    if (name == null || name.isEmpty()) return Optional.of(what + " name is missing");
    if (!NAME.matcher(name).matches()) {
      return Optional.of(what + " name '" + name + "' is invalid: use 1-63 letters, digits, '.', "
          + "'_' or '-', starting with a letter or digit");
    }
    return Optional.empty();
  }

  /** {@link #check(VmConfig)}, then that the image (or kernel and initrd) is in the catalog. */
  public static Optional<String> check(VmConfig c, ImageCatalog catalog) {
    Optional<String> bad = check(c);
    return bad.isPresent() ? bad : catalog.check(c);
  }

  /**
   * Memory no host of the inventory could ever give (its whole budget for VMs), with the figures;
   * empty while no host is known, since a host may join later with more.
   */
  public static Optional<String> checkFits(VmConfig c, Collection<HostRecord> hosts) {
    HostRecord largest = hosts.stream().max(Comparator.comparingInt(HostRecord::memoryMiB)).orElse(null);
    if (largest == null || c.memoryMiB() <= largest.memoryMiB()) return Optional.empty();
    return Optional.of("memoryMiB " + c.memoryMiB() + " is more than any host can give: the largest, "
        + largest.name() + ", has " + largest.memoryMiB() + " MiB for VMs in all");
  }

  public static Optional<String> check(VmConfig c) {
    Optional<String> name = checkName("VM", c.name());
    if (name.isPresent()) return name;
    if (c.memoryMiB() < 1 || c.memoryMiB() > MAX_MEMORY_MIB) {
      return Optional.of("memoryMiB must be between 1 and " + MAX_MEMORY_MIB + ", not "
          + c.memoryMiB());
    }
    if (c.image() == null || c.image().isBlank()) return Optional.of("workload image is missing");
    if (c.image().length() > MAX_IMAGE_CHARS) {
      return Optional.of("workload image name is longer than " + MAX_IMAGE_CHARS + " characters");
    }
    int chars = 0;
    for (String arg : c.commandLine()) {
      if (arg == null || arg.indexOf('\0') >= 0) {
        return Optional.of("command line arguments must not be null or contain NUL");
      }
      chars += arg.length() + 1;
    }
    if (chars > MAX_COMMAND_LINE_CHARS) {
      return Optional.of("command line is longer than " + MAX_COMMAND_LINE_CHARS + " characters");
    }
    if (c.cpuShares() < 1 || c.cpuShares() > MAX_SHARES) {
      return Optional.of("cpuShares must be between 1 and " + MAX_SHARES + ", not " + c.cpuShares());
    }
    if (c.reservationMips() < 0) return Optional.of("reservationMips must not be negative");
    if (c.limitMips() < 0) return Optional.of("limitMips must not be negative (0 = unlimited)");
    if (c.limitMips() != 0 && c.limitMips() < c.reservationMips()) {
      return Optional.of("limitMips " + c.limitMips() + " is below reservationMips "
          + c.reservationMips());
    }
    return Optional.empty();
  }
}
