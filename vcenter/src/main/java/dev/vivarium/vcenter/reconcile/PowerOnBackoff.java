package dev.vivarium.vcenter.reconcile;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How long a VM whose power-on failed waits before the next try: the delay doubles with each
 * failure in the same situation, up to a cap, so a refusal that lasts (an image gone, a VM too
 * big for every host) costs a try every few minutes instead of one every period. A different
 * situation (a host joined or left maintenance, the VM was reconfigured, another VM stopped and
 * freed room) ends the wait at once. Times are {@link System#nanoTime()} values.
 */
final class PowerOnBackoff {

  private record Waiting(Object situation, long delayNanos, long untilNanos) {}

  private final long firstNanos;
  private final long maxNanos;
  private final Map<String, Waiting> waiting = new HashMap<>();

  PowerOnBackoff(Duration first, Duration max) {
    this.firstNanos = Math.max(1, first.toNanos());
    this.maxNanos = Math.max(firstNanos, max.toNanos());
  }

  /** Records a failure of {@code vm} in {@code situation}; returns the delay before its next try. */
  long failed(String vm, Object situation, long now) {
    Waiting last = waiting.get(vm);
    long delay = last != null && Objects.equals(last.situation(), situation)
        ? Math.min(maxNanos, last.delayNanos() * 2) : firstNanos;
    waiting.put(vm, new Waiting(situation, delay, now + delay));
    return delay;
  }

  /** Whether {@code vm} should not be tried now: it failed in this same situation and its delay runs. */
  boolean waiting(String vm, Object situation, long now) {
    Waiting w = waiting.get(vm);
    return w != null && Objects.equals(w.situation(), situation) && now - w.untilNanos() < 0;
  }

  /** Forgets {@code vm}'s failures: the user asked for it again, or it no longer should run. */
  void forget(String vm) {
    waiting.remove(vm);
  }

  /** Forgets VMs that are gone. */
  void retain(Set<String> vms) {
    waiting.keySet().retainAll(vms);
  }
}
