package dev.vivarium.datastore.config;

import dev.vivarium.datastore.Names;
import java.util.List;
import java.util.Objects;

/**
 * A VM's configuration file (its ".vmx").
 *
 * @param image       the guest image to boot (a path or name the VM runner resolves); for a VM
 *                    with a kernel, the name of its guest (what `vm list` shows), not booted
 * @param disk        the disk image file, or empty for none
 * @param commandLine passed to the guest (the Multiboot or Linux kernel command line)
 * @param kernel      a Linux bzImage booted by the 32-bit boot protocol instead of the image, or
 *                    empty for none (a path or name, resolved as the image is)
 * @param initrd      the initial ramdisk for the kernel, or empty for none
 */
public record VmConfig(String name, int memoryMiB, String image, String disk, String commandLine,
                       CpuAllocation cpu, RestartPriority restartPriority, List<PlacementRule> rules,
                       String kernel, String initrd) {

    /** A VM that boots its image (no Linux kernel). */
    public VmConfig(String name, int memoryMiB, String image, String disk, String commandLine,
                    CpuAllocation cpu, RestartPriority restartPriority, List<PlacementRule> rules) {
        this(name, memoryMiB, image, disk, commandLine, cpu, restartPriority, rules, "", "");
    }

    public VmConfig {
        Names.require("VM", name);
        if (memoryMiB <= 0) {
            throw new IllegalArgumentException("memory must be positive: " + memoryMiB + " MiB");
        }
        requireOneLine("image", image);
        requireOneLine("disk", disk);
        requireOneLine("command line", commandLine);
        requireOneLine("kernel", kernel);
        requireOneLine("initrd", initrd);
        if (kernel.isEmpty() && !initrd.isEmpty()) {
            throw new IllegalArgumentException("VM " + name + " has an initrd but no kernel");
        }
        if (image.isEmpty()) {
            throw new IllegalArgumentException("VM " + name + " needs an image");
        }
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(restartPriority, "restartPriority");
        rules = List.copyOf(rules);
    }

    /** Whether the VM boots a Linux kernel (and its initrd) rather than its image. */
    public boolean bootsKernel() {
        return !kernel.isEmpty();
    }

    /** The configuration file is line-based, so values cannot hold line breaks. */
    private static void requireOneLine(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " must not contain a line break: " + value);
        }
    }
}
