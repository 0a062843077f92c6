package dev.vivarium.x86.cpu;

import dev.vivarium.x86.bus.PhysicalMemory;

/**
 * Hardware task switches as the 386 makes them (SDM vol. 3, 7.3): a far JMP or CALL to a TSS
 * descriptor or a task gate, an interrupt or exception through a task gate, and IRET with NT
 * set. The outgoing task's registers are saved in its TSS, the incoming task's are loaded
 * from its own, with the busy bits, the link field, NT and CR0.TS as the manual gives them.
 * Both TSS formats are supported: the 286's 16-bit one (44 bytes) and the 386's 32-bit one
 * (104 bytes, with CR3, FS, GS, the LDT, the T bit and the I/O map base).
 *
 * <p>Up to the commit point any fault leaves the processor as it was (the old task faults);
 * after it, faults belong to the new task: its segment checks raise #TS, #NP or #SS with the
 * new task's state in place, delivered here, as the processor would.
 */
abstract class CpuTasks extends CpuSystem {

    private static final int FROM_JUMP = 0, FROM_CALL = 1, FROM_INT = 2, FROM_IRET = 3;
    /** The TSS types: available and busy, 16- and 32-bit. */
    private static final int TSS16 = 1, TSS16_BUSY = 3, TSS32 = 9, TSS32_BUSY = 11, BUSY_BIT = 2;
    /** CR0.TS and DR7's local enables (L0-L3, LE), which a task switch clears. */
    private static final int DR7_LOCAL = 0x155;

    CpuTasks(PhysicalMemory mem) {
        super(mem);
    }

    /** DR7 changed: the processor recomputes which breakpoints are armed. */
    abstract void debugControlChanged();

    @Override
    final void taskTransfer(int sel, int lo, int hi, boolean call) {
        int attr = descAttr(hi);
        // JMP and CALL obey the DPL of the gate or TSS they name (SDM vol. 3, 7.3 step 2).
        if (dpl(attr) < cpl || dpl(attr) < (sel & 3)) {
            throw gp(sel & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.NP, sel & 0xFFFC);
        }
        int tssSel = sel;
        if ((attr & 0x1F) == 5) {
            tssSel = lo >>> 16;
            readAvailableTss(tssSel, 0);
        }
        switchTask(tssSel, descLo, descHi, call ? FROM_CALL : FROM_JUMP, -1);
    }

    @Override
    final void interruptTask(int tssSel, int errorCode) {
        readAvailableTss(tssSel, ext());
        switchTask(tssSel, descLo, descHi, FROM_INT, errorCode);
    }

    /** Reads the TSS descriptor a task gate names: in the GDT, available (not busy), present. */
    private void readAvailableTss(int tssSel, int ext) {
        if ((tssSel & 4) != 0) {
            throw gp((tssSel & 0xFFFC) | ext);
        }
        readDescriptor(tssSel, Vectors.GP);
        int attr = descAttr(descHi);
        int type = attr & 0x1F;
        if (type != TSS16 && type != TSS32) {
            throw gp((tssSel & 0xFFFC) | ext);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.NP, (tssSel & 0xFFFC) | ext);
        }
    }

    @Override
    final void taskReturn() {
        int link = sysRead16(trBase);
        if ((link & 4) != 0) {
            throw raise(Vectors.TS, link & 0xFFFC);
        }
        readDescriptor(link, Vectors.TS);
        int attr = descAttr(descHi);
        int type = attr & 0x1F;
        if (type != TSS16_BUSY && type != TSS32_BUSY) {
            throw raise(Vectors.TS, link & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.NP, link & 0xFFFC);
        }
        switchTask(link, descLo, descHi, FROM_IRET, -1);
    }

    /**
     * Switches from the current task to the TSS {@code sel} (descriptor {@code lo}/{@code hi}),
     * saving the current state first. EIP is where the old task resumes: after the instruction
     * for JMP, CALL, INT n and IRET, at it for a fault. {@code errorCode} (-1 for none) is
     * pushed on the new task's stack, as an exception through a task gate does.
     */
    private void switchTask(int sel, int lo, int hi, int source, int errorCode) {
        int newType = descAttr(hi) & 0xF;
        boolean new32 = (newType & 8) != 0;
        int newBase = descBase(lo, hi);
        if (Integer.compareUnsigned(descLimit(lo, hi), new32 ? 0x67 : 0x2B) < 0) {
            throw raise(Vectors.TS, (sel & 0xFFFC) | ext());
        }
        boolean old32 = (trAttr & 8) != 0;
        if (Integer.compareUnsigned(trLimit, old32 ? 0x5F : 0x29) < 0) {
            throw raise(Vectors.TS, (trSel & 0xFFFC) | ext());
        }
        // Every page the switch touches must be present before anything is written, so a page
        // fault here leaves the old task intact (the 386 probes them the same way).
        probeSystem(newBase, new32 ? 0x67 : 0x2B, source == FROM_CALL || source == FROM_INT);
        probeSystem(trBase + (old32 ? 0x20 : 0x0E), old32 ? 0x3D : 0x1B, true);

        if (source == FROM_JUMP || source == FROM_IRET) {
            setBusy(trSel, false);
        }
        int oldFlags = getFlags();
        if (source == FROM_IRET) {
            oldFlags &= ~NT;
        }
        saveTask(old32, oldFlags);
        if (source == FROM_CALL || source == FROM_INT) {
            sysWrite16(newBase, trSel);
        }
        TaskImage next = new32 ? readTss32(newBase) : readTss16(newBase);
        if (source != FROM_IRET) {
            setBusy(sel, true);
        }

        // Commit point: from here on the new task owns every fault.
        trSel = sel;
        trBase = newBase;
        trLimit = descLimit(lo, hi);
        trAttr = descAttr(hi) | BUSY_BIT;
        cr0 |= CR0_TS;
        dr[7] &= ~DR7_LOCAL;
        debugControlChanged();
        int newFlags = next.flags;
        if (source == FROM_CALL || source == FROM_INT) {
            newFlags |= NT;
        }
        try {
            loadTask(next, newFlags, new32);
            if (errorCode >= 0) {
                push(errorCode, new32);
            }
            if (Integer.compareUnsigned(eip, segLimit[CS]) > 0) {
                throw gp(0);
            }
        } catch (CpuFault f) {
            deliverException(f.vector, f.errorCode);
            return;
        }
        if (next.trap) {
            dr[6] |= 0x8000; // BT: the new TSS asked for a debug trap on entry
            deliverException(Vectors.DB, -1);
        }
    }

    /** The state a TSS holds for its task. */
    private record TaskImage(int eip, int flags, int[] regs, int[] sels, int ldt, int cr3, boolean trap) {
    }

    private TaskImage readTss32(int base) {
        int[] regs = new int[8];
        for (int r = 0; r < 8; r++) {
            regs[r] = sysRead32(base + 0x28 + 4 * r);
        }
        int[] sels = new int[6];
        for (int s = 0; s < 6; s++) {
            sels[s] = sysRead16(base + 0x48 + 4 * s);
        }
        return new TaskImage(sysRead32(base + 0x20), sysRead32(base + 0x24), regs, sels,
                sysRead16(base + 0x60), sysRead32(base + 0x1C), (sysRead16(base + 0x64) & 1) != 0);
    }

    /**
     * A 16-bit TSS holds the low halves: the high halves of the general registers read as
     * FFFF, EIP's and EFLAGS's as zero, and FS and GS become null (as Bochs has it for the 386).
     */
    private TaskImage readTss16(int base) {
        int[] regs = new int[8];
        for (int r = 0; r < 8; r++) {
            regs[r] = 0xFFFF0000 | sysRead16(base + 0x12 + 2 * r);
        }
        int[] sels = new int[6];
        for (int s = 0; s < 4; s++) {
            sels[s] = sysRead16(base + 0x22 + 2 * s);
        }
        return new TaskImage(sysRead16(base + 0x0E), sysRead16(base + 0x10), regs, sels,
                sysRead16(base + 0x2A), 0, false);
    }

    /** Writes the dynamic state of the current task into its TSS. */
    private void saveTask(boolean tss32, int flagsImage) {
        if (tss32) {
            sysWrite32(trBase + 0x20, eip);
            sysWrite32(trBase + 0x24, flagsImage);
            for (int r = 0; r < 8; r++) {
                sysWrite32(trBase + 0x28 + 4 * r, reg[r]);
            }
            for (int s = 0; s < 6; s++) {
                sysWrite16(trBase + 0x48 + 4 * s, segSel[s]);
            }
        } else {
            sysWrite16(trBase + 0x0E, eip);
            sysWrite16(trBase + 0x10, flagsImage);
            for (int r = 0; r < 8; r++) {
                sysWrite16(trBase + 0x12 + 2 * r, reg[r]);
            }
            for (int s = 0; s < 4; s++) {
                sysWrite16(trBase + 0x22 + 2 * s, segSel[s]);
            }
        }
    }

    /** Checks that {@code length + 1} bytes from {@code la} translate for a supervisor access. */
    private void probeSystem(int la, int length, boolean write) {
        if (paging) {
            translate(la, write, false);
            translate(la + length, write, false);
        }
    }

    private void setBusy(int sel, boolean busy) {
        int at = gdtBase + (sel & 0xFFF8) + 4;
        int v = sysRead32(at);
        sysWrite32(at, busy ? v | 0x200 : v & ~0x200);
    }

    /**
     * Loads the new task's registers, then its LDT and segment descriptors with the checks of
     * SDM vol. 3, 7.3 step 13; a failed check raises its fault with the new task's state in place.
     */
    private void loadTask(TaskImage t, int newFlags, boolean tss32) {
        if (tss32 && paging) {
            cr3 = t.cr3;
            flushTlb();
        }
        eip = tss32 ? t.eip : t.eip & 0xFFFF;
        System.arraycopy(t.regs, 0, reg, 0, 8);
        putFlags((tss32 ? newFlags : newFlags & 0xFFFF) & WRITABLE_FLAGS);
        // Selectors first, all caches unusable, so a fault below finds the new task's selectors.
        for (int s = 0; s < 6; s++) {
            segSel[s] = t.sels[s] & 0xFFFF;
            segAttr[s] = 0;
        }
        ldtSel = t.ldt & 0xFFFF;
        ldtBase = 0;
        ldtLimit = 0;
        ldtAttr = 0;
        boolean v86 = v86Mode();
        setCpl(v86 ? 3 : t.sels[CS] & 3);
        if (v86) {
            // Virtual-8086 segments cannot fault: load them first, so a bad LDT faults from a whole V86 state.
            for (int s = 0; s < 6; s++) {
                loadV86(s, t.sels[s]);
            }
            loadTaskLdt(t.ldt & 0xFFFF);
            return;
        }
        for (int s = 0; s < 6; s++) {
            updateSegCheck(s);
        }
        loadTaskLdt(t.ldt & 0xFFFF);
        int csSel = t.sels[CS] & 0xFFFF;
        loadTaskStack(t.sels[SS] & 0xFFFF, csSel & 3);
        for (int s : new int[]{DS, ES, FS, GS}) {
            loadTaskData(s, t.sels[s] & 0xFFFF, csSel & 3);
        }
        loadTaskCode(csSel);
    }

    private void loadTaskLdt(int sel) {
        if ((sel & 4) != 0) {
            throw raise(Vectors.TS, sel & 0xFFFC);
        }
        if ((sel & ~3) == 0) {
            return;
        }
        readDescriptor(sel, Vectors.TS);
        int attr = descAttr(descHi);
        if ((attr & 0x1F) != 2 || (attr & ATTR_P) == 0) {
            throw raise(Vectors.TS, sel & 0xFFFC);
        }
        ldtBase = descBase(descLo, descHi);
        ldtLimit = descLimit(descLo, descHi);
        ldtAttr = attr;
    }

    private void loadTaskStack(int sel, int rpl) {
        if ((sel & ~3) == 0) {
            throw raise(Vectors.TS, sel & 0xFFFC);
        }
        readDescriptor(sel, Vectors.TS);
        int attr = descAttr(descHi);
        if ((attr & (ATTR_S | ATTR_CODE | ATTR_RW)) != (ATTR_S | ATTR_RW)) {
            throw raise(Vectors.TS, sel & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.SS, sel & 0xFFFC);
        }
        if (dpl(attr) != rpl || (sel & 3) != rpl) {
            throw raise(Vectors.TS, sel & 0xFFFC);
        }
        markAccessed();
        loadCache(SS, sel, descLo, descHi);
    }

    private void loadTaskData(int seg, int sel, int csRpl) {
        if ((sel & ~3) == 0) {
            return; // a null selector is allowed; the segment stays unusable
        }
        readDescriptor(sel, Vectors.TS);
        int attr = descAttr(descHi);
        boolean code = (attr & ATTR_CODE) != 0;
        if ((attr & ATTR_S) == 0 || code && (attr & ATTR_RW) == 0) {
            throw raise(Vectors.TS, sel & 0xFFFC);
        }
        boolean conforming = code && (attr & ATTR_DC) != 0;
        if (!conforming && (dpl(attr) < (sel & 3) || dpl(attr) < csRpl)) {
            throw raise(Vectors.TS, sel & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.NP, sel & 0xFFFC);
        }
        markAccessed();
        loadCache(seg, sel, descLo, descHi);
    }

    private void loadTaskCode(int sel) {
        if ((sel & ~3) == 0) {
            throw raise(Vectors.TS, 0);
        }
        readDescriptor(sel, Vectors.TS);
        int attr = descAttr(descHi);
        if ((attr & (ATTR_S | ATTR_CODE)) != (ATTR_S | ATTR_CODE)) {
            throw raise(Vectors.TS, sel & 0xFFFC);
        }
        boolean conforming = (attr & ATTR_DC) != 0;
        if (conforming ? dpl(attr) > (sel & 3) : dpl(attr) != (sel & 3)) {
            throw raise(Vectors.TS, sel & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.NP, sel & 0xFFFC);
        }
        markAccessed();
        loadCache(CS, sel, descLo, descHi);
    }
}
