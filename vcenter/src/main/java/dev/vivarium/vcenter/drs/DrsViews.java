package dev.vivarium.vcenter.drs;

import dev.vivarium.vcenter.inventory.InventorySerializable;
import java.util.List;
import java.util.SortedMap;

/** What the DRS actor answers: its status, its recommendations, the moves it made. */
public final class DrsViews {

  private DrsViews() {}

  /**
   * A recommendation as the API lists it.
   *
   * @param kind   "move" (a migration) or "place" (a power-on waiting for approval, manual automation)
   * @param reason maintenance, rule or balance; "placement" for a place
   * @param state  pending (listed), running (being carried out)
   * @param since  when it was first recommended (ISO-8601)
   * @param cost   million instructions; null when pre-copy would not converge (infinite)
   */
  public record Recommendation(String id, String kind, String vm, String from, String to, String reason, String rule,
      int priority, double imbalanceBefore, double imbalanceAfter, double benefit, Double cost,
      Double migrationSeconds, String why, String state, String since) implements InventorySerializable {

    Recommendation withState(String s) {
      return new Recommendation(id, kind, vm, from, to, reason, rule, priority, imbalanceBefore, imbalanceAfter,
          benefit, cost, migrationSeconds, why, s, since);
    }
  }

  public record Recommendations(List<Recommendation> recommendations) implements InventorySerializable {
    public Recommendations {
      recommendations = List.copyOf(recommendations);
    }
  }

  /** A move carried out, with what it cost the guest (null: not measured). */
  public record Move(String id, String vm, String from, String to, String reason, boolean moved, String how,
      Double downtimeMs, Double totalMs, String message, String at) implements InventorySerializable {}

  /**
   * @param imbalance     the standard deviation of the connected hosts' loads now (smoothed figures)
   * @param target        the imbalance the threshold tolerates (null: threshold 1, only rules and maintenance move VMs)
   * @param loads         each up host's load now: its VMs' entitlements over its capacity
   * @param rounds        rounds run since this actor started
   * @param faults        what the last round could not do (rules it cannot keep, VMs it cannot move)
   * @param recentMoves   the latest moves, newest last
   */
  public record Status(String automation, int threshold, int maxMoves, double periodSeconds, double imbalance,
      Double target, int connectedHosts, SortedMap<String, Double> loads, long rounds, String lastRound,
      int recommendations, int movesRunning, long movesDone, long movesFailed, List<String> faults,
      List<Move> recentMoves) implements InventorySerializable {
    public Status {
      faults = List.copyOf(faults);
      recentMoves = List.copyOf(recentMoves);
    }
  }

  /**
   * The answer to applying a recommendation.
   *
   * @param status 200 applied (a move: carried out, see {@code move}), 404 no such recommendation,
   *               409 it cannot be applied now
   */
  public record Applied(int status, String message, Move move) implements InventorySerializable {}
}
