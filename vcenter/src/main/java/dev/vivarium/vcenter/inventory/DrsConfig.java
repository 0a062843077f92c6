package dev.vivarium.vcenter.inventory;

import java.util.Locale;

/**
 * How DRS runs the cluster, as the user set it (vSphere's cluster DRS settings).
 *
 * @param automation what DRS does without asking: MANUAL recommends placements and moves,
 *                   PARTIALLY_AUTOMATED places at power-on and recommends moves,
 *                   FULLY_AUTOMATED places and moves
 * @param threshold  the migration threshold, 1 (only what rules and maintenance demand) to 5
 * @param maxMoves   balancing moves per round at most
 */
public record DrsConfig(Automation automation, int threshold, int maxMoves) implements InventorySerializable {

  public enum Automation {
    MANUAL, PARTIALLY_AUTOMATED, FULLY_AUTOMATED;

    /** manual, partiallyAutomated, fullyAutomated: vSphere's names. */
    public String apiName() {
      return switch (this) {
        case MANUAL -> "manual";
        case PARTIALLY_AUTOMATED -> "partiallyAutomated";
        case FULLY_AUTOMATED -> "fullyAutomated";
      };
    }

    public static Automation fromApiName(String name) {
      for (Automation a : values()) {
        if (a.apiName().equalsIgnoreCase(name) || a.name().equalsIgnoreCase(name)) return a;
      }
      throw new IllegalArgumentException("unknown automation level " + name
          + "; levels: manual, partiallyAutomated, fullyAutomated");
    }

    /** Whether the reconciler places a VM at power-on without asking. */
    public boolean placesOnItsOwn() { return this != MANUAL; }

    /** Whether DRS carries its moves out without asking. */
    public boolean movesOnItsOwn() { return this == FULLY_AUTOMATED; }
  }

  /** vSphere's defaults: fully automated, threshold 3, and 8 moves a round. */
  public static final DrsConfig DEFAULTS = new DrsConfig(Automation.FULLY_AUTOMATED, 3, 8);

  public DrsConfig {
    automation = automation == null ? Automation.FULLY_AUTOMATED : automation;
  }

  /** Why this configuration cannot be used, or null. */
  public String problem() {
    if (threshold < 1 || threshold > 5) {
      return "the migration threshold is 1 (conservative) to 5 (aggressive), not " + threshold;
    }
    if (maxMoves < 0 || maxMoves > 1000) return "maxMoves is 0 to 1000, not " + maxMoves;
    return null;
  }

  public String describe() {
    return String.format(Locale.ROOT, "%s, migration threshold %d, at most %d moves a round",
        automation.apiName(), threshold, maxMoves);
  }
}
