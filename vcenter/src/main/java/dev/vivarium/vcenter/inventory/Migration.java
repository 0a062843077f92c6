package dev.vivarium.vcenter.inventory;

import java.time.Instant;

/**
 * One live migration of a VM, as the inventory keeps it: started, then migrated, failed or
 * cancelled. {@code GET /api/v1/vms/NAME/migrations} lists them, newest last.
 *
 * @param task    the API task (or other requester) that asked for it
 * @param runsOn  where the VM ran when it ended (null: nowhere)
 * @param epoch   the lease epoch it runs under on the target (0 unless migrated)
 * @param stats   what it measured (null while it runs, and for one that never started)
 */
public record Migration(String from, String to, String task, Instant started, Instant ended, Outcome outcome,
    String reason, String runsOn, long epoch, MigrationStats stats, Initiator by) implements InventorySerializable {

  public enum Outcome { RUNNING, MIGRATED, FAILED, CANCELLED }

  public boolean running() { return outcome == Outcome.RUNNING; }

  Migration ended(Instant at, Outcome o, String why, String where, long e, MigrationStats s) {
    return new Migration(from, to, task, started, at, o, why, where, e, s, by);
  }
}
