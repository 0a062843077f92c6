package dev.vivarium.node.events;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A node-local event log of bounded length, kept until the inventory's persistent log takes
 * over. The oldest events are dropped once {@code capacity} is reached.
 */
public final class InMemoryEventLog implements EventLog, EventPublisher {

    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<VivariumEvent> events = new ArrayDeque<>();
    private final List<Consumer<VivariumEvent>> listeners = new CopyOnWriteArrayList<>();
    private long lastSeq;

    public InMemoryEventLog(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public synchronized VivariumEvent publish(String type, String subject, String by, String message) {
        VivariumEvent event = new VivariumEvent(++lastSeq, clock.instant().toString(), type, subject, by, message);
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(event);
        // Delivered under the lock so that follow() never sees an event twice or misses one.
        listeners.forEach(l -> l.accept(event));
        return event;
    }

    @Override
    public synchronized List<VivariumEvent> recent(int limit) {
        List<VivariumEvent> all = new ArrayList<>(events);
        return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    @Override
    public synchronized Subscription follow(long afterSeq, Consumer<VivariumEvent> listener) {
        for (VivariumEvent e : events) {
            if (e.seq() > afterSeq) {
                listener.accept(e);
            }
        }
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
