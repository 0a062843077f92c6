package dev.vivarium.x86.boot;

import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import dev.vivarium.x86.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The 32-bit boot protocol on a small bzImage made here: its setup header and a 32-bit payload. */
class LinuxLoaderTest {

    private static final long MEMORY = 32 << 20;

    /**
     * The payload checks what the protocol promises (CS 0x10, DS 0x18, ESI at a zero page with the
     * header in it), prints the command line's first byte and the initrd's first byte on 0xE9 and
     * exits with the number of e820 entries.
     */
    private static final byte[] PAYLOAD = {
            0x66, (byte) 0x8C, (byte) 0xC8,                          // mov ax,cs
            0x66, 0x3D, 0x10, 0x00,                                  // cmp ax,0x10
            0x75, 0x32,                                              // jne fail
            0x66, (byte) 0x8C, (byte) 0xD8,                          // mov ax,ds
            0x66, 0x3D, 0x18, 0x00,                                  // cmp ax,0x18
            0x75, 0x29,                                              // jne fail
            (byte) 0x81, (byte) 0xBE, 0x02, 0x02, 0, 0, 0x48, 0x64, 0x72, 0x53, // cmp dword [esi+0x202],"HdrS"
            0x75, 0x1D,                                              // jne fail
            (byte) 0x8B, (byte) 0x9E, 0x28, 0x02, 0, 0,              // mov ebx,[esi+0x228] (cmd_line_ptr)
            (byte) 0x8A, 0x03,                                       // mov al,[ebx]
            (byte) 0xE6, (byte) 0xE9,                                // out 0xE9,al
            (byte) 0x8B, (byte) 0x9E, 0x18, 0x02, 0, 0,              // mov ebx,[esi+0x218] (ramdisk_image)
            (byte) 0x8A, 0x03,                                       // mov al,[ebx]
            (byte) 0xE6, (byte) 0xE9,                                // out 0xE9,al
            0x0F, (byte) 0xB6, (byte) 0x86, (byte) 0xE8, 0x01, 0, 0, // movzx eax,byte [esi+0x1E8] (e820_entries)
            (byte) 0xE6, (byte) 0xF4,                                // out 0xF4,al
            (byte) 0xB0, 0x63, (byte) 0xE6, (byte) 0xF4              // fail: mov al,99; out 0xF4,al
    };

    /** A bzImage of protocol 2.15 with {@code setupSects} sectors of setup code and the payload after them. */
    static byte[] bzImage(int setupSects, int version, byte[] payload, long prefAddress, int initSize) {
        byte[] image = new byte[(setupSects + 1) * 512 + payload.length];
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSects);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x200, (byte) 0xEB).put(0x201, (byte) 0x6A); // jmp over the header: it ends at 0x26C
        b.putInt(0x202, LinuxLoader.HEADER_MAGIC);
        b.putShort(0x206, (short) version);
        b.put(0x211, (byte) 0x01);                          // LOADED_HIGH
        b.putInt(0x214, 0x100000);
        b.putInt(0x22C, 0x7FFFFFFF);                        // initrd_addr_max
        b.putInt(0x238, 2047);                              // cmdline_size
        b.putLong(0x258, prefAddress);
        b.putInt(0x260, initSize);
        System.arraycopy(payload, 0, image, (setupSects + 1) * 512, payload.length);
        return image;
    }

    @Test
    void entersTheKernelAsTheProtocolSays() throws Exception {
        byte[] kernel = bzImage(4, 0x020F, PAYLOAD, 0x100000, 0x10000);
        byte[] initrd = "Initrd".getBytes(StandardCharsets.US_ASCII);
        try (PcMachine machine = PcMachine.create(new MachineConfig(MEMORY,
                new MachineConfig.LinuxKernel(kernel, initrd, "console=ttyS0"), null, false, 0))) {
            Cpu cpu = machine.cpu();
            assertThat(cpu.eip()).isEqualTo(0x100000);
            assertThat(cpu.reg(Cpu.ESI)).isEqualTo(LinuxLoader.ZERO_PAGE);
            assertThat(cpu.reg(Cpu.EBX) | cpu.reg(Cpu.EBP) | cpu.reg(Cpu.EDI)).isZero();
            assertThat(cpu.eflags() & 0x200).as("interrupts off").isZero();
            assertThat(cpu.cr(0) & 0x80000001).as("PE on, paging off").isEqualTo(1);
            ByteArrayOutputStream debug = new ByteArrayOutputStream();
            machine.chipset().debugConsole().output().subscribe(debug::write);
            assertThat(machine.run(1000)).isEqualTo(new RunResult.Exited(4));
            assertThat(debug.toString(StandardCharsets.US_ASCII)).isEqualTo("cI");
        }
    }

    @Test
    void zeroPageCarriesHeaderMemoryMapCommandLineAndInitrd() throws Exception {
        byte[] kernel = bzImage(2, 0x020F, PAYLOAD, 0x1000000, 0x200000);
        byte[] initrd = new byte[10_000];
        initrd[0] = 0x1F;
        initrd[9_999] = 0x42;
        GuestMemory memory = new GuestMemory(MEMORY);
        BootState state = LinuxLoader.load(kernel, initrd, "root=/dev/ram0 quiet", memory, MEMORY);
        assertThat(state.esi()).isEqualTo(LinuxLoader.ZERO_PAGE);
        int zp = LinuxLoader.ZERO_PAGE;
        assertThat(memory.readDword(zp + 0x202)).isEqualTo(LinuxLoader.HEADER_MAGIC);
        assertThat(memory.readWord(zp + 0x206)).isEqualTo(0x020F);
        assertThat(memory.readByte(zp + 0x210)).as("type_of_loader").isEqualTo(0xFF);
        assertThat(memory.readDword(zp + 0x228)).isEqualTo(LinuxLoader.CMDLINE);
        assertThat(new String(memory.read(LinuxLoader.CMDLINE, 21), StandardCharsets.US_ASCII))
                .isEqualTo("root=/dev/ram0 quiet\0");
        int initrdAt = memory.readDword(zp + 0x218);
        assertThat(memory.readDword(zp + 0x21C)).isEqualTo(10_000);
        assertThat(initrdAt & 0xFFF).as("page aligned").isZero();
        assertThat((long) initrdAt + 10_000).isLessThanOrEqualTo(MEMORY).isGreaterThan(MEMORY - 4096 - 10_000);
        assertThat(memory.readByte(initrdAt)).isEqualTo(0x1F);
        assertThat(memory.readByte(initrdAt + 9_999)).isEqualTo(0x42);
        assertThat(memory.readByte(0x100000)).as("the protected-mode kernel after the setup sectors")
                .isEqualTo(PAYLOAD[0] & 0xFF);
        // e820: low RAM, EBDA, BIOS, RAM from 1 MiB to the top
        assertThat(memory.readByte(zp + 0x1E8)).isEqualTo(4);
        long[][] expected = {{0, 0x9FC00, 1}, {0x9FC00, 0x400, 2}, {0xE0000, 0x20000, 2}, {0x100000, MEMORY - 0x100000, 1}};
        for (int i = 0; i < expected.length; i++) {
            int e = zp + 0x2D0 + i * 20;
            long base = memory.readDword(e) & 0xFFFFFFFFL | (long) memory.readDword(e + 4) << 32;
            long size = memory.readDword(e + 8) & 0xFFFFFFFFL | (long) memory.readDword(e + 12) << 32;
            assertThat(new long[]{base, size, memory.readDword(e + 16)}).as("e820 entry " + i).containsExactly(expected[i]);
        }
        assertThat(memory.readWord(0x413)).as("BIOS data area: base memory in KiB").isEqualTo(639);
    }

    @Test
    void badKernelsAndMisfitsAreRefusedBeforeAnythingIsWritten() {
        GuestMemory memory = new GuestMemory(MEMORY);
        assertThatThrownBy(() -> LinuxLoader.load(new byte[4096], null, "", memory, MEMORY))
                .isInstanceOf(BootImageException.class).hasMessageContaining("HdrS");
        assertThatThrownBy(() -> LinuxLoader.load(bzImage(4, 0x0204, PAYLOAD, 0, 0), null, "", memory, MEMORY))
                .isInstanceOf(BootImageException.class).hasMessageContaining("protocol 2.04");
        byte[] zImage = bzImage(4, 0x020F, PAYLOAD, 0x100000, 0x10000);
        zImage[0x211] = 0;
        assertThatThrownBy(() -> LinuxLoader.load(zImage, null, "", memory, MEMORY))
                .isInstanceOf(BootImageException.class).hasMessageContaining("zImage");
        byte[] truncated = java.util.Arrays.copyOf(bzImage(40, 0x020F, PAYLOAD, 0x100000, 0x10000), 4096);
        assertThatThrownBy(() -> LinuxLoader.load(truncated, null, "", memory, MEMORY))
                .isInstanceOf(BootImageException.class).hasMessageContaining("setup code");
        byte[] big = bzImage(4, 0x020F, PAYLOAD, 0x1000000, 0x1100000);
        assertThatThrownBy(() -> LinuxLoader.load(big, null, "", memory, MEMORY))
                .isInstanceOf(BootImageException.class).hasMessageContaining("needs memory up to 0x2100000 (33 MiB)");
        byte[] fits = bzImage(4, 0x020F, PAYLOAD, 0x1000000, 0xF00000);
        assertThatThrownBy(() -> LinuxLoader.load(fits, new byte[2 << 20], "", memory, MEMORY))
                .isInstanceOf(BootImageException.class).hasMessageContaining("initrd (2048 KiB) does not fit");
        assertThatThrownBy(() -> LinuxLoader.load(fits, null, "x".repeat(2048), memory, MEMORY))
                .isInstanceOf(BootImageException.class).hasMessageContaining("at most 2047");
        assertThat(memory.allocatedPages()).isZero();
    }

    @Test
    void recognisesABzImageByItsHeader() {
        assertThat(LinuxLoader.looksLikeBzImage(bzImage(4, 0x020F, PAYLOAD, 0, 0))).isTrue();
        assertThat(LinuxLoader.looksLikeBzImage(new byte[0x1000])).isFalse();
        assertThat(LinuxLoader.looksLikeBzImage(new byte[10])).isFalse();
    }
}
