package dev.vivarium.node.events;

/** Where the parts of a node record what happened. */
public interface EventPublisher {

    /** Records an event; see {@link VivariumEvent} for the fields. */
    VivariumEvent publish(String type, String subject, String by, String message);
}
