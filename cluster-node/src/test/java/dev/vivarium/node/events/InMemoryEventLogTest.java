package dev.vivarium.node.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryEventLogTest {

    private final InMemoryEventLog log = new InMemoryEventLog(3, Clock.systemUTC());

    private void publish(String... messages) {
        for (String m : messages) {
            log.publish("Test", "vm-1", "a test", m);
        }
    }

    @Test
    void keepsTheLatestUpToItsCapacity() {
        publish("1", "2", "3", "4");
        assertThat(log.recent(10)).extracting(VivariumEvent::message).containsExactly("2", "3", "4");
        assertThat(log.recent(2)).extracting(VivariumEvent::seq).containsExactly(3L, 4L);
    }

    @Test
    void followDeliversKeptEventsAfterTheGivenOneThenLiveOnesUntilClosed() {
        publish("1", "2");
        List<String> seen = new ArrayList<>();
        EventLog.Subscription s = log.follow(1, e -> seen.add(e.message()));
        publish("3");
        s.close();
        publish("4");
        assertThat(seen).containsExactly("2", "3");
    }
}
