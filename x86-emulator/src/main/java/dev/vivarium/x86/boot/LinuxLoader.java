package dev.vivarium.x86.boot;

import dev.vivarium.x86.bus.PhysicalMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Boots a Linux bzImage by the 32-bit boot protocol (the kernel's
 * Documentation/arch/x86/boot.rst), as boot loaders do that skip the kernel's real-mode setup
 * code because there is no BIOS to run it: the protected-mode kernel goes to 0x100000, the
 * initrd to the top of RAM, and the "zero page" ({@code struct boot_params}: the setup header
 * copied from the file, the e820 memory map, the command line and initrd pointers, the loader's
 * type) into conventional memory; the kernel is entered at its 32-bit entry point with flat
 * segments __BOOT_CS (0x10) and __BOOT_DS (0x18), interrupts off, paging off and ESI pointing at
 * the zero page.
 *
 * <p>Conventional memory as this loader leaves it: the GDT at 0x500, the zero page at
 * {@link #ZERO_PAGE} (4 KiB), the command line at {@link #CMDLINE}; everything else below
 * 640 KiB is free RAM in the e820 map, 0x9FC00-0xFFFFF is reserved (EBDA, video, BIOS).
 */
public final class LinuxLoader {

    /** "HdrS" at 0x202: the setup header of boot protocol 2.00 and later. */
    public static final int HEADER_MAGIC = 0x53726448;
    /** The oldest protocol we load: 2.06 gives cmdline_size, and with it every field we read. */
    static final int MIN_VERSION = 0x0206;
    static final int ZERO_PAGE = 0x7000;
    static final int CMDLINE = 0x8000;
    static final int CODE_SELECTOR = 0x10, DATA_SELECTOR = 0x18;
    /** type_of_loader: "undefined", what the protocol asks of loaders without an assigned id. */
    private static final int LOADER_TYPE = 0xFF;
    private static final int LOADED_HIGH = 0x01;
    private static final long KERNEL_BASE = 0x100000;
    private static final int E820_RAM = 1, E820_RESERVED = 2;

    // Offsets in the setup header and the zero page (struct boot_params).
    private static final int SETUP_SECTS = 0x1F1, BOOT_FLAG = 0x1FE, HEADER = 0x202, VERSION = 0x206,
            TYPE_OF_LOADER = 0x210, LOADFLAGS = 0x211, CODE32_START = 0x214, RAMDISK_IMAGE = 0x218,
            RAMDISK_SIZE = 0x21C, CMD_LINE_PTR = 0x228, INITRD_ADDR_MAX = 0x22C, CMDLINE_SIZE = 0x238,
            PREF_ADDRESS = 0x258, INIT_SIZE = 0x260;
    private static final int ALT_MEM_K = 0x1E0, E820_ENTRIES = 0x1E8, E820_TABLE = 0x2D0;
    /** The BIOS data area's base memory size in KiB (0x413) and EBDA segment (0x40E), as firmware leaves them. */
    private static final int BDA_EBDA_SEGMENT = 0x40E, BDA_BASE_KIB = 0x413;

    private LinuxLoader() {
    }

    /** Whether the file carries a Linux setup header ("HdrS" at 0x202 and the 0xAA55 boot flag). */
    public static boolean looksLikeBzImage(byte[] image) {
        if (image.length < 0x260) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        return b.getInt(HEADER) == HEADER_MAGIC && (b.getShort(BOOT_FLAG) & 0xFFFF) == 0xAA55;
    }

    /**
     * Checks the kernel, the initrd and the command line against the header and the memory,
     * then loads them; nothing is written to memory unless everything fits.
     *
     * @param initrd the initial ramdisk (an initramfs archive, compressed or not), or null for none
     */
    public static BootState load(byte[] kernel, byte[] initrd, String cmdline, PhysicalMemory memory, long memorySize)
            throws BootImageException {
        if (!looksLikeBzImage(kernel)) {
            throw new BootImageException("not a Linux kernel: no boot protocol header (\"HdrS\" at 0x202 and 0xAA55 at 0x1FE)");
        }
        ByteBuffer h = ByteBuffer.wrap(kernel).order(ByteOrder.LITTLE_ENDIAN);
        int version = h.getShort(VERSION) & 0xFFFF;
        if (version < MIN_VERSION) {
            throw new BootImageException(String.format(
                    "the kernel speaks boot protocol %d.%02d; this loader needs %d.%02d or later (Linux 2.6.22 on)",
                    version >> 8, version & 0xFF, MIN_VERSION >> 8, MIN_VERSION & 0xFF));
        }
        if ((h.get(LOADFLAGS) & LOADED_HIGH) == 0) {
            throw new BootImageException("a zImage (loaded low, below 640 KiB) is not supported: give a bzImage");
        }
        int setupSects = h.get(SETUP_SECTS) & 0xFF;
        if (setupSects == 0) {
            setupSects = 4; // what the protocol says 0 means
        }
        int payload = (setupSects + 1) * 512;
        if (payload >= kernel.length) {
            throw new BootImageException("the kernel file ends inside its real-mode setup code (" + setupSects + " sectors)");
        }
        int headerEnd = HEADER + (h.get(0x201) & 0xFF); // the jump at 0x200 skips the header: its end
        if (headerEnd > 0x290 || headerEnd < INIT_SIZE + 4 && version >= 0x020A) {
            throw new BootImageException(String.format("the setup header's length (ends at 0x%x) is not plausible", headerEnd));
        }
        long cmdlineMax = h.getInt(CMDLINE_SIZE) & 0xFFFFFFFFL;
        byte[] cmd = cmdline.getBytes(StandardCharsets.UTF_8);
        if (cmd.length > cmdlineMax || cmd.length >= 4096) {
            throw new BootImageException("the kernel command line has " + cmd.length
                    + " bytes; this kernel takes at most " + Math.min(cmdlineMax, 4095));
        }
        long kernelBytes = kernel.length - payload;
        // Where the kernel will run: a relocatable kernel decompresses itself to pref_address and
        // needs init_size bytes from there (protocol 2.10); an older one runs where it was loaded.
        long runBase = version >= 0x020A ? Math.max(KERNEL_BASE, h.getLong(PREF_ADDRESS)) : KERNEL_BASE;
        long runSize = version >= 0x020A ? h.getInt(INIT_SIZE) & 0xFFFFFFFFL : kernelBytes;
        long kernelEnd = Math.max(KERNEL_BASE + kernelBytes, runBase + runSize);
        if (kernelEnd > memorySize) {
            throw new BootImageException(String.format(
                    "the kernel needs memory up to 0x%x (%d MiB) but the machine has only %d MiB; give it more with --memory",
                    kernelEnd, (kernelEnd + (1 << 20) - 1) >> 20, memorySize >> 20));
        }
        long initrdAddress = 0;
        if (initrd != null && initrd.length > 0) {
            long max = (h.getInt(INITRD_ADDR_MAX) & 0xFFFFFFFFL) + 1;
            long top = Math.min(memorySize, max);
            initrdAddress = (top - initrd.length) & ~0xFFFL;
            if (initrdAddress < kernelEnd) {
                throw new BootImageException(String.format(
                        "the initrd (%d KiB) does not fit between the kernel (up to 0x%x) and the top of memory (0x%x);"
                                + " give the machine more with --memory", (initrd.length + 1023) >> 10, kernelEnd, top));
            }
        }

        copy(kernel, payload, (int) kernelBytes, (int) KERNEL_BASE, memory);
        if (initrdAddress != 0) {
            copy(initrd, 0, initrd.length, (int) initrdAddress, memory);
        }
        for (int i = 0; i < 4096; i++) {
            memory.writeByte(ZERO_PAGE + i, 0);
        }
        copy(kernel, SETUP_SECTS, headerEnd - SETUP_SECTS, ZERO_PAGE + SETUP_SECTS, memory);
        copy(cmd, 0, cmd.length, CMDLINE, memory);
        memory.writeByte(CMDLINE + cmd.length, 0);
        memory.writeByte(ZERO_PAGE + TYPE_OF_LOADER, LOADER_TYPE);
        memory.writeByte(ZERO_PAGE + LOADFLAGS, h.get(LOADFLAGS) & LOADED_HIGH); // no heap: the setup code does not run
        memory.writeDword(ZERO_PAGE + CODE32_START, (int) KERNEL_BASE);
        memory.writeDword(ZERO_PAGE + CMD_LINE_PTR, CMDLINE);
        memory.writeDword(ZERO_PAGE + RAMDISK_IMAGE, (int) initrdAddress);
        memory.writeDword(ZERO_PAGE + RAMDISK_SIZE, initrdAddress == 0 ? 0 : initrd.length);
        writeMemoryMap(memory, memorySize);
        return BootState.linux((int) KERNEL_BASE, ZERO_PAGE);
    }

    /** The e820 map a PC BIOS reports, and the BIOS data area fields the kernel reads beside it. */
    private static void writeMemoryMap(PhysicalMemory memory, long memorySize) {
        long[][] regions = {
                {0, 0x9FC00, E820_RAM},
                {0x9FC00, 0x400, E820_RESERVED},   // extended BIOS data area
                {0xE0000, 0x20000, E820_RESERVED}, // BIOS ROM
                {KERNEL_BASE, memorySize - KERNEL_BASE, E820_RAM},
        };
        int at = ZERO_PAGE + E820_TABLE;
        for (long[] r : regions) {
            memory.writeDword(at, (int) r[0]);
            memory.writeDword(at + 4, (int) (r[0] >>> 32));
            memory.writeDword(at + 8, (int) r[1]);
            memory.writeDword(at + 12, (int) (r[1] >>> 32));
            memory.writeDword(at + 16, (int) r[2]);
            at += 20;
        }
        memory.writeByte(ZERO_PAGE + E820_ENTRIES, regions.length);
        memory.writeDword(ZERO_PAGE + ALT_MEM_K, (int) ((memorySize - KERNEL_BASE) >> 10));
        memory.writeWord(BDA_EBDA_SEGMENT, 0x9FC0);
        memory.writeWord(BDA_BASE_KIB, 0x9FC00 >> 10);
    }

    private static void copy(byte[] from, int offset, int length, int address, PhysicalMemory memory) {
        for (int i = 0; i < length; i++) {
            memory.writeByte(address + i, from[offset + i]);
        }
    }
}
