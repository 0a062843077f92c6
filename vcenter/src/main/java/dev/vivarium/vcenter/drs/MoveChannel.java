package dev.vivarium.vcenter.drs;

import dev.vivarium.vcenter.inventory.InventorySerializable;
import java.util.concurrent.CompletionStage;

/**
 * How DRS's moves are carried out: live migration (VMotion) where the node has it. The node's
 * wiring implements it; DRS decides, the mechanism moves.
 */
@FunctionalInterface
public interface MoveChannel {

  /** Moves {@code vm} from {@code from} to {@code to}; completes when it runs there, or failed. */
  CompletionStage<Outcome> move(String vm, String from, String to, String why);

  /**
   * @param moved      whether the VM runs on the target now
   * @param how        the mechanism, e.g. "vmotion" or "cold (suspend and resume)"
   * @param downtimeMs how long the guest did not run, as the mechanism measured it (NaN unknown)
   * @param totalMs    from the start of the move to the VM running on the target
   */
  record Outcome(boolean moved, String how, double downtimeMs, double totalMs, String message)
      implements InventorySerializable {}
}
