package dev.vivarium.ha.decide;

/** What this node's HA agent does about one candidate in one round. */
public sealed interface HaAction {

    Candidate candidate();

    /** Take the VM's lease and start it on this node's host. */
    record Restart(Candidate candidate, String why) implements HaAction {
    }

    /** Another survivor is the placement's choice; this node races only after the fallback time. */
    record LeaveTo(Candidate candidate, String host) implements HaAction {
    }

    /** No survivor has room (or the rules exclude all): try again later. */
    record NoRoom(Candidate candidate, String why) implements HaAction {
    }
}
