package dev.vivarium.ha.decide;

import dev.vivarium.datastore.config.RestartPriority;

/**
 * A VM whose current datastore lease names {@code owner}: it ran there when the owner's
 * heartbeat stopped.
 *
 * @param epoch      the owner's lease epoch; a restart takes the next one
 * @param priority   the VM's restart priority from its configuration on the datastore
 * @param pausedMark management had the VM paused (its mark on the datastore): it restarts paused
 */
public record HeldVm(String vm, String owner, long epoch, RestartPriority priority, boolean pausedMark) {
}
