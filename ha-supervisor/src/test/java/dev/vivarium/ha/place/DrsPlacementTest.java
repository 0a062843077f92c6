package dev.vivarium.ha.place;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.ha.decide.Candidate;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.reconcile.HostReport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DrsPlacementTest {

    private static Candidate c(String vm) {
        return new Candidate(vm, "host-1", 1, RestartPriority.MEDIUM, false);
    }

    @Test
    void restartsGoToSurvivorsWithRoomNeverToTheFailedHostAndKeepAntiAffinity() {
        Inventory inv = Inventories.of(3, Map.of("a", PowerState.POWERED_ON, "b", PowerState.POWERED_ON,
                "c", PowerState.POWERED_ON), 16, List.of(new Rule("apart", Rule.Kind.ANTI_AFFINITY, List.of("a", "c"))));
        List<HostReport> live = List.of(new HostReport("host-1", Map.of("a", 1L, "b", 1L)), // its last report, stale
                new HostReport("host-2", Map.of("c", 1L)), new HostReport("host-3", Map.of()));
        Map<String, Optional<String>> placed = new DrsPlacement().place(inv, live, Set.of("host-1"), List.of(c("a"), c("b")));
        assertThat(placed.get("a")).contains("host-3"); // c runs on host-2
        assertThat(placed.get("b")).isPresent().get().isNotEqualTo("host-1");
    }

    @Test
    void aVmNoSurvivorHasRoomForIsUnplacedAndAnUnknownOneIsLeftToTheRace() {
        Inventory inv = Inventories.of(2, Map.of("big", PowerState.POWERED_ON), 2048, List.of());
        Map<String, Optional<String>> placed = new DrsPlacement().place(inv, List.of(new HostReport("host-2", Map.of())),
                Set.of("host-1"), List.of(c("big"), c("stranger")));
        assertThat(placed.get("big")).isEmpty();
        assertThat(placed).doesNotContainKey("stranger");
    }
}
