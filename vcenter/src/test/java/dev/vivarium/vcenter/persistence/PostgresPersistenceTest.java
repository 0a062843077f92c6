package dev.vivarium.vcenter.persistence;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The inventory on PostgreSQL, configured by the multi-machine profile. Needs a server: by
 * default role and database {@code vivarium} (password {@code vivarium}) on 127.0.0.1:5432, or
 * what VIVARIUM_INVENTORY_DB_URL/_USER/_PASSWORD say. Skipped when none answers, except with
 * CI=true.
 */
class PostgresPersistenceTest {

  @Test
  void theInventorySurvivesARestartOfItsActorSystem() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("VIVARIUM_INVENTORY_DB_PASSWORD", "vivarium");
    for (String key : new String[] {"VIVARIUM_INVENTORY_DB_URL", "VIVARIUM_INVENTORY_DB_USER",
        "VIVARIUM_INVENTORY_DB_PASSWORD"}) {
      if (System.getenv(key) != null) env.put(key, System.getenv(key));
    }
    Config config = DatabaseProfiles.load("inventory-db-postgres.conf", env);
    DatabaseSettings db = DatabaseSettings.from(config);
    try (Connection c = db.connect()) {
      c.isValid(5);
    } catch (SQLException e) {
      String why = "no PostgreSQL at " + db.url() + " as " + db.user() + " (" + e.getMessage()
          + "); install the Debian package postgresql and create the role and database";
      if ("true".equals(System.getenv("CI"))) throw new AssertionError(why, e);
      System.out.println("SKIPPED: " + why);
      assumeTrue(false, why);
    }
    RoundTrip.run(config, "");
  }
}
