package dev.vivarium.node.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vivarium.node.api.ApiException;
import org.junit.jupiter.api.Test;

/** {@code vm create --image linux}: Debian's kernel and our initramfs, on the serial console, with room to run. */
class VmSpecTest {

    @Test
    void theLinuxImageBootsDebiansKernelWithItsInitrdOnTheSerialConsole() {
        VmSpec linux = new VmSpec("deb-1", "linux", 128L, null, null, null).validated();
        assertThat(linux.kernel()).isEqualTo("linux/bzImage");
        assertThat(linux.initrd()).isEqualTo("linux/initrd.gz");
        assertThat(linux.commandLine()).isEqualTo("console=ttyS0");
        VmSpec own = new VmSpec("deb-2", "linux", 128L, "console=ttyS0 quiet", null, null, "/srv/vmlinuz", null).validated();
        assertThat(own.kernel()).isEqualTo("/srv/vmlinuz");
        assertThat(own.initrd()).isEmpty();
        assertThat(own.commandLine()).isEqualTo("console=ttyS0 quiet");
        VmSpec counter = new VmSpec("c-1", "counter", 16L, null, null, null).validated();
        assertThat(counter.kernel()).isEmpty();
        assertThat(counter.initrd()).isEmpty();
    }

    @Test
    void aLinuxVmWithTooLittleMemoryOrAnInitrdWithoutKernelIsRefused() {
        assertThatThrownBy(() -> new VmSpec("deb-1", "linux", 16L, null, null, null).validated())
                .isInstanceOf(ApiException.class).hasMessageContaining("too little for a Linux kernel");
        assertThatThrownBy(() -> new VmSpec("c-1", "counter", 16L, null, null, null, null, "initrd.gz").validated())
                .isInstanceOf(ApiException.class).hasMessageContaining("initrd: given without a kernel");
    }
}
