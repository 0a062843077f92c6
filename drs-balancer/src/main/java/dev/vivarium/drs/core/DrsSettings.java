package dev.vivarium.drs.core;

/**
 * How a round balances.
 *
 * @param threshold   the migration threshold, 1 (only what rules and maintenance demand) to 5
 *                    (aggressive); see {@link Imbalance#target}
 * @param maxMoves    at most this many balancing moves per round (moves that rules and
 *                    maintenance demand are not counted: they are made whatever the balance)
 * @param searchWidth on clusters of more than 32 hosts, how many of the most loaded hosts a move
 *                    may come from and how many of the least loaded (with room) it may go to;
 *                    smaller clusters are searched whole
 * @param cost        what moves cost and gain
 */
public record DrsSettings(int threshold, int maxMoves, int searchWidth, CostModel cost) {

    public static final DrsSettings DEFAULTS = new DrsSettings(Imbalance.DEFAULT_THRESHOLD, 8, 8, CostModel.DEFAULTS);

    public DrsSettings {
        Imbalance.check(threshold);
        if (maxMoves < 0 || searchWidth < 1 || cost == null) {
            throw new IllegalArgumentException("maxMoves must be >= 0, searchWidth >= 1, cost given");
        }
    }

    public DrsSettings withThreshold(int t) {
        return new DrsSettings(t, maxMoves, searchWidth, cost);
    }

    public DrsSettings withMaxMoves(int n) {
        return new DrsSettings(threshold, n, searchWidth, cost);
    }

    public DrsSettings withCost(CostModel c) {
        return new DrsSettings(threshold, maxMoves, searchWidth, c);
    }
}
