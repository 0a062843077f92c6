package dev.vivarium.datastore.config;

import dev.vivarium.datastore.Names;
import java.util.List;
import java.util.Objects;

/**
 * A VM's configuration file (its ".vmx").
 *
 * @param image       the guest image to boot (a path or name the VM runner resolves)
 * @param disk        the disk image file, or empty for none
 * @param commandLine passed to the guest (multiboot command line)
 */
public record VmConfig(String name, int memoryMiB, String image, String disk, String commandLine,
                       CpuAllocation cpu, RestartPriority restartPriority, List<PlacementRule> rules) {
    public VmConfig {
        Names.require("VM", name);
        if (memoryMiB <= 0) {
            throw new IllegalArgumentException("memory must be positive: " + memoryMiB + " MiB");
        }
        requireOneLine("image", image);
        requireOneLine("disk", disk);
        requireOneLine("command line", commandLine);
        if (image.isEmpty()) {
            throw new IllegalArgumentException("VM " + name + " needs an image");
        }
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(restartPriority, "restartPriority");
        rules = List.copyOf(rules);
    }

    /** The configuration file is line-based, so values cannot hold line breaks. */
    private static void requireOneLine(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " must not contain a line break: " + value);
        }
    }
}
