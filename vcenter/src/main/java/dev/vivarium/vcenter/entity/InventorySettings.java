package dev.vivarium.vcenter.entity;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * The inventory entity's settings, read from {@code vivarium.vcenter.inventory} (defaults in this
 * module's reference.conf). A wrong value fails with a message that names the key.
 */
public record InventorySettings(
    String persistenceId,
    int snapshotEvery,
    int keepSnapshots,
    int eventLogSize,
    Duration restartMinBackoff,
    Duration restartMaxBackoff) {

  public static final String PATH = "vivarium.vcenter.inventory";

  public InventorySettings {
    if (persistenceId == null || persistenceId.isBlank()) {
      throw new ConfigException.BadValue(PATH + ".persistence-id", "must not be empty");
    }
    positive("snapshot-every", snapshotEvery);
    positive("keep-snapshots", keepSnapshots);
    positive("event-log-size", eventLogSize);
    if (restartMaxBackoff.compareTo(restartMinBackoff) < 0) {
      throw new ConfigException.BadValue(PATH + ".restart-max-backoff",
          "must not be shorter than restart-min-backoff");
    }
  }

  public static InventorySettings from(Config root) {
    Config c = root.getConfig(PATH);
    return new InventorySettings(
        c.getString("persistence-id"),
        c.getInt("snapshot-every"),
        c.getInt("keep-snapshots"),
        c.getInt("event-log-size"),
        c.getDuration("restart-min-backoff"),
        c.getDuration("restart-max-backoff"));
  }

  public InventorySettings withPersistenceId(String id) {
    return new InventorySettings(id, snapshotEvery, keepSnapshots, eventLogSize,
        restartMinBackoff, restartMaxBackoff);
  }

  private static void positive(String key, int value) {
    if (value < 1) throw new ConfigException.BadValue(PATH + "." + key, "must be at least 1, not " + value);
  }
}
