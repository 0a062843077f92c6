package dev.vivarium.vcenter.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The inventory's database as pekko-persistence-jdbc is configured to reach it
 * ({@code pekko-persistence-jdbc.shared-databases.slick}), read from the same keys so the schema
 * step and the journal can never point at different databases.
 */
public record DatabaseSettings(Dialect dialect, String url, String user, String password) {

  public static final String PATH = "pekko-persistence-jdbc.shared-databases.slick";

  /** The databases the project ships a schema for. */
  public enum Dialect {
    H2("slick.jdbc.H2Profile$", "h2"),
    POSTGRES("slick.jdbc.PostgresProfile$", "postgres");

    final String slickProfile;
    final String schemaName;

    Dialect(String slickProfile, String schemaName) {
      this.slickProfile = slickProfile;
      this.schemaName = schemaName;
    }
  }

  public static DatabaseSettings from(Config root) {
    Config c = root.getConfig(PATH);
    String profile = c.getString("profile");
    Dialect dialect = null;
    for (Dialect d : Dialect.values()) {
      if (d.slickProfile.equals(profile)) dialect = d;
    }
    if (dialect == null) {
      throw new ConfigException.BadValue(PATH + ".profile", "'" + profile
          + "' is not a supported database; use slick.jdbc.H2Profile$ or slick.jdbc.PostgresProfile$");
    }
    return new DatabaseSettings(dialect, c.getString("db.url"), c.getString("db.user"),
        c.getString("db.password"));
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }
}
