package dev.vivarium.x86.devices.pc;

import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.ata.FileDiskBackend;
import dev.vivarium.x86.devices.pic.DualPic;
import dev.vivarium.x86.memory.GuestMemory;
import dev.vivarium.x86.state.StateFile;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The devices together, driven by a scripted stand-in for guest code: it programs them through
 * ports, takes interrupts through the PIC's acknowledge cycle, and keeps its own variables in
 * guest RAM (so capturing memory and chipset captures the whole "guest").
 */
class PcChipsetTest {

    private static final long START = 1_764_000_000_000_000_000L;
    private static final int INSTRUCTIONS_PER_STEP = 2_000; // 20 µs of virtual time
    private static final int TICKS = 0x1000, RTC_IRQS = 0x1004, RX_SUM = 0x1008, DISK_SUM = 0x100C, DISK_WORDS = 0x1010;

    @TempDir
    Path dir;
    private FileDiskBackend disk;

    @BeforeEach
    void image() throws IOException {
        byte[] content = new byte[64 * 512];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + 7);
        }
        Path file = dir.resolve("disk.img");
        Files.write(file, content);
        disk = FileDiskBackend.open(file, true);
    }

    @AfterEach
    void close() throws IOException {
        disk.close();
    }

    final class Guest {
        final GuestMemory memory = new GuestMemory(1 << 20);
        final VirtualClock clock = VirtualClock.deterministic(START);
        final List<Integer> exits = new ArrayList<>();
        int resets;
        final PcChipset chipset;
        final IoBus io;
        final DualPic pic;
        final StringBuilder serial = new StringBuilder();
        final List<String> trace = new ArrayList<>();

        Guest() {
            this(false);
        }

        Guest(boolean pacedSerial) {
            chipset = new PcChipset(memory, clock, disk, () -> resets++, exits::add, pacedSerial);
            io = chipset.ioPorts();
            pic = chipset.interrupts();
            chipset.serial().output().subscribe(b -> serial.append((char) b));
        }

        void boot() {
            io.out(0x20, 1, 0x11);
            io.out(0x21, 1, 0x20);
            io.out(0x21, 1, 0x04);
            io.out(0x21, 1, 0x01);
            io.out(0xA0, 1, 0x11);
            io.out(0xA1, 1, 0x28);
            io.out(0xA1, 1, 0x02);
            io.out(0xA1, 1, 0x01);
            io.out(0x21, 1, 0x00);
            io.out(0xA1, 1, 0x00);
            io.out(0x43, 1, 0x34); // PIT channel 0, mode 2, 1000 Hz
            io.out(0x40, 1, 1193 & 0xFF);
            io.out(0x40, 1, 1193 >> 8);
            io.out(0x70, 1, 0x0A);
            io.out(0x71, 1, 0x2A); // RTC 64 Hz
            io.out(0x70, 1, 0x0B);
            io.out(0x71, 1, 0x42); // PIE, 24h, BCD
            io.out(0x3FB, 1, 0x80);
            io.out(0x3F8, 1, 0x01);
            io.out(0x3F9, 1, 0x00);
            io.out(0x3FB, 1, 0x03);
            io.out(0x3FA, 1, 0x87); // FIFO, 8-byte trigger
            io.out(0x3FC, 1, 0x0B);
            io.out(0x3F9, 1, 0x01); // RDA interrupts
            chipset.serial().input().write("hello, chipset".getBytes(StandardCharsets.US_ASCII));
            io.out(0x1F6, 1, 0xE0);
            io.out(0x1F2, 1, 3);
            io.out(0x1F3, 1, 10);
            io.out(0x1F4, 1, 0);
            io.out(0x1F5, 1, 0);
            io.out(0x1F7, 1, 0x20); // READ SECTORS 10..12, consumed a little per timer tick
        }

        void step() {
            clock.advanceInstructions(INSTRUCTIONS_PER_STEP);
            chipset.runDueTimers();
            chipset.pollHostInput();
            while (pic.pending()) {
                int vector = pic.acknowledge();
                trace.add(clock.nanos() + ":" + Integer.toHexString(vector));
                handle(vector);
                if (vector >= 0x28 && vector != 0x2F) {
                    io.out(0xA0, 1, 0x20);
                }
                if (vector != 0x27) {
                    io.out(0x20, 1, 0x20);
                }
            }
        }

        private void add(int address, int delta) {
            memory.writeDword(address, memory.readDword(address) + delta);
        }

        private void handle(int vector) {
            switch (vector) {
                case 0x20 -> {
                    add(TICKS, 1);
                    int ticks = memory.readDword(TICKS);
                    if (ticks % 25 == 0) {
                        for (char c : ("t" + ticks + " ").toCharArray()) {
                            io.out(0x3F8, 1, c);
                        }
                    }
                    for (int i = 0; i < 37 && (io.in(0x3F6, 1) & 0x08) != 0; i++) {
                        add(DISK_SUM, io.in(0x1F0, 2) * (memory.readDword(DISK_WORDS) + 1));
                        add(DISK_WORDS, 1);
                    }
                }
                case 0x28 -> {
                    io.out(0x70, 1, 0x0C);
                    io.in(0x71, 1);
                    add(RTC_IRQS, 1);
                }
                case 0x24 -> {
                    while ((io.in(0x3FD, 1) & 0x01) != 0) {
                        int b = io.in(0x3F8, 1);
                        add(RX_SUM, b);
                        io.out(0x3F8, 1, Character.toUpperCase(b));
                    }
                    io.in(0x3FA, 1);
                }
                case 0x2E -> io.in(0x1F7, 1);
                default -> trace.add("unexpected " + vector);
            }
        }

        void run(int steps) {
            for (int i = 0; i < steps; i++) {
                step();
            }
        }

        byte[] capture() {
            StateWriter w = new StateWriter();
            memory.save(w);
            chipset.save(w);
            return StateFile.seal(w);
        }

        void restore(byte[] file) {
            StateReader r = StateFile.open(file);
            memory.restore(r);
            chipset.restore(r);
        }
    }

    @Test
    void interruptsFromEveryDeviceArriveThroughThePic() {
        Guest g = new Guest();
        g.boot();
        g.run(5_000); // 100 ms
        // 100 periods of 1193 ticks, plus the edge of OUT rising when mode 2 was programmed
        assertThat(g.memory.readDword(TICKS)).isEqualTo(101);
        assertThat(g.memory.readDword(RTC_IRQS)).isEqualTo(6); // 64 Hz: 15.6, 31.3 ... 93.8 ms
        assertThat(g.serial.toString()).startsWith("HELLO, CHIPSET").contains("t25 ", "t50 ", "t75 ", "t100 ");
        assertThat(g.memory.readDword(DISK_WORDS)).isEqualTo(3 * 256); // the whole read was drained
        assertThat(g.trace).noneMatch(t -> t.startsWith("unexpected"));
        assertThat(g.trace).anyMatch(t -> t.endsWith(":2e")).anyMatch(t -> t.endsWith(":28"))
                .anyMatch(t -> t.endsWith(":24"));
    }

    @Test
    void captureAndRestoreAnywhereGivesTheSameRun() {
        assertCaptureAnywhereGivesTheSameRun(false);
    }

    /** Paced serial: at most capture points a byte is on the wire and others wait in the FIFO. */
    @Test
    void captureWithTheUartBusyGivesTheSameRun() {
        assertCaptureAnywhereGivesTheSameRun(true);
    }

    private void assertCaptureAnywhereGivesTheSameRun(boolean pacedSerial) {
        int total = 4_000;
        Guest straight = new Guest(pacedSerial);
        straight.boot();
        straight.run(total);
        byte[] finalState = straight.capture();

        assertThat(straight.serial.toString()).startsWith("HELLO, CHIPSET");
        for (int at : new int[] {0, 1, 7, 49, 50, 333, 1_234, 2_999}) {
            Guest first = new Guest(pacedSerial);
            first.boot();
            first.run(at);
            byte[] state = first.capture();

            Guest resumed = new Guest(pacedSerial);
            resumed.restore(state);
            resumed.serial.append(first.serial);
            resumed.trace.addAll(first.trace);
            resumed.run(total - at);

            assertThat(resumed.trace).as("trace, captured at step %d", at).isEqualTo(straight.trace);
            assertThat(resumed.serial.toString()).as("serial, captured at step %d", at)
                    .isEqualTo(straight.serial.toString());
            assertThat(resumed.capture()).as("final state, captured at step %d", at).isEqualTo(finalState);
        }
    }

    @Test
    void guestResetsAndExitsReachTheBoard() {
        Guest g = new Guest();
        g.io.out(0x64, 1, 0xFE);
        g.io.out(0x92, 1, 0x01);
        g.io.out(0xF4, 1, 3);
        assertThat(g.resets).isEqualTo(2);
        assertThat(g.exits).containsExactly(3);
        assertThat(g.chipset.debugExit().exitRequest()).hasValue(3);
    }

    @Test
    void refusesCaptureFromMachineWithoutDisk() {
        Guest g = new Guest();
        GuestMemory memory = new GuestMemory(1 << 20);
        VirtualClock clock = VirtualClock.deterministic(START);
        PcChipset diskless = new PcChipset(memory, clock, null, () -> { }, code -> { });
        StateWriter w = new StateWriter();
        diskless.save(w);
        byte[] state = StateFile.seal(w);
        assertThatThrownBy(() -> g.chipset.restore(StateFile.open(state)))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("without a disk");
    }
}
