package dev.vivarium.vcenter.inventory;

import static dev.vivarium.vcenter.inventory.Fixtures.ALICE;
import static dev.vivarium.vcenter.inventory.Fixtures.T0;
import static dev.vivarium.vcenter.inventory.Fixtures.accept;
import static dev.vivarium.vcenter.inventory.Fixtures.rejected;
import static dev.vivarium.vcenter.inventory.Fixtures.vm;
import static dev.vivarium.vcenter.inventory.Fixtures.withHosts;
import static dev.vivarium.vcenter.inventory.Fixtures.withVm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.vcenter.inventory.Rejection.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Live migrations in the inventory: who may go where, what the end changes, the history kept. */
class MigrationDecisionsTest {

  private static final MigrationStats STATS = new MigrationStats(3.2, 1.1, 80, 3, 1 << 20, 250, 4000, 12, 0, true,
      false, 0, 1500, 5, 0.8, 0.3, 0.2, 0.4, 0.1, true, "1234abcd", true);

  private static Inventory running(Inventory s, String name, int memoryMiB, String host) {
    s = withVm(s, vm(name, memoryMiB), PowerState.POWERED_ON);
    return accept(s, VmDecisions.started(s, name, host, 1, T0, Initiator.host(host)));
  }

  private static String reason(Decision d) {
    return ((Decision.Reject) d).rejection().message();
  }

  @Test
  void aRunningVmMigratesAndItsHistoryKeepsTheFigures() {
    Inventory s = running(withHosts(2), "web", 64, "host-1");
    s = accept(s, MigrationDecisions.start(s, "web", "host-2", "host-1-7", true, T0, ALICE));
    assertThat(s.migrationsOf("web")).singleElement().satisfies(m -> {
      assertThat(m.running()).isTrue();
      assertThat(m.from()).isEqualTo("host-1");
      assertThat(m.task()).isEqualTo("host-1-7");
    });
    assertThat(MigrationDecisions.running(s, "web", T0)).isPresent();
    assertThat(reason(MigrationDecisions.start(s, "web", "host-2", "x", true, T0, ALICE))).contains("already migrating to host-2");
    // The target's own report of the VM waits for the migration's record, which carries the figures.
    assertThat(((Decision.Accept) VmDecisions.started(s, "web", "host-2", 2, T0, Initiator.host("host-2"))).events()).isEmpty();

    s = accept(s, MigrationDecisions.completed(s, "web", "host-1", "host-2", 2, STATS, T0.plusSeconds(1), ALICE));
    assertThat(s.vms().get("web")).extracting(VmRecord::host, VmRecord::epoch).containsExactly("host-2", 2L);
    assertThat(s.migrationsOf("web")).singleElement().satisfies(m -> {
      assertThat(m.outcome()).isEqualTo(Migration.Outcome.MIGRATED);
      assertThat(m.stats()).isEqualTo(STATS);
      assertThat(m.epoch()).isEqualTo(2);
      assertThat(m.ended()).isEqualTo(T0.plusSeconds(1));
    });
    LogEntry line = s.recentLog().get(s.recentLog().size() - 1);
    assertThat(line.kind()).isEqualTo("VmMigrated");
    assertThat(line.message()).isEqualTo("VM web migrated from host-1 to host-2 (epoch 2, downtime 3.20 ms)");
    assertThat(MigrationDecisions.running(s, "web", T0)).isEmpty();
  }

  @Test
  void aMigrationCompletesWhenTheSourceReportedTheVmStoppedAsItLeft() {
    Inventory s = running(withHosts(2), "web", 64, "host-1");
    s = accept(s, MigrationDecisions.start(s, "web", "host-2", "", false, T0, ALICE));
    s = accept(s, VmDecisions.stopped(s, "web", "host-1", 1, T0.plusMillis(500), Initiator.host("host-1")));
    s = accept(s, MigrationDecisions.completed(s, "web", "host-1", "host-2", 2, STATS, T0.plusSeconds(1), ALICE));
    assertThat(s.vms().get("web")).extracting(VmRecord::host, VmRecord::epoch).containsExactly("host-2", 2L);
    assertThat(s.migrationsOf("web")).singleElement().extracting(Migration::outcome).isEqualTo(Migration.Outcome.MIGRATED);
    // Without a migration under way a VM on no host does not arrive anywhere.
    Inventory stopped = accept(running(withHosts(2), "db", 64, "host-1"),
        VmDecisions.stopped(running(withHosts(2), "db", 64, "host-1"), "db", "host-1", 1, T0, Initiator.host("host-1")));
    assertThat(reason(MigrationDecisions.completed(stopped, "db", "host-1", "host-2", 2, STATS, T0, ALICE)))
        .contains("runs on no host");
  }

  @Test
  void aFailedOrCancelledMigrationEndsWithWhereTheVmRuns() {
    Inventory s = running(withHosts(2), "web", 64, "host-1");
    s = accept(s, MigrationDecisions.start(s, "web", "host-2", "t1", true, T0, ALICE));
    s = accept(s, MigrationDecisions.failed(s, "web", "host-1", "host-2", "the target refused the switch-over: checksum",
        "host-1", false, STATS, T0, ALICE));
    s = accept(s, MigrationDecisions.start(s, "web", "host-2", "t2", true, T0, ALICE));
    s = accept(s, MigrationDecisions.failed(s, "web", "host-1", "host-2", "cancelled by request", "host-1", true, null, T0, ALICE));
    assertThat(s.migrationsOf("web")).extracting(Migration::outcome)
        .containsExactly(Migration.Outcome.FAILED, Migration.Outcome.CANCELLED);
    assertThat(s.vms().get("web").host()).isEqualTo("host-1");
    assertThat(s.recentLog().get(s.recentLog().size() - 1).kind()).isEqualTo("VmMigrationCancelled");
    assertThat(s.recentLog().get(s.recentLog().size() - 3).message())
        .isEqualTo("VM web migration from host-1 to host-2 failed: the target refused the switch-over: checksum; it runs on host-1");
  }

  @Test
  void everyRefusalSaysWhyAndChangesNothing() {
    Inventory s = withHosts(3);
    s = running(s, "web", 64, "host-1");
    s = running(s, "db", 64, "host-2");
    s = withVm(s, vm("off", 64), PowerState.POWERED_OFF);
    s = accept(s, HostDecisions.enterMaintenance(s, "host-3", T0, ALICE));

    assertThat(rejected(MigrationDecisions.start(s, "nope", "host-2", "t", true, T0, ALICE))).isEqualTo(Reason.NOT_FOUND);
    assertThat(reason(MigrationDecisions.start(s, "off", "host-2", "t", true, T0, ALICE))).contains("not running");
    assertThat(reason(MigrationDecisions.start(s, "web", "host-9", "t", true, T0, ALICE))).contains("no host named host-9");
    assertThat(reason(MigrationDecisions.start(s, "web", "host-1", "t", true, T0, ALICE))).contains("already runs on host-1");
    assertThat(reason(MigrationDecisions.start(s, "web", "host-3", "t", true, T0, ALICE))).contains("maintenance mode");

    Inventory big = running(s, "huge", 1000, "host-1");
    assertThat(reason(MigrationDecisions.start(big, "huge", "host-2", "t", true, T0, ALICE)))
        .contains("host-2 has 960 MiB free, VM huge needs 1000");

    Inventory apart = accept(s, RuleDecisions.add(s, new Rule("split", Rule.Kind.ANTI_AFFINITY, List.of("web", "db")), T0, ALICE));
    assertThat(reason(MigrationDecisions.start(apart, "web", "host-2", "t", true, T0, ALICE))).contains("anti-affinity", "db");
    Inventory together = accept(s, RuleDecisions.add(s, new Rule("pair", Rule.Kind.AFFINITY, List.of("web", "db")), T0, ALICE));
    assertThat(reason(MigrationDecisions.start(together, "db", "host-3", "t", true, T0, ALICE))).contains("maintenance");
    Inventory two = accept(withHosts(3), VmDecisions.create(withHosts(3), vm("a", 64), T0, ALICE));
    two = running(running(withHosts(3), "a", 64, "host-1"), "b", 64, "host-1");
    two = accept(two, RuleDecisions.add(two, new Rule("pair", Rule.Kind.AFFINITY, List.of("a", "b")), T0, ALICE));
    assertThat(reason(MigrationDecisions.start(two, "a", "host-2", "t", true, T0, ALICE))).contains("affinity rule keeps VM a with b");
    assertThat(MigrationDecisions.start(two, "a", "host-2", "t", false, T0, ALICE))
        .as("maintenance mode moves partners one after the other").isInstanceOf(Decision.Accept.class);
  }

  @Test
  void withoutATargetTheHostWithTheMostRoomUnderTheRulesIsChosen() {
    Inventory s = withHosts(3);
    s = running(s, "web", 64, "host-1");
    s = running(s, "filler", 512, "host-3");
    String[] why = new String[1];
    assertThat(MigrationDecisions.chooseTarget(s, "web", true, T0, why)).contains("host-2");
    Inventory pair = accept(s, RuleDecisions.add(s, new Rule("pair", Rule.Kind.AFFINITY, List.of("web", "filler")), T0, ALICE));
    assertThat(MigrationDecisions.chooseTarget(pair, "web", false, T0, why)).as("an affinity partner's host first").contains("host-3");
    Inventory lone = running(withHosts(1), "web", 64, "host-1");
    assertThat(MigrationDecisions.chooseTarget(lone, "web", true, T0, why)).isEmpty();
    assertThat(why[0]).contains("no other host");
  }

  @Test
  void aMigrationTheInventoryHeardNoEndOfExpires() {
    Inventory s = running(withHosts(2), "web", 64, "host-1");
    s = accept(s, MigrationDecisions.start(s, "web", "host-2", "t", true, T0, ALICE));
    assertThat(MigrationDecisions.running(s, "web", T0.plus(MigrationDecisions.MARK_EXPIRY).plusSeconds(1))).isEmpty();
    accept(s, MigrationDecisions.start(s, "web", "host-2", "t2", true, T0.plus(MigrationDecisions.MARK_EXPIRY).plusSeconds(1), ALICE));
  }
}
