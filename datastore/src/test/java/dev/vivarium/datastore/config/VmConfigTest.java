package dev.vivarium.datastore.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.VmFiles;
import dev.vivarium.datastore.storage.CorruptFileException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmConfigTest {
    @TempDir
    Path root;

    static VmConfig sample() {
        return new VmConfig("web-1", 16, "guests/counter.elf", "web-1.disk", "count --every=100 = fast",
                new CpuAllocation(2000, 50, CpuAllocation.UNLIMITED), RestartPriority.HIGH,
                List.of(new PlacementRule.KeepApart("spread", List.of("web-1", "web-2")),
                        new PlacementRule.KeepTogether("pair", List.of("web-1", "db-1")),
                        new PlacementRule.RunOnHosts("pinned", List.of("esx-a", "esx-b"))));
    }

    @Test
    void roundTripsThroughTheDatastore() throws IOException {
        Datastore datastore = Datastore.open(root, DatastoreSettings.DEFAULTS);
        VmFiles vm = datastore.vm("web-1");
        vm.writeConfig(sample());

        assertThat(vm.readConfig()).isEqualTo(sample());
        assertThat(datastore.vms()).containsExactly("web-1");

        VmConfig changed = new VmConfig("web-1", 32, "guests/counter.elf", "", "",
                new CpuAllocation(500, 0, 300), RestartPriority.DISABLED, List.of());
        vm.writeConfig(changed);
        assertThat(datastore.vm("web-1").readConfig()).isEqualTo(changed);
    }

    @Test
    void aLinuxVmKeepsItsKernelAndInitrdAndAnImageVmWritesNeither() throws IOException {
        Datastore datastore = Datastore.open(root, DatastoreSettings.DEFAULTS);
        VmConfig linux = new VmConfig("deb-1", 128, "linux", "", "console=ttyS0", CpuAllocation.NORMAL,
                RestartPriority.MEDIUM, List.of(), "linux/bzImage", "linux/initrd.gz");
        datastore.vm("deb-1").writeConfig(linux);
        assertThat(datastore.vm("deb-1").readConfig()).isEqualTo(linux);
        assertThat(linux.bootsKernel()).isTrue();
        assertThat(new String(VmConfigCodec.encode(linux), StandardCharsets.UTF_8))
                .contains("kernel = linux/bzImage\n", "initrd = linux/initrd.gz\n");
        assertThat(new String(VmConfigCodec.encode(sample()), StandardCharsets.UTF_8)).doesNotContain("kernel", "initrd");
        assertThat(sample().bootsKernel()).isFalse();
        assertThatThrownBy(() -> new VmConfig("a", 16, "img", "", "", CpuAllocation.NORMAL, RestartPriority.LOW, List.of(),
                "", "initrd.gz")).hasMessageContaining("initrd but no kernel");
    }

    @Test
    void theEncodingIsReadableText() {
        String text = new String(VmConfigCodec.encode(sample()), StandardCharsets.UTF_8);
        assertThat(text).contains("memory-mib = 16\n", "cpu.limit-mips = unlimited\n", "rule = keep-apart spread web-1,web-2\n");
    }

    @Test
    void badValuesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new VmConfig("bad/name", 16, "img", "", "", CpuAllocation.NORMAL, RestartPriority.LOW, List.of()))
                .hasMessageContaining("VM name 'bad/name' is invalid");
        assertThatThrownBy(() -> new CpuAllocation(100, 500, 200)).hasMessageContaining("below the reservation");
        assertThatThrownBy(() -> new VmConfig("a", 16, "img", "", "two\nlines", CpuAllocation.NORMAL, RestartPriority.LOW, List.of()))
                .hasMessageContaining("line break");
        assertThatThrownBy(() -> VmConfigCodec.decode("format = vivarium-vm 1\nname = a\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("missing key");
        byte[] extra = (new String(VmConfigCodec.encode(sample()), StandardCharsets.UTF_8) + "colour = blue\n")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> VmConfigCodec.decode(extra)).hasMessageContaining("unknown keys [colour]");
    }

    @Test
    void aCorruptOrMissingConfigurationIsReported() throws IOException {
        Datastore datastore = Datastore.open(root, DatastoreSettings.DEFAULTS);
        VmFiles vm = datastore.vm("web-1");
        assertThatThrownBy(vm::readConfig).isInstanceOf(NoSuchFileException.class).hasMessageContaining("has no configuration");

        vm.writeConfig(sample());
        try (RandomAccessFile raw = new RandomAccessFile(vm.directory().resolve("vm.config").toFile(), "rw")) {
            raw.seek(40);
            raw.write('X');
        }
        assertThatThrownBy(vm::readConfig).isInstanceOf(CorruptFileException.class).hasMessageContaining("checksum mismatch");
    }
}
