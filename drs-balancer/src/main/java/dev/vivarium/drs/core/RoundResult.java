package dev.vivarium.drs.core;

import java.util.List;
import java.util.SortedMap;

/**
 * What one round decided.
 *
 * @param imbalance       the imbalance before the round
 * @param imbalanceAfter  the imbalance once every recommendation is carried out
 * @param target          the imbalance the threshold tolerates
 * @param loads           each up host's load before the round (entitlement over capacity)
 * @param loadsAfter      each up host's load after the recommendations
 * @param recommendations in the order to make them: maintenance, rules, balance
 * @param faults          what the round could not do
 * @param brokenRules     the rules still broken once the recommendations are made
 */
public record RoundResult(double imbalance, double imbalanceAfter, double target, SortedMap<String, Double> loads,
                          SortedMap<String, Double> loadsAfter, List<Recommendation> recommendations,
                          List<Fault> faults, List<String> brokenRules) {

    public RoundResult {
        recommendations = List.copyOf(recommendations);
        faults = List.copyOf(faults);
        brokenRules = List.copyOf(brokenRules);
    }

    /** Whether the imbalance the round leaves is within what the threshold tolerates. */
    public boolean balanced() {
        return imbalanceAfter <= target;
    }
}
