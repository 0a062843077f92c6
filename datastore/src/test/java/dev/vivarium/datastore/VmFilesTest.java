package dev.vivarium.datastore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vivarium.datastore.storage.DatastoreFullException;
import dev.vivarium.datastore.storage.DiskFullAfter;
import dev.vivarium.datastore.storage.SealedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmFilesTest {
    @TempDir
    Path root;

    @Test
    void aDiskImageIsStreamedInAndOutAndSurvivesAFullDisk() throws IOException {
        byte[] sector = new byte[512];
        Arrays.fill(sector, (byte) 0xAB);
        VmFiles vm = Datastore.open(root, DatastoreSettings.DEFAULTS).vm("vm1");
        vm.writeDisk(out -> {
            for (int i = 0; i < 2048; i++) {
                out.write(sector);
            }
        });

        VmFiles full = Datastore.open(root, DatastoreSettings.DEFAULTS, new DiskFullAfter(10_000)).vm("vm1");
        assertThatThrownBy(() -> full.writeDisk(out -> out.write(new byte[100_000])))
                .isInstanceOf(DatastoreFullException.class);

        try (SealedFile disk = vm.openDisk(); InputStream in = disk.payload()) {
            assertThat(disk.payloadLength()).isEqualTo(2048 * 512);
            byte[] first = in.readNBytes(512);
            assertThat(first).isEqualTo(sector);
        }
        try (var files = Files.list(vm.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("disk.img");
        }
    }

    @Test
    void namesThatCannotBeFileNamesAreRefused() {
        assertThatThrownBy(() -> Datastore.open(root, DatastoreSettings.DEFAULTS).vm("../escape"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VM name '../escape' is invalid");
    }
}
