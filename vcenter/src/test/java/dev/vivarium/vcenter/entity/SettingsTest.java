package dev.vivarium.vcenter.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.vcenter.persistence.DatabaseSettings;
import org.junit.jupiter.api.Test;

/** The module's defaults load, and a wrong setting fails with a message naming its key. */
class SettingsTest {

  private static Config with(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void theDefaultsDescribeAnH2InventorySnapshottedEveryHundredEvents() {
    InventorySettings s = InventorySettings.from(ConfigFactory.load());
    assertThat(s.persistenceId()).isEqualTo("vcenter-inventory");
    assertThat(s.snapshotEvery()).isEqualTo(100);
    assertThat(DatabaseSettings.from(ConfigFactory.load()).dialect())
        .isEqualTo(DatabaseSettings.Dialect.H2);
  }

  @Test
  void wrongValuesNameTheirKey() {
    assertThatThrownBy(() -> InventorySettings.from(with("vivarium.vcenter.inventory.snapshot-every = 0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("vivarium.vcenter.inventory.snapshot-every");
    assertThatThrownBy(() -> InventorySettings.from(with("vivarium.vcenter.inventory.event-log-size = lots")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("event-log-size");
    assertThatThrownBy(() -> DatabaseSettings.from(with(
            "pekko-persistence-jdbc.shared-databases.slick.profile = \"slick.jdbc.MySQLProfile$\"")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pekko-persistence-jdbc.shared-databases.slick.profile");
  }
}
