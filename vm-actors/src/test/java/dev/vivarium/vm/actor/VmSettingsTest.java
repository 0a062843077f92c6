package dev.vivarium.vm.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VmSettingsTest {

    @Test
    void theWakeGranularityComesFromTheConfiguration() {
        VmSettings defaults = VmSettings.fromConfig(ConfigFactory.load().getConfig("vivarium.vm"));
        assertThat(defaults.wakeGranularity()).isEqualTo(Duration.ofMillis(20));
        VmSettings finer = VmSettings.fromConfig(ConfigFactory.parseMap(Map.of("wake-granularity", "1ms"))
                .withFallback(ConfigFactory.load().getConfig("vivarium.vm")));
        assertThat(finer.wakeGranularity()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void aWakeGranularityBeyondTheLagTheHostToleratesIsRefused() {
        var vm = ConfigFactory.load().getConfig("vivarium.vm");
        for (String bad : new String[]{"-5ms", "2s"}) {
            assertThatThrownBy(() -> VmSettings.fromConfig(ConfigFactory.parseMap(Map.of("wake-granularity", bad)).withFallback(vm)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wake-granularity");
        }
    }
}
