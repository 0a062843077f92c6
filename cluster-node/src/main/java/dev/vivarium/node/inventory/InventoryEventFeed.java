package dev.vivarium.node.inventory;

import dev.vivarium.node.events.EventPublisher;
import dev.vivarium.vcenter.inventory.LogEntry;
import dev.vivarium.vcenter.protocol.Answers.EventLogPage;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Brings the inventory's event log (VM created, powered on, host lost, ... with who did it) into
 * this node's event log beside what the node sees of membership, so the API's events and their
 * live stream show both. Polls the inventory each period from the last line it has.
 */
public final class InventoryEventFeed {

    private static final int PAGE = 500;

    private InventoryEventFeed() {
    }

    public sealed interface Msg {
    }

    private enum Poll implements Msg { INSTANCE }

    private record Page(EventLogPage page) implements Msg {
    }

    private record NoPage() implements Msg {
    }

    public static Behavior<Msg> create(ActorRef<InventoryCommand> inventory, EventPublisher events, Duration period) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            long[] last = {0};
            timers.startTimerWithFixedDelay(Poll.INSTANCE, period);
            boolean[] asking = {false};
            return Behaviors.receive(Msg.class)
                    .onMessageEquals(Poll.INSTANCE, () -> {
                        if (!asking[0]) {
                            asking[0] = true;
                            ctx.ask(EventLogPage.class, inventory, period.multipliedBy(5),
                                    r -> new InventoryCommand.GetEventLog(last[0], PAGE, r),
                                    (page, failure) -> page != null ? new Page(page) : new NoPage());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Page.class, p -> {
                        asking[0] = false;
                        for (LogEntry e : p.page().entries()) {
                            if (e.seq() > last[0]) {
                                events.publish(e.kind(), e.entity(), e.by().toString(), e.message());
                                last[0] = e.seq();
                            }
                        }
                        return Behaviors.same();
                    })
                    .onMessage(NoPage.class, n -> {
                        // The inventory is starting or moving to another node: ask again next period.
                        asking[0] = false;
                        return Behaviors.same();
                    })
                    .build();
        }));
    }
}
