package dev.vivarium.vcenter.reconcile;

import static dev.vivarium.vcenter.inventory.Fixtures.ALICE;
import static dev.vivarium.vcenter.inventory.Fixtures.T0;
import static dev.vivarium.vcenter.inventory.Fixtures.accept;
import static dev.vivarium.vcenter.inventory.Fixtures.vm;
import static dev.vivarium.vcenter.inventory.Fixtures.withHosts;
import static dev.vivarium.vcenter.inventory.Fixtures.withVm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.vcenter.inventory.HostDecisions;
import dev.vivarium.vcenter.inventory.HostGroup;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.inventory.RuleDecisions;
import dev.vivarium.vcenter.inventory.VmDecisions;
import dev.vivarium.vcenter.reconcile.ReconcileAction.AwaitHa;
import dev.vivarium.vcenter.reconcile.ReconcileAction.Place;
import dev.vivarium.vcenter.reconcile.ReconcileAction.SetPaused;
import dev.vivarium.vcenter.reconcile.ReconcileAction.Stop;
import dev.vivarium.vcenter.reconcile.ReconcileAction.Unplaceable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconcilerTest {

  private static Inventory startedOn(Inventory s, String vm, String host, long epoch) {
    return accept(s, VmDecisions.started(s, vm, host, epoch, T0, Initiator.host(host)));
  }

  private static List<HostReport> reports(HostReport... r) { return List.of(r); }

  @Test
  void placesOnTheLeastLoadedConnectedHostOutsideMaintenance() {
    Inventory s = withHosts(3);
    s = accept(s, HostDecisions.enterMaintenance(s, "host-3", T0, ALICE));
    s = withVm(s, vm("big", 512), PowerState.POWERED_ON);
    s = startedOn(s, "big", "host-1", 1);
    s = withVm(s, vm("new", 128), PowerState.POWERED_ON);
    List<ReconcileAction> actions = Reconciler.reconcile(s, reports(
        new HostReport("host-1", Map.of("big", 1L)), new HostReport("host-2", Map.of()),
        new HostReport("host-3", Map.of())), Map.of());
    assertThat(actions).containsExactly(new Place("new", "host-2", 0));
  }

  @Test
  void spreadsSeveralNewVmsAndCountsWhatItPlacesInTheSamePass() {
    Inventory s = withHosts(2);
    for (String n : List.of("a", "b", "c", "d")) s = withVm(s, vm(n, 256), PowerState.POWERED_ON);
    List<ReconcileAction> actions = Reconciler.reconcile(s, reports(
        new HostReport("host-1", Map.of()), new HostReport("host-2", Map.of())), Map.of());
    assertThat(actions).containsExactly(new Place("a", "host-1", 0), new Place("b", "host-2", 0),
        new Place("c", "host-1", 0), new Place("d", "host-2", 0));
  }

  /** "on" should run, "held" should be paused; both run on host-1 at epoch 3. */
  private static Inventory onAndHeld() {
    Inventory s = withHosts(2);
    for (String n : List.of("on", "held")) {
      s = withVm(s, vm(n, 64), PowerState.POWERED_ON);
      s = startedOn(s, n, "host-1", 3);
    }
    return accept(s, VmDecisions.requestPower(s, "held", PowerState.PAUSED, T0, ALICE));
  }

  @Test
  void pausesAgainAVmThatShouldBePausedButRuns() {
    // As after a host process restarted and resumed its VMs without asking the inventory.
    List<ReconcileAction> actions = Reconciler.reconcile(onAndHeld(), reports(
        new HostReport("host-1", Map.of("on", 3L, "held", 3L), Set.of()),
        new HostReport("host-2", Map.of())), Map.of());
    assertThat(actions).containsExactly(new SetPaused("held", "host-1", 3, true));
  }

  @Test
  void unpausesAVmThatShouldRunButIsPaused() {
    List<ReconcileAction> actions = Reconciler.reconcile(onAndHeld(), reports(
        new HostReport("host-1", Map.of("on", 3L, "held", 3L), Set.of("on", "held")),
        new HostReport("host-2", Map.of())), Map.of());
    assertThat(actions).containsExactly(new SetPaused("on", "host-1", 3, false));
  }

  @Test
  void leavesVmsWhosePauseIsAsTheInventoryWantsAndStopsRatherThanPausesAStaleCopy() {
    Inventory s = onAndHeld();
    assertThat(Reconciler.reconcile(s, reports(
        new HostReport("host-1", Map.of("on", 3L, "held", 3L), Set.of("held")),
        new HostReport("host-2", Map.of())), Map.of())).isEmpty();
    assertThat(Reconciler.reconcile(s, reports(
        new HostReport("host-1", Map.of("on", 3L, "held", 3L), Set.of("held")),
        new HostReport("host-2", Map.of("held", 2L), Set.of())), Map.of()))
        .containsExactly(new Stop("held", "host-2", 2, false,
            "stale copy: VM held runs on host-1 at epoch 3, host-2 holds epoch 2"));
  }

  @Test
  void stopsWhatShouldNotRunAndLeavesWhatShould() {
    Inventory s = withHosts(2);
    s = withVm(s, vm("on", 64), PowerState.POWERED_ON);
    s = startedOn(s, "on", "host-1", 5);
    s = withVm(s, vm("off", 64), PowerState.POWERED_OFF);
    s = withVm(s, vm("sus", 64), PowerState.POWERED_ON);
    s = startedOn(s, "sus", "host-2", 1);
    s = accept(s, VmDecisions.requestPower(s, "sus", PowerState.SUSPENDED, T0, ALICE));
    List<ReconcileAction> actions = Reconciler.reconcile(s, reports(
        new HostReport("host-1", Map.of("on", 5L, "off", 2L, "ghost", 1L)),
        new HostReport("host-2", Map.of("on", 4L, "sus", 1L))), Map.of());
    assertThat(actions).extracting(a -> a instanceof Stop st ? st.vm() + "@" + st.host() + (st.suspend() ? ":suspend" : "") : a.toString())
        .containsExactlyInAnyOrder("ghost@host-1", "off@host-1", "on@host-2", "sus@host-2:suspend");
  }

  @Test
  void leavesTheVmsOfALostHostToHaAndWaitsForAHostThatHasNotReported() {
    Inventory s = withHosts(3);
    s = withVm(s, vm("x", 64), PowerState.POWERED_ON);
    s = startedOn(s, "x", "host-1", 1);
    s = withVm(s, vm("y", 64), PowerState.POWERED_ON);
    s = startedOn(s, "y", "host-2", 1);
    s = accept(s, HostDecisions.lost(s, "host-1", T0, Initiator.host("host-2")));
    List<ReconcileAction> actions = Reconciler.reconcile(s, reports(
        new HostReport("host-1", Map.of("x", 1L)), // a lost host's report does not count
        new HostReport("host-3", Map.of())), Map.of());
    assertThat(actions).containsExactly(new AwaitHa("x", "host-1"));
  }

  @Test
  void resumesTheVmsOfADisconnectedHostOnAConnectedOneAndLeavesThemNotToHa() {
    Inventory s = withHosts(2);
    s = withVm(s, vm("x", 64), PowerState.POWERED_ON);
    s = startedOn(s, "x", "host-1", 1);
    s = accept(s, HostDecisions.disconnect(s, "host-1", T0, Initiator.host("host-1")));
    // Still running there while it suspends: its report no longer counts, and no new VM goes there.
    List<ReconcileAction> actions = Reconciler.reconcile(s, reports(
        new HostReport("host-1", Map.of("x", 1L)), new HostReport("host-2", Map.of())), Map.of());
    assertThat(actions).containsExactly(new Place("x", "host-2", 1));
    // The cluster then removes the member: that is no loss, so HA never gets the VM.
    s = accept(s, HostDecisions.lost(s, "host-1", T0, Initiator.host("host-2")));
    assertThat(Reconciler.reconcile(s, reports(new HostReport("host-2", Map.of())), Map.of()))
        .containsExactly(new Place("x", "host-2", 1));
  }

  @Test
  void respectsAntiAffinityAndPrefersAffinityPartners() {
    Inventory s = withHosts(3);
    for (String n : List.of("a", "b", "c", "d")) s = withVm(s, vm(n, 64), PowerState.POWERED_ON);
    s = startedOn(s, "a", "host-1", 1);
    s = startedOn(s, "d", "host-3", 1);
    s = accept(s, RuleDecisions.add(s, new Rule("apart", Rule.Kind.ANTI_AFFINITY, List.of("a", "b")), T0, ALICE));
    s = accept(s, RuleDecisions.add(s, new Rule("together", Rule.Kind.AFFINITY, List.of("c", "d")), T0, ALICE));
    List<ReconcileAction> actions = Reconciler.reconcile(s, reports(
        new HostReport("host-1", Map.of("a", 1L)), new HostReport("host-2", Map.of()),
        new HostReport("host-3", Map.of("d", 1L))), Map.of());
    assertThat(actions).containsExactly(new Place("b", "host-2", 0), new Place("c", "host-3", 0));
  }

  @Test
  void saysWhyAVmCannotBePlacedAndSkipsPlacementsInFlight() {
    Inventory s = withHosts(1);
    // Each fits the host's 1024 MiB alone (more is refused at creation), not beside "half".
    s = withVm(s, vm("huge", 1000), PowerState.POWERED_ON);
    s = withVm(s, vm("half", 600), PowerState.POWERED_ON);
    s = withVm(s, vm("other", 600), PowerState.POWERED_ON);
    List<ReconcileAction> actions = Reconciler.reconcile(s,
        reports(new HostReport("host-1", Map.of())), Map.of("half", "host-1"));
    assertThat(actions).hasSize(2);
    assertThat(actions.get(0)).isInstanceOf(Unplaceable.class);
    assertThat(((Unplaceable) actions.get(0)).why()).contains("1000 MiB");
    assertThat(actions.get(1)).isEqualTo(new Unplaceable("other",
        "no connected host has 600 MiB of memory and 0 MIPS of reservation free; "
            + "the most free: 424 MiB on host-1, 1000 MIPS unreserved on host-1"));
  }

  @Test
  void keepsMustRulesAndWeighsVmsByWhatTheirHostsReportTheyDemand() {
    Inventory s = withHosts(3);
    for (String n : List.of("busy", "db", "web")) s = withVm(s, vm(n, 64), PowerState.POWERED_ON);
    s = startedOn(s, "busy", "host-2", 1);
    s = accept(s, RuleDecisions.defineHostGroup(s, new HostGroup("edge", List.of("host-3")), T0, ALICE));
    s = accept(s, RuleDecisions.add(s, new Rule("db-off-edge", Rule.Kind.MUST_NOT_RUN_ON, List.of("db"), "edge"), T0, ALICE));
    List<HostReport> seen = reports(new HostReport("host-1", Map.of()),
        new HostReport("host-2", Map.of("busy", 1L), Set.of(), Map.of("busy", new VmLoad(900, 900, 0, 0))),
        new HostReport("host-3", Map.of()));
    // web, last seen demanding 500 MIPS, goes to an empty host; db may not go to host-3 and avoids busy host-2.
    assertThat(Reconciler.reconcile(s, seen, Map.of(), Map.of("web", 500.0)))
        .containsExactly(new Place("db", "host-1", 0), new Place("web", "host-3", 0));
  }
}
