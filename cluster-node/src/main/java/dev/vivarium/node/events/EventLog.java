package dev.vivarium.node.events;

import java.util.List;
import java.util.function.Consumer;

/**
 * The event log as the API reads it. Each node keeps its own in memory
 * ({@link InMemoryEventLog}): what it saw of membership, and the inventory's event-sourced log
 * brought in by {@code InventoryEventFeed}.
 */
public interface EventLog {

    /** The latest {@code limit} events, oldest first. */
    List<VivariumEvent> recent(int limit);

    /**
     * Delivers every kept event after {@code afterSeq}, then each new event as it is logged, in
     * order and without a gap between the two, until the subscription is closed. The listener
     * runs on the publisher's thread and must not block.
     */
    Subscription follow(long afterSeq, Consumer<VivariumEvent> listener);

    /** Stops a {@link #follow} delivery. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
