package dev.vivarium.vcenter.singleton;

import com.typesafe.config.Config;
import dev.vivarium.vcenter.entity.InventoryEntity;
import dev.vivarium.vcenter.entity.InventorySettings;
import dev.vivarium.vcenter.persistence.SchemaMigration;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import java.sql.SQLException;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * Runs the inventory as a cluster singleton: one instance on the oldest node (of the configured
 * role); when that node leaves or is downed, the next oldest starts it and it recovers from the
 * journal, so the management plane has no single point of failure. Every node calls
 * {@link #start} and talks to the inventory through the proxy it returns.
 */
public final class InventorySingleton {

  private InventorySingleton() {}

  /** Applies the database schema (idempotent), then {@link #init}. Blocks on the database. */
  public static ActorRef<InventoryCommand> start(ActorSystem<?> system) throws SQLException {
    SchemaMigration.apply(system.settings().config());
    return init(system);
  }

  /** Starts the singleton manager on this node and returns the proxy to the inventory. */
  public static ActorRef<InventoryCommand> init(ActorSystem<?> system) {
    Config config = system.settings().config();
    InventorySettings settings = InventorySettings.from(config);
    String name = config.getString("vivarium.vcenter.singleton.name");
    String role = config.getString("vivarium.vcenter.singleton.role");
    ClusterSingletonSettings singletonSettings = ClusterSingletonSettings.create(system);
    if (!role.isEmpty()) singletonSettings = singletonSettings.withRole(role);
    return ClusterSingleton.get(system).init(
        SingletonActor.of(InventoryEntity.create(settings, Clock.systemUTC()), name)
            .withStopMessage(new InventoryCommand.Stop())
            .withSettings(singletonSettings));
  }
}
