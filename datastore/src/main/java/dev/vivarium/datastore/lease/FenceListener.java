package dev.vivarium.datastore.lease;

/**
 * Told when a host fences itself, before any other host may take its leases. The host agent
 * stops its VMs here. Called on the thread that noticed (the watchdog, the heartbeat thread, or
 * a VM runner calling {@link Fence#check()}), so it must not block.
 */
@FunctionalInterface
public interface FenceListener {
    void onFenced(String host, String reason);
}
