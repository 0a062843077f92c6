package dev.vivarium.x86.boot;

import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import dev.vivarium.x86.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootTest {

    /** OUT to 0xE9 of AL = 'B', then OUT 0xF4 with 7: in real mode from the reset vector. */
    @Test
    void biosRomStartsAtTheResetVectorInRealMode() throws Exception {
        byte[] rom = new byte[65536];
        Arrays.fill(rom, (byte) 0xF4);
        int code = 0xE000; // F000:E000
        byte[] program = {
                (byte) 0xB0, 'B', (byte) 0xE6, (byte) 0xE9,  // mov al,'B'; out 0xE9,al
                (byte) 0x8C, (byte) 0xC8,                   // mov ax,cs
                (byte) 0x3D, 0x00, (byte) 0xF0,             // cmp ax,0xF000
                0x75, 0x04,                                 // jne fail
                (byte) 0xB0, 0x07, (byte) 0xE6, (byte) 0xF4, // mov al,7; out 0xF4,al
                (byte) 0xB0, 0x01, (byte) 0xE6, (byte) 0xF4  // fail: mov al,1; out 0xF4,al
        };
        System.arraycopy(program, 0, rom, code, program.length);
        byte[] reset = {(byte) 0xEA, 0x00, (byte) 0xE0, 0x00, (byte) 0xF0}; // jmp far F000:E000
        System.arraycopy(reset, 0, rom, 0xFFF0, reset.length);
        try (PcMachine machine = PcMachine.create(new MachineConfig(1 << 20, new MachineConfig.BiosRom(rom), null, false,
                MachineConfig.DEFAULT_START_EPOCH_NANOS))) {
            ByteArrayOutputStream debug = new ByteArrayOutputStream();
            machine.chipset().debugConsole().output().subscribe(debug::write);
            assertThat(machine.run(1000)).isEqualTo(new RunResult.Exited(7));
            assertThat(debug.toString()).isEqualTo("B");
        }
    }

    @Test
    void biosRomOfAWrongSizeIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> PcMachine.create(new MachineConfig(1 << 20, new MachineConfig.BiosRom(new byte[1000]),
                null, false, 0))).isInstanceOf(BootImageException.class).hasMessageContaining("multiple of 64 KiB");
    }

    @Test
    void flatBinaryRunsInFlatProtectedModeAtItsEntry() throws Exception {
        byte[] program = {
                (byte) 0x90,                                   // nop (load address; entry is one past)
                (byte) 0xB8, 0x2A, 0, 0, 0,                    // mov eax,42
                (byte) 0xE6, (byte) 0xF4                       // out 0xF4,al
        };
        try (PcMachine machine = PcMachine.create(new MachineConfig(1 << 20,
                new MachineConfig.FlatBinary(program, 0x20000, 0x20001), null, false, 0))) {
            assertThat(machine.run(100)).isEqualTo(new RunResult.Exited(42));
            assertThat(machine.cpu().cr(0) & 1).isEqualTo(1);
        }
    }

    @Test
    void flatBinaryOutsideMemoryOrWithEntryOutsideIsRefused() {
        GuestMemory mem = new GuestMemory(1 << 20);
        assertThatThrownBy(() -> FlatBinaryLoader.load(new byte[16], 0xFFFF8, 0xFFFF8, mem, 1 << 20))
                .isInstanceOf(BootImageException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> FlatBinaryLoader.load(new byte[16], 0x20000, 0x30000, mem, 1 << 20))
                .isInstanceOf(BootImageException.class).hasMessageContaining("entry");
        assertThat(mem.allocatedPages()).isZero();
    }

    @Test
    void malformedElfImagesAreRefusedWithTheReason() {
        GuestMemory mem = new GuestMemory(16 << 20);
        assertThatThrownBy(() -> MultibootLoader.load(new byte[100], "", mem, 16 << 20))
                .isInstanceOf(BootImageException.class).hasMessageContaining("no Multiboot header");
        byte[] truncated = Arrays.copyOf(multibootElfHeaderOnly(), 64);
        assertThatThrownBy(() -> MultibootLoader.load(truncated, "", mem, 16 << 20))
                .isInstanceOf(BootImageException.class);
        assertThat(mem.allocatedPages()).isZero();
    }

    @Test
    void kernelLargerThanMemoryIsRefused() throws Exception {
        byte[] unpack = dev.vivarium.x86.machine.TestImages.image("unpack");
        GuestMemory mem = new GuestMemory(1 << 20);
        assertThatThrownBy(() -> MultibootLoader.load(unpack, "", mem, 1 << 20))
                .isInstanceOf(BootImageException.class).hasMessageContaining("--memory");
        assertThat(mem.allocatedPages()).isZero();
    }

    @Test
    void multibootInformationCarriesMemoryAndCommandLine() throws Exception {
        byte[] hello = dev.vivarium.x86.machine.TestImages.image("hello");
        GuestMemory mem = new GuestMemory(32 << 20);
        BootState state = MultibootLoader.load(hello, "name=x", mem, 32 << 20);
        assertThat(state.eax()).isEqualTo(0x2BADB002);
        int info = state.ebx();
        assertThat(mem.readDword(info) & 0x245).isEqualTo(0x245); // mem, cmdline, mmap, loader name
        assertThat(mem.readDword(info + 4)).isEqualTo(640);
        assertThat(mem.readDword(info + 8)).isEqualTo((32 << 10) - 1024);
        int cmd = mem.readDword(info + 16);
        assertThat(new String(mem.read(cmd, 6))).isEqualTo("name=x");
        assertThat(mem.readByte(cmd + 6)).isZero();
    }

    /** A multiboot header followed by an ELF magic that is cut short. */
    private static byte[] multibootElfHeaderOnly() {
        byte[] b = new byte[128];
        b[0] = 0x7F;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        int magic = 0x1BADB002, flags = 0, sum = -(magic + flags);
        putInt(b, 64, magic);
        putInt(b, 68, flags);
        putInt(b, 72, sum);
        return b;
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
