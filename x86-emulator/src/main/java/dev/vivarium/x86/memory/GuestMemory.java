package dev.vivarium.x86.memory;

import dev.vivarium.x86.bus.CodeWatcher;
import dev.vivarium.x86.bus.PhysicalMemory;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Guest-physical memory: RAM from address 0 up to {@code ramSize}, in 4 KiB pages that are
 * allocated on the first write of a non-zero byte (an untouched page costs one null reference
 * and reads as zero), with ROM and MMIO regions laid over it or placed above it.
 *
 * <p><b>Memory map.</b> RAM covers [0, ramSize). The legacy hole 0xA0000-0xFFFFF is left as RAM
 * unless the board maps ROM (video/BIOS) or MMIO there; a mapped region hides the RAM beneath
 * it. Regions above RAM (the BIOS alias below 4 GiB) are kept in a short list. Everything else
 * reads as all ones and ignores writes. With the A20 gate disabled, bit 20 of every address is
 * cleared before decoding, so 0x100000 aliases 0 as on an 8086.
 *
 * <p><b>Dirty tracking.</b> Every page write is logged in independent bitmaps, one per
 * {@link DirtyLog} consumer (live migration, incremental capture, the rate meter), so one
 * consumer's read-and-clear never hides a write from another. {@link #takeDirty} copies and
 * clears one log in one step. A combined "dirty in every log" bitmap keeps the write path to a
 * single test once a page is known dirty everywhere.
 *
 * <p><b>Threading.</b> Not thread-safe, by design: the emulation thread does all reads and
 * writes, and the owner calls {@link #takeDirty}, {@link #save} and {@link #restore} between run
 * slices, on that thread or after a hand-off that orders memory (an actor message, a joined
 * future). "Read and clear in one step" is exact under that rule: no guest write can fall
 * between the copy and the clear.
 */
public final class GuestMemory implements PhysicalMemory, Snapshottable {

    public static final int PAGE_SIZE = 4096;
    public static final int PAGE_SHIFT = 12;
    private static final int PAGE_MASK = PAGE_SIZE - 1;
    private static final long MAX_RAM = 1L << 32;
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /** The consumers of dirty-page information; each has its own bitmap. */
    public enum DirtyLog { MIGRATION, CAPTURE, RATE }

    /** A ROM image or an MMIO device over [base, base + length). */
    private record Region(long base, long length, byte[] rom, MmioDevice device) {
        boolean contains(long address) {
            return address >= base && address < base + length;
        }
    }

    private final long ramSize;
    private final int ramPages;
    private final byte[][] pages;
    /** For each RAM page, the region hiding it, or null for plain RAM. */
    private final Region[] overlay;
    private final List<Region> regions = new ArrayList<>();
    private Region[] highRegions = new Region[0];

    /** Pages the CPU decoded instructions from: their writes are reported to the watcher while it wants them. */
    private final long[] codeWatch;
    private CodeWatcher codeWatcher;

    private final long[][] logs;
    private final long[] dirtyInAll;
    private int allocatedPages;
    private int a20Mask = -1;

    public GuestMemory(long ramSize) {
        if (ramSize <= 0 || ramSize > MAX_RAM || (ramSize & PAGE_MASK) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB up to 4 GiB: " + ramSize);
        }
        this.ramSize = ramSize;
        this.ramPages = (int) (ramSize >>> PAGE_SHIFT);
        this.pages = new byte[ramPages][];
        this.overlay = new Region[ramPages];
        int words = (ramPages + 63) >>> 6;
        this.logs = new long[DirtyLog.values().length][words];
        this.dirtyInAll = new long[words];
        this.codeWatch = new long[words];
    }

    public long ramSize() {
        return ramSize;
    }

    /** RAM pages that hold storage (were written with something non-zero). */
    public int allocatedPages() {
        return allocatedPages;
    }

    public boolean isA20Enabled() {
        return a20Mask == -1;
    }

    public void setA20Enabled(boolean enabled) {
        int mask = enabled ? -1 : ~(1 << 20);
        if (mask != a20Mask) {
            a20Mask = mask;
            memoryChanged();
        }
    }

    // ---- watching code pages ----

    @Override
    public void setCodeWatcher(CodeWatcher watcher) {
        this.codeWatcher = watcher;
    }

    /**
     * Watches an allocated RAM page. The watch rides on the dirty logs: clearing the page's
     * "dirty in every log" bit sends its writes through {@link #markDirty}, which reports them
     * and keeps the bit clear while the watcher still wants the page, so the write path of
     * every other page costs nothing more than it did.
     */
    @Override
    public int watchCode(int address) {
        int pn = (address & a20Mask) >>> PAGE_SHIFT;
        if (pn >= ramPages || overlay[pn] != null || pages[pn] == null) {
            return -1;
        }
        codeWatch[pn >>> 6] |= 1L << pn;
        dirtyInAll[pn >>> 6] &= ~(1L << pn);
        return pn;
    }

    /** Every page may now hold something else (a restore, the A20 gate, a new region). */
    private void memoryChanged() {
        Arrays.fill(codeWatch, 0);
        if (codeWatcher != null) {
            codeWatcher.memoryChanged();
        }
    }

    // ---- mapping (board construction time) ----

    /** Maps a read-only image at {@code base} (page aligned); the tail of its last page reads 0xFF. */
    public void mapRom(long base, byte[] image) {
        long length = (image.length + PAGE_MASK) & ~(long) PAGE_MASK;
        byte[] rom = Arrays.copyOf(image, (int) length);
        Arrays.fill(rom, image.length, rom.length, (byte) 0xFF);
        addRegion(new Region(base, length, rom, null));
    }

    /** Routes [base, base + length) (page aligned) to {@code device}. */
    public void mapMmio(long base, long length, MmioDevice device) {
        addRegion(new Region(base, length, null, device));
    }

    private void addRegion(Region r) {
        if ((r.base & PAGE_MASK) != 0 || (r.length & PAGE_MASK) != 0 || r.length == 0 || r.base < 0
                || r.base + r.length > MAX_RAM) {
            throw new IllegalArgumentException(String.format(
                    "region must be page aligned, non-empty and below 4 GiB: base 0x%x, length 0x%x", r.base, r.length));
        }
        for (Region other : regions) {
            if (r.base < other.base + other.length && other.base < r.base + r.length) {
                throw new IllegalArgumentException(String.format(
                        "region 0x%x+0x%x overlaps 0x%x+0x%x", r.base, r.length, other.base, other.length));
            }
        }
        regions.add(r);
        for (long p = r.base >>> PAGE_SHIFT; p < (r.base + r.length) >>> PAGE_SHIFT; p++) {
            if (p < ramPages) {
                overlay[(int) p] = r;
            }
        }
        if (r.base + r.length > ramSize) {
            highRegions = Arrays.copyOf(highRegions, highRegions.length + 1);
            highRegions[highRegions.length - 1] = r;
        }
        memoryChanged();
    }

    // ---- PhysicalMemory ----

    @Override
    public int readByte(int address) {
        int a = address & a20Mask;
        int pn = a >>> PAGE_SHIFT;
        if (pn < ramPages && overlay[pn] == null) {
            byte[] page = pages[pn];
            return page == null ? 0 : page[a & PAGE_MASK] & 0xFF;
        }
        return readOther(a, 1);
    }

    @Override
    public byte[] codePage(int address) {
        int pn = (address & a20Mask) >>> PAGE_SHIFT;
        return pn < ramPages && overlay[pn] == null ? pages[pn] : null;
    }

    @Override
    public int readWord(int address) {
        int a = address & a20Mask;
        int pn = a >>> PAGE_SHIFT;
        if ((a & PAGE_MASK) <= PAGE_SIZE - 2 && pn < ramPages && overlay[pn] == null) {
            byte[] page = pages[pn];
            return page == null ? 0 : (short) SHORT_LE.get(page, a & PAGE_MASK) & 0xFFFF;
        }
        return readSlow(address, 2);
    }

    @Override
    public int readDword(int address) {
        int a = address & a20Mask;
        int pn = a >>> PAGE_SHIFT;
        if ((a & PAGE_MASK) <= PAGE_SIZE - 4 && pn < ramPages && overlay[pn] == null) {
            byte[] page = pages[pn];
            return page == null ? 0 : (int) INT_LE.get(page, a & PAGE_MASK);
        }
        return readSlow(address, 4);
    }

    @Override
    public void writeByte(int address, int value) {
        int a = address & a20Mask;
        int pn = a >>> PAGE_SHIFT;
        if (pn < ramPages && overlay[pn] == null) {
            byte[] page = pageForWrite(pn, a, 1, (byte) value);
            if (page != null) {
                page[a & PAGE_MASK] = (byte) value;
            }
            return;
        }
        writeOther(a, 1, value);
    }

    @Override
    public void writeWord(int address, int value) {
        int a = address & a20Mask;
        int pn = a >>> PAGE_SHIFT;
        if ((a & PAGE_MASK) <= PAGE_SIZE - 2 && pn < ramPages && overlay[pn] == null) {
            byte[] page = pageForWrite(pn, a, 2, (short) value);
            if (page != null) {
                SHORT_LE.set(page, a & PAGE_MASK, (short) value);
            }
            return;
        }
        writeSlow(address, 2, value);
    }

    @Override
    public void writeDword(int address, int value) {
        int a = address & a20Mask;
        int pn = a >>> PAGE_SHIFT;
        if ((a & PAGE_MASK) <= PAGE_SIZE - 4 && pn < ramPages && overlay[pn] == null) {
            byte[] page = pageForWrite(pn, a, 4, value);
            if (page != null) {
                INT_LE.set(page, a & PAGE_MASK, value);
            }
            return;
        }
        writeSlow(address, 4, value);
    }

    /**
     * The page to write {@code size} bytes at address {@code a} into, logging it dirty; null when
     * the page is untouched and the value is zero, because writing zeros to a page that reads as
     * zero changes nothing.
     */
    private byte[] pageForWrite(int pn, int a, int size, int value) {
        byte[] page = pages[pn];
        if (page == null) {
            if (value == 0) {
                return null;
            }
            page = new byte[PAGE_SIZE];
            pages[pn] = page;
            allocatedPages++;
        }
        if ((dirtyInAll[pn >>> 6] & 1L << pn) == 0) {
            markDirty(pn, a & PAGE_MASK, size);
        }
        return page;
    }

    /**
     * Logs page {@code pn} dirty in every log and reports the write of {@code size} bytes at
     * {@code offset} if the page is watched. A page the watcher still wants stays out of
     * "dirty in every log", so its next write comes here again.
     */
    private void markDirty(int pn, int offset, int size) {
        long bit = 1L << pn;
        int w = pn >>> 6;
        for (long[] log : logs) {
            log[w] |= bit;
        }
        if ((codeWatch[w] & bit) != 0) {
            if (codeWatcher.codeWritten(pn, offset, size)) {
                return;
            }
            codeWatch[w] &= ~bit;
        }
        dirtyInAll[w] |= bit;
    }

    /** Reports that the whole of page {@code pn} changes, if it is watched (an installed page), and ends its watch. */
    private void unwatch(int pn) {
        long bit = 1L << pn;
        int w = pn >>> 6;
        if ((codeWatch[w] & bit) != 0) {
            codeWatch[w] &= ~bit;
            codeWatcher.codeWritten(pn, 0, PAGE_SIZE);
        }
    }

    /** Accesses that cross a page, or touch ROM, MMIO or nothing: done a byte at a time where needed. */
    private int readSlow(int address, int size) {
        int a = address & a20Mask;
        if ((a & PAGE_MASK) <= PAGE_SIZE - size) {
            return readOther(a, size);
        }
        int v = 0;
        for (int i = 0; i < size; i++) {
            v |= readByte(address + i) << (8 * i);
        }
        return v;
    }

    private void writeSlow(int address, int size, int value) {
        int a = address & a20Mask;
        if ((a & PAGE_MASK) <= PAGE_SIZE - size) {
            writeOther(a, size, value);
            return;
        }
        for (int i = 0; i < size; i++) {
            writeByte(address + i, value >>> (8 * i));
        }
    }

    /** An access within one page that is not plain RAM, or plain RAM reached via readSlow. */
    private int readOther(int a, int size) {
        Region r = regionAt(a);
        long address = a & 0xFFFF_FFFFL;
        if (r == null) {
            if (address < ramSize) {
                int v = 0;
                byte[] page = pages[a >>> PAGE_SHIFT];
                for (int i = 0; page != null && i < size; i++) {
                    v |= (page[(a & PAGE_MASK) + i] & 0xFF) << (8 * i);
                }
                return v;
            }
            return size == 4 ? -1 : (1 << (8 * size)) - 1;
        }
        int offset = (int) (address - r.base);
        if (r.device != null) {
            return r.device.read(offset, size);
        }
        int v = 0;
        for (int i = 0; i < size; i++) {
            v |= (r.rom[offset + i] & 0xFF) << (8 * i);
        }
        return v;
    }

    private void writeOther(int a, int size, int value) {
        Region r = regionAt(a);
        if (r == null) {
            if ((a & 0xFFFF_FFFFL) < ramSize) {
                for (int i = 0; i < size; i++) {
                    writeByte(a + i, value >>> (8 * i));
                }
            }
            return; // outside RAM: dropped
        }
        if (r.device != null) {
            r.device.write((int) ((a & 0xFFFF_FFFFL) - r.base), size, value);
        }
        // ROM: dropped
    }

    private Region regionAt(int a) {
        int pn = a >>> PAGE_SHIFT;
        if (pn < ramPages) {
            return overlay[pn];
        }
        long address = a & 0xFFFF_FFFFL;
        for (Region r : highRegions) {
            if (r.contains(address)) {
                return r;
            }
        }
        return null;
    }

    // ---- bulk access for loaders ----

    /** Copies {@code data} into guest memory at {@code address} as guest writes would. */
    public void load(int address, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            writeByte(address + i, data[i]);
        }
    }

    public byte[] read(int address, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) readByte(address + i);
        }
        return out;
    }

    // ---- whole pages, for migration ----

    /** RAM pages in this machine (the page numbers a dirty log can name). */
    public int ramPages() {
        return ramPages;
    }

    /**
     * Copies RAM page {@code pn} into {@code into} (4096 bytes) and returns true, or returns
     * false, leaving {@code into} alone, when the page was never written and reads as zero.
     */
    public boolean copyPage(int pn, byte[] into) {
        return copyPage(pn, into, 0);
    }

    /** {@link #copyPage(int, byte[])} into {@code into} at {@code offset} (a batch of pages in one buffer). */
    public boolean copyPage(int pn, byte[] into, int offset) {
        byte[] page = pages[pn];
        if (page == null) {
            return false;
        }
        System.arraycopy(page, 0, into, offset, PAGE_SIZE);
        return true;
    }

    /** {@link #installPage(int, byte[])} from {@code data} at {@code offset}. */
    public void installPage(int pn, byte[] data, int offset) {
        unwatch(pn);
        if (pages[pn] == null) {
            pages[pn] = new byte[PAGE_SIZE];
            allocatedPages++;
        }
        System.arraycopy(data, offset, pages[pn], 0, PAGE_SIZE);
    }

    /**
     * Replaces RAM page {@code pn} with {@code data} (4096 bytes, or null for a zero page) as a
     * migration target receives it. Not a guest write: no dirty log records it.
     */
    public void installPage(int pn, byte[] data) {
        unwatch(pn);
        if (data == null) {
            if (pages[pn] != null) {
                pages[pn] = null;
                allocatedPages--;
            }
            return;
        }
        if (data.length != PAGE_SIZE) {
            throw new IllegalArgumentException("a page is " + PAGE_SIZE + " bytes, not " + data.length);
        }
        installPage(pn, data, 0);
    }

    // ---- dirty logs ----

    /** Copies and clears one consumer's dirty log (see the class comment for threading). */
    public DirtyPages takeDirty(DirtyLog log) {
        long[] bits = logs[log.ordinal()];
        DirtyPages taken = new DirtyPages(bits.clone());
        Arrays.fill(bits, 0);
        Arrays.fill(dirtyInAll, 0); // that log is now clean everywhere, so no page is dirty in all
        return taken;
    }

    /** One consumer's dirty log, without clearing it. */
    public DirtyPages peekDirty(DirtyLog log) {
        return new DirtyPages(logs[log.ordinal()].clone());
    }

    // ---- state capture ----

    /** Full capture: every allocated page. Also starts a new incremental-capture epoch. */
    @Override
    public void save(StateWriter out) {
        out.beginSection("memory");
        writeHeader(out);
        out.writeInt(allocatedPages);
        for (int pn = 0; pn < ramPages; pn++) {
            if (pages[pn] != null) {
                out.writeInt(pn).writeBytes(pages[pn]);
            }
        }
        takeDirty(DirtyLog.CAPTURE);
        out.endSection("memory");
    }

    /**
     * Incremental capture: only the pages written since the previous capture (full or
     * incremental). Restoring needs the previous captures of the chain restored first.
     */
    public void saveIncremental(StateWriter out) {
        out.beginSection("memory-delta");
        writeHeader(out);
        DirtyPages dirty = takeDirty(DirtyLog.CAPTURE);
        out.writeInt(dirty.count());
        dirty.forEach(pn -> out.writeInt(pn).writeBytes(pages[pn]));
        out.endSection("memory-delta");
    }

    /**
     * Restores a full capture (replacing all RAM) or applies an incremental one, whichever comes
     * next in {@code in}. Dirty logs start clean afterwards: the restored image is the new base.
     */
    @Override
    public void restore(StateReader in) {
        String tag = in.peekSection();
        boolean full = "memory".equals(tag);
        if (!full && !"memory-delta".equals(tag)) {
            throw new StateFormatException("expected a memory section, found '" + tag + "'");
        }
        in.beginSection(tag);
        long savedSize = in.readLong();
        if (savedSize != ramSize) {
            throw new StateFormatException("captured RAM size " + savedSize + " differs from this machine's " + ramSize);
        }
        boolean a20 = in.readBoolean();
        int count = in.readInt(0, ramPages, "page count");
        byte[][] restored = full ? new byte[ramPages][] : pages.clone();
        for (int i = 0; i < count; i++) {
            int pn = in.readInt(0, ramPages - 1, "page number");
            byte[] page = new byte[PAGE_SIZE];
            in.readBytesInto(page);
            restored[pn] = page;
        }
        in.endSection(tag);
        // Only now, with the whole section read and checked, replace the live state.
        System.arraycopy(restored, 0, pages, 0, ramPages);
        allocatedPages = (int) Arrays.stream(pages).filter(p -> p != null).count();
        setA20Enabled(a20);
        memoryChanged();
        for (DirtyLog log : DirtyLog.values()) {
            takeDirty(log);
        }
    }

    /** The layout alone (size, A20 gate), for a capture whose pages travel apart (live migration). */
    public void saveLayout(StateWriter out) {
        out.beginSection("memory-layout");
        writeHeader(out);
        out.endSection("memory-layout");
    }

    /**
     * Restores a {@link #saveLayout} onto pages installed by {@link #installPage}. Dirty logs
     * start clean: the installed image is the new base, as after {@link #restore}.
     */
    public void restoreLayout(StateReader in) {
        in.beginSection("memory-layout");
        long savedSize = in.readLong();
        if (savedSize != ramSize) {
            throw new StateFormatException("captured RAM size " + savedSize + " differs from this machine's " + ramSize);
        }
        boolean a20 = in.readBoolean();
        in.endSection("memory-layout");
        setA20Enabled(a20);
        memoryChanged();
        for (DirtyLog log : DirtyLog.values()) {
            takeDirty(log);
        }
    }

    private void writeHeader(StateWriter out) {
        out.writeLong(ramSize).writeBoolean(isA20Enabled());
    }
}
