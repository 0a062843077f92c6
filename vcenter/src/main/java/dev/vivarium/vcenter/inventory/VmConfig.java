package dev.vivarium.vcenter.inventory;

import java.util.List;
import java.util.Objects;

/**
 * A VM's configuration as the user gave it. {@code cpuShares} weighs the VM against others under
 * contention; {@code reservationMips} is guaranteed (admission control refuses a host that cannot
 * guarantee it); {@code limitMips} caps it, 0 meaning unlimited.
 */
public record VmConfig(
    String name,
    int memoryMiB,
    String image,
    List<String> commandLine,
    int cpuShares,
    long reservationMips,
    long limitMips,
    RestartPriority restartPriority) implements InventorySerializable {

  public VmConfig {
    commandLine = commandLine == null ? List.of() : List.copyOf(commandLine);
    restartPriority = restartPriority == null ? RestartPriority.MEDIUM : restartPriority;
  }

  /** A configuration with the usual defaults: normal shares, no reservation or limit. */
  public static VmConfig of(String name, int memoryMiB, String image, List<String> commandLine) {
    return new VmConfig(name, memoryMiB, image, commandLine, VmValidation.NORMAL_SHARES, 0, 0,
        RestartPriority.MEDIUM);
  }

  public VmConfig withMemoryMiB(int mib) {
    return new VmConfig(name, mib, image, commandLine, cpuShares, reservationMips, limitMips,
        restartPriority);
  }

  public VmConfig withReservationMips(long mips) {
    return new VmConfig(name, memoryMiB, image, commandLine, cpuShares, mips, limitMips,
        restartPriority);
  }

  public VmConfig withShares(int shares) {
    return new VmConfig(name, memoryMiB, image, commandLine, shares, reservationMips, limitMips,
        restartPriority);
  }

  /** True when changing from this to {@code other} needs the VM powered off (memory, workload). */
  public boolean needsPowerOffToBecome(VmConfig other) {
    return memoryMiB != other.memoryMiB
        || !Objects.equals(image, other.image)
        || !commandLine.equals(other.commandLine);
  }
}
