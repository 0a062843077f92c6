package dev.vivarium.x86.devices.ata;

import dev.vivarium.x86.devices.EdgeRecorder;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.Snapshots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtaControllerTest {

    private static final int SECTORS = 4096; // 2 MiB
    private static final int DATA = 0x1F0, ERROR = 0x1F1, COUNT = 0x1F2, LBA0 = 0x1F3, LBA1 = 0x1F4, LBA2 = 0x1F5,
            DEVICE = 0x1F6, STATUS = 0x1F7, ALT_STATUS = 0x3F6;

    @TempDir
    Path dir;
    private Path image;
    private FileDiskBackend disk;
    private final IoBus bus = new IoBus();
    private final EdgeRecorder irq = new EdgeRecorder();
    private AtaController ata;

    private static byte patternByte(long sector, int i) {
        return (byte) (sector * 7 + i);
    }

    @BeforeEach
    void createImage() throws IOException {
        image = dir.resolve("disk.img");
        byte[] content = new byte[SECTORS * 512];
        for (int s = 0; s < SECTORS; s++) {
            for (int i = 0; i < 512; i++) {
                content[s * 512 + i] = patternByte(s, i);
            }
        }
        Files.write(image, content);
        disk = FileDiskBackend.open(image, false);
        ata = new AtaController(disk, irq).attach(bus);
    }

    @AfterEach
    void close() throws IOException {
        disk.close();
    }

    private void selectLba(long lba, int count) {
        bus.out(DEVICE, 1, 0xE0 | (int) (lba >>> 24));
        bus.out(COUNT, 1, count);
        bus.out(LBA0, 1, (int) lba);
        bus.out(LBA1, 1, (int) (lba >>> 8));
        bus.out(LBA2, 1, (int) (lba >>> 16));
    }

    private byte[] readSector() {
        assertThat(bus.in(ALT_STATUS, 1) & 0x88).isEqualTo(0x08); // DRQ, not BSY
        byte[] data = new byte[512];
        for (int i = 0; i < 256; i++) {
            int w = bus.in(DATA, 2);
            data[2 * i] = (byte) w;
            data[2 * i + 1] = (byte) (w >>> 8);
        }
        return data;
    }

    private byte[] expected(long sector) {
        byte[] b = new byte[512];
        for (int i = 0; i < 512; i++) {
            b[i] = patternByte(sector, i);
        }
        return b;
    }

    @Test
    void identifyDescribesTheDisk() {
        assertThat(bus.in(STATUS, 1)).isEqualTo(0x50); // DRDY, DSC after power-on
        bus.out(DEVICE, 1, 0xA0);
        bus.out(STATUS, 1, 0xEC);
        assertThat(irq.level).isTrue();
        assertThat(bus.in(STATUS, 1)).isEqualTo(0x58);
        assertThat(irq.level).isFalse();
        byte[] id = readSector();
        int[] w = new int[256];
        for (int i = 0; i < 256; i++) {
            w[i] = id[2 * i] & 0xFF | (id[2 * i + 1] & 0xFF) << 8;
        }
        assertThat(w[0]).isEqualTo(0x0040);
        assertThat(w[60] | w[61] << 16).isEqualTo(SECTORS);
        assertThat(w[49] & 0x0200).isNotZero();
        assertThat(w[1]).isEqualTo(SECTORS / (16 * 63));
        StringBuilder model = new StringBuilder();
        for (int i = 27; i < 47; i++) {
            model.append((char) (w[i] >>> 8)).append((char) (w[i] & 0xFF));
        }
        assertThat(model.toString().trim()).isEqualTo("VIVARIUM HARDDISK");
        assertThat(bus.in(STATUS, 1)).isEqualTo(0x50); // DRQ gone after 256 words
    }

    @Test
    void readSectorsLba28() {
        selectLba(100, 2);
        bus.out(STATUS, 1, 0x20);
        assertThat(irq.edges).isEqualTo(1);
        bus.in(STATUS, 1);
        assertThat(readSector()).isEqualTo(expected(100));
        assertThat(irq.edges).isEqualTo(2); // one interrupt per sector
        bus.in(STATUS, 1);
        assertThat(readSector()).isEqualTo(expected(101));
        assertThat(bus.in(STATUS, 1) & 0x08).isZero();
        assertThat(bus.in(LBA0, 1)).isEqualTo(101); // task file names the last sector
        assertThat(bus.in(COUNT, 1)).isZero();
    }

    @Test
    void readSectorsChs() {
        bus.out(DEVICE, 1, 0xA1); // CHS, head 1
        bus.out(COUNT, 1, 1);
        bus.out(LBA0, 1, 1); // sector 1
        bus.out(LBA1, 1, 0);
        bus.out(LBA2, 1, 0);
        bus.out(STATUS, 1, 0x20);
        assertThat(readSector()).isEqualTo(expected(63)); // (0 * 16 + 1) * 63 + 0
    }

    @Test
    void thirtyTwoBitDataAccess() {
        selectLba(5, 1);
        bus.out(STATUS, 1, 0x20);
        int first = bus.in(DATA, 4);
        byte[] e = expected(5);
        assertThat(first).isEqualTo(e[0] & 0xFF | (e[1] & 0xFF) << 8 | (e[2] & 0xFF) << 16 | (e[3] & 0xFF) << 24);
    }

    @Test
    void writeSectorsReachesTheImageFile() throws IOException {
        byte[] data = "written by the guest".getBytes(StandardCharsets.US_ASCII);
        byte[] sector = Arrays.copyOf(data, 512);
        selectLba(7, 1);
        bus.out(STATUS, 1, 0x30);
        assertThat(irq.edges).isZero(); // the first block is requested without an interrupt
        assertThat(bus.in(STATUS, 1) & 0x08).isEqualTo(0x08);
        for (int i = 0; i < 256; i++) {
            bus.out(DATA, 2, sector[2 * i] & 0xFF | (sector[2 * i + 1] & 0xFF) << 8);
        }
        assertThat(irq.edges).isEqualTo(1);
        assertThat(bus.in(STATUS, 1)).isEqualTo(0x50);
        byte[] file = Files.readAllBytes(image);
        assertThat(Arrays.copyOfRange(file, 7 * 512, 8 * 512)).isEqualTo(sector);
        assertThat(Arrays.copyOfRange(file, 8 * 512, 9 * 512)).isEqualTo(expected(8));
        selectLba(7, 1);
        bus.out(STATUS, 1, 0x20);
        assertThat(readSector()).isEqualTo(sector);
    }

    @Test
    void readMultipleInterruptsPerBlock() {
        bus.out(DEVICE, 1, 0xE0);
        bus.out(COUNT, 1, 4);
        bus.out(STATUS, 1, 0xC6); // SET MULTIPLE 4
        assertThat(bus.in(STATUS, 1) & 0x01).isZero();
        selectLba(200, 8);
        irq.edges = 0;
        bus.out(STATUS, 1, 0xC4);
        for (int s = 0; s < 8; s++) {
            if (s % 4 == 0) {
                bus.in(STATUS, 1);
            }
            assertThat(readSector()).isEqualTo(expected(200 + s));
        }
        assertThat(irq.edges).isEqualTo(2);
        bus.out(COUNT, 1, 3);
        bus.out(STATUS, 1, 0xC6); // not a power of two
        assertThat(bus.in(STATUS, 1) & 0x01).isEqualTo(1);
        assertThat(bus.in(ERROR, 1)).isEqualTo(0x04);
    }

    @Test
    void errorsAreReportedToTheGuest() {
        selectLba(SECTORS - 1, 2); // runs off the end
        bus.out(STATUS, 1, 0x20);
        assertThat(bus.in(STATUS, 1)).isEqualTo(0x51);
        assertThat(bus.in(ERROR, 1)).isEqualTo(0x10); // IDNF
        bus.out(STATUS, 1, 0xA0); // PACKET: not an ATAPI device
        assertThat(bus.in(STATUS, 1)).isEqualTo(0x51);
        assertThat(bus.in(ERROR, 1)).isEqualTo(0x04); // ABRT
        assertThat(bus.in(DATA, 2)).isEqualTo(0xFFFF); // no data phase
    }

    @Test
    void readOnlyDiskAbortsWrites() throws IOException {
        try (FileDiskBackend ro = FileDiskBackend.open(image, true)) {
            IoBus bus2 = new IoBus();
            new AtaController(ro, high -> { }).attach(bus2);
            bus2.out(DEVICE, 1, 0xE0);
            bus2.out(COUNT, 1, 1);
            bus2.out(STATUS, 1, 0x30);
            assertThat(bus2.in(STATUS, 1) & 0x09).isEqualTo(0x01);
        }
    }

    @Test
    void absentSlaveReadsZeroAndIgnoresCommands() {
        bus.out(DEVICE, 1, 0xB0);
        assertThat(bus.in(STATUS, 1)).isZero();
        bus.out(STATUS, 1, 0xEC);
        assertThat(bus.in(STATUS, 1)).isZero();
        assertThat(irq.edges).isZero();
        bus.out(DEVICE, 1, 0xA0);
        assertThat(bus.in(STATUS, 1)).isEqualTo(0x50);
    }

    @Test
    void softResetRestoresSignatureAndNienMasksInterrupts() {
        bus.out(ALT_STATUS, 1, 0x06); // SRST + nIEN
        assertThat(bus.in(ALT_STATUS, 1) & 0x80).isEqualTo(0x80);
        bus.out(ALT_STATUS, 1, 0x02);
        assertThat(bus.in(STATUS, 1)).isEqualTo(0x50);
        assertThat(bus.in(COUNT, 1)).isEqualTo(1);
        assertThat(bus.in(LBA0, 1)).isEqualTo(1);
        assertThat(bus.in(ERROR, 1)).isEqualTo(1);
        bus.out(STATUS, 1, 0xE7); // flush: completes, but nIEN keeps INTRQ low
        assertThat(irq.edges).isZero();
        bus.out(ALT_STATUS, 1, 0x00);
        assertThat(irq.edges).isEqualTo(1); // the pending interrupt shows once enabled
    }

    @Test
    void rejectsImageThatIsNotWholeSectors() throws IOException {
        Path odd = dir.resolve("odd.img");
        Files.write(odd, new byte[1000]);
        assertThatThrownBy(() -> FileDiskBackend.open(odd, true))
                .isInstanceOf(IOException.class).hasMessageContaining("not a non-zero multiple of 512");
    }

    @Test
    void captureMidSectorResumesAtTheSameWord() {
        selectLba(300, 3);
        bus.out(STATUS, 1, 0x20);
        for (int i = 0; i < 100; i++) {
            bus.in(DATA, 2);
        }
        byte[] state = Snapshots.capture(ata);

        IoBus bus2 = new IoBus();
        AtaController copy = new AtaController(disk, high -> { }).attach(bus2);
        Snapshots.restore(state, copy);
        for (int i = 100; i < 3 * 256; i++) {
            assertThat(bus2.in(DATA, 2)).as("word %d", i).isEqualTo(bus.in(DATA, 2));
        }
        assertThat(bus2.in(STATUS, 1)).isEqualTo(bus.in(STATUS, 1)).isEqualTo(0x50);
        assertThat(bus2.in(LBA0, 1)).isEqualTo(bus.in(LBA0, 1)).isEqualTo(302 & 0xFF);
    }
}
