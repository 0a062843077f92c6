package dev.vivarium.vcenter.persistence;

import static dev.vivarium.vcenter.inventory.Fixtures.ALICE;
import static dev.vivarium.vcenter.inventory.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.vcenter.entity.InventoryEntity;
import dev.vivarium.vcenter.entity.InventorySettings;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.MigrationStats;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.InventoryCommand.ConnectHost;
import dev.vivarium.vcenter.protocol.InventoryCommand.CreateVm;
import dev.vivarium.vcenter.protocol.InventoryCommand.GetInventory;
import dev.vivarium.vcenter.protocol.InventoryCommand.JoinHost;
import dev.vivarium.vcenter.protocol.InventoryCommand.RecordMigrationFailed;
import dev.vivarium.vcenter.protocol.InventoryCommand.RecordVmMigrated;
import dev.vivarium.vcenter.protocol.InventoryCommand.RecordVmStarted;
import dev.vivarium.vcenter.protocol.InventoryCommand.RequestPowerState;
import dev.vivarium.vcenter.protocol.InventoryCommand.StartMigration;
import dev.vivarium.vcenter.protocol.Reply;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The inventory stored in a real database and recovered by a new ActorSystem: the events and a
 * snapshot are written as JSON, and the recovered inventory equals the one before the restart.
 */
final class RoundTrip {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private RoundTrip() {}

  static void run(Config database, String sqlQuote) throws SQLException {
    SchemaMigration.apply(database);
    SchemaMigration.apply(database); // idempotent: a second node start must not fail
    InventorySettings settings = InventorySettings.from(ConfigFactory.load())
        .withPersistenceId("round-trip-" + UUID.randomUUID());
    int changes = settings.snapshotEvery() + 7;
    Inventory before;
    ActorTestKit first = ActorTestKit.create("first", database);
    try {
      ActorRef<InventoryCommand> inv = first.spawn(InventoryEntity.create(settings, Clock.systemUTC()));
      ask(first, inv, r -> new JoinHost("h1", 1000, 4096, Initiator.host("h1"), r));
      ask(first, inv, r -> new ConnectHost("h1", Initiator.host("h1"), r));
      for (int i = 0; i < changes - 4; i++) {
        String name = "vm-" + i;
        ask(first, inv, r -> new CreateVm(vm(name, 32), ALICE, r));
      }
      ask(first, inv, r -> new RequestPowerState("vm-0", PowerState.POWERED_ON, ALICE, r));
      ask(first, inv, r -> new RecordVmStarted("vm-0", "h1", 3, Initiator.host("h1"), r));
      // A live migration there and one back that failed: events and history with their figures survive too.
      ask(first, inv, r -> new JoinHost("h2", 1000, 4096, Initiator.host("h2"), r));
      ask(first, inv, r -> new ConnectHost("h2", Initiator.host("h2"), r));
      ask(first, inv, r -> new StartMigration("vm-0", "h2", "h1-1", true, ALICE, r));
      MigrationStats stats = new MigrationStats(3.2, 1.1, 80, 3, 1 << 20, 250, 4000, 12, 0, true, false, 0, 1500, 5, 0.8,
          0.3, 0.2, 0.4, 0.1, true, "1234abcd", true);
      ask(first, inv, r -> new RecordVmMigrated("vm-0", "h1", "h2", 4, ALICE, r, stats));
      ask(first, inv, r -> new StartMigration("vm-0", "h1", "h1-2", true, ALICE, r));
      ask(first, inv, r -> new RecordMigrationFailed("vm-0", "h2", "h1", "cancelled by request", "h2", true, null, ALICE, r));
      before = snapshot(first, inv);
    } finally {
      first.shutdownTestKit();
    }
    assertThat(before.vms()).hasSize(changes - 4);
    assertThat(before.lastLogSeq()).isEqualTo(changes + 6);
    assertThat(before.migrationsOf("vm-0")).hasSize(2);

    ActorTestKit second = ActorTestKit.create("second", database);
    try {
      ActorRef<InventoryCommand> inv = second.spawn(InventoryEntity.create(settings, Clock.systemUTC()));
      Inventory after = snapshot(second, inv);
      assertThat(after).isEqualTo(before);
      assertThat(after.vms().get("vm-0").host()).isEqualTo("h2");
      assertThat(after.migrationsOf("vm-0").get(0).stats().downtimeMs()).isEqualTo(3.2);
    } finally {
      second.shutdownTestKit();
    }

    DatabaseSettings db = DatabaseSettings.from(database);
    try (Connection c = db.connect()) {
      String q = sqlQuote;
      assertThat(count(c, "SELECT COUNT(*) FROM " + q + "event_journal" + q + " WHERE " + q
          + "persistence_id" + q + " = ? AND " + q + "event_ser_id" + q + " = 31",
          settings.persistenceId())).as("events stored as Jackson JSON").isEqualTo(changes + 6);
      assertThat(count(c, "SELECT COUNT(*) FROM " + q + "snapshot" + q + " WHERE " + q
          + "persistence_id" + q + " = ? AND " + q + "snapshot_ser_id" + q + " = 31",
          settings.persistenceId())).as("a JSON snapshot").isGreaterThanOrEqualTo(1);
      // A shared server (PostgreSQL) keeps no trace of the test.
      for (String table : new String[] {"event_journal", "snapshot"}) {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + q + table + q + " WHERE "
            + q + "persistence_id" + q + " = ?")) {
          del.setString(1, settings.persistenceId());
          del.executeUpdate();
        }
      }
    }
  }

  private static long count(Connection c, String sql, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void ask(ActorTestKit kit, ActorRef<InventoryCommand> inv,
      Function<ActorRef<Reply>, InventoryCommand> command) {
    TestProbe<Reply> probe = kit.createTestProbe(Reply.class);
    inv.tell(command.apply(probe.getRef()));
    assertThat(probe.expectMessageClass(Reply.Accepted.class, TIMEOUT).logged()).hasSize(1);
  }

  private static Inventory snapshot(ActorTestKit kit, ActorRef<InventoryCommand> inv) {
    TestProbe<InventorySnapshot> probe = kit.createTestProbe(InventorySnapshot.class);
    inv.tell(new GetInventory(probe.getRef()));
    return probe.expectMessageClass(InventorySnapshot.class, TIMEOUT).inventory();
  }
}
