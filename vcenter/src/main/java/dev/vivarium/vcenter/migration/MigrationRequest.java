package dev.vivarium.vcenter.migration;

import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.InventorySerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Live migration's one entry point, for the API, maintenance mode and DRS alike: every node runs
 * a coordinator registered under {@link #KEY}. It checks the request against the inventory,
 * records the start, has the source host carry it out (queued behind that host's limit) and
 * records the end, answering {@link MigrationReply.Accepted} then {@link MigrationReply.Finished}
 * (or only {@code Finished} with {@link MigrationResult.Outcome#REFUSED} and the reason).
 */
public sealed interface MigrationRequest extends InventorySerializable {

  ServiceKey<MigrationRequest> KEY = ServiceKey.create(MigrationRequest.class, "vivarium-migrations");

  /**
   * Migrates {@code vm} live to {@code toHost} (null: the coordinator chooses the host).
   *
   * @param downtimeBudgetNanos the pause to aim for; 0 for the source host's {@code downtime-budget}
   * @param keepTogether        whether affinity rules hold the VM back (false: maintenance mode)
   * @param task                who asked, for the inventory's record (an API task's id)
   */
  record Migrate(String vm, String toHost, long downtimeBudgetNanos, boolean keepTogether, String task,
      Initiator by, ActorRef<MigrationReply> replyTo) implements MigrationRequest {}

  /** Cancels the VM's migration, queued or before its switch-over; answers {@link MigrationReply.CancelAnswer}. */
  record Cancel(String vm, Initiator by, ActorRef<MigrationReply> replyTo) implements MigrationRequest {}
}
