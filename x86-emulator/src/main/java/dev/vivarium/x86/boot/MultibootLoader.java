package dev.vivarium.x86.boot;

import dev.vivarium.x86.bus.PhysicalMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Boots a Multiboot (version 1) kernel the way {@code qemu-system-i386 -kernel} does: loads an
 * ELF32 image (or one using the a.out kludge), writes the Multiboot information (memory sizes,
 * memory map, command line, loader name) into conventional memory, and starts it in 32-bit
 * flat protected mode with EAX = 0x2BADB002 and EBX pointing at the information.
 */
public final class MultibootLoader {

    public static final int HEADER_MAGIC = 0x1BADB002;
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;
    /** Header flags we honour: page alignment (0), memory information (1), video mode (2, ignored: no display). */
    private static final int SUPPORTED_REQUIRED = 0x7;
    private static final int AOUT_KLUDGE = 1 << 16;

    /** The information block and what hangs off it live in [INFO_BASE, INFO_END). */
    static final int INFO_BASE = 0x8000;
    static final int INFO_END = 0x10000;
    private static final int MAX_CMDLINE = 4096;

    private MultibootLoader() {
    }

    /** Finds the Multiboot header in the first 8 KiB, or returns -1. */
    public static int findHeader(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int limit = Math.min(image.length - 12, 8192 - 12);
        for (int at = 0; at <= limit; at += 4) {
            if (b.getInt(at) == HEADER_MAGIC && b.getInt(at) + b.getInt(at + 4) + b.getInt(at + 8) == 0) {
                return at;
            }
        }
        return -1;
    }

    /**
     * Validates and loads the kernel into memory; nothing is written unless the whole image
     * fits and is well formed.
     */
    public static BootState load(byte[] image, String cmdline, PhysicalMemory memory, long memorySize)
            throws BootImageException {
        int header = findHeader(image);
        if (header < 0) {
            throw new BootImageException("no Multiboot header (magic 0x1BADB002 with a valid checksum) in the first 8 KiB");
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int flags = b.getInt(header + 4);
        int unsupported = flags & 0xFFFF & ~SUPPORTED_REQUIRED;
        if (unsupported != 0) {
            throw new BootImageException(String.format("the kernel requires Multiboot features 0x%x that this loader lacks", unsupported));
        }
        if (cmdline.length() >= MAX_CMDLINE) {
            throw new BootImageException("kernel command line longer than " + (MAX_CMDLINE - 1) + " characters");
        }
        int entry;
        if ((flags & AOUT_KLUDGE) != 0) {
            entry = loadAout(image, b, header, memory, memorySize);
        } else {
            Elf32 elf = Elf32.parse(image);
            for (Elf32.Segment s : elf.segments()) {
                checkPlacement(s.address(), s.memorySize(), memorySize);
            }
            for (Elf32.Segment s : elf.segments()) {
                copy(image, s.offset(), s.fileSize(), (int) s.address(), memory);
                zero((int) (s.address() + s.fileSize()), s.memorySize() - s.fileSize(), memory);
            }
            entry = elf.entry();
        }
        int info = writeInformation(cmdline, memory, memorySize);
        return new BootState(true, entry, BOOTLOADER_MAGIC, info);
    }

    private static int loadAout(byte[] image, ByteBuffer b, int header, PhysicalMemory memory, long memorySize)
            throws BootImageException {
        if (header + 32 > image.length) {
            throw new BootImageException("Multiboot header with the a.out kludge is truncated");
        }
        long headerAddr = b.getInt(header + 12) & 0xFFFFFFFFL;
        long loadAddr = b.getInt(header + 16) & 0xFFFFFFFFL;
        long loadEnd = b.getInt(header + 20) & 0xFFFFFFFFL;
        long bssEnd = b.getInt(header + 24) & 0xFFFFFFFFL;
        int entry = b.getInt(header + 28);
        if (loadAddr > headerAddr || headerAddr - loadAddr > header) {
            throw new BootImageException("Multiboot a.out addresses are inconsistent (load_addr after header_addr)");
        }
        long fileOffset = header - (headerAddr - loadAddr);
        long length = loadEnd == 0 ? image.length - fileOffset : loadEnd - loadAddr;
        if (length < 0 || fileOffset + length > image.length) {
            throw new BootImageException("Multiboot a.out load range reaches past the end of the file");
        }
        long end = bssEnd == 0 ? loadAddr + length : bssEnd;
        if (end < loadAddr + length) {
            throw new BootImageException("Multiboot bss_end_addr lies before the end of the loaded image");
        }
        checkPlacement(loadAddr, end - loadAddr, memorySize);
        copy(image, (int) fileOffset, (int) length, (int) loadAddr, memory);
        zero((int) (loadAddr + length), end - loadAddr - length, memory);
        return entry;
    }

    private static void checkPlacement(long address, long size, long memorySize) throws BootImageException {
        if (address + size > memorySize) {
            throw new BootImageException(String.format(
                    "the kernel needs memory up to 0x%x but the machine has only %d MiB; give it more with --memory",
                    address + size, memorySize >> 20));
        }
        if (address < INFO_END && address + size > BootState.GDT_ADDRESS) {
            throw new BootImageException(String.format(
                    "the kernel loads at 0x%x-0x%x, over the loader's area 0x%x-0x%x in conventional memory",
                    address, address + size, BootState.GDT_ADDRESS, INFO_END));
        }
    }

    private static void copy(byte[] image, int offset, int length, int address, PhysicalMemory memory) {
        for (int i = 0; i < length; i++) {
            memory.writeByte(address + i, image[offset + i]);
        }
    }

    private static void zero(int address, long length, PhysicalMemory memory) {
        for (long i = 0; i < length; i++) {
            memory.writeByte((int) (address + i), 0);
        }
    }

    /** Writes the information block, the memory map and the strings; returns the block's address. */
    private static int writeInformation(String cmdline, PhysicalMemory memory, long memorySize) {
        int info = INFO_BASE;
        int mmap = info + 0x80;
        long[][] regions = {
                {0, 0x9FC00, 1},
                {0x9FC00, 0x400, 2},
                {0xF0000, 0x10000, 2},
                {0x100000, memorySize - 0x100000, 1},
        };
        int at = mmap;
        for (long[] r : regions) {
            memory.writeDword(at, 20);
            memory.writeDword(at + 4, (int) r[0]);
            memory.writeDword(at + 8, (int) (r[0] >>> 32));
            memory.writeDword(at + 12, (int) r[1]);
            memory.writeDword(at + 16, (int) (r[1] >>> 32));
            memory.writeDword(at + 20, (int) r[2]);
            at += 24;
        }
        int mmapLength = at - mmap;
        int name = at;
        at = writeString(name, "Vivarium", memory);
        int cmd = at;
        writeString(cmd, cmdline, memory);
        for (int i = 0; i < 88; i++) {
            memory.writeByte(info + i, 0);
        }
        int flags = 1 | 1 << 2 | 1 << 6 | 1 << 9; // mem_*, cmdline, mmap, boot_loader_name
        memory.writeDword(info, flags);
        memory.writeDword(info + 4, 640);
        memory.writeDword(info + 8, (int) Math.min((memorySize - 0x100000) >> 10, 0xFFFFFFFFL));
        memory.writeDword(info + 16, cmd);
        memory.writeDword(info + 44, mmapLength);
        memory.writeDword(info + 48, mmap);
        memory.writeDword(info + 64, name);
        return info;
    }

    private static int writeString(int address, String s, PhysicalMemory memory) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            memory.writeByte(address + i, bytes[i]);
        }
        memory.writeByte(address + bytes.length, 0);
        return address + bytes.length + 1;
    }
}
