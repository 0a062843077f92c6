package dev.vivarium.vcenter.migration;

import dev.vivarium.vcenter.inventory.InventorySerializable;
import dev.vivarium.vcenter.inventory.MigrationStats;

/**
 * How a live migration ended.
 *
 * @param runsOn where the VM runs now (null: nowhere, its host failed)
 * @param epoch  the lease epoch it runs under on the target (0 unless migrated)
 * @param stats  what it measured (null when it never began)
 */
public record MigrationResult(String vm, String from, String to, Outcome outcome, String reason, String runsOn,
    long epoch, MigrationStats stats) implements InventorySerializable {

  public enum Outcome {
    /** It runs on {@code to}. */
    MIGRATED,
    /** It began and did not happen: it runs on {@code runsOn}. */
    FAILED,
    /** Cancelled before its switch-over: it runs on at the source. */
    CANCELLED,
    /** Refused before anything began (the reason says why; nothing changed). */
    REFUSED,
    /** No VM of that name. */
    NOT_FOUND
  }

  public static MigrationResult refused(String vm, String from, String to, String reason) {
    return new MigrationResult(vm, from, to, Outcome.REFUSED, reason, from, 0, null);
  }
}
