package dev.vivarium.node.vm;

import dev.vivarium.node.api.ApiException;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/v1/vms}: a VM to create from an image.
 *
 * @param restartPriority HA's order of restart: high, medium, low or disabled
 */
public record VmSpec(String name, String image, Long memoryMiB, String commandLine, Integer shares,
                     String restartPriority) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** Refuses a spec that could never be created, saying which field is wrong. */
    public VmSpec validated() {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("name: '" + name + "' is not a VM name (lower-case letters, digits and '-')");
        }
        if (image == null || image.isBlank()) {
            throw ApiException.badRequest("image: required");
        }
        if (memoryMiB == null || memoryMiB < 1 || memoryMiB > 4096) {
            throw ApiException.badRequest("memoryMiB: " + memoryMiB + " is not in 1..4096");
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
