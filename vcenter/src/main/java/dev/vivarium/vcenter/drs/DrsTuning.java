package dev.vivarium.vcenter.drs;

import com.typesafe.config.Config;
import dev.vivarium.drs.core.CostModel;
import java.time.Duration;

/**
 * How the DRS actor runs (reference.conf {@code vivarium.drs}); what it decides (automation,
 * threshold, moves per round) is the inventory's {@code DrsConfig}, which the user sets.
 *
 * @param period             a round every this long (vSphere: 5 minutes; the lab: 10 s)
 * @param sampleInterval     how often it reads the hosts' figures
 * @param smoothing          the time constant of the figures' exponential average: a step in
 *                           demand shows 63% after this long
 * @param maxConcurrentMoves moves carried out at once (fully automated)
 * @param moveTimeout        a move not done by then counts as failed
 * @param cost               what moves cost and gain
 */
public record DrsTuning(Duration period, Duration sampleInterval, Duration smoothing, int maxConcurrentMoves,
    Duration moveTimeout, CostModel cost) {

  public DrsTuning {
    if (period.isNegative() || period.isZero() || sampleInterval.isNegative() || sampleInterval.isZero()
        || smoothing.isNegative() || maxConcurrentMoves < 1) {
      throw new IllegalArgumentException("vivarium.drs: period and sample-interval must be positive, "
          + "smoothing not negative, max-concurrent-moves at least 1");
    }
  }

  public static DrsTuning from(Config vivarium) {
    Config d = vivarium.getConfig("drs");
    CostModel cost = new CostModel(d.getDouble("cost.bandwidth-mb-per-sec") * 1e6, d.getDouble("cost.max-dirty-fraction"),
        d.getDouble("cost.stun-fraction"), d.getDouble("cost.transfer-mips"),
        d.getDuration("cost.horizon").toMillis() / 1000.0);
    return new DrsTuning(d.getDuration("period"), d.getDuration("sample-interval"), d.getDuration("smoothing"),
        d.getInt("max-concurrent-moves"), d.getDuration("move-timeout"), cost);
  }
}
