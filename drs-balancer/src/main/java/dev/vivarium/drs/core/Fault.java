package dev.vivarium.drs.core;

/**
 * Something a round could not do: a rule it cannot keep, a VM it cannot move off a host in
 * maintenance mode, a VM it cannot place. Raised as an alarm instead of moves that would not
 * help, so an impossible rule never turns into a loop of migrations.
 *
 * @param subject the rule (kind RULE) or the host (EVACUATION) or the VM (PLACEMENT) it is about
 * @param vm      the VM concerned
 * @param message a sentence for the user
 */
public record Fault(Kind kind, String subject, String vm, String message) {

    public enum Kind { RULE, EVACUATION, PLACEMENT }
}
