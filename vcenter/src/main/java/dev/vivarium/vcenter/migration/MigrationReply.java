package dev.vivarium.vcenter.migration;

import dev.vivarium.vcenter.inventory.InventorySerializable;

/** What a migration coordinator answers. */
public sealed interface MigrationReply extends InventorySerializable {

  /** The migration is recorded as begun: {@link Finished} follows. */
  record Accepted(String vm, String from, String to) implements MigrationReply {}

  /** How it ended (or why it never began). */
  record Finished(MigrationResult result) implements MigrationReply {}

  /** @param detail why it was not cancelled (none runs, or its switch-over has begun) */
  record CancelAnswer(String vm, boolean cancelled, String detail) implements MigrationReply {}
}
