package dev.vivarium.vcenter.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A VM's kernel and initrd are part of its configuration, and events recorded before they existed still read. */
class VmConfigTest {

  private final ObjectMapper json = new ObjectMapper().registerModule(new ParameterNamesModule());

  @Test
  void aConfigurationRecordedWithoutKernelReadsAsOneWithout() throws Exception {
    String old = "{\"name\":\"web-1\",\"memoryMiB\":16,\"image\":\"counter\",\"commandLine\":[\"count=3\"],"
        + "\"cpuShares\":1000,\"reservationMips\":0,\"limitMips\":0,\"restartPriority\":\"HIGH\"}";
    VmConfig read = json.readValue(old, VmConfig.class);
    assertThat(read.kernel()).isEmpty();
    assertThat(read.initrd()).isEmpty();
    assertThat(read).isEqualTo(new VmConfig("web-1", 16, "counter", List.of("count=3"), 1000, 0, 0,
        RestartPriority.HIGH));
  }

  @Test
  void kernelAndInitrdRoundTripAndSurviveOtherChanges() throws Exception {
    VmConfig linux = new VmConfig("deb-1", 128, "linux", List.of("console=ttyS0"), 1000, 0, 0,
        RestartPriority.MEDIUM, "linux/bzImage", "linux/initrd.gz");
    assertThat(json.readValue(json.writeValueAsString(linux), VmConfig.class)).isEqualTo(linux);
    VmConfig changed = linux.withMemoryMiB(256).withShares(2000).withCommandLine(List.of("quiet"))
        .withRestartPriority(RestartPriority.LOW).withReservationMips(10);
    assertThat(changed.kernel()).isEqualTo("linux/bzImage");
    assertThat(changed.initrd()).isEqualTo("linux/initrd.gz");
    assertThat(linux.needsPowerOffToBecome(linux.withKernel("other/bzImage", ""))).isTrue();
    assertThat(linux.needsPowerOffToBecome(linux.withShares(10))).isFalse();
  }
}
