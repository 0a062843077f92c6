package dev.vivarium.x86.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an ELF32 i386 executable a boot loader needs: the entry point and the loadable
 * segments. Every offset and size is checked against the file before it is trusted.
 */
public record Elf32(int entry, List<Segment> segments) {

    /** A PT_LOAD segment: {@code fileSize} bytes from {@code offset} at physical {@code address}, then zeros up to {@code memorySize}. */
    public record Segment(long address, int offset, int fileSize, long memorySize) {
    }

    private static final int PT_LOAD = 1;

    public static boolean looksLikeElf(byte[] image) {
        return image.length >= 4 && image[0] == 0x7F && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
    }

    public static Elf32 parse(byte[] image) throws BootImageException {
        if (!looksLikeElf(image)) {
            throw new BootImageException("not an ELF file (bad magic)");
        }
        if (image.length < 52) {
            throw new BootImageException("ELF header truncated: file has " + image.length + " bytes, the header needs 52");
        }
        if (image[4] != 1) {
            throw new BootImageException("not a 32-bit ELF file (EI_CLASS=" + image[4] + "); only ELF32 i386 kernels boot");
        }
        if (image[5] != 1) {
            throw new BootImageException("not a little-endian ELF file (EI_DATA=" + image[5] + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getShort(16) & 0xFFFF;
        int machine = b.getShort(18) & 0xFFFF;
        if (type != 2) {
            throw new BootImageException("ELF type " + type + " is not an executable (ET_EXEC=2)");
        }
        if (machine != 3) {
            throw new BootImageException("ELF machine " + machine + " is not i386 (EM_386=3)");
        }
        int entry = b.getInt(24);
        long phoff = b.getInt(28) & 0xFFFFFFFFL;
        int phentsize = b.getShort(42) & 0xFFFF;
        int phnum = b.getShort(44) & 0xFFFF;
        if (phnum == 0) {
            throw new BootImageException("ELF file has no program headers");
        }
        if (phentsize < 32) {
            throw new BootImageException("ELF program header size " + phentsize + " is smaller than 32");
        }
        if (phoff + (long) phentsize * phnum > image.length) {
            throw new BootImageException("ELF program headers lie outside the file");
        }
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            if (b.getInt(at) != PT_LOAD) {
                continue;
            }
            long offset = b.getInt(at + 4) & 0xFFFFFFFFL;
            long paddr = b.getInt(at + 12) & 0xFFFFFFFFL;
            long filesz = b.getInt(at + 16) & 0xFFFFFFFFL;
            long memsz = b.getInt(at + 20) & 0xFFFFFFFFL;
            if (offset + filesz > image.length) {
                throw new BootImageException("ELF segment " + i + " reaches past the end of the file");
            }
            if (memsz < filesz) {
                throw new BootImageException("ELF segment " + i + " has a memory size smaller than its file size");
            }
            if (paddr + memsz > 0x1_0000_0000L) {
                throw new BootImageException("ELF segment " + i + " extends beyond 4 GiB");
            }
            segments.add(new Segment(paddr, (int) offset, (int) filesz, memsz));
        }
        if (segments.isEmpty()) {
            throw new BootImageException("ELF file has no loadable (PT_LOAD) segment");
        }
        return new Elf32(entry, List.copyOf(segments));
    }
}
