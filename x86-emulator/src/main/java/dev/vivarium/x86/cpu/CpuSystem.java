package dev.vivarium.x86.cpu;

import dev.vivarium.x86.bus.PhysicalMemory;

/**
 * Protected-mode mechanisms: descriptor loads with their type and privilege checks, interrupt
 * and exception delivery (real-mode vector table, protected-mode IDT gates with TSS stack
 * switching), far transfers through call gates, returns and IRET across privilege levels, and
 * the double- and triple-fault rules, and virtual-8086 mode (entered by IRET or a task switch,
 * left by an interrupt or exception through a ring-0 gate). Hardware task switches are the
 * layer above ({@link CpuTasks}); this one calls into it where a TSS or task gate is named.
 */
abstract class CpuSystem extends CpuMemory {

    /** Set by a triple fault: the processor stops until reset, as a real one enters shutdown. */
    boolean shutdown;
    /** The EXT bit of error codes raised while an external event or exception is delivered. */
    private int ext;

    CpuSystem(PhysicalMemory mem) {
        super(mem);
    }

    // ---- descriptors ----

    /** Low and high dwords of the last descriptor read, and its linear address. */
    int descLo, descHi, descAddr;

    static int descBase(int lo, int hi) {
        return (lo >>> 16) | (hi & 0xFF) << 16 | (hi & 0xFF000000);
    }

    static int descLimit(int lo, int hi) {
        int limit = (lo & 0xFFFF) | (hi & 0xF0000);
        return (hi & 0x800000) != 0 ? limit << 12 | 0xFFF : limit;
    }

    static int descAttr(int hi) {
        return hi >>> 8 & 0xF0FF;
    }

    static int dpl(int attr) {
        return attr >>> 5 & 3;
    }

    /** Reads the descriptor for {@code sel}; raises {@code vector}(sel) when it lies outside its table. */
    final void readDescriptor(int sel, int vector) {
        int base, limit;
        if ((sel & 4) != 0) {
            if ((ldtSel & ~3) == 0) {
                throw raise(vector, (sel & 0xFFFC) | ext);
            }
            base = ldtBase;
            limit = ldtLimit;
        } else {
            base = gdtBase;
            limit = gdtLimit;
        }
        int index = sel & 0xFFF8;
        if (index + 7 > (limit & 0xFFFFFFFFL)) {
            throw raise(vector, (sel & 0xFFFC) | ext);
        }
        descAddr = base + index;
        descLo = sysRead32(descAddr);
        descHi = sysRead32(descAddr + 4);
    }

    final void markAccessed() {
        if ((descHi & 0x100) == 0) {
            descHi |= 0x100;
            sysWrite32(descAddr + 4, descHi);
        }
    }

    /** Loads a segment register's cache from the descriptor last read. */
    final void loadCache(int seg, int sel, int lo, int hi) {
        segSel[seg] = sel & 0xFFFF;
        segBase[seg] = descBase(lo, hi);
        segLimit[seg] = descLimit(lo, hi);
        segAttr[seg] = descAttr(hi);
        updateSegCheck(seg);
        if (seg == CS) {
            flushFetch();
        }
    }

    /**
     * A segment as virtual-8086 mode has it: base = selector * 16, limit FFFF, a present DPL-3
     * read/write data segment, whatever the cache held before (SDM vol. 3, 20.1.1).
     */
    final void loadV86(int seg, int sel) {
        segSel[seg] = sel & 0xFFFF;
        segBase[seg] = (sel & 0xFFFF) << 4;
        segLimit[seg] = 0xFFFF;
        segAttr[seg] = ATTR_P | ATTR_S | ATTR_RW | ATTR_ACCESSED | 3 << 5;
        updateSegCheck(seg);
        if (seg == CS) {
            flushFetch();
        }
    }

    /** The EXT bit (1) while an external event or exception is delivered, for the error codes raised meanwhile. */
    final int ext() {
        return ext;
    }

    /** Real-mode (and virtual-8086) load: base = selector * 16; limit and attributes stay (as on a 386). */
    final void loadReal(int seg, int sel) {
        segSel[seg] = sel & 0xFFFF;
        segBase[seg] = (sel & 0xFFFF) << 4;
        updateSegCheck(seg);
        if (seg == CS) {
            flushFetch();
        }
    }

    final void setCpl(int newCpl) {
        if (newCpl != cpl) {
            cpl = newCpl;
            flushFetch();
        }
    }

    /** MOV/POP/LxS to a data or stack segment register, with all the protected-mode checks. */
    final void loadSegment(int seg, int sel) {
        sel &= 0xFFFF;
        if (!protectedMode() || v86Mode()) {
            loadReal(seg, sel);
            return;
        }
        int rpl = sel & 3;
        if (seg == SS) {
            if ((sel & ~3) == 0) {
                throw gp(0);
            }
            readDescriptor(sel, Vectors.GP);
            int attr = descAttr(descHi);
            if (rpl != cpl || dpl(attr) != cpl || (attr & (ATTR_S | ATTR_CODE | ATTR_RW)) != (ATTR_S | ATTR_RW)) {
                throw gp(sel & 0xFFFC);
            }
            if ((attr & ATTR_P) == 0) {
                throw raise(Vectors.SS, sel & 0xFFFC);
            }
        } else {
            if ((sel & ~3) == 0) {
                segSel[seg] = sel;
                segAttr[seg] = 0;
                updateSegCheck(seg);
                return;
            }
            readDescriptor(sel, Vectors.GP);
            int attr = descAttr(descHi);
            boolean code = (attr & ATTR_CODE) != 0;
            if ((attr & ATTR_S) == 0 || (code && (attr & ATTR_RW) == 0)) {
                throw gp(sel & 0xFFFC);
            }
            boolean conformingCode = code && (attr & ATTR_DC) != 0;
            if (!conformingCode && dpl(attr) < Math.max(cpl, rpl)) {
                throw gp(sel & 0xFFFC);
            }
            if ((attr & ATTR_P) == 0) {
                throw raise(Vectors.NP, sel & 0xFFFC);
            }
        }
        markAccessed();
        loadCache(seg, sel, descLo, descHi);
    }

    /** Checks a code-segment descriptor (already read) as the target of a far transfer; returns nothing, faults. */
    private void checkCodeTarget(int sel, int attr, boolean viaGate) {
        if ((attr & (ATTR_S | ATTR_CODE)) != (ATTR_S | ATTR_CODE)) {
            throw gp(sel & 0xFFFC);
        }
        boolean conforming = (attr & ATTR_DC) != 0;
        if (viaGate) {
            if (dpl(attr) > cpl) {
                throw gp(sel & 0xFFFC);
            }
        } else if (conforming ? dpl(attr) > cpl : (sel & 3) > cpl || dpl(attr) != cpl) {
            throw gp(sel & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.NP, sel & 0xFFFC);
        }
    }

    private void checkEipInLimit(int newEip, int lo, int hi) {
        if (Integer.compareUnsigned(newEip, descLimit(lo, hi)) > 0) {
            throw gp(0);
        }
    }

    /** Loads CS:EIP for a transfer that stays at the current privilege level. */
    private void enterCode(int sel, int newEip, int lo, int hi) {
        checkEipInLimit(newEip, lo, hi);
        markAccessed();
        loadCache(CS, (sel & ~3) | cpl, lo, hi);
        eip = newEip;
    }

    // ---- far JMP / CALL / RET ----

    final void farJump(int sel, int offset, boolean o32) {
        if (!protectedMode() || v86Mode()) {
            loadReal(CS, sel);
            eip = o32 ? offset : offset & 0xFFFF;
            return;
        }
        if ((sel & ~3) == 0) {
            throw gp(0);
        }
        readDescriptor(sel, Vectors.GP);
        int lo = descLo, hi = descHi, attr = descAttr(hi);
        if ((attr & ATTR_S) != 0) {
            checkCodeTarget(sel, attr, false);
            enterCode(sel, offset, lo, hi);
            return;
        }
        if (namesTask(attr)) {
            taskTransfer(sel, lo, hi, false);
            return;
        }
        int type = checkCallGate(sel, attr);
        int target = lo >>> 16;
        int gateOffset = type == 12 ? (lo & 0xFFFF) | (hi & 0xFFFF0000) : lo & 0xFFFF;
        if ((target & ~3) == 0) {
            throw gp(0);
        }
        readDescriptor(target, Vectors.GP);
        int tattr = descAttr(descHi);
        checkCodeTarget(target, tattr, true);
        if ((tattr & ATTR_DC) == 0 && dpl(tattr) != cpl) {
            throw gp(target & 0xFFFC);
        }
        enterCode(target, gateOffset, descLo, descHi);
    }

    /** Whether a system descriptor's attributes name a task: a task gate or an available TSS (16- or 32-bit). */
    static boolean namesTask(int attr) {
        int type = attr & 0x1F;
        return type == 5 || type == 1 || type == 9;
    }

    /** A far JMP or CALL to a TSS descriptor or task gate (its descriptor as read): a task switch. */
    abstract void taskTransfer(int sel, int lo, int hi, boolean call);

    /**
     * A far JMP or CALL whose selector names a system descriptor other than a task: it must be
     * a present call gate the caller may use (gate DPL at least CPL and RPL); anything else
     * (a busy TSS too) is #GP(selector). Returns the type.
     */
    private int checkCallGate(int sel, int attr) {
        int type = attr & 0xF;
        if (type != 4 && type != 12) {
            throw gp(sel & 0xFFFC);
        }
        if (dpl(attr) < cpl || dpl(attr) < (sel & 3)) {
            throw gp(sel & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.NP, sel & 0xFFFC);
        }
        return type;
    }

    final void farCall(int sel, int offset, boolean o32) {
        int retEip = eip;
        if (!protectedMode() || v86Mode()) {
            push(segSel[CS], o32);
            push(retEip, o32);
            loadReal(CS, sel);
            eip = o32 ? offset : offset & 0xFFFF;
            return;
        }
        if ((sel & ~3) == 0) {
            throw gp(0);
        }
        readDescriptor(sel, Vectors.GP);
        int lo = descLo, hi = descHi, attr = descAttr(hi);
        if ((attr & ATTR_S) != 0) {
            checkCodeTarget(sel, attr, false);
            checkEipInLimit(offset, lo, hi);
            int oldCs = segSel[CS];
            push(oldCs, o32);
            push(retEip, o32);
            enterCode(sel, offset, lo, hi);
            return;
        }
        if (namesTask(attr)) {
            taskTransfer(sel, lo, hi, true);
            return;
        }
        int type = checkCallGate(sel, attr);
        boolean gate32 = type == 12;
        int target = lo >>> 16;
        int gateOffset = gate32 ? (lo & 0xFFFF) | (hi & 0xFFFF0000) : lo & 0xFFFF;
        int params = hi & 0x1F;
        if ((target & ~3) == 0) {
            throw gp(0);
        }
        readDescriptor(target, Vectors.GP);
        int tlo = descLo, thi = descHi, tattr = descAttr(thi);
        checkCodeTarget(target, tattr, true);
        checkEipInLimit(gateOffset, tlo, thi);
        int targetDpl = dpl(tattr);
        if ((tattr & ATTR_DC) == 0 && targetDpl < cpl) {
            // More privileged: switch to the inner stack named in the TSS and copy the parameters.
            int oldSs = segSel[SS], oldEsp = reg[ESP], oldCs = segSel[CS];
            boolean oldStack32 = stack32();
            StackPointer inner = innerStack(targetDpl, Vectors.TS);
            int width = gate32 ? 4 : 2;
            int esp = inner.esp;
            boolean newStack32 = (inner.hi & 0x400000) != 0;
            int newBase = descBase(inner.lo, inner.hi);
            int[] copied = new int[params];
            for (int k = 0; k < params; k++) {
                int off = (oldStack32 ? oldEsp : oldEsp & 0xFFFF) + (params - 1 - k) * width;
                off = oldStack32 ? off : off & 0xFFFF;
                int la = linear(SS, off, width, false); // through the caller's SS: its limit applies (#SS(0))
                copied[k] = gate32 ? readLin32(la, cpl == 3) : readLin16(la, cpl == 3);
            }
            esp = pushOnStack(inner, esp, newStack32, newBase, oldSs, width, targetDpl);
            esp = pushOnStack(inner, esp, newStack32, newBase, oldEsp, width, targetDpl);
            for (int k = 0; k < params; k++) {
                esp = pushOnStack(inner, esp, newStack32, newBase, copied[k], width, targetDpl);
            }
            esp = pushOnStack(inner, esp, newStack32, newBase, oldCs, width, targetDpl);
            esp = pushOnStack(inner, esp, newStack32, newBase, retEip, width, targetDpl);
            // Commit: nothing above changed a register.
            descAddr = inner.descAddr;
            descHi = inner.hi;
            markAccessed();
            loadCache(SS, inner.sel, inner.lo, inner.hi);
            reg[ESP] = newStack32 ? esp : (reg[ESP] & 0xFFFF0000) | (esp & 0xFFFF);
            setCpl(targetDpl);
            readDescriptor(target, Vectors.GP);
            markAccessed();
            loadCache(CS, (target & ~3) | targetDpl, tlo, thi);
            eip = gateOffset;
        } else {
            int oldCs = segSel[CS];
            push(oldCs, gate32);
            push(retEip, gate32);
            readDescriptor(target, Vectors.GP);
            enterCode(target, gateOffset, tlo, thi);
        }
    }

    /** An inner stack read from the TSS: selector, its descriptor, and the stack pointer. */
    record StackPointer(int sel, int esp, int lo, int hi, int descAddr) {
    }

    /** Reads and checks SSn:ESPn from the current TSS for privilege level {@code level}. */
    final StackPointer innerStack(int level, int vector) {
        boolean tss32 = (trAttr & 8) != 0;
        int ss, esp;
        if (tss32) {
            int off = 4 + level * 8;
            if (off + 5 > (trLimit & 0xFFFFFFFFL)) {
                throw raise(Vectors.TS, (trSel & 0xFFFC) | ext);
            }
            esp = sysRead32(trBase + off);
            ss = sysRead16(trBase + off + 4);
        } else {
            int off = 2 + level * 4;
            if (off + 3 > (trLimit & 0xFFFFFFFFL)) {
                throw raise(Vectors.TS, (trSel & 0xFFFC) | ext);
            }
            esp = sysRead16(trBase + off);
            ss = sysRead16(trBase + off + 2);
        }
        if ((ss & ~3) == 0) {
            throw raise(Vectors.TS, ext);
        }
        readDescriptor(ss, Vectors.TS);
        int attr = descAttr(descHi);
        if ((ss & 3) != level || dpl(attr) != level
                || (attr & (ATTR_S | ATTR_CODE | ATTR_RW)) != (ATTR_S | ATTR_RW)) {
            throw raise(Vectors.TS, (ss & 0xFFFC) | ext);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.SS, (ss & 0xFFFC) | ext);
        }
        return new StackPointer(ss, esp, descLo, descHi, descAddr);
    }

    /** Pushes onto a stack that is not yet loaded into SS, checking its limit; returns the new pointer. */
    private int pushOnStack(StackPointer stack, int esp, boolean stack32, int base, int value, int width, int level) {
        int newEsp = stack32 ? esp - width : (esp - width) & 0xFFFF;
        int limit = descLimit(stack.lo, stack.hi);
        int attr = descAttr(stack.hi);
        long end = (newEsp & 0xFFFFFFFFL) + width - 1;
        boolean bad = (attr & ATTR_DC) != 0
                ? (newEsp & 0xFFFFFFFFL) <= (limit & 0xFFFFFFFFL) || end > (stack32 ? 0xFFFFFFFFL : 0xFFFFL)
                : end > (limit & 0xFFFFFFFFL);
        if (bad) {
            throw raise(Vectors.SS, (stack.sel & 0xFFFC) | ext);
        }
        if (width == 4) {
            writeLin32(base + newEsp, value, level == 3);
        } else {
            writeLin16(base + newEsp, value, level == 3);
        }
        return newEsp;
    }

    final void farReturn(boolean o32, int release) {
        if (!protectedMode() || v86Mode()) {
            int newEip = pop(o32);
            int newCs = pop(o32) & 0xFFFF;
            loadReal(CS, newCs);
            eip = o32 ? newEip : newEip & 0xFFFF;
            setSp(stackOffset(release));
            return;
        }
        int width = o32 ? 4 : 2;
        int sp = sp();
        int newEip = o32 ? read32(SS, sp) : read16(SS, sp);
        int newCs = (o32 ? read32(SS, stackOffsetFrom(sp, width)) : read16(SS, stackOffsetFrom(sp, width))) & 0xFFFF;
        int rpl = newCs & 3;
        if ((newCs & ~3) == 0) {
            throw gp(0);
        }
        readDescriptor(newCs, Vectors.GP);
        int lo = descLo, hi = descHi, attr = descAttr(hi);
        if (rpl < cpl || (attr & (ATTR_S | ATTR_CODE)) != (ATTR_S | ATTR_CODE)) {
            throw gp(newCs & 0xFFFC);
        }
        if ((attr & ATTR_DC) != 0 ? dpl(attr) > rpl : dpl(attr) != rpl) {
            throw gp(newCs & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.NP, newCs & 0xFFFC);
        }
        if (rpl == cpl) {
            checkEipInLimit(newEip, lo, hi);
            markAccessed();
            loadCache(CS, newCs, lo, hi);
            eip = o32 ? newEip : newEip & 0xFFFF;
            setSp(stackOffsetFrom(sp, 2 * width + release));
            return;
        }
        // Return to an outer level: the caller's SS:ESP follow the parameters.
        int outerOff = stackOffsetFrom(sp, 2 * width + release);
        int newEsp = o32 ? read32(SS, outerOff) : read16(SS, outerOff);
        int newSs = (o32 ? read32(SS, stackOffsetFrom(outerOff, width)) : read16(SS, stackOffsetFrom(outerOff, width)))
                & 0xFFFF;
        returnToOuter(newCs, lo, hi, newEip, o32, newSs, newEsp, release);
    }

    private int stackOffsetFrom(int sp, int delta) {
        return stack32() ? sp + delta : (sp + delta) & 0xFFFF;
    }

    /** The common tail of RETF and IRET to a less privileged level. */
    private void returnToOuter(int newCs, int lo, int hi, int newEip, boolean o32, int newSs, int newEsp,
                               int release) {
        int rpl = newCs & 3;
        if ((newSs & ~3) == 0) {
            throw gp(0);
        }
        readDescriptor(newSs, Vectors.GP);
        int slo = descLo, shi = descHi, sattr = descAttr(shi), sAddr = descAddr;
        if ((newSs & 3) != rpl || dpl(sattr) != rpl
                || (sattr & (ATTR_S | ATTR_CODE | ATTR_RW)) != (ATTR_S | ATTR_RW)) {
            throw gp(newSs & 0xFFFC);
        }
        if ((sattr & ATTR_P) == 0) {
            throw raise(Vectors.SS, newSs & 0xFFFC);
        }
        checkEipInLimit(newEip, lo, hi);
        readDescriptor(newCs, Vectors.GP);
        markAccessed();
        loadCache(CS, newCs, lo, hi);
        eip = o32 ? newEip : newEip & 0xFFFF;
        setCpl(rpl);
        descAddr = sAddr;
        descHi = shi;
        markAccessed();
        loadCache(SS, newSs, slo, shi);
        int esp = newEsp + release;
        if (stack32()) {
            reg[ESP] = esp;
        } else {
            setReg16(ESP, esp);
        }
        invalidateOuterSegments();
    }

    /** After a return to an outer level, data segments the new CPL may not use become null. */
    private void invalidateOuterSegments() {
        for (int seg : new int[]{ES, DS, FS, GS}) {
            int attr = segAttr[seg];
            boolean conformingCode = (attr & (ATTR_CODE | ATTR_DC)) == (ATTR_CODE | ATTR_DC);
            if ((segSel[seg] & ~3) != 0 && !conformingCode && dpl(attr) < cpl) {
                segSel[seg] = 0;
                segAttr[seg] = 0;
                updateSegCheck(seg);
            }
        }
    }

    // ---- IRET ----

    final void interruptReturn(boolean o32) {
        if (!protectedMode()) {
            int newEip = pop(o32);
            int newCs = pop(o32) & 0xFFFF;
            int newFlags = pop(o32);
            loadReal(CS, newCs);
            eip = o32 ? newEip : newEip & 0xFFFF;
            int keep = o32 ? VM | (0xFFFF0000 & ~WRITABLE_FLAGS) : 0xFFFF0000;
            int f = getFlags();
            putFlags((f & keep) | (newFlags & ~keep & WRITABLE_FLAGS) | 2);
            return;
        }
        if (v86Mode()) {
            v86InterruptReturn(o32);
            return;
        }
        if ((flags & NT) != 0) {
            taskReturn(); // back to the task named in this TSS's link field
            return;
        }
        int width = o32 ? 4 : 2;
        int sp = sp();
        int newEip = o32 ? read32(SS, sp) : read16(SS, sp);
        int newCs = (o32 ? read32(SS, stackOffsetFrom(sp, width)) : read16(SS, stackOffsetFrom(sp, width))) & 0xFFFF;
        int newFlags = o32 ? read32(SS, stackOffsetFrom(sp, 2 * width)) : read16(SS, stackOffsetFrom(sp, 2 * width));
        if (o32 && (newFlags & VM) != 0 && cpl == 0) {
            returnToV86(sp, newEip, newCs, newFlags);
            return;
        }
        if ((newCs & ~3) == 0) {
            throw gp(0);
        }
        readDescriptor(newCs, Vectors.GP);
        int lo = descLo, hi = descHi, attr = descAttr(hi);
        int rpl = newCs & 3;
        if (rpl < cpl || (attr & (ATTR_S | ATTR_CODE)) != (ATTR_S | ATTR_CODE)) {
            throw gp(newCs & 0xFFFC);
        }
        if ((attr & ATTR_DC) != 0 ? dpl(attr) > rpl : dpl(attr) != rpl) {
            throw gp(newCs & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.NP, newCs & 0xFFFC);
        }
        int oldCpl = cpl;
        if (rpl == cpl) {
            checkEipInLimit(newEip, lo, hi);
            markAccessed();
            loadCache(CS, newCs, lo, hi);
            eip = o32 ? newEip : newEip & 0xFFFF;
            setSp(stackOffsetFrom(sp, 3 * width));
        } else {
            int outer = stackOffsetFrom(sp, 3 * width);
            int newEsp = o32 ? read32(SS, outer) : read16(SS, outer);
            int newSs = (o32 ? read32(SS, stackOffsetFrom(outer, width)) : read16(SS, stackOffsetFrom(outer, width)))
                    & 0xFFFF;
            returnToOuter(newCs, lo, hi, newEip, o32, newSs, newEsp, 0);
        }
        loadFlagsPrivileged(newFlags, o32, oldCpl);
    }

    /** IRET from a nested task (NT set): a task switch back to the TSS in the link field. */
    abstract void taskReturn();

    /**
     * IRET in virtual-8086 mode: with IOPL 3 it returns as in real mode but leaves IOPL and VM
     * as they are; below IOPL 3 it is #GP(0), for the monitor to emulate (SDM vol. 3, 20.2.7).
     */
    private void v86InterruptReturn(boolean o32) {
        if ((flags & IOPL) != IOPL) {
            throw gp(0);
        }
        int width = o32 ? 4 : 2;
        int sp = sp();
        int newEip = o32 ? read32(SS, sp) : read16(SS, sp);
        int newCs = read16(SS, stackOffsetFrom(sp, width));
        int newFlags = o32 ? read32(SS, stackOffsetFrom(sp, 2 * width)) : read16(SS, stackOffsetFrom(sp, 2 * width));
        if ((newEip & 0xFFFF0000) != 0) {
            throw gp(0); // beyond CS's limit of FFFF
        }
        setSp(stackOffsetFrom(sp, 3 * width));
        loadReal(CS, newCs);
        eip = newEip;
        int changeable = WRITABLE_FLAGS & ~(IOPL | VM) & (o32 ? -1 : 0xFFFF);
        putFlags((getFlags() & ~changeable) | (newFlags & changeable));
    }

    /**
     * IRET at CPL 0 whose EFLAGS image has VM set: the rest of the frame (ESP, SS, ES, DS, FS,
     * GS) is popped too and the CPU enters virtual-8086 mode at CPL 3 (SDM vol. 2, IRET,
     * RETURN-TO-VIRTUAL-8086-MODE). Everything is read before anything changes.
     */
    private void returnToV86(int sp, int newEip, int newCs, int newFlags) {
        int[] frame = new int[6]; // ESP, SS, ES, DS, FS, GS
        for (int i = 0; i < frame.length; i++) {
            frame[i] = read32(SS, stackOffsetFrom(sp, 12 + 4 * i));
        }
        if ((newEip & 0xFFFF0000) != 0) {
            throw gp(0);
        }
        putFlags(newFlags & WRITABLE_FLAGS); // VM first: the segment checks below follow it
        setCpl(3);
        loadV86(CS, newCs);
        loadV86(SS, frame[1]);
        loadV86(ES, frame[2]);
        loadV86(DS, frame[3]);
        loadV86(FS, frame[4]);
        loadV86(GS, frame[5]);
        reg[ESP] = frame[0];
        eip = newEip;
    }

    /** Loads EFLAGS from POPF or IRET under the rules for the given privilege level. */
    final void loadFlagsPrivileged(int value, boolean o32, int privilege) {
        int f = getFlags();
        int changeable = WRITABLE_FLAGS & ~VM;
        if (protectedMode()) {
            if (privilege > 0) {
                changeable &= ~IOPL;
            }
            if (privilege > (f & IOPL) >>> 12) {
                changeable &= ~IF;
            }
        }
        if (!o32) {
            changeable &= 0xFFFF;
        }
        putFlags((f & ~changeable) | (value & changeable));
    }

    // ---- interrupt and exception delivery ----

    static final int SOURCE_SOFTWARE = 0, SOURCE_EXCEPTION = 1, SOURCE_EXTERNAL = 2;

    /**
     * Delivers an exception with the double- and triple-fault rules: a fault while delivering
     * becomes the next event, two contributory faults (or a page fault and then a contributory
     * or page fault) become #DF, and a fault while delivering #DF shuts the processor down.
     */
    final void deliverException(int vector, int errorCode) {
        int first = vector;
        while (true) {
            try {
                deliver(vector, errorCode, SOURCE_EXCEPTION);
                return;
            } catch (CpuFault f) {
                if (vector == Vectors.DF) {
                    shutdown = true;
                    return;
                }
                int second = f.vector;
                boolean doubleFault = (Vectors.isContributory(first) && Vectors.isContributory(second))
                        || (first == Vectors.PF && (Vectors.isContributory(second) || second == Vectors.PF));
                if (doubleFault) {
                    vector = Vectors.DF;
                    errorCode = 0;
                } else {
                    vector = second;
                    errorCode = f.errorCode;
                }
                first = vector;
            }
        }
    }

    /** An interrupt or exception through a task gate: a task switch to the TSS it names, then its error code. */
    abstract void interruptTask(int tssSel, int errorCode);

    /** Delivers an INT n, an external interrupt or an exception through the IVT or IDT. */
    final void deliver(int vector, int errorCode, int source) {
        ext = source == SOURCE_SOFTWARE ? 0 : 1;
        try {
            if (!protectedMode()) {
                deliverReal(vector);
            } else {
                deliverProtected(vector, errorCode, source);
            }
        } finally {
            ext = 0;
        }
    }

    private void deliverReal(int vector) {
        int entry = vector * 4;
        if (entry + 3 > (idtLimit & 0xFFFFFFFFL)) {
            throw gp(0);
        }
        int newIp = readLin16(idtBase + entry, false);
        int newCs = readLin16(idtBase + entry + 2, false);
        int f = getFlags();
        int sp0 = reg[ESP];
        try {
            push16(f);
            push16(segSel[CS]);
            push16(eip);
        } catch (CpuFault fault) {
            reg[ESP] = sp0;
            throw fault;
        }
        putFlags(f & ~(IF | TF | AC));
        loadReal(CS, newCs);
        eip = newIp;
    }

    private void deliverProtected(int vector, int errorCode, int source) {
        int gateErr = vector * 8 + 2 + ext;
        if (vector * 8 + 7 > (idtLimit & 0xFFFFFFFFL)) {
            throw gp(gateErr);
        }
        int lo = sysRead32(idtBase + vector * 8);
        int hi = sysRead32(idtBase + vector * 8 + 4);
        int attr = descAttr(hi);
        int type = attr & 0x1F;
        boolean trap;
        boolean gate32;
        switch (type) {
            case 0x06 -> { gate32 = false; trap = false; }
            case 0x07 -> { gate32 = false; trap = true; }
            case 0x0E -> { gate32 = true; trap = false; }
            case 0x0F -> { gate32 = true; trap = true; }
            case 0x05 -> { gate32 = false; trap = false; }
            default -> throw gp(gateErr);
        }
        if (source == SOURCE_SOFTWARE && dpl(attr) < cpl) {
            throw gp(gateErr);
        }
        if ((attr & ATTR_P) == 0) {
            throw raise(Vectors.NP, gateErr);
        }
        if (type == 0x05) {
            interruptTask(lo >>> 16, errorCode);
            return;
        }
        int target = lo >>> 16;
        int newEip = gate32 ? (lo & 0xFFFF) | (hi & 0xFFFF0000) : lo & 0xFFFF;
        if ((target & ~3) == 0) {
            throw gp(ext);
        }
        readDescriptor(target, Vectors.GP);
        int clo = descLo, chi = descHi, cattr = descAttr(chi), cAddr = descAddr;
        if ((cattr & (ATTR_S | ATTR_CODE)) != (ATTR_S | ATTR_CODE) || dpl(cattr) > cpl) {
            throw gp((target & 0xFFFC) | ext);
        }
        if ((cattr & ATTR_P) == 0) {
            throw raise(Vectors.NP, (target & 0xFFFC) | ext);
        }
        checkEipInLimit(newEip, clo, chi);
        int width = gate32 ? 4 : 2;
        int oldFlags = getFlags();
        int newCpl = (cattr & ATTR_DC) == 0 ? dpl(cattr) : cpl;
        boolean fromV86 = (oldFlags & VM) != 0;
        if (fromV86 && newCpl != 0) {
            // Virtual-8086 mode leaves only for a non-conforming ring-0 handler (SDM vol. 3, 20.3.1.1).
            throw gp((target & 0xFFFC) | ext);
        }
        if (newCpl < cpl) {
            StackPointer inner = innerStack(newCpl, Vectors.TS);
            boolean s32 = (inner.hi & 0x400000) != 0;
            int base = descBase(inner.lo, inner.hi);
            int esp = inner.esp;
            if (fromV86) {
                for (int seg : new int[]{GS, FS, DS, ES}) {
                    esp = pushOnStack(inner, esp, s32, base, segSel[seg], width, newCpl);
                }
            }
            esp = pushOnStack(inner, esp, s32, base, segSel[SS], width, newCpl);
            esp = pushOnStack(inner, esp, s32, base, reg[ESP], width, newCpl);
            esp = pushOnStack(inner, esp, s32, base, oldFlags, width, newCpl);
            esp = pushOnStack(inner, esp, s32, base, segSel[CS], width, newCpl);
            esp = pushOnStack(inner, esp, s32, base, eip, width, newCpl);
            if (errorCode >= 0) {
                esp = pushOnStack(inner, esp, s32, base, errorCode, width, newCpl);
            }
            if (fromV86) {
                // Out of virtual-8086 mode before any cache is loaded, so their checks are protected mode's;
                // the data segments become null (the handler finds the V86 ones on its stack).
                flags &= ~VM;
                for (int seg : new int[]{GS, FS, DS, ES}) {
                    segSel[seg] = 0;
                    segAttr[seg] = 0;
                    updateSegCheck(seg);
                }
            }
            descAddr = inner.descAddr;
            descHi = inner.hi;
            markAccessed();
            loadCache(SS, inner.sel, inner.lo, inner.hi);
            reg[ESP] = s32 ? esp : (reg[ESP] & 0xFFFF0000) | (esp & 0xFFFF);
        } else {
            int sp0 = reg[ESP];
            try {
                push(oldFlags, gate32);
                push(segSel[CS], gate32);
                push(eip, gate32);
                if (errorCode >= 0) {
                    push(errorCode, gate32);
                }
            } catch (CpuFault fault) {
                reg[ESP] = sp0;
                throw fault;
            }
        }
        setCpl(newCpl);
        descAddr = cAddr;
        descHi = chi;
        markAccessed();
        loadCache(CS, (target & ~3) | newCpl, clo, chi);
        eip = newEip;
        int cleared = TF | NT | RF | VM | (trap ? 0 : IF);
        putFlags(oldFlags & ~cleared);
    }
}
