package dev.vivarium.x86.cpu;

import dev.vivarium.x86.bus.PhysicalMemory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * How the processor reaches memory: segmentation (limit and rights checks against the
 * descriptor caches), paging (two-level 4 KiB pages with a small direct-mapped TLB,
 * accessed/dirty bits, CR0.WP, user/supervisor) and the instruction fetch.
 */
abstract class CpuMemory extends CpuState {

    final PhysicalMemory mem;
    final CpuFault fault = new CpuFault();

    /** EIP of the first byte of the instruction being executed (faults restart here). */
    int instrStart;

    // Per-segment access checks, derived from the descriptor cache when a segment is loaded.
    static final int SEG_READ = 1, SEG_WRITE = 2, SEG_EXPAND_DOWN = 4;
    final int[] segCheck = new int[6];
    /**
     * What {@link #linear} tests first: {@link #segCheck}, or 0 for every segment while a data
     * breakpoint is armed, so that each access then takes the watched path; without armed
     * breakpoints the access costs what it always did.
     */
    private final int[] segGate = new int[6];
    /** The hardware breakpoints of DR0-DR3 and DR7. */
    final Breakpoints breakpoints = new Breakpoints(dr);
    /** B0-B3 of the data breakpoints the current instruction hit; reported as a #DB trap after it. */
    int dataBreakHits;
    /**
     * Per segment, an unsigned bound: an offset below it can be read (written) with up to four
     * bytes without a fault, so the common access skips {@link #linear}. Zero when the segment
     * is not readable (writable) or expands down: every access then takes the checked path.
     */
    private final int[] segReadEnd = new int[6];
    private final int[] segWriteEnd = new int[6];
    /** CS's D bit, the default operand and address size, derived (like segCheck) whenever CS's cache is loaded. */
    boolean codeSize32;

    CpuMemory(PhysicalMemory mem) {
        this.mem = mem;
    }

    // ---- raising exceptions ----

    /** Throws the CPU's fault; declared to return so call sites can say {@code throw raise(..)}. */
    final CpuFault raise(int vector, int errorCode) {
        throw fault.set(vector, errorCode);
    }

    public final CpuFault gp(int errorCode) {
        return raise(Vectors.GP, errorCode);
    }

    final CpuFault ud() {
        return raise(Vectors.UD, -1);
    }

    private CpuFault segmentFault(int seg) {
        return raise(seg == SS ? Vectors.SS : Vectors.GP, 0);
    }

    /** Recomputes the access checks of a segment after its cache was loaded. */
    final void updateSegCheck(int seg) {
        int a = segAttr[seg];
        int check;
        if (!protectedMode() || v86Mode()) {
            check = SEG_READ | SEG_WRITE;
        } else if ((segSel[seg] & ~3) == 0 && seg != CS) {
            check = 0; // null selector: any access faults
        } else if ((a & ATTR_CODE) != 0) {
            check = (a & ATTR_RW) != 0 ? SEG_READ : 0;
        } else {
            check = SEG_READ | ((a & ATTR_RW) != 0 ? SEG_WRITE : 0) | ((a & ATTR_DC) != 0 ? SEG_EXPAND_DOWN : 0);
        }
        segCheck[seg] = check;
        boolean watched = breakpoints.watchesData();
        segGate[seg] = watched ? 0 : check;
        if (seg == CS) {
            codeSize32 = (a & ATTR_DB) != 0;
        }
        // The fast paths take an access of up to four bytes at off < end without further checks.
        long fast = (check & SEG_EXPAND_DOWN) != 0 || watched ? 0 : Math.max(0, (segLimit[seg] & 0xFFFFFFFFL) - 2);
        segReadEnd[seg] = (check & SEG_READ) != 0 ? (int) fast : 0;
        segWriteEnd[seg] = (check & SEG_WRITE) != 0 ? (int) fast : 0;
    }

    /** The linear address of an access of {@code size} bytes at seg:off, after the segment checks. */
    final int linear(int seg, int off, int size, boolean write) {
        if ((segGate[seg] & (write ? SEG_WRITE : SEG_READ)) == 0) {
            return watchedLinear(seg, off, size, write);
        }
        return limitChecked(seg, off, size);
    }

    /** An access the gate stopped: a segment fault, or (with a data breakpoint armed) a watched access. */
    private int watchedLinear(int seg, int off, int size, boolean write) {
        if ((segCheck[seg] & (write ? SEG_WRITE : SEG_READ)) == 0) {
            throw segmentFault(seg);
        }
        int la = limitChecked(seg, off, size);
        if (breakpoints.watchesData()) {
            int hits = breakpoints.dataHits(la, size, write);
            if (hits != 0) {
                dataBreakHits |= hits;
                dataBreakpointHit();
            }
        }
        return la;
    }

    /** A data breakpoint hit: the instruction must end (a REP string after this iteration) for its #DB trap. */
    abstract void dataBreakpointHit();

    /** The limit (and alignment) checks of an access the segment's type allows. */
    private int limitChecked(int seg, int off, int size) {
        int check = segCheck[seg];
        long end = (off & 0xFFFFFFFFL) + size - 1;
        if ((check & SEG_EXPAND_DOWN) == 0) {
            if (end > (segLimit[seg] & 0xFFFFFFFFL)) {
                throw segmentFault(seg);
            }
        } else {
            long upper = (segAttr[seg] & ATTR_DB) != 0 ? 0xFFFFFFFFL : 0xFFFFL;
            if ((off & 0xFFFFFFFFL) <= (segLimit[seg] & 0xFFFFFFFFL) || end > upper) {
                throw segmentFault(seg);
            }
        }
        int la = segBase[seg] + off;
        if ((la & (size - 1)) != 0 && size > 1 && alignmentChecked()) {
            throw raise(Vectors.AC, 0); // the 486's alignment check (SDM vol. 3, 6.15, interrupt 17)
        }
        return la;
    }

    /** CR0.AM, EFLAGS.AC and CPL 3 together enable the alignment check. */
    final boolean alignmentChecked() {
        return cpl == 3 && (cr0 & CR0_AM) != 0 && (flags & AC) != 0;
    }

    // ---- paging ----

    private static final int TLB_BITS = 8, TLB_SIZE = 1 << TLB_BITS;
    private static final int PERM_USER = 1, PERM_USER_WRITE = 2, PERM_SUP_WRITE = 4, PERM_DIRTY = 8;
    /** Linear page number + 1 of each entry; 0 marks an empty entry. */
    private final int[] tlbTag = new int[TLB_SIZE];
    private final int[] tlbFrame = new int[TLB_SIZE];
    private final int[] tlbPerm = new int[TLB_SIZE];
    boolean paging;

    final void flushTlb() {
        java.util.Arrays.fill(tlbTag, 0);
        flushFetch();
    }

    final void invalidatePage(int la) {
        int i = (la >>> 12) & (TLB_SIZE - 1);
        if (tlbTag[i] == (la >>> 12) + 1) {
            tlbTag[i] = 0;
        }
        flushFetch();
    }

    /** Called when CR0, CR3, CR4 or the CPL change what a translation may yield. */
    final void pagingChanged() {
        paging = (cr0 & CR0_PG) != 0 && (cr0 & CR0_PE) != 0;
        flushTlb();
    }

    /** Translates a linear address; {@code user} is true for CPL 3 accesses that are not implicit supervisor ones. */
    final int translate(int la, boolean write, boolean user) {
        if (!paging) {
            return la;
        }
        int page = la >>> 12;
        int i = page & (TLB_SIZE - 1);
        if (tlbTag[i] == page + 1) {
            int perm = tlbPerm[i];
            boolean ok = user ? (perm & PERM_USER) != 0 && (!write || (perm & PERM_USER_WRITE) != 0)
                    : !write || (perm & PERM_SUP_WRITE) != 0;
            if (ok && (!write || (perm & PERM_DIRTY) != 0)) {
                return tlbFrame[i] | (la & 0xFFF);
            }
        }
        return walk(la, write, user);
    }

    /**
     * The physical address the fetch of EIP {@code off} (linear {@code la}) reads without a page
     * walk, exactly as the interpreter's fetch would: through the fetch window when it covers
     * {@code off} (the window keeps the page it was opened on, whatever the TLB holds since),
     * else through a TLB hit that allows the access; -1 when the fetch would walk or fault.
     */
    public final int codeAddress(int off, int la) {
        if (Integer.compareUnsigned(off - fetchLo, fetchLen) < 0) {
            return fetchPhysical | (la & 0xFFF);
        }
        return probeFetch(la);
    }

    /**
     * The physical address an instruction fetch at {@code la} reads when that needs no page
     * walk and cannot fault (paging off, or a TLB hit that allows the access); else -1.
     */
    final int probeFetch(int la) {
        if (!paging) {
            return la;
        }
        int page = la >>> 12;
        int i = page & (TLB_SIZE - 1);
        if (tlbTag[i] != page + 1 || userAccess() && (tlbPerm[i] & PERM_USER) == 0) {
            return -1;
        }
        return tlbFrame[i] | (la & 0xFFF);
    }

    private int walk(int la, boolean write, boolean user) {
        int errBits = (write ? 2 : 0) | (user ? 4 : 0);
        int pdeAddr = (cr3 & 0xFFFFF000) | (la >>> 22) << 2;
        int pde = mem.readDword(pdeAddr);
        if ((pde & 1) == 0) {
            throw pageFault(la, errBits);
        }
        int pteAddr = (pde & 0xFFFFF000) | ((la >>> 12) & 0x3FF) << 2;
        int pte = mem.readDword(pteAddr);
        if ((pte & 1) == 0) {
            throw pageFault(la, errBits);
        }
        boolean u = (pde & pte & 4) != 0;
        boolean w = (pde & pte & 2) != 0;
        boolean wp = (cr0 & CR0_WP) != 0;
        if (user ? !u || (write && !w) : write && !w && wp) {
            throw pageFault(la, errBits | 1);
        }
        if ((pde & 0x20) == 0) {
            mem.writeDword(pdeAddr, pde | 0x20);
        }
        int newPte = pte | 0x20 | (write ? 0x40 : 0);
        if (newPte != pte) {
            mem.writeDword(pteAddr, newPte);
        }
        int i = (la >>> 12) & (TLB_SIZE - 1);
        tlbTag[i] = (la >>> 12) + 1;
        tlbFrame[i] = pte & 0xFFFFF000;
        tlbPerm[i] = (u ? PERM_USER : 0) | (u && w ? PERM_USER_WRITE : 0) | (w || !wp ? PERM_SUP_WRITE : 0)
                | ((newPte & 0x40) != 0 ? PERM_DIRTY : 0);
        return (pte & 0xFFFFF000) | (la & 0xFFF);
    }

    private CpuFault pageFault(int la, int errorCode) {
        cr2 = la;
        return raise(Vectors.PF, errorCode);
    }

    final boolean userAccess() {
        return cpl == 3;
    }

    // ---- linear reads and writes (an access that crosses a page is split, and a write checks
    //      both pages before it changes either) ----

    final int readLin8(int la, boolean user) {
        return mem.readByte(translate(la, false, user));
    }

    final int readLin16(int la, boolean user) {
        if (paging && (la & 0xFFF) == 0xFFF) {
            return readLin8(la, user) | readLin8(la + 1, user) << 8;
        }
        return mem.readWord(translate(la, false, user));
    }

    final int readLin32(int la, boolean user) {
        if (paging && (la & 0xFFF) > 0xFFC) {
            return readLin16(la, user) | readLin16(la + 2, user) << 16;
        }
        return mem.readDword(translate(la, false, user));
    }

    final void writeLin8(int la, int v, boolean user) {
        mem.writeByte(translate(la, true, user), v);
    }

    final void writeLin16(int la, int v, boolean user) {
        if (paging && (la & 0xFFF) == 0xFFF) {
            int p0 = translate(la, true, user);
            int p1 = translate(la + 1, true, user);
            mem.writeByte(p0, v);
            mem.writeByte(p1, v >>> 8);
            return;
        }
        mem.writeWord(translate(la, true, user), v);
    }

    final void writeLin32(int la, int v, boolean user) {
        if (paging && (la & 0xFFF) > 0xFFC) {
            int p0 = translate(la, true, user);
            // The second page is checked at its first byte: that is the address CR2 reports.
            int p1 = translate((la + 3) & ~0xFFF, true, user);
            for (int k = 0; k < 4; k++) {
                int b = la + k;
                mem.writeByte(((b ^ la) & ~0xFFF) == 0 ? p0 + k : p1 | (b & 0xFFF), v >>> (8 * k));
            }
            return;
        }
        mem.writeDword(translate(la, true, user), v);
    }

    // ---- segmented reads and writes ----
    // Each has a fast path (segment bound passed, paging off) small enough for the JIT to inline
    // into every instruction handler; everything else takes the fully checked path.

    public final int read8(int seg, int off) {
        if (Integer.compareUnsigned(off, segReadEnd[seg]) < 0 && !paging) {
            return mem.readByte(segBase[seg] + off);
        }
        return readLin8(linear(seg, off, 1, false), userAccess());
    }

    public final int read16(int seg, int off) {
        if (Integer.compareUnsigned(off, segReadEnd[seg]) < 0 && !paging) {
            int la = segBase[seg] + off;
            if ((la & 1) == 0 || !alignmentChecked()) {
                return mem.readWord(la);
            }
        }
        return readLin16(linear(seg, off, 2, false), userAccess());
    }

    public final int read32(int seg, int off) {
        if (Integer.compareUnsigned(off, segReadEnd[seg]) < 0 && !paging) {
            int la = segBase[seg] + off;
            if ((la & 3) == 0 || !alignmentChecked()) {
                return mem.readDword(la);
            }
        }
        return readLin32(linear(seg, off, 4, false), userAccess());
    }

    public final void write8(int seg, int off, int v) {
        if (Integer.compareUnsigned(off, segWriteEnd[seg]) < 0 && !paging) {
            mem.writeByte(segBase[seg] + off, v);
            return;
        }
        writeLin8(linear(seg, off, 1, true), v, userAccess());
    }

    final void write16(int seg, int off, int v) {
        if (Integer.compareUnsigned(off, segWriteEnd[seg]) < 0 && !paging) {
            int la = segBase[seg] + off;
            if ((la & 1) == 0 || !alignmentChecked()) {
                mem.writeWord(la, v);
                return;
            }
        }
        writeLin16(linear(seg, off, 2, true), v, userAccess());
    }

    public final void write32(int seg, int off, int v) {
        if (Integer.compareUnsigned(off, segWriteEnd[seg]) < 0 && !paging) {
            int la = segBase[seg] + off;
            if ((la & 3) == 0 || !alignmentChecked()) {
                mem.writeDword(la, v);
                return;
            }
        }
        writeLin32(linear(seg, off, 4, true), v, userAccess());
    }

    /** Checks that a write of {@code size} bytes at seg:off would succeed, without writing. */
    final void probeWrite(int seg, int off, int size) {
        int la = linear(seg, off, size, true);
        translate(la, true, userAccess());
        int last = la + size - 1;
        if (((last ^ la) & ~0xFFF) != 0) {
            translate(last & ~0xFFF, true, userAccess()); // CR2 names the first byte on the second page
        }
    }

    // ---- instruction fetch ----

    /**
     * The fetch window: the EIP values [fetchLo, fetchLo + fetchLen) lie within CS's limit and on
     * one page of plain RAM, whose array is fetchArray, with fetchLo at index fetchIdx. Emptied
     * (see {@link #flushFetch}) whenever a translation, the CPL, CS, the A20 gate or the memory
     * itself may have changed.
     *
     * <p>fetchLimit narrows the window for the instruction being decoded: EIP - fetchLo below it
     * is inside the window and within the 15-byte instruction limit counted from instrStart. So
     * the common fetch is one unsigned compare and an array read; anything else (the window's
     * end, the limit, an empty window) takes the fully checked path.
     */
    int fetchLen;
    private int fetchLo, fetchIdx, fetchLimit;
    private byte[] fetchArray;
    /** The physical address of the window's page. */
    private int fetchPhysical;
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Empties the fetch window: the next fetch takes the checked path and refills it. */
    final void flushFetch() {
        fetchLen = 0;
        fetchLimit = 0;
    }

    /** Starts decoding an instruction at EIP: sets instrStart and narrows the window to 15 bytes from it. */
    final void beginInstruction() {
        int start = eip;
        instrStart = start;
        fetchLimit = limitFor(start);
    }

    private int limitFor(int start) {
        // start - fetchLo + 15 overflows only for an EIP far outside the window: clamped to 0, the checked path.
        return Math.max(0, Math.min(fetchLen, start - fetchLo + 15));
    }

    final int fetch8() {
        int off = eip;
        int d = off - fetchLo;
        if (Integer.compareUnsigned(d, fetchLimit) < 0) {
            eip = off + 1;
            return fetchArray[fetchIdx + d] & 0xFF;
        }
        return fetch8Slow();
    }

    private int fetch8Slow() {
        int off = eip;
        if (Integer.compareUnsigned(off, segLimit[CS]) > 0) {
            throw gp(0);
        }
        if (off - instrStart >= 15) {
            throw gp(0); // longer than any legal instruction
        }
        eip = off + 1;
        int la = segBase[CS] + off;
        int pa = translate(la, false, userAccess()); // la itself: CR2 must name it
        byte[] page = mem.codePage(pa & ~0xFFF);
        if (page == null) {
            flushFetch();
            return mem.readByte(pa);
        }
        openFetchWindow(off, la, pa, page);
        return page[la & 0xFFF] & 0xFF;
    }

    /**
     * What a decoded block does before it runs: the fetch window ends up where the
     * interpreter's would be, so the next fetch that leaves it walks the page tables exactly
     * when the interpreter's does. A window that already holds EIP stays (a fetch would read
     * it); otherwise it is opened on the block's page.
     */
    public final void enterFetchWindow(int off, int la, int pa, byte[] page) {
        if (Integer.compareUnsigned(off - fetchLo, fetchLen) >= 0) {
            openFetchWindow(off, la, pa, page);
        }
    }

    /**
     * Opens the fetch window on the RAM page {@code page} (physical {@code pa}) holding EIP
     * {@code off} at linear {@code la}, as a fetch there does.
     */
    final void openFetchWindow(int off, int la, int pa, byte[] page) {
        long pageStart = (off & 0xFFFFFFFFL) - (la & 0xFFF); // the EIP of the page's first byte
        long lo = Math.max(pageStart, 0);
        long hi = Math.min(pageStart + 4096, (segLimit[CS] & 0xFFFFFFFFL) + 1);
        fetchArray = page;
        fetchPhysical = pa & ~0xFFF;
        fetchLo = (int) lo;
        fetchIdx = (int) (lo - pageStart);
        fetchLen = (int) (hi - lo);
        fetchLimit = limitFor(instrStart);
    }

    final int fetch16() {
        int off = eip;
        int d = off - fetchLo;
        if (d >= 0 && d < fetchLimit - 1) {
            eip = off + 2;
            return (short) SHORT_LE.get(fetchArray, fetchIdx + d) & 0xFFFF;
        }
        return fetch8() | fetch8() << 8;
    }

    final int fetch32() {
        int off = eip;
        int d = off - fetchLo;
        if (d >= 0 && d < fetchLimit - 3) {
            eip = off + 4;
            return (int) INT_LE.get(fetchArray, fetchIdx + d);
        }
        return fetch8() | fetch8() << 8 | fetch8() << 16 | fetch8() << 24;
    }

    // ---- the stack ----

    public final boolean stack32() {
        return (segAttr[SS] & ATTR_DB) != 0;
    }

    public final int sp() {
        return stack32() ? reg[ESP] : reg[ESP] & 0xFFFF;
    }

    public final void setSp(int v) {
        if (stack32()) {
            reg[ESP] = v;
        } else {
            setReg16(ESP, v);
        }
    }

    public final int stackOffset(int delta) {
        int v = reg[ESP] + delta;
        return stack32() ? v : v & 0xFFFF;
    }

    final void push16(int v) {
        int sp = stackOffset(-2);
        write16(SS, sp, v);
        setSp(sp);
    }

    public final void push32(int v) {
        int sp = stackOffset(-4);
        write32(SS, sp, v);
        setSp(sp);
    }

    final void push(int v, boolean o32) {
        if (o32) {
            push32(v);
        } else {
            push16(v);
        }
    }

    final int pop16() {
        int v = read16(SS, sp());
        setSp(stackOffset(2));
        return v;
    }

    public final int pop32() {
        int v = read32(SS, sp());
        setSp(stackOffset(4));
        return v;
    }

    final int pop(boolean o32) {
        return o32 ? pop32() : pop16();
    }

    // ---- supervisor (implicit) accesses to system tables ----

    final int sysRead8(int la) {
        return readLin8(la, false);
    }

    final int sysRead16(int la) {
        return readLin16(la, false);
    }

    final int sysRead32(int la) {
        return readLin32(la, false);
    }

    final void sysWrite8(int la, int v) {
        writeLin8(la, v, false);
    }

    final void sysWrite16(int la, int v) {
        writeLin16(la, v, false);
    }

    final void sysWrite32(int la, int v) {
        writeLin32(la, v, false);
    }
}
