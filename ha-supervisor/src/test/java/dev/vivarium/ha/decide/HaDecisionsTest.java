package dev.vivarium.ha.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.ha.place.Inventories;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HaDecisionsTest {

    private static final Duration LEASE = Duration.ofSeconds(3);

    @Test
    void aHostsVmsAreRestartedOnceItsHeartbeatStoodStillForTheLeaseTimeWhetherOrNotTheClusterReachesIt() {
        List<HostObservation> seen = List.of(
                new HostObservation("dead", false, Duration.ofMillis(3000)),
                new HostObservation("partitioned", false, Duration.ofMillis(400)), // renews: alive behind a partition
                new HostObservation("no-datastore", true, Duration.ofSeconds(60)), // reached, but it fenced itself: storage lost
                new HostObservation("slow", false, Duration.ofMillis(2999)),
                new HostObservation("me", false, Duration.ofSeconds(60)));
        assertThat(HaDecisions.failedHosts("me", seen, LEASE)).containsExactly("dead", "no-datastore");
        assertThat(HaDecisions.failedByBoth(seen.get(0))).isTrue();
        assertThat(HaDecisions.failedByBoth(seen.get(2))).isFalse();
    }

    @Test
    void candidatesAreTheFailedHostsVmsThatShouldRunHighestPriorityFirst() {
        Inventory inv = Inventories.of(3, Map.of("off", PowerState.POWERED_OFF, "paused", PowerState.PAUSED,
                "low", PowerState.POWERED_ON, "high", PowerState.POWERED_ON));
        List<HeldVm> held = List.of(
                new HeldVm("low", "host-1", 4, RestartPriority.LOW, false),
                new HeldVm("high", "host-1", 2, RestartPriority.HIGH, false),
                new HeldVm("off", "host-1", 1, RestartPriority.HIGH, false), // the user powered it off meanwhile
                new HeldVm("paused", "host-1", 1, RestartPriority.MEDIUM, false),
                new HeldVm("never", "host-1", 1, RestartPriority.DISABLED, false),
                new HeldVm("unknown", "host-1", 7, RestartPriority.MEDIUM, true), // not in the inventory: it ran, so it runs
                new HeldVm("alive", "host-2", 1, RestartPriority.HIGH, false));
        List<Candidate> c = HaDecisions.candidates(java.util.Set.of("host-1"), held, Optional.of(inv));
        assertThat(c).extracting(Candidate::vm).containsExactly("high", "paused", "unknown", "low");
        assertThat(c).filteredOn(Candidate::paused).extracting(Candidate::vm).containsExactly("paused", "unknown");
        assertThat(c.get(0).epoch()).isEqualTo(2);
    }

    @Test
    void thePlacedHostRestartsAtOnceOthersOnlyAfterTheFallbackAndUnknownVmsAreRacedFor() {
        Candidate mine = new Candidate("a", "host-1", 1, RestartPriority.MEDIUM, false);
        Candidate theirs = new Candidate("b", "host-1", 1, RestartPriority.MEDIUM, false);
        Candidate noRoom = new Candidate("c", "host-1", 1, RestartPriority.MEDIUM, false);
        Candidate unknown = new Candidate("d", "host-1", 1, RestartPriority.MEDIUM, false);
        Map<String, Optional<String>> placement = Map.of("a", Optional.of("host-2"), "b", Optional.of("host-3"),
                "c", Optional.empty());
        Duration fallback = Duration.ofSeconds(2);
        List<HaAction> early = HaDecisions.decide("host-2", List.of(mine, theirs, noRoom, unknown), placement,
                Map.of("b", 0L), 1_000_000_000L, fallback);
        assertThat(early).extracting(a -> a.getClass().getSimpleName() + ":" + a.candidate().vm())
                .containsExactly("Restart:a", "LeaveTo:b", "NoRoom:c", "Restart:d");
        List<HaAction> late = HaDecisions.decide("host-2", List.of(theirs), placement, Map.of("b", 0L), 2_000_000_000L, fallback);
        assertThat(late.get(0)).isInstanceOf(HaAction.Restart.class);
    }
}
