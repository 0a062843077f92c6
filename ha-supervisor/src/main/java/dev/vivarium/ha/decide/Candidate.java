package dev.vivarium.ha.decide;

import dev.vivarium.datastore.config.RestartPriority;

/**
 * A VM HA restarts: it ran on the failed host {@code from} at {@code epoch} and should run.
 *
 * @param paused it restarts paused (the inventory or its datastore mark says it was paused)
 */
public record Candidate(String vm, String from, long epoch, RestartPriority priority, boolean paused) {
}
