package dev.vivarium.drs.model;

import java.util.Objects;

/**
 * A host the core may place VMs on or move VMs off: what it can deliver and hold, and whether
 * it takes VMs. Hosts that are down are not given to the core at all; their VMs run nowhere.
 *
 * @param capacityMips the CPU it can deliver to VMs (a lab host's budget, not the machine's)
 * @param memoryMiB    the memory it gives VMs
 */
public record Host(String name, long capacityMips, long memoryMiB, HostState state) {

    public Host {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        if (capacityMips <= 0 || memoryMiB <= 0) {
            throw new IllegalArgumentException("host " + name + ": capacity and memory must be positive");
        }
    }

    /** A connected host. */
    public static Host connected(String name, long capacityMips, long memoryMiB) {
        return new Host(name, capacityMips, memoryMiB, HostState.CONNECTED);
    }

    public Host withState(HostState s) {
        return new Host(name, capacityMips, memoryMiB, s);
    }
}
