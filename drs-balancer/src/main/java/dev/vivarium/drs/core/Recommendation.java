package dev.vivarium.drs.core;

/**
 * Move a VM from one host to another, with why and what it is worth.
 *
 * @param reason          what the move is for
 * @param rule            the rule it keeps (RULE moves), else null
 * @param priority        vSphere's: 1 for moves rules and maintenance demand, 2..5 for balance
 *                        (2 the most worthwhile)
 * @param imbalanceBefore the cluster's imbalance before this move (after the moves listed before it)
 * @param imbalanceAfter  the imbalance once it is made
 * @param benefit         million instructions the move is expected to gain (balance moves; else 0)
 * @param cost            million instructions the migration is expected to cost
 * @param migrationSeconds how long its pre-copy is expected to take
 * @param why             a sentence for the user and the event log
 */
public record Recommendation(String vm, String from, String to, Reason reason, String rule, int priority,
                             double imbalanceBefore, double imbalanceAfter, double benefit, double cost,
                             double migrationSeconds, String why) {

    /** What a move is for; the order is the order a round makes them in. */
    public enum Reason {
        /** Its host is in maintenance mode and must be emptied. */
        MAINTENANCE,
        /** It breaks a rule. */
        RULE,
        /** It lowers the imbalance by more than it costs. */
        BALANCE
    }

    /** How much the move lowers the imbalance (negative when a rule or maintenance costs balance). */
    public double gain() {
        return imbalanceBefore - imbalanceAfter;
    }

    /** Whether the move is demanded (rules, maintenance) rather than worthwhile. */
    public boolean mandatory() {
        return reason != Reason.BALANCE;
    }
}
