package dev.vivarium.node.vm;

import dev.vivarium.node.api.ApiException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The operations on one VM that take time: {@code POST /api/v1/vms/{name}/{operation}} answers 202 and a task. */
public enum VmOperation {
    POWER_ON, POWER_OFF, RESET, SHUTDOWN, PAUSE, UNPAUSE, SUSPEND, RESUME, SNAPSHOT, MIGRATE;

    /** The name in the URL: power-on, shutdown, ... */
    public String urlName() {
        return name().toLowerCase().replace('_', '-');
    }

    public static VmOperation fromUrl(String text) {
        for (VmOperation op : values()) {
            if (op.urlName().equals(text)) {
                return op;
            }
        }
        throw ApiException.badRequest("unknown operation '" + text + "'; known: "
                + Arrays.stream(values()).map(VmOperation::urlName).collect(Collectors.joining(", ")));
    }
}
