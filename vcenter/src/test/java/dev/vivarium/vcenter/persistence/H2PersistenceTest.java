package dev.vivarium.vcenter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import dev.vivarium.vcenter.persistence.H2ServerMain.H2TcpServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory on H2 run as a TCP server, configured by the lab profile. */
class H2PersistenceTest {

  @TempDir Path dir;

  @Test
  void theInventorySurvivesARestartOfItsActorSystem() throws Exception {
    try (H2TcpServer server = H2TcpServer.start(dir)) {
      assertThat(server.port()).isPositive();
      Config config = DatabaseProfiles.load("inventory-db-lab.conf",
          Map.of("VIVARIUM_INVENTORY_DB_URL", server.url("inventory")));
      RoundTrip.run(config, "\"");
    }
  }

  @Test
  void theSchemaCanBeAppliedToAnExistingDatabaseAgain() throws Exception {
    try (H2TcpServer server = H2TcpServer.start(dir)) {
      Config config = DatabaseProfiles.load("inventory-db-lab.conf",
          Map.of("VIVARIUM_INVENTORY_DB_URL", server.url("again")));
      SchemaMigration.apply(config);
    }
    // a new server process on the same files, as after `lab down` and `lab up`
    try (H2TcpServer server = H2TcpServer.start(dir)) {
      Config config = DatabaseProfiles.load("inventory-db-lab.conf",
          Map.of("VIVARIUM_INVENTORY_DB_URL", server.url("again")));
      SchemaMigration.apply(config);
      try (Connection c = DatabaseSettings.from(config).connect();
          ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
        java.util.List<String> tables = new java.util.ArrayList<>();
        while (rs.next()) tables.add(rs.getString("TABLE_NAME"));
        assertThat(tables).contains("event_journal", "event_tag", "snapshot");
      }
    }
  }
}
