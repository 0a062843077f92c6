package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.bus.CodeWatcher;
import dev.vivarium.x86.bus.PhysicalMemory;
import dev.vivarium.x86.cpu.Cpu;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The decoded blocks of one CPU, in a direct-mapped table indexed by linear address. A block
 * is found again only for the same EIP, CS base and (with paging) physical page,
 * and only while its last byte is within CS's limit. Every page a block was decoded from is
 * watched in memory: a write to it drops all blocks of that page (and ends the running block
 * after the writing instruction), a change of the whole memory map drops everything.
 *
 * <p>A page whose code keeps being overwritten (code and written data sharing a page, say) is
 * decoded only so often; after that its instructions go to the interpreter.
 */
final class BlockCache implements CodeWatcher {

    private static final int TABLE_BITS = 12;
    private static final int TABLE_MASK = (1 << TABLE_BITS) - 1;
    /** Rewrites of one page's code after which it is left to the interpreter. */
    private static final int MAX_REWRITES = 64;

    private final Cpu cpu;
    private final PhysicalMemory memory;
    private final BlockDecoder decoder = new BlockDecoder();
    /** Allocated on first use, so a CPU that never runs 32-bit code costs nothing. */
    private Block[] table;
    private final Map<Integer, Integer> rewrites = new HashMap<>();

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
        Block[] t = table;
        if (t == null) {
            t = table = new Block[1 << TABLE_BITS];
        }
        int physical = cpu.codeAddress(eip, linear);
        if (physical == -1) {
            return null;
        }
        int slot = slot(linear);
        Block b = t[slot];
        if (b != null && b.linear == linear && b.eip == eip && b.physicalAddress == physical
                && Integer.compareUnsigned(b.lastByte, csLimit) <= 0) {
            return b;
        }
        b = decode(eip, linear, physical, csLimit);
        if (b != null) {
            t[slot] = b;
        }
        return b;
    }

    private Block decode(int eip, int linear, int physical, int csLimit) {
        int pageBase = physical & ~0xFFF;
        byte[] page = memory.codePage(pageBase);
        if (page == null) {
            return null;
        }
        if (rewrites.getOrDefault(pageBase >>> 12, 0) >= MAX_REWRITES) {
            // Not watched: an empty block sends this EIP to the interpreter until the map changes.
            return new Block(linear, eip, physical, -1, page, new Op[0], new int[]{eip});
        }
        int pageNumber = memory.watchCode(pageBase);
        if (pageNumber < 0) {
            return null;
        }
        return decoder.decode(page, physical & 0xFFF, eip, linear, physical, pageNumber, csLimit);
    }

    /** Drops every block and the table itself: the CPU went idle, and idle code runs in the interpreter. */
    void clear() {
        table = null;
    }

    @Override
    public void codeWritten(int pageNumber) {
        Block[] t = table;
        if (t != null) {
            for (int i = 0; i < t.length; i++) {
                Block b = t[i];
                if (b != null && b.pageNumber == pageNumber) {
                    t[i] = null;
                }
            }
        }
        rewrites.merge(pageNumber, 1, Integer::sum);
        cpu.endBlock();
    }

    @Override
    public void memoryChanged() {
        if (table != null) {
            Arrays.fill(table, null);
        }
        rewrites.clear();
        cpu.endBlock();
    }
}
