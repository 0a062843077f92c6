package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.bus.CodeWatcher;
import dev.vivarium.x86.bus.PhysicalMemory;
import dev.vivarium.x86.cpu.Cpu;

import java.util.Arrays;

/**
 * The decoded blocks of one CPU, in a direct-mapped table indexed by linear address. A block
 * is found again only for the same EIP, CS base and (with paging) physical page,
 * and only while its last byte is within CS's limit. Every page a block was decoded from is
 * watched in memory: a write that touches a block's bytes drops that block (and ends the
 * running block after the writing instruction), a write beside them drops nothing
 * ({@link PageCode}), and a change of the whole memory map drops everything.
 *
 * <p>A page whose code keeps being overwritten is decoded only so often; after that its
 * instructions go to the interpreter. Writes to data on the page do not count.
 */
final class BlockCache implements CodeWatcher {

    private static final int TABLE_BITS = 12;
    private static final int TABLE_MASK = (1 << TABLE_BITS) - 1;
    /** Writes into one page's decoded code after which it is left to the interpreter. */
    private static final int MAX_REWRITES = 64;
    /** The per-page records are kept in chunks of this many pages, allocated as code is found there. */
    private static final int CHUNK_BITS = 10;

    private final Cpu cpu;
    private final PhysicalMemory memory;
    private final BlockDecoder decoder = new BlockDecoder();
    /** Allocated on first use, so a CPU that never runs 32-bit code costs nothing. */
    private Block[] table;
    /** The code of each watched page, by page number in chunks; null until a block is decoded. */
    private PageCode[][] pages;

    BlockCache(Cpu cpu, PhysicalMemory memory) {
        this.cpu = cpu;
        this.memory = memory;
        memory.setCodeWatcher(this);
    }

    private static int slot(int linear) {
        return (linear ^ linear >>> TABLE_BITS) & TABLE_MASK;
    }

    /**
     * The block starting at {@code eip}, decoding it if needed; null when there is none (the
     * code is not in plain RAM, or with paging neither the fetch window nor the TLB holds its
     * page, so the interpreter's fetch would walk): the interpreter runs the next instruction. A block may be empty: its first instruction is
     * one the interpreter runs.
     */
    Block find(int eip, int linear, int csLimit) {
        int physical = cpu.codeAddress(eip, linear);
        if (physical == -1) {
            return null;
        }
        return find(eip, linear, physical, csLimit);
    }

    /** The block at {@code eip}, linear {@code linear}, whose code is at {@code physical}; decoded if need be. */
    Block find(int eip, int linear, int physical, int csLimit) {
        Block[] t = table;
        if (t == null) {
            t = table = new Block[1 << TABLE_BITS];
        }
        int slot = slot(linear);
        Block b = t[slot];
        if (b != null && b.linear == linear && b.eip == eip && b.physicalAddress == physical
                && Integer.compareUnsigned(b.lastByte, csLimit) <= 0) {
            return b;
        }
        Block decoded = decode(eip, linear, physical, csLimit);
        if (decoded != null) {
            if (b != null) {
                unlink(b);
            }
            t[slot] = decoded;
            if (decoded.pageNumber >= 0) {
                page(decoded.pageNumber, true).add(decoded);
            }
        }
        return decoded;
    }

    private Block decode(int eip, int linear, int physical, int csLimit) {
        int pageBase = physical & ~0xFFF;
        byte[] page = memory.codePage(pageBase);
        if (page == null) {
            return null;
        }
        PageCode known = page(pageBase >>> 12, false);
        if (known != null && known.rewrites >= MAX_REWRITES) {
            // Not watched: an empty block sends this EIP to the interpreter until the map changes.
            return new Block(linear, eip, physical, -1, page, new Op[0], new int[]{eip});
        }
        int pageNumber = memory.watchCode(pageBase);
        if (pageNumber < 0) {
            return null;
        }
        return decoder.decode(page, physical & 0xFFF, eip, linear, physical, pageNumber, csLimit);
    }

    /** The record of a page's code; with {@code create}, made if missing. */
    private PageCode page(int pageNumber, boolean create) {
        PageCode[][] p = pages;
        if (p == null) {
            if (!create) {
                return null;
            }
            p = pages = new PageCode[1 << (20 - CHUNK_BITS)][];
        }
        PageCode[] chunk = p[pageNumber >>> CHUNK_BITS];
        if (chunk == null) {
            if (!create) {
                return null;
            }
            chunk = p[pageNumber >>> CHUNK_BITS] = new PageCode[1 << CHUNK_BITS];
        }
        int i = pageNumber & ((1 << CHUNK_BITS) - 1);
        PageCode code = chunk[i];
        if (code == null && create) {
            code = chunk[i] = new PageCode();
        }
        return code;
    }

    /** Takes a block that leaves the table out of its page's list. */
    private void unlink(Block b) {
        if (b.pageNumber >= 0) {
            PageCode code = page(b.pageNumber, false);
            if (code != null) {
                code.remove(b);
                code.recomputeLines();
            }
        }
    }

    /** Drops every block and the table itself: the CPU went idle, and idle code runs in the interpreter. */
    void clear() {
        table = null;
        pages = null;
    }

    @Override
    public boolean codeWritten(int pageNumber, int offset, int length) {
        PageCode code = page(pageNumber, false);
        if (code == null) {
            return false;
        }
        int to = offset + length;
        if ((code.lines & PageCode.lines(offset, to)) == 0) {
            return code.first != null; // data beside the code
        }
        boolean dropped = false;
        Block[] t = table;
        for (Block b = code.first; b != null; ) {
            Block next = b.nextOnPage;
            if (b.region != null && b.region.overlaps(offset, to)) {
                b.region = null; // a block of its region changed: compiled again once hot again
                b.runs = 0;
                dropped = true;
            }
            if (b.overlaps(offset, to)) {
                code.remove(b);
                int slot = slot(b.linear);
                if (t != null && t[slot] == b) {
                    t[slot] = null;
                }
                dropped = true;
            }
            b = next;
        }
        if (dropped) {
            code.recomputeLines();
            code.rewrites++;
            cpu.endBlock();
        }
        return code.first != null;
    }

    @Override
    public void memoryChanged() {
        if (table != null) {
            Arrays.fill(table, null);
        }
        pages = null;
        cpu.endBlock();
    }
}
