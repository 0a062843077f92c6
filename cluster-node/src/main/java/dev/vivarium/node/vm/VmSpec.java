package dev.vivarium.node.vm;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.vcenter.inventory.VmValidation;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/v1/vms}: a VM to create from an image, or from a Linux kernel
 * and initrd.
 *
 * @param restartPriority HA's order of restart: high, medium, low or disabled
 * @param kernel          a Linux bzImage to boot instead of the image (a name in the image
 *                        directory, or a path); for image {@value #LINUX} it defaults to
 *                        Debian's kernel as guests/linux/fetch.sh leaves it
 * @param initrd          the kernel's initial ramdisk
 */
public record VmSpec(String name, String image, Long memoryMiB, String commandLine, Integer shares,
                     String restartPriority, String kernel, String initrd) {

    /** The image name of the Linux guest: Debian's kernel and our busybox initramfs. */
    public static final String LINUX = "linux";
    static final String LINUX_KERNEL = "linux/bzImage", LINUX_INITRD = "linux/initrd.gz";
    static final String LINUX_COMMAND_LINE = "console=ttyS0";
    /** Debian's 686 kernel decompresses itself to 16 MiB and needs 16 MiB from there, then room to run. */
    static final long LINUX_MIN_MEMORY_MIB = 48;

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public VmSpec {
        kernel = kernel == null ? "" : kernel.strip();
        initrd = initrd == null ? "" : initrd.strip();
        if (LINUX.equals(image) && kernel.isEmpty()) {
            kernel = LINUX_KERNEL;
            initrd = initrd.isEmpty() ? LINUX_INITRD : initrd;
            commandLine = commandLine == null || commandLine.isBlank() ? LINUX_COMMAND_LINE : commandLine;
        }
    }

    /** A VM of an image, without a kernel. */
    public VmSpec(String name, String image, Long memoryMiB, String commandLine, Integer shares, String restartPriority) {
        this(name, image, memoryMiB, commandLine, shares, restartPriority, null, null);
    }

    /** Refuses a spec that could never be created, saying which field is wrong. */
    public VmSpec validated() {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("name: '" + name + "' is not a VM name (lower-case letters, digits and '-')");
        }
        if (image == null || image.isBlank()) {
            throw ApiException.badRequest("image: required");
        }
        if (memoryMiB == null || memoryMiB < 1 || memoryMiB > VmValidation.MAX_MEMORY_MIB) {
            throw ApiException.badRequest("memoryMiB: " + memoryMiB + " is not in 1.." + VmValidation.MAX_MEMORY_MIB);
        }
        if (!kernel.isEmpty() && memoryMiB < LINUX_MIN_MEMORY_MIB) {
            throw ApiException.badRequest("memoryMiB: " + memoryMiB + " is too little for a Linux kernel (at least "
                    + LINUX_MIN_MEMORY_MIB + ")");
        }
        if (kernel.isEmpty() && !initrd.isEmpty()) {
            throw ApiException.badRequest("initrd: given without a kernel");
        }
        if (kernel.contains("\n") || initrd.contains("\n")) {
            throw ApiException.badRequest("kernel, initrd: must not contain a line break");
        }
        if (shares != null && shares < 1) {
            throw ApiException.badRequest("shares: " + shares + " must be positive");
        }
        if (restartPriority != null && !restartPriority.matches("high|medium|low|disabled")) {
            throw ApiException.badRequest("restartPriority: '" + restartPriority + "' is none of high, medium, low, disabled");
        }
        return this;
    }
}
