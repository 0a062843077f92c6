package dev.vivarium.vcenter.reconcile;

/** One step that brings the hosts closer to the inventory. */
public sealed interface ReconcileAction {

  /** The VM the step is about. */
  String vm();

  /** Start {@code vm}, which should run and runs nowhere, on {@code host}. */
  record Place(String vm, String host, long lastEpoch) implements ReconcileAction {}

  /** Stop {@code vm} on {@code host}, where it runs but should not; {@code why} for the log. */
  record Stop(String vm, String host, long epoch, boolean suspend, String why)
      implements ReconcileAction {}

  /**
   * Pause (or, when not {@code paused}, unpause) {@code vm} on {@code host}, where it runs as it
   * should but is paused when the inventory wants it running, or the other way round (a host that
   * restarted resumes its VMs unpaused; a reset or revert lets the guest run again).
   */
  record SetPaused(String vm, String host, long epoch, boolean paused) implements ReconcileAction {}

  /** {@code vm} should run but no host can take it now (capacity, rules); {@code why} says. */
  record Unplaceable(String vm, String why) implements ReconcileAction {}

  /** {@code vm} ran on a lost host: HA restarts it, reconciliation leaves it alone. */
  record AwaitHa(String vm, String lostHost) implements ReconcileAction {}
}
