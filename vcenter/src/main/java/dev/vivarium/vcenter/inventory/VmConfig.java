package dev.vivarium.vcenter.inventory;

import java.util.List;
import java.util.Objects;

/**
 * A VM's configuration as the user gave it. {@code cpuShares} weighs the VM against others under
 * contention; {@code reservationMips} is guaranteed (admission control refuses a host that cannot
 * guarantee it); {@code limitMips} caps it, 0 meaning unlimited. {@code kernel} and {@code
 * initrd}, when set, are a Linux bzImage and its initial ramdisk that the VM boots instead of
 * its image (found as images are); events recorded before they existed read as "".
 */
public record VmConfig(
    String name,
    int memoryMiB,
    String image,
    List<String> commandLine,
    int cpuShares,
    long reservationMips,
    long limitMips,
    RestartPriority restartPriority,
    String kernel,
    String initrd) implements InventorySerializable {

  public VmConfig {
    commandLine = commandLine == null ? List.of() : List.copyOf(commandLine);
    restartPriority = restartPriority == null ? RestartPriority.MEDIUM : restartPriority;
    kernel = kernel == null ? "" : kernel;
    initrd = initrd == null ? "" : initrd;
  }

  /** A VM that boots its image. */
  public VmConfig(String name, int memoryMiB, String image, List<String> commandLine, int cpuShares,
      long reservationMips, long limitMips, RestartPriority restartPriority) {
    this(name, memoryMiB, image, commandLine, cpuShares, reservationMips, limitMips, restartPriority,
        "", "");
  }

  /** A configuration with the usual defaults: normal shares, no reservation or limit. */
  public static VmConfig of(String name, int memoryMiB, String image, List<String> commandLine) {
    return new VmConfig(name, memoryMiB, image, commandLine, VmValidation.NORMAL_SHARES, 0, 0,
        RestartPriority.MEDIUM);
  }

  public VmConfig withMemoryMiB(int mib) {
    return new VmConfig(name, mib, image, commandLine, cpuShares, reservationMips, limitMips,
        restartPriority, kernel, initrd);
  }

  public VmConfig withReservationMips(long mips) {
    return new VmConfig(name, memoryMiB, image, commandLine, cpuShares, mips, limitMips,
        restartPriority, kernel, initrd);
  }

  public VmConfig withShares(int shares) {
    return new VmConfig(name, memoryMiB, image, commandLine, shares, reservationMips, limitMips,
        restartPriority, kernel, initrd);
  }

  public VmConfig withCommandLine(List<String> words) {
    return new VmConfig(name, memoryMiB, image, words, cpuShares, reservationMips, limitMips,
        restartPriority, kernel, initrd);
  }

  public VmConfig withRestartPriority(RestartPriority priority) {
    return new VmConfig(name, memoryMiB, image, commandLine, cpuShares, reservationMips, limitMips,
        priority, kernel, initrd);
  }

  /** The same VM booting a Linux kernel and initrd (empty for none). */
  public VmConfig withKernel(String kernel, String initrd) {
    return new VmConfig(name, memoryMiB, image, commandLine, cpuShares, reservationMips, limitMips,
        restartPriority, kernel, initrd);
  }

  /** True when changing from this to {@code other} needs the VM powered off (memory, workload). */
  public boolean needsPowerOffToBecome(VmConfig other) {
    return memoryMiB != other.memoryMiB
        || !Objects.equals(image, other.image)
        || !commandLine.equals(other.commandLine)
        || !kernel.equals(other.kernel)
        || !initrd.equals(other.initrd);
  }
}
