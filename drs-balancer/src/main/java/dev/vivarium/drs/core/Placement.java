package dev.vivarium.drs.core;

/** Where a VM to power on, restart or evacuate goes: a host, or nowhere and why. */
public sealed interface Placement {

    String vm();

    /** Run {@code vm} on {@code host}; {@code why} says what decided it. */
    record Placed(String vm, String host, String why) implements Placement {
    }

    /** No host can take {@code vm} now (capacity, rules); {@code why} says. */
    record Unplaced(String vm, String why) implements Placement {
    }
}
