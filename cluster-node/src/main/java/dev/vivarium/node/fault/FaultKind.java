package dev.vivarium.node.fault;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The faults a lab injects, by the names the CLI and the API use. */
public enum FaultKind {
    /** SIGKILL of a host's node process: a power loss. */
    KILL("kill"),
    /** SIGSTOP: a hung host (until thawed). */
    FREEZE("freeze"),
    /** SIGCONT of a frozen host. */
    THAW("thaw"),
    /** The hosts lose each other on the network (until healed). */
    PARTITION("partition"),
    /** Ends every partition. */
    HEAL("heal"),
    /** The host's own datastore operations fail (until datastore-on). */
    DATASTORE_OFF("datastore-off"),
    DATASTORE_ON("datastore-on"),
    /** A triple fault inside the guest. */
    GUEST_CRASH("guest-crash"),
    /** The guest loops where it is: its output and its tools heartbeat stop. */
    GUEST_HANG("guest-hang");

    private final String apiName;

    FaultKind(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    /** The kind of an API name; null when none is called so. */
    public static FaultKind fromApiName(String name) {
        return Arrays.stream(values()).filter(k -> k.apiName.equals(name)).findFirst().orElse(null);
    }

    public static String names() {
        return Arrays.stream(values()).map(FaultKind::apiName).collect(Collectors.joining(", "));
    }

    /** A fault that lasts until its opposite ends it (and is listed as active meanwhile). */
    public boolean lasting() {
        return this == FREEZE || this == PARTITION || this == DATASTORE_OFF;
    }
}
