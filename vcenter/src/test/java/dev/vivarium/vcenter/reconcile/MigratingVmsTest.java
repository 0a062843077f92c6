package dev.vivarium.vcenter.reconcile;

import static dev.vivarium.vcenter.inventory.Fixtures.ALICE;
import static dev.vivarium.vcenter.inventory.Fixtures.T0;
import static dev.vivarium.vcenter.inventory.Fixtures.accept;
import static dev.vivarium.vcenter.inventory.Fixtures.vm;
import static dev.vivarium.vcenter.inventory.Fixtures.withHosts;
import static dev.vivarium.vcenter.inventory.Fixtures.withVm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.MigrationDecisions;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.VmDecisions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A VM under live migration, or one that has just arrived, is in no host's report for a moment:
 * the reconciler must neither place it again nor give up on it.
 */
class MigratingVmsTest {

  @Test
  void aVmUnderMigrationOrJustArrivedIsNotPlacedAgain() {
    Inventory s = withVm(withHosts(2), vm("web", 64), PowerState.POWERED_ON);
    s = accept(s, VmDecisions.started(s, "web", "host-1", 1, T0, Initiator.host("host-1")));
    s = accept(s, MigrationDecisions.start(s, "web", "host-2", "t", true, T0, ALICE));
    // Host-1's latest report no longer lists the VM, host-2's does not list it yet.
    List<HostReport> reports = List.of(new HostReport("host-1", Map.of(), java.util.Set.of()),
        new HostReport("host-2", Map.of(), java.util.Set.of()));
    Map<String, String> held = ReconcilerActor.migrating(s, T0.plusSeconds(1));
    assertThat(held).containsEntry("web", "host-1");
    assertThat(Reconciler.reconcile(s, reports, held)).isEmpty();
    assertThat(Reconciler.reconcile(s, reports, Map.of())).as("without it the VM would be placed a second time")
        .anyMatch(a -> a instanceof ReconcileAction.Place p && p.vm().equals("web"));

    s = accept(s, MigrationDecisions.completed(s, "web", "host-1", "host-2", 2, null, T0.plusSeconds(2), ALICE));
    held = ReconcilerActor.migrating(s, T0.plusSeconds(3));
    assertThat(held).containsEntry("web", "host-2");
    assertThat(Reconciler.reconcile(s, reports, held)).isEmpty();
    assertThat(ReconcilerActor.migrating(s, T0.plusSeconds(60))).as("long after its arrival it is as any VM").isEmpty();
  }

  /**
   * A VM that went to host-2, back to host-1 and to host-2 again, while host-2's latest report is
   * from its first stay there (a loaded host's reports come late): the report is older than the
   * VM's current run on host-2, not a stale copy. A stop sent for it reached host-2 by the VM's
   * name and powered off the run that had just arrived, and the reconciler then cold-booted the
   * VM from its image (seen in the counter's migrations at load 30-50).
   */
  @Test
  void aHostsReportFromBeforeTheVmCameBackDoesNotStopIt() {
    Inventory s = withVm(withHosts(2), vm("web", 64), PowerState.POWERED_ON);
    s = accept(s, VmDecisions.started(s, "web", "host-1", 1, T0, Initiator.host("host-1")));
    String[] hosts = {"host-1", "host-2"};
    for (int epoch = 2; epoch <= 4; epoch++) {
      String from = hosts[epoch % 2];
      String to = hosts[(epoch + 1) % 2];
      s = accept(s, MigrationDecisions.start(s, "web", to, "t", true, T0.plusSeconds(epoch), ALICE));
      s = accept(s, MigrationDecisions.completed(s, "web", from, to, epoch, null, T0.plusSeconds(epoch), ALICE));
    }
    assertThat(s.vms().get("web").host()).isEqualTo("host-2");
    List<HostReport> reports = List.of(new HostReport("host-1", Map.of(), java.util.Set.of()),
        new HostReport("host-2", Map.of("web", 2L), java.util.Set.of()));
    // Long after the arrival too: not a grace period that runs out.
    assertThat(Reconciler.reconcile(s, reports, ReconcilerActor.migrating(s, T0.plusSeconds(5)))).isEmpty();
    assertThat(Reconciler.reconcile(s, reports, ReconcilerActor.migrating(s, T0.plusSeconds(600)))).isEmpty();

    // A copy on another host at an older epoch is stale, and is stopped as before.
    List<HostReport> stale = List.of(new HostReport("host-1", Map.of("web", 3L), java.util.Set.of()),
        new HostReport("host-2", Map.of("web", 4L), java.util.Set.of()));
    assertThat(Reconciler.reconcile(s, stale, Map.of()))
        .containsExactly(new ReconcileAction.Stop("web", "host-1", 3, false, "stale copy: VM web runs on host-2 at epoch 4, "
            + "host-1 holds epoch 3"));
  }
}
