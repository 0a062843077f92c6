package dev.vivarium.vcenter.persistence;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the inventory's tables if they are missing. pekko-persistence-jdbc creates none, and its
 * own DDL is not idempotent (an H2 index without IF NOT EXISTS), so the project ships its schema
 * under {@code dev/vivarium/vcenter/schema/} and runs it at every start, before the inventory.
 * Several nodes may start at once: on PostgreSQL the statements run in one transaction under an
 * advisory lock; H2 runs them one at a time, and a statement that lost a race is retried.
 */
public final class SchemaMigration {

  /** Any fixed number; it only has to be the same on every node. */
  private static final long POSTGRES_LOCK_KEY = 0x76697661726975L;
  private static final int H2_ATTEMPTS = 3;

  private SchemaMigration() {}

  /** Applies the schema to the database {@code config} names. */
  public static void apply(Config config) throws SQLException {
    apply(DatabaseSettings.from(config));
  }

  public static void apply(DatabaseSettings db) throws SQLException {
    List<String> statements = statements(db.dialect());
    try (Connection c = db.connect()) {
      if (db.dialect() == DatabaseSettings.Dialect.POSTGRES) {
        applyInTransaction(c, statements);
      } else {
        applyWithRetry(c, statements);
      }
    }
  }

  private static void applyInTransaction(Connection c, List<String> statements)
      throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + POSTGRES_LOCK_KEY + ")");
      for (String sql : statements) s.execute(sql);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  private static void applyWithRetry(Connection c, List<String> statements) throws SQLException {
    for (String sql : statements) {
      for (int attempt = 1; ; attempt++) {
        try (Statement s = c.createStatement()) {
          s.execute(sql);
          break;
        } catch (SQLException e) {
          if (attempt >= H2_ATTEMPTS) throw e;
        }
      }
    }
  }

  /** The dialect's schema file split into statements (no statement in it contains ';'). */
  static List<String> statements(DatabaseSettings.Dialect dialect) {
    String resource = "/dev/vivarium/vcenter/schema/" + dialect.schemaName + ".sql";
    String text;
    try (InputStream in = SchemaMigration.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("schema " + resource + " is missing from the jar");
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> out = new ArrayList<>();
    StringBuilder withoutComments = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.strip().startsWith("--")) withoutComments.append(line).append('\n');
    }
    for (String part : withoutComments.toString().split(";")) {
      if (!part.isBlank()) out.add(part.strip());
    }
    return out;
  }
}
