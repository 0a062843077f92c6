package dev.vivarium.vm.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.VmFiles;
import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A VM with a kernel boots it by Linux's boot protocol, with its initrd and command line, found in the image directory or on the datastore. */
class MachineLoaderTest {
    @TempDir
    Path temp;

    /**
     * A bzImage (boot protocol 2.15, one setup sector) whose 32-bit payload prints the command
     * line's first byte and the initrd's first byte on the 0xE9 console and exits with 42.
     */
    static byte[] bzImage() {
        byte[] payload = {
                (byte) 0x8B, (byte) 0x9E, 0x28, 0x02, 0, 0, // mov ebx,[esi+0x228] (cmd_line_ptr)
                (byte) 0x8A, 0x03, (byte) 0xE6, (byte) 0xE9, // mov al,[ebx]; out 0xE9,al
                (byte) 0x8B, (byte) 0x9E, 0x18, 0x02, 0, 0, // mov ebx,[esi+0x218] (ramdisk_image)
                (byte) 0x8A, 0x03, (byte) 0xE6, (byte) 0xE9, // mov al,[ebx]; out 0xE9,al
                (byte) 0xB0, 42, (byte) 0xE6, (byte) 0xF4    // mov al,42; out 0xF4,al
        };
        byte[] image = new byte[2 * 512 + payload.length];
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) 1).putShort(0x1FE, (short) 0xAA55).put(0x201, (byte) 0x6A);
        b.putInt(0x202, 0x53726448).putShort(0x206, (short) 0x020F).put(0x211, (byte) 1);
        b.putInt(0x22C, 0x7FFFFFFF).putInt(0x238, 2047).putLong(0x258, 0x100000).putInt(0x260, 0x10000);
        System.arraycopy(payload, 0, image, 1024, payload.length);
        return image;
    }

    private static VmConfig linux(String kernel, String initrd) {
        return new VmConfig("deb-1", 16, "linux", "", "console=ttyS0", CpuAllocation.NORMAL, RestartPriority.MEDIUM,
                List.of(), kernel, initrd);
    }

    private static String bootAndRead(PcMachine machine) throws IOException {
        try (machine) {
            ByteArrayOutputStream debug = new ByteArrayOutputStream();
            machine.chipset().debugConsole().output().subscribe(debug::write);
            assertThat(machine.run(1000)).isEqualTo(new RunResult.Exited(42));
            return debug.toString();
        }
    }

    @Test
    void bootsTheKernelWithItsInitrdFromTheImageDirectory() throws Exception {
        Path images = Files.createDirectories(temp.resolve("images/linux"));
        Files.write(images.resolve("bzImage"), bzImage());
        Files.write(images.resolve("initrd.gz"), new byte[]{'R', 1, 2});
        MachineLoader loader = new MachineLoader(temp.resolve("images"));
        assertThat(bootAndRead(loader.coldBoot(linux("linux/bzImage", "linux/initrd.gz"), null))).isEqualTo("cR");
    }

    @Test
    void findsTheKernelInTheVmsFolderOnTheDatastoreAndByAbsolutePath() throws Exception {
        Datastore datastore = Datastore.open(temp.resolve("ds"), DatastoreSettings.DEFAULTS);
        VmFiles files = datastore.vm("deb-1");
        files.writeConfig(linux("bzImage", "initrd.img"));
        Files.write(files.directory().resolve("bzImage"), bzImage());
        Path initrd = Files.write(temp.resolve("elsewhere.img"), new byte[]{'A'});
        MachineLoader loader = new MachineLoader(Files.createDirectories(temp.resolve("images")));
        assertThat(bootAndRead(loader.coldBoot(linux("bzImage", initrd.toString()), null, files))).isEqualTo("cA");
        assertThatThrownBy(() -> loader.coldBoot(linux("bzImage", "initrd.img"), null, files))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("initrd 'initrd.img' not found in " + temp.resolve("images"))
                .hasMessageContaining(files.directory().toString());
    }

    @Test
    void aKernelThatIsNoBzImageIsRefusedWithTheReason() throws Exception {
        Files.write(temp.resolve("bzImage"), new byte[8192]);
        MachineLoader loader = new MachineLoader(temp);
        assertThatThrownBy(() -> loader.coldBoot(linux("bzImage", ""), null))
                .hasMessageContaining("not a Linux kernel");
    }
}
