package dev.vivarium.x86.cpu;

import dev.vivarium.x86.bus.FpuErrorPins;
import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.bus.IoPorts;
import dev.vivarium.x86.bus.PhysicalMemory;
import dev.vivarium.x86.cpu.translator.BlockEngine;
import dev.vivarium.x86.fpu.Fpu;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.util.function.LongSupplier;

/**
 * An i386-class processor with the integer instruction set of the 486 and the P6 additions
 * compilers emit (CMOVcc, CPUID, RDTSC, CMPXCHG8B), and a 486's x87 FPU ({@link Fpu}; a
 * model without one is {@link #setFpuPresent}). This class is the public face and the
 * interpreter: it decodes prefixes and ModRM, executes, and turns every guest fault into an
 * architectural exception; the layers below hold the state ({@link CpuState}), memory access
 * ({@link CpuMemory}), protected-mode mechanisms ({@link CpuSystem}) and task switches
 * ({@link CpuTasks}).
 *
 * <p>Not thread-safe: one thread runs a CPU at a time. The hot path allocates nothing.
 */
public final class Cpu extends CpuTasks implements Snapshottable {

    /** Why {@link #run(long)} returned. */
    public enum Exit {
        /** The instruction budget was used up. */
        BUDGET,
        /** A HLT executed; the CPU waits for an interrupt (or forever, with IF clear). */
        HALT,
        /** A triple fault put the processor into shutdown: only a reset continues. */
        SHUTDOWN
    }

    /** CPUID leaf 1 EAX and the reset value of EDX: family 6, model 1, stepping 0. */
    public static final int SIGNATURE = 0x610;
    /** CPUID leaf 1 EDX: TSC (4), CX8 (8), CMOV (15), and FPU (0) when it has one. No PSE, no MSRs, no FXSR. */
    static final int FEATURES = 1 << 4 | 1 << 8 | 1 << 15;
    static final int FEATURE_FPU = 1;

    /** Whether CPUs run decoded blocks by default; {@code -Dvivarium.x86.blocks=false} leaves everything to the interpreter. */
    private static final boolean BLOCKS_BY_DEFAULT = !"false".equals(System.getProperty("vivarium.x86.blocks"));

    private final IoPorts io;
    private final InterruptLine interrupts;
    private final Fpu fpu = new Fpu();
    private final FpuPort fpuPort = new FpuPort(this);
    private boolean fpuPresent = true;
    /** FERR# and IGNNE#, the board's side of an FPU error with CR0.NE clear (a PC/AT latches FERR# on IRQ 13). */
    private FpuErrorPins fpuErrorPins = FpuErrorPins.NONE;
    /** Whether this CPU holds FERR# asserted: until the pending error is cleared. */
    private boolean ferrAsserted;
    /** The translating core: decoded blocks, compiled to bytecode once hot. */
    private final BlockEngine blocks;
    private boolean blocksEnabled = BLOCKS_BY_DEFAULT;
    /** Blocks enabled and no hardware breakpoint armed (those need the interpreter's look at every instruction). */
    private boolean blocksUsable = BLOCKS_BY_DEFAULT;
    /** Set when the running block must stop after its current op (its code was written, or the slice must end). */
    public boolean blockEnded;
    /** Set by a compiled region before a fault leaves it: the index of the op that raised it. */
    public int faultOp;
    /** Set with {@link #faultOp}: the instructions the region counted, through the end of the faulting op's block. */
    public int faultDone;
    /**
     * Instructions a CPU runs without halting before it decodes blocks. An idle guest wakes for
     * a timer tick of a few dozen instructions and halts again: decoding its code would cost
     * memory (some 70 KiB per VM) and time that the few instructions never earn back, so it
     * stays in the interpreter; a guest that computes passes this at once.
     */
    static final long BLOCKS_AFTER = 10_000;
    private long blocksAfter = BLOCKS_AFTER;
    /** The instruction count when the CPU last halted (or was reset). */
    private long haltedAt;
    /** Halts in a row that each came within {@link #BLOCKS_AFTER} of the one before. */
    private int shortRuns;
    /** After this many short runs in a row the guest is idle: its blocks (from boot, say) are dropped to free their memory. */
    private static final int IDLE_AFTER_SHORT_RUNS = 100;
    private LongSupplier timeStampCounter = this::instructions;

    private boolean halted;
    private long icount;
    /** Instruction count at which the current {@link #run} slice ends (REP loops stop there). */
    private long sliceEnd;
    /** Interrupts are held off for one instruction after STI, MOV SS and POP SS. */
    private boolean interruptShadow;
    /** MOV SS and POP SS also hold off the single-step trap until the next instruction ends (SDM vol. 3, 6.8.3). */
    private boolean stackShadow;

    // ---- decoder state of the current instruction ----
    private boolean o32, a32;
    private int segOverride;
    private int rep; // 0 none, 0xF2 REPNE, 0xF3 REP/REPE
    private boolean lock;
    private int mod, regField, rm;
    private int eaSeg, eaOff;
    private boolean eaUsesEsp;

    public Cpu(PhysicalMemory memory, IoPorts io, InterruptLine interrupts) {
        super(memory);
        this.io = io;
        this.interrupts = interrupts;
        this.blocks = new BlockEngine(this, memory);
        reset();
    }

    // ======================================================================================
    // Public API
    // ======================================================================================

    /** The power-on state: real mode at F000:FFF0 (linear FFFFFFF0). */
    public void reset() {
        java.util.Arrays.fill(reg, 0);
        reg[EDX] = SIGNATURE;
        eip = 0xFFF0;
        putFlags(2);
        for (int s = 0; s < 6; s++) {
            segSel[s] = 0;
            segBase[s] = 0;
            segLimit[s] = 0xFFFF;
            segAttr[s] = ATTR_P | ATTR_S | ATTR_RW | ATTR_ACCESSED;
        }
        segSel[CS] = 0xF000;
        segBase[CS] = 0xFFFF0000;
        segAttr[CS] |= ATTR_CODE;
        gdtBase = 0;
        gdtLimit = 0xFFFF;
        idtBase = 0;
        idtLimit = 0x3FF;
        ldtSel = ldtBase = 0;
        ldtLimit = 0xFFFF;
        ldtAttr = 0x82;
        trSel = trBase = 0;
        trLimit = 0xFFFF;
        trAttr = 0x8B;
        cr0 = CR0_CD | CR0_NW | CR0_ET; // ET is hardwired to 1 on the P6 family this CPU reports
        cr2 = cr3 = cr4 = 0;
        java.util.Arrays.fill(dr, 0);
        dr[6] = 0xFFFF0FF0;
        dr[7] = 0x400;
        debugControlChanged();
        cpl = 0;
        fpu.reset();
        releaseFerr();
        halted = false;
        shutdown = false;
        interruptShadow = false;
        haltedAt = icount;
        for (int s = 0; s < 6; s++) {
            updateSegCheck(s);
        }
        pagingChanged();
    }

    /** Executes up to {@code maxInstructions} instructions (a REP iteration counts as one). */
    public Exit run(long maxInstructions) {
        sliceEnd = icount + maxInstructions;
        flushFetch(); // the board may have restored or remapped memory since the last slice
        if (shutdown) {
            return Exit.SHUTDOWN;
        }
        while (icount < sliceEnd) {
            if (!interruptShadow && (flags & IF) != 0 && interrupts.pending()) {
                halted = false;
                deliverExternal(interrupts.acknowledge());
                if (shutdown) {
                    return Exit.SHUTDOWN;
                }
                continue;
            }
            if (halted) {
                return Exit.HALT;
            }
            // Decoded blocks run between interrupt checks, so only where nothing must be looked
            // at between two instructions: not under the single-step trap or an interrupt shadow,
            // and only when the whole block fits in the slice (its end is then exact).
            long ran = blocksUsable && codeSize32 && !interruptShadow && (flags & TF) == 0
                    && !instructionByInstruction && icount - haltedAt >= blocksAfter ? runBlocks() : 0;
            if (ran == 0 && breakpoints.armed()) {
                stepWatched();
            } else if (ran == 0) {
                step();
            }
            // Only an instruction (HLT, or a fault that escalates to shutdown) stops the CPU.
            if (halted || shutdown) {
                noteHalt();
                return shutdown ? Exit.SHUTDOWN : Exit.HALT;
            }
        }
        return shutdown ? Exit.SHUTDOWN : Exit.BUDGET;
    }

    public long instructions() {
        return icount;
    }

    /** Of {@link #instructions()}, those run as ops of decoded blocks. */
    public long blockInstructions() {
        return blocks.instructions();
    }

    public boolean halted() {
        return halted;
    }

    public boolean isShutdown() {
        return shutdown;
    }

    public int reg(int r) {
        return reg[r];
    }

    public void setReg(int r, int v) {
        reg[r] = v;
    }

    public int eip() {
        return eip;
    }

    public void setEip(int v) {
        eip = v;
    }

    public int eflags() {
        return getFlags();
    }

    public void setEflags(int v) {
        putFlags(v);
    }

    public int segmentSelector(int seg) {
        return segSel[seg];
    }

    public int segmentBase(int seg) {
        return segBase[seg];
    }

    public int segmentLimit(int seg) {
        return segLimit[seg];
    }

    /** Attributes of a segment cache: descriptor bits 40..55 shifted down by 8 (type, S, DPL, P, AVL, D/B, G). */
    public int segmentAttributes(int seg) {
        return segAttr[seg];
    }

    /** A real-mode segment load as at reset: base = selector * 16, limit 0xFFFF, a present read/write segment. */
    public void loadSegmentReal(int seg, int selector) {
        segSel[seg] = selector & 0xFFFF;
        segBase[seg] = (selector & 0xFFFF) << 4;
        segLimit[seg] = 0xFFFF;
        segAttr[seg] = ATTR_P | ATTR_S | ATTR_RW | ATTR_ACCESSED | (seg == CS ? ATTR_CODE : 0);
        updateSegCheck(seg);
        if (seg == CS) {
            flushFetch();
        }
    }

    /** Loads a segment cache directly (as a loader or a state restore does); CS also sets the CPL in protected mode. */
    public void loadSegmentCache(int seg, int selector, int base, int limit, int attributes) {
        segSel[seg] = selector & 0xFFFF;
        segBase[seg] = base;
        segLimit[seg] = limit;
        segAttr[seg] = attributes & 0xF0FF;
        if (seg == CS) {
            flushFetch();
            cpl = protectedMode() ? selector & 3 : 0;
        }
        updateSegCheck(seg);
    }

    public int cr(int n) {
        return switch (n) {
            case 0 -> cr0;
            case 2 -> cr2;
            case 3 -> cr3;
            case 4 -> cr4;
            default -> throw new IllegalArgumentException("no CR" + n);
        };
    }

    /** Writes a control register as MOV CRn does (without the privilege check); false when the value would fault. */
    public boolean setCr(int n, int v) {
        try {
            writeCr(n, v);
            for (int s = 0; s < 6; s++) {
                updateSegCheck(s);
            }
            return true;
        } catch (CpuFault f) {
            return false;
        }
    }

    public int cpl() {
        return cpl;
    }

    public void setGdt(int base, int limit) {
        gdtBase = base;
        gdtLimit = limit;
    }

    public void setIdt(int base, int limit) {
        idtBase = base;
        idtLimit = limit;
    }

    public int gdtBase() {
        return gdtBase;
    }

    public int idtBase() {
        return idtBase;
    }

    /** What RDTSC reads; by default the retired-instruction count, so runs are deterministic. */
    public void setTimeStampCounter(LongSupplier tsc) {
        this.timeStampCounter = tsc;
    }

    /**
     * Ends the current run slice after the instruction in progress: a device (the debug-exit
     * port, a reset request) needs the board to look at the machine before anything else runs.
     */
    public void requestStop() {
        sliceEnd = icount;
        blockEnded = true;
    }

    /** The x87 FPU (its state, for tests and the differential harness). */
    public Fpu fpu() {
        return fpu;
    }

    /**
     * With {@code false}, a processor without a coprocessor (a 386 without a 387, as the
     * recording 286 of the conformance suite was): CPUID does not report the FPU, and an escape
     * with CR0.EM and TS clear checks its memory operand and does nothing.
     */
    public void setFpuPresent(boolean present) {
        fpuPresent = present;
    }

    /** The board's FPU error pins (FERR# out, IGNNE# in), for errors with CR0.NE clear. */
    public void setFpuErrorPins(FpuErrorPins pins) {
        fpuErrorPins = pins;
    }

    /** Runs decoded blocks where it can (the default), or every instruction in the interpreter. */
    public void setBlocksEnabled(boolean enabled) {
        blocksEnabled = enabled;
        blocksUsable = enabled && !breakpoints.armed();
    }

    /** Tests: decode blocks after this many instructions without a halt instead of {@link #BLOCKS_AFTER} (0: at once). */
    public void setBlocksAfter(long instructions) {
        blocksAfter = instructions;
    }

    /** The translating core, for its settings and counts (tests, benchmarks). */
    public BlockEngine blockEngine() {
        return blocks;
    }

    /** Ends the running block after its current op: the code it came from may have changed. */
    public void endBlock() {
        blockEnded = true;
    }

    public boolean interruptsEnabled() {
        return (flags & IF) != 0;
    }

    /** Restarts a halted CPU without an interrupt (an NMI-like wake used by the board). */
    public void wake() {
        halted = false;
    }

    // ======================================================================================
    // State capture
    // ======================================================================================

    /**
     * Writes the complete architectural state. It is taken between instructions (a REP that
     * stopped at a slice end has EIP on the instruction, with its counters as far as they got),
     * so nothing of the decoder is needed; the TLB is a cache and is rebuilt after restore.
     */
    @Override
    public void save(StateWriter out) {
        out.beginSection("cpu");
        out.writeInts(reg);
        out.writeInt(eip);
        out.writeInt(getFlags());
        out.writeInts(segSel);
        out.writeInts(segBase);
        out.writeInts(segLimit);
        out.writeInts(segAttr);
        out.writeInts(new int[]{gdtBase, gdtLimit, idtBase, idtLimit, ldtSel, ldtBase, ldtLimit, ldtAttr,
                trSel, trBase, trLimit, trAttr, cr0, cr2, cr3, cr4, cpl});
        out.writeInts(dr);
        out.writeBoolean(halted);
        out.writeBoolean(shutdown);
        out.writeBoolean(interruptShadow);
        out.writeLong(icount);
        fpu.save(out);
        out.endSection("cpu");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("cpu");
        readInto(in, reg, "general registers");
        eip = in.readInt();
        putFlags(in.readInt());
        readInto(in, segSel, "segment selectors");
        readInto(in, segBase, "segment bases");
        readInto(in, segLimit, "segment limits");
        readInto(in, segAttr, "segment attributes");
        int[] sys = new int[17];
        readInto(in, sys, "system registers");
        gdtBase = sys[0];
        gdtLimit = sys[1];
        idtBase = sys[2];
        idtLimit = sys[3];
        ldtSel = sys[4];
        ldtBase = sys[5];
        ldtLimit = sys[6];
        ldtAttr = sys[7];
        trSel = sys[8];
        trBase = sys[9];
        trLimit = sys[10];
        trAttr = sys[11];
        cr0 = sys[12];
        cr2 = sys[13];
        cr3 = sys[14];
        cr4 = sys[15];
        cpl = sys[16];
        readInto(in, dr, "debug registers");
        debugControlChanged();
        halted = in.readBoolean();
        shutdown = in.readBoolean();
        interruptShadow = in.readBoolean();
        icount = in.readLong();
        haltedAt = icount;
        if ("fpu".equals(in.peekSection())) {
            fpu.restore(in);
        } else {
            fpu.reset(); // a capture from before the FPU: it is as at power-on
        }
        ferrAsserted = fpu.errorPending(); // at worst FERR# is released once more than needed
        in.endSection("cpu");
        for (int s = 0; s < 6; s++) {
            updateSegCheck(s);
        }
        pagingChanged();
    }

    private static void readInto(StateReader in, int[] into, String what) {
        int[] values = in.readInts();
        if (values.length != into.length) {
            throw new StateFormatException(
                    "CPU state: expected " + into.length + " " + what + ", found " + values.length);
        }
        System.arraycopy(values, 0, into, 0, into.length);
    }

    // ======================================================================================
    // Execution
    // ======================================================================================

    private void deliverExternal(int vector) {
        try {
            deliver(vector & 0xFF, -1, SOURCE_EXTERNAL);
        } catch (CpuFault f) {
            deliverException(f.vector, f.errorCode);
        }
    }

    private void noteHalt() {
        if (icount - haltedAt >= blocksAfter) {
            shortRuns = 0;
        } else if (++shortRuns == IDLE_AFTER_SHORT_RUNS) {
            blocks.clear();
        }
        haltedAt = icount;
    }

    /**
     * Runs decoded blocks from EIP within the slice ({@link BlockEngine#run}) and returns the
     * instructions they retired, 0 when there was none to run. A fault inside a block is
     * delivered here, as the interpreter delivers it.
     */
    private long runBlocks() {
        try {
            long ran = blocks.run(sliceEnd - icount);
            icount += ran;
            return ran;
        } catch (CpuFault f) {
            long ran = blocks.retiredBeforeFault();
            icount += ran;
            deliverException(f.vector, f.errorCode);
            return ran;
        }
    }

    /**
     * One instruction with hardware breakpoints armed (SDM vol. 3, 17.3): an execute
     * breakpoint at its first byte is a #DB fault before it (unless EFLAGS.RF, which suppresses
     * that for one instruction); a data breakpoint it hits is a #DB trap after it, together
     * with a single-step trap if both come at once.
     */
    private void stepWatched() {
        if ((flags & RF) == 0) {
            int hits = breakpoints.instructionHits(segBase[CS] + eip);
            if (hits != 0) {
                icount++;
                dr[6] |= hits;
                deliverException(Vectors.DB, -1);
                return;
            }
        }
        flags &= ~RF; // it covers one instruction (an IRET or POPF may set it again)
        boolean trap = (flags & TF) != 0;
        dataBreakHits = 0;
        long end = sliceEnd;
        blockEnded = false; // set by requestStop, whose early end must stay
        boolean completed = step();
        if (!blockEnded) {
            sliceEnd = end; // a data breakpoint ended only this instruction early (see dataBreakpointHit)
        }
        if (completed && dataBreakHits != 0) {
            dr[6] |= dataBreakHits;
            if (!trap) {
                deliverException(Vectors.DB, -1);
            } // else the single-step #DB just delivered reports both
        }
        dataBreakHits = 0;
    }

    /** DR7 changed (a MOV, a task switch, a reset or a restore): what is armed, and what must now be looked at. */
    @Override
    void debugControlChanged() {
        breakpoints.update();
        blocksUsable = blocksEnabled && !breakpoints.armed();
        for (int s = 0; s < 6; s++) {
            updateSegCheck(s);
        }
    }

    @Override
    void dataBreakpointHit() {
        sliceEnd = icount; // a REP string instruction stops after this iteration, to take the trap
    }

    /** Executes one instruction, or delivers the exception it raised; true when it completed. */
    private boolean step() {
        beginInstruction();
        int espAtStart = reg[ESP];
        boolean trap = (flags & TF) != 0;
        interruptShadow = false;
        stackShadow = false;
        try {
            execute();
            icount++;
        } catch (CpuFault f) {
            icount++;
            eip = instrStart;
            reg[ESP] = espAtStart;
            deliverException(f.vector, f.errorCode);
            return false;
        }
        if (trap && !halted && !stackShadow) {
            dr[6] |= 0x4000; // BS: single step
            deliverException(Vectors.DB, -1);
        }
        return true;
    }

    private void execute() {
        boolean cs32 = codeSize32;
        o32 = cs32;
        a32 = cs32;
        segOverride = -1;
        rep = 0;
        lock = false;
        execute1(fetch8());
    }

    /** An instruction with prefixes: they set the decoder state, then the opcode after them runs. */
    private void executePrefixed(int prefix) {
        int op = prefixes(prefix, codeSize32);
        if (op == 0x0F) {
            execute0F(fetch8());
        } else {
            execute1(op);
        }
    }

    /** Consumes the prefixes starting with {@code op}; returns the opcode byte after them. */
    private int prefixes(int op, boolean cs32) {
        while (true) {
            int seg = segmentOverride(op);
            if (seg >= 0) {
                segOverride = seg;
                op = fetch8();
                continue;
            }
            switch (op) {
                case 0x66 -> o32 = !cs32;
                case 0x67 -> a32 = !cs32;
                case 0xF0 -> lock = true;
                case 0xF2, 0xF3 -> rep = op;
                default -> {
                    if (lock) {
                        checkLockable(op);
                    }
                    return op;
                }
            }
            op = fetch8();
        }
    }

    // ---- ModRM and effective addresses ----

    private void modrm() {
        int b = fetch8();
        mod = b >>> 6;
        regField = b >>> 3 & 7;
        rm = b & 7;
        if (mod != 3) {
            if (a32) {
                ea32();
            } else {
                ea16();
            }
        }
    }

    private void ea16() {
        int off;
        int seg = DS;
        eaUsesEsp = false;
        switch (rm) {
            case 0 -> off = reg[EBX] + reg[ESI];
            case 1 -> off = reg[EBX] + reg[EDI];
            case 2 -> { off = reg[EBP] + reg[ESI]; seg = SS; }
            case 3 -> { off = reg[EBP] + reg[EDI]; seg = SS; }
            case 4 -> off = reg[ESI];
            case 5 -> off = reg[EDI];
            case 6 -> {
                if (mod == 0) {
                    off = fetch16();
                } else {
                    off = reg[EBP];
                    seg = SS;
                }
            }
            default -> off = reg[EBX];
        }
        if (mod == 1) {
            off += (byte) fetch8();
        } else if (mod == 2) {
            off += fetch16();
        }
        eaOff = off & 0xFFFF;
        eaSeg = segOverride >= 0 ? segOverride : seg;
    }

    private void ea32() {
        int off;
        int seg = DS;
        eaUsesEsp = false;
        if (rm == 4) {
            int sib = fetch8();
            int scale = sib >>> 6;
            int index = sib >>> 3 & 7;
            int base = sib & 7;
            if (base == 5 && mod == 0) {
                off = fetch32();
            } else {
                off = reg[base];
                if (base == ESP || base == EBP) {
                    seg = SS;
                }
                eaUsesEsp = base == ESP;
            }
            if (index != 4) {
                off += reg[index] << scale;
            }
        } else if (rm == 5 && mod == 0) {
            off = fetch32();
        } else {
            off = reg[rm];
            if (rm == EBP) {
                seg = SS;
            }
        }
        if (mod == 1) {
            off += (byte) fetch8();
        } else if (mod == 2) {
            off += fetch32();
        }
        eaOff = off;
        eaSeg = segOverride >= 0 ? segOverride : seg;
    }

    private void requireMemory() {
        if (mod == 3) {
            throw ud();
        }
    }

    private int dataSeg() {
        return segOverride >= 0 ? segOverride : DS;
    }

    // ---- operand access ----

    private int rm8() {
        return mod == 3 ? reg8(rm) : read8(eaSeg, eaOff);
    }

    private void setRm8(int v) {
        if (mod == 3) {
            setReg8(rm, v);
        } else {
            write8(eaSeg, eaOff, v);
        }
    }

    private int rm16() {
        return mod == 3 ? reg[rm] & 0xFFFF : read16(eaSeg, eaOff);
    }

    private void setRm16(int v) {
        if (mod == 3) {
            setReg16(rm, v);
        } else {
            write16(eaSeg, eaOff, v);
        }
    }

    private int rm32() {
        return mod == 3 ? reg[rm] : read32(eaSeg, eaOff);
    }

    private void setRm32(int v) {
        if (mod == 3) {
            reg[rm] = v;
        } else {
            write32(eaSeg, eaOff, v);
        }
    }

    private int rmV() {
        return o32 ? rm32() : rm16();
    }

    private void setRmV(int v) {
        if (o32) {
            setRm32(v);
        } else {
            setRm16(v);
        }
    }

    private int regV(int r) {
        return o32 ? reg[r] : reg[r] & 0xFFFF;
    }

    private void setRegV(int r, int v) {
        if (o32) {
            reg[r] = v;
        } else {
            setReg16(r, v);
        }
    }

    private int immV() {
        return o32 ? fetch32() : fetch16();
    }

    private int topV() {
        return o32 ? 31 : 15;
    }

    private int readAt(int seg, int off, int top) {
        return top == 7 ? read8(seg, off) : top == 15 ? read16(seg, off) : read32(seg, off);
    }

    private void writeAt(int seg, int off, int v, int top) {
        if (top == 7) {
            write8(seg, off, v);
        } else if (top == 15) {
            write16(seg, off, v);
        } else {
            write32(seg, off, v);
        }
    }

    private int rmOf(int top) {
        return top == 7 ? rm8() : top == 15 ? rm16() : rm32();
    }

    private void setRmOf(int top, int v) {
        if (top == 7) {
            setRm8(v);
        } else if (top == 15) {
            setRm16(v);
        } else {
            setRm32(v);
        }
    }

    private int regOf(int top, int r) {
        return top == 7 ? reg8(r) : top == 15 ? reg[r] & 0xFFFF : reg[r];
    }

    private void setRegOf(int top, int r, int v) {
        if (top == 7) {
            setReg8(r, v);
        } else if (top == 15) {
            setReg16(r, v);
        } else {
            reg[r] = v;
        }
    }

    static int mask(int top) {
        return top == 31 ? -1 : (2 << top) - 1;
    }

    // ---- ALU ----

    /** The eight classic ALU operations (ADD OR ADC SBB AND SUB XOR CMP), flags included. */
    public int alu(int op, int a, int b, int top) {
        int m = mask(top);
        int r;
        switch (op) {
            case 0 -> { r = (a + b) & m; setLazy(LAZY_ADD, a, b, r, top); }
            case 1 -> { r = a | b; setLogicFlags(r, top); }
            case 2 -> { r = (a + b + getCF()) & m; setLazy(LAZY_ADD, a, b, r, top); }
            case 3 -> { r = (a - b - getCF()) & m; setLazy(LAZY_SUB, a, b, r, top); }
            case 4 -> { r = a & b; setLogicFlags(r, top); }
            case 5, 7 -> { r = (a - b) & m; setLazy(LAZY_SUB, a, b, r, top); }
            default -> { r = a ^ b; setLogicFlags(r, top); }
        }
        return r;
    }

    public boolean condition(int cc) {
        boolean r = switch (cc >>> 1) {
            case 0 -> of();
            case 1 -> cf();
            case 2 -> zf();
            case 3 -> cf() || zf();
            case 4 -> sf();
            case 5 -> pf();
            case 6 -> sf() != of();
            default -> zf() || sf() != of();
        };
        return (cc & 1) == 0 ? r : !r;
    }

    /** Sets SF, ZF and PF from a result and the other arithmetic flags as given. */
    public void putResultFlags(int r, int top, boolean carry, boolean overflow, boolean aux) {
        int f = 0;
        if (carry) f |= CF;
        if (overflow) f |= OF;
        if (aux) f |= AF;
        if ((r & mask(top)) == 0) f |= ZF;
        if ((r >>> top & 1) != 0) f |= SF;
        if (parity(r)) f |= PF;
        putArithFlags(f);
    }

    /**
     * Shift and rotate group (C0, C1, D0-D3) with the count already masked to five bits. Each
     * operation is a method of its own, so this one is small enough for the JIT to inline
     * where {@code op} is a constant (compiled blocks) and keep only the one it names.
     */
    public int shift(int op, int v, int count, int top) {
        v &= mask(top);
        if (count == 0) {
            return v;
        }
        return switch (op) {
            case 0 -> rol(v, count, top);
            case 1 -> ror(v, count, top);
            case 2 -> rcl(v, count, top);
            case 3 -> rcr(v, count, top);
            case 4, 6 -> shl(v, count, top);
            case 5 -> shr(v, count, top);
            default -> sar(v, count, top);
        };
    }

    // The shift and rotate operations, for a masked operand and a count of 1 to 31.

    private int rol(int v, int count, int top) {
        int bits = top + 1;
        int n = count % bits;
        int r = n == 0 ? v : ((v << n) | (v >>> (bits - n))) & mask(top);
        boolean c = (r & 1) != 0;
        boolean o = ((r >>> top) & 1) != 0 ^ c;
        putArithFlags((getFlags() & ~(CF | OF)) | (c ? CF : 0) | (o ? OF : 0));
        return r;
    }

    private int ror(int v, int count, int top) {
        int bits = top + 1;
        int n = count % bits;
        int r = n == 0 ? v : ((v >>> n) | (v << (bits - n))) & mask(top);
        boolean c = ((r >>> top) & 1) != 0;
        boolean o = (((r >>> top) ^ (r >>> (top - 1))) & 1) != 0;
        putArithFlags((getFlags() & ~(CF | OF)) | (c ? CF : 0) | (o ? OF : 0));
        return r;
    }

    private int rcl(int v, int count, int top) {
        int bits = top + 1;
        int f = getFlags();
        int n = bits == 32 ? count : count % (bits + 1);
        long wide = (v & 0xFFFFFFFFL) | ((f & CF) != 0 ? 1L << bits : 0);
        long all = (1L << (bits + 1)) - 1;
        long rot = n == 0 ? wide : ((wide << n) | (wide >>> (bits + 1 - n))) & all;
        int r = (int) rot & mask(top);
        boolean c = (rot >>> bits & 1) != 0;
        boolean o = ((r >>> top) & 1) != 0 ^ c;
        putArithFlags((f & ~(CF | OF)) | (c ? CF : 0) | (o ? OF : 0));
        return r;
    }

    private int rcr(int v, int count, int top) {
        int bits = top + 1;
        int f = getFlags();
        int n = bits == 32 ? count : count % (bits + 1);
        long wide = (v & 0xFFFFFFFFL) | ((f & CF) != 0 ? 1L << bits : 0);
        long all = (1L << (bits + 1)) - 1;
        long rot = n == 0 ? wide : ((wide >>> n) | (wide << (bits + 1 - n))) & all;
        int r = (int) rot & mask(top);
        boolean c = (rot >>> bits & 1) != 0;
        boolean o = (((r >>> top) ^ (r >>> (top - 1))) & 1) != 0;
        putArithFlags((f & ~(CF | OF)) | (c ? CF : 0) | (o ? OF : 0));
        return r;
    }

    /** SHL and SAL. */
    private int shl(int v, int count, int top) {
        int bits = top + 1;
        int r = count >= 32 ? 0 : (v << count) & mask(top);
        boolean c = count <= bits && ((v >>> (bits - count)) & 1) != 0;
        boolean o = ((r >>> top) & 1) != 0 ^ c;
        putResultFlags(r, top, c, o, false);
        return r;
    }

    private int shr(int v, int count, int top) {
        int bits = top + 1;
        int r = count >= bits ? 0 : v >>> count;
        boolean c = count <= bits && ((v >>> (count - 1)) & 1) != 0;
        // OF comes from the last one-bit step: the sign bit before it, which is zero
        // after any earlier step (so only a count of one can set it).
        boolean o = count == 1 && ((v >>> top) & 1) != 0;
        putResultFlags(r, top, c, o, false);
        return r;
    }

    private int sar(int v, int count, int top) {
        int bits = top + 1;
        int s = (v << (31 - top)) >> (31 - top);
        int r = (count >= bits ? s >> top : s >> count) & mask(top);
        boolean c = ((count >= bits ? s >> top : s >> (count - 1)) & 1) != 0;
        putResultFlags(r, top, c, false, false);
        return r;
    }

    public int inc(int v, int top) {
        int r = (v + 1) & mask(top);
        setLazyKeepCarry(LAZY_INC, v, r, top);
        return r;
    }

    public int dec(int v, int top) {
        int r = (v - 1) & mask(top);
        setLazyKeepCarry(LAZY_DEC, v, r, top);
        return r;
    }

    // ---- control transfer ----

    /** Near jump target: wraps to the operand size, then must lie within CS's limit. */
    private void jumpTo(int target) {
        if (!o32) {
            target &= 0xFFFF;
        }
        if (Integer.compareUnsigned(target, segLimit[CS]) > 0) {
            throw gp(0);
        }
        eip = target;
    }

    private void softwareInterrupt(int vector) {
        deliver(vector, -1, SOURCE_SOFTWARE);
    }

    // ---- privilege checks ----

    private void requireCpl0() {
        if (protectedMode() && cpl != 0) {
            throw gp(0);
        }
    }

    private void requireProtectedMode() {
        if (!protectedMode() || v86Mode()) {
            throw ud();
        }
    }

    private int iopl() {
        return (flags & IOPL) >>> 12;
    }

    /**
     * IN/OUT in protected mode with CPL > IOPL, and always in virtual-8086 mode, consult the
     * I/O permission bitmap of a 32-bit TSS.
     */
    private void checkIo(int port, int size) {
        if (!protectedMode() || cpl <= iopl() && !v86Mode()) {
            return;
        }
        if ((trAttr & 0xF) != 0xB && (trAttr & 0xF) != 0x9 || trLimit < 0x67) {
            throw gp(0);
        }
        int mapBase = sysRead16(trBase + 0x66);
        int byteOff = mapBase + (port >>> 3);
        if (byteOff + 1 > trLimit) {
            throw gp(0);
        }
        int bits = sysRead16(trBase + byteOff);
        int want = ((1 << size) - 1) << (port & 7);
        if ((bits & want) != 0) {
            throw gp(0);
        }
    }

    private int portIn(int port, int size) {
        checkIo(port, size);
        return io.in(port & 0xFFFF, size);
    }

    private void portOut(int port, int size, int v) {
        checkIo(port, size);
        io.out(port & 0xFFFF, size, v);
        flushFetch(); // a port write may remap memory (the A20 gate, say)
    }

    // ---- LOCK ----

    /** LOCK is legal only on read-modify-write instructions with a memory destination. */
    private void checkLockable(int op) {
        int save = eip;
        boolean ok;
        int second = op == 0x0F ? fetch8() : -1;
        int modrmByte = fetch8();
        boolean memory = modrmByte >>> 6 != 3;
        int r = modrmByte >>> 3 & 7;
        if (second < 0) {
            ok = switch (op) {
                case 0x00, 0x01, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19, 0x20, 0x21, 0x28, 0x29, 0x30, 0x31,
                        0x86, 0x87 -> true;
                case 0x80, 0x81, 0x82, 0x83 -> r != 7;
                case 0xF6, 0xF7 -> r == 2 || r == 3;
                case 0xFE, 0xFF -> r <= 1;
                default -> false;
            };
        } else {
            ok = switch (second) {
                case 0xAB, 0xB3, 0xBB, 0xB0, 0xB1, 0xC0, 0xC1 -> true;
                case 0xBA -> r >= 5;
                case 0xC7 -> r == 1;
                default -> false;
            };
        }
        eip = save;
        if (!ok || !memory) {
            throw ud();
        }
    }

    // ---- string instructions ----

    private int index(int r) {
        return a32 ? reg[r] : reg[r] & 0xFFFF;
    }

    private void advance(int r, int delta) {
        if (a32) {
            reg[r] += delta;
        } else {
            setReg16(r, reg[r] + delta);
        }
    }

    private int counter() {
        return a32 ? reg[ECX] : reg[ECX] & 0xFFFF;
    }

    private void decCounter() {
        advance(ECX, -1);
    }

    /**
     * One string instruction, repeated under REP. Each iteration counts as an instruction, and
     * a repeat that reaches the end of the run slice stops between iterations with EIP still on
     * the instruction, so it resumes exactly (state capture mid-way through a REP is exact).
     */
    private void string(int kind, int top) {
        int size = (top + 1) >>> 3;
        int step = (flags & DF) != 0 ? -size : size;
        int src = dataSeg();
        if (kind == STR_INS || kind == STR_OUTS) {
            // The I/O permission check precedes the count: REP INS/OUTS with (E)CX = 0 still fault.
            checkIo(reg[EDX] & 0xFFFF, size);
        }
        if (rep == 0) {
            stringOnce(kind, top, src, step);
            return;
        }
        boolean conditional = kind == STR_CMPS || kind == STR_SCAS;
        while (true) {
            if (counter() == 0) {
                return;
            }
            stringOnce(kind, top, src, step);
            decCounter();
            if (conditional && (rep == 0xF3 ? !zf() : zf())) {
                return;
            }
            if (counter() == 0) {
                return;
            }
            // The iteration just done is counted by step(); stop here if that uses up the slice.
            if (icount + 1 >= sliceEnd) {
                eip = instrStart;
                return;
            }
            icount++;
        }
    }

    private static final int STR_MOVS = 0, STR_CMPS = 1, STR_STOS = 2, STR_LODS = 3, STR_SCAS = 4,
            STR_INS = 5, STR_OUTS = 6;

    private void stringOnce(int kind, int top, int src, int step) {
        switch (kind) {
            case STR_MOVS -> {
                int v = readAt(src, index(ESI), top);
                writeAt(ES, index(EDI), v, top);
                advance(ESI, step);
                advance(EDI, step);
            }
            case STR_CMPS -> {
                int a = readAt(src, index(ESI), top);
                int b = readAt(ES, index(EDI), top);
                alu(7, a, b, top);
                advance(ESI, step);
                advance(EDI, step);
            }
            case STR_STOS -> {
                writeAt(ES, index(EDI), regOf(top, EAX), top);
                advance(EDI, step);
            }
            case STR_LODS -> {
                setRegOf(top, EAX, readAt(src, index(ESI), top));
                advance(ESI, step);
            }
            case STR_SCAS -> {
                int b = readAt(ES, index(EDI), top);
                alu(7, regOf(top, EAX), b, top);
                advance(EDI, step);
            }
            case STR_INS -> {
                int size = (top + 1) >>> 3;
                checkIo(reg[EDX] & 0xFFFF, size);
                probeWrite(ES, index(EDI), size);
                int v = io.in(reg[EDX] & 0xFFFF, size);
                writeAt(ES, index(EDI), v, top);
                advance(EDI, step);
            }
            default -> { // OUTS
                int v = readAt(src, index(ESI), top);
                portOut(reg[EDX], (top + 1) >>> 3, v);
                advance(ESI, step);
            }
        }
    }

    // ---- multiply and divide ----

    private void mul(int op, int top) {
        mulBy(op, top, rmOf(top));
    }

    /** MUL (op 4) or IMUL (op 5) of the accumulator by {@code v}. */
    public void mulBy(int op, int top, int v) {
        switch (top) {
            case 7 -> {
                int a = reg[EAX] & 0xFF;
                int r;
                boolean wide;
                if (op == 4) {
                    r = a * v;
                    wide = (r & 0xFF00) != 0;
                } else {
                    r = (byte) a * (byte) v;
                    wide = r != (byte) r;
                }
                setReg16(EAX, r);
                putResultFlags(r >>> 8, 7, wide, wide, false);
            }
            case 15 -> {
                int a = reg[EAX] & 0xFFFF;
                int r;
                boolean wide;
                if (op == 4) {
                    r = a * v;
                    wide = (r >>> 16) != 0;
                } else {
                    r = (short) a * (short) v;
                    wide = r != (short) r;
                }
                setReg16(EAX, r);
                setReg16(EDX, r >>> 16);
                putResultFlags(r >>> 16, 15, wide, wide, false);
            }
            default -> {
                long r;
                boolean wide;
                if (op == 4) {
                    r = (reg[EAX] & 0xFFFFFFFFL) * (v & 0xFFFFFFFFL);
                    wide = (r >>> 32) != 0;
                } else {
                    r = (long) reg[EAX] * (long) v;
                    wide = r != (int) r;
                }
                reg[EAX] = (int) r;
                reg[EDX] = (int) (r >>> 32);
                putResultFlags((int) (r >>> 32), 31, wide, wide, false);
            }
        }
    }

    private void div(int op, int top) {
        divBy(op, top, rmOf(top));
    }

    /** DIV (op 6) or IDIV (op 7) of the accumulator by {@code v}. */
    public void divBy(int op, int top, int v) {
        if (v == 0) {
            throw raise(Vectors.DE, -1);
        }
        switch (top) {
            case 7 -> {
                int a = reg[EAX] & 0xFFFF;
                int q, r;
                if (op == 6) {
                    q = a / v;
                    r = a % v;
                    if (q > 0xFF) throw raise(Vectors.DE, -1);
                } else {
                    int sa = (short) a, sv = (byte) v;
                    q = sa / sv;
                    r = sa % sv;
                    if (q != (byte) q) throw raise(Vectors.DE, -1);
                }
                setReg16(EAX, (q & 0xFF) | (r & 0xFF) << 8);
            }
            case 15 -> {
                int a = (reg[EDX] & 0xFFFF) << 16 | (reg[EAX] & 0xFFFF);
                int q, r;
                if (op == 6) {
                    long ua = a & 0xFFFFFFFFL;
                    long lq = ua / v;
                    if (lq > 0xFFFF) throw raise(Vectors.DE, -1);
                    q = (int) lq;
                    r = (int) (ua % v);
                } else {
                    int sv = (short) v;
                    long lq = (long) a / sv;
                    if (lq != (short) lq) throw raise(Vectors.DE, -1);
                    q = (int) lq;
                    r = (int) ((long) a % sv);
                }
                setReg16(EAX, q);
                setReg16(EDX, r);
            }
            default -> {
                long a = (long) reg[EDX] << 32 | (reg[EAX] & 0xFFFFFFFFL);
                long q, r;
                if (op == 6) {
                    long uv = v & 0xFFFFFFFFL;
                    q = Long.divideUnsigned(a, uv);
                    r = Long.remainderUnsigned(a, uv);
                    if ((q >>> 32) != 0) throw raise(Vectors.DE, -1);
                } else {
                    if (a == Long.MIN_VALUE && v == -1) throw raise(Vectors.DE, -1);
                    q = a / v;
                    r = a % v;
                    if (q != (int) q) throw raise(Vectors.DE, -1);
                }
                reg[EAX] = (int) q;
                reg[EDX] = (int) r;
            }
        }
    }

    /** Two- and three-operand IMUL: the product truncated to the operand size. */
    private int imul(int a, int b) {
        if (o32) {
            long r = (long) a * (long) b;
            boolean wide = r != (int) r;
            putResultFlags((int) r, 31, wide, wide, false);
            return (int) r;
        }
        int r = (short) a * (short) b;
        boolean wide = r != (short) r;
        putResultFlags(r, 15, wide, wide, false);
        return r & 0xFFFF;
    }

    // ---- BCD ----

    private void daa() {
        int al = reg[EAX] & 0xFF;
        boolean oldCf = cf();
        boolean af = af();
        boolean c = false;
        int r = al;
        if ((al & 0xF) > 9 || af) {
            r += 6;
            c = oldCf || r > 0xFF;
            af = true;
        } else {
            af = false;
        }
        if (al > 0x99 || oldCf) {
            r += 0x60;
            c = true;
        }
        setReg8(EAX, r);
        putResultFlags(r & 0xFF, 7, c, false, af);
    }

    private void das() {
        int al = reg[EAX] & 0xFF;
        boolean oldCf = cf();
        boolean af = af();
        boolean c = false;
        int r = al;
        if ((al & 0xF) > 9 || af) {
            r -= 6;
            c = oldCf || r < 0;
            af = true;
        } else {
            af = false;
        }
        if (al > 0x99 || oldCf) {
            r -= 0x60;
            c = true;
        }
        setReg8(EAX, r);
        putResultFlags(r & 0xFF, 7, c, false, af);
    }

    private void aaa(boolean subtract) {
        int ax = reg[EAX] & 0xFFFF;
        boolean adjust = (ax & 0xF) > 9 || af();
        if (adjust) {
            // As the SDM gives it for the 286 and later: the adjustment carries (borrows) into AH.
            ax = subtract ? (ax - 6) - 0x100 : ax + 0x106;
        }
        setReg16(EAX, ax & 0xFF0F);
        putResultFlags(ax & 0x0F, 7, adjust, false, adjust);
    }

    // ======================================================================================
    // One-byte opcodes
    // ======================================================================================

    /** One-byte opcodes; prefixes and the 0F escape are cases too, so one table jump decodes the first byte. */
    private void execute1(int op) {
        switch (op) {
            case 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3 -> executePrefixed(op);
            case 0x0F -> execute0F(fetch8());
            case 0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38 -> aluRm8Reg8(op);
            case 0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39 -> aluRmReg(op);
            case 0x02, 0x0A, 0x12, 0x1A, 0x22, 0x2A, 0x32, 0x3A -> aluReg8Rm8(op);
            case 0x03, 0x0B, 0x13, 0x1B, 0x23, 0x2B, 0x33, 0x3B -> aluRegRm(op);
            case 0x04, 0x0C, 0x14, 0x1C, 0x24, 0x2C, 0x34, 0x3C -> aluAlImm(op);
            case 0x05, 0x0D, 0x15, 0x1D, 0x25, 0x2D, 0x35, 0x3D -> aluAccImm(op);
            case 0x06, 0x0E, 0x16, 0x1E -> push(segSel[op >>> 3], o32);
            case 0x07, 0x17, 0x1F -> popSegment(op >>> 3);
            case 0x27 -> daa();
            case 0x2F -> das();
            case 0x37 -> aaa(false);
            case 0x3F -> aaa(true);
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 -> incReg(op);
            case 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F -> decReg(op);
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57 -> pushReg(op);
            case 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F -> popReg(op);
            case 0x60 -> pusha();
            case 0x61 -> popa();
            case 0x62 -> bound();
            case 0x63 -> arpl();
            case 0x68 -> pushImm();
            case 0x69 -> imulImm();
            case 0x6A -> pushImm8();
            case 0x6B -> imulImm8();
            case 0x6C -> string(STR_INS, 7);
            case 0x6D -> string(STR_INS, topV());
            case 0x6E -> string(STR_OUTS, 7);
            case 0x6F -> string(STR_OUTS, topV());
            case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F -> jccShort(op);
            case 0x80, 0x82 -> aluRm8Imm();
            case 0x81 -> aluRmImm();
            case 0x83 -> aluRmImm8();
            case 0x84 -> testRm8Reg8();
            case 0x85 -> testRmReg();
            case 0x86 -> xchgRm8();
            case 0x87 -> xchgRm();
            case 0x88 -> movRm8Reg8();
            case 0x89 -> movRmReg();
            case 0x8A -> movReg8Rm8();
            case 0x8B -> movRegRm();
            case 0x8C -> movRmSreg();
            case 0x8D -> lea();
            case 0x8E -> movSregRm();
            case 0x8F -> popRm();
            case 0x90 -> { // NOP (and PAUSE with F3)
            }
            case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97 -> xchgAcc(op);
            case 0x98 -> cbw();
            case 0x99 -> cwd();
            case 0x9A -> callFarImm();
            case 0x9B -> fwait();
            case 0x9C -> pushf();
            case 0x9D -> popf();
            case 0x9E -> sahf();
            case 0x9F -> lahf();
            case 0xA0 -> movAlMoffs();
            case 0xA1 -> movAccMoffs();
            case 0xA2 -> movMoffsAl();
            case 0xA3 -> movMoffsAcc();
            case 0xA4 -> string(STR_MOVS, 7);
            case 0xA5 -> string(STR_MOVS, topV());
            case 0xA6 -> string(STR_CMPS, 7);
            case 0xA7 -> string(STR_CMPS, topV());
            case 0xA8 -> testAlImm();
            case 0xA9 -> testAccImm();
            case 0xAA -> string(STR_STOS, 7);
            case 0xAB -> string(STR_STOS, topV());
            case 0xAC -> string(STR_LODS, 7);
            case 0xAD -> string(STR_LODS, topV());
            case 0xAE -> string(STR_SCAS, 7);
            case 0xAF -> string(STR_SCAS, topV());
            case 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7 -> movReg8Imm(op);
            case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF -> movRegImm(op);
            case 0xC0 -> shiftRm8Imm();
            case 0xC1 -> shiftRmImm();
            case 0xC2 -> retNearImm();
            case 0xC3 -> retNear();
            case 0xC4 -> loadFarPointer(ES);
            case 0xC5 -> loadFarPointer(DS);
            case 0xC6 -> movRm8Imm();
            case 0xC7 -> movRmImm();
            case 0xC8 -> enter();
            case 0xC9 -> leave();
            case 0xCA -> farReturn(o32, fetch16());
            case 0xCB -> farReturn(o32, 0);
            case 0xCC -> softwareInterrupt(Vectors.BP);
            case 0xCD -> intImm();
            case 0xCE -> into();
            case 0xCF -> interruptReturn(o32);
            case 0xD0 -> shiftRm8One();
            case 0xD1 -> shiftRmOne();
            case 0xD2 -> shiftRm8Cl();
            case 0xD3 -> shiftRmCl();
            case 0xD4 -> aam();
            case 0xD5 -> aad();
            case 0xD6 -> salc();
            case 0xD7 -> xlat();
            case 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF -> escape(op);
            case 0xE0, 0xE1, 0xE2 -> loop(op);
            case 0xE3 -> jcxz();
            case 0xE4 -> setReg8(EAX, portIn(fetch8(), 1));
            case 0xE5 -> setRegV(EAX, portIn(fetch8(), o32 ? 4 : 2));
            case 0xE6 -> portOut(fetch8(), 1, reg[EAX] & 0xFF);
            case 0xE7 -> portOut(fetch8(), o32 ? 4 : 2, regV(EAX));
            case 0xE8 -> callNear();
            case 0xE9 -> jmpNear();
            case 0xEA -> jmpFarImm();
            case 0xEB -> jmpShort();
            case 0xEC -> setReg8(EAX, portIn(reg[EDX] & 0xFFFF, 1));
            case 0xED -> setRegV(EAX, portIn(reg[EDX] & 0xFFFF, o32 ? 4 : 2));
            case 0xEE -> portOut(reg[EDX] & 0xFFFF, 1, reg[EAX] & 0xFF);
            case 0xEF -> portOut(reg[EDX] & 0xFFFF, o32 ? 4 : 2, regV(EAX));
            case 0xF1 -> deliver(Vectors.DB, -1, SOURCE_EXCEPTION); // ICEBP: INT1 without the DPL check
            case 0xF4 -> hlt();
            case 0xF5 -> setFlag(CF, !cf());
            case 0xF6 -> group3(7);
            case 0xF7 -> group3(topV());
            case 0xF8 -> setFlag(CF, false);
            case 0xF9 -> setFlag(CF, true);
            case 0xFA -> cli();
            case 0xFB -> sti();
            case 0xFC -> flags &= ~DF;
            case 0xFD -> flags |= DF;
            case 0xFE -> group4();
            case 0xFF -> group5();
            default -> throw ud();
        }
    }

    private void aluRm8Reg8(int op) {
        modrm();
        int r = alu(op >>> 3, rm8(), reg8(regField), 7);
        if (op != 0x38) setRm8(r);
    }

    private void aluRmReg(int op) {
        modrm();
        int top = topV();
        int r = alu(op >>> 3, rmV(), regV(regField), top);
        if (op != 0x39) setRmV(r);
    }

    private void aluReg8Rm8(int op) {
        modrm();
        int r = alu(op >>> 3, reg8(regField), rm8(), 7);
        if (op != 0x3A) setReg8(regField, r);
    }

    private void aluRegRm(int op) {
        modrm();
        int r = alu(op >>> 3, regV(regField), rmV(), topV());
        if (op != 0x3B) setRegV(regField, r);
    }

    private void aluAlImm(int op) {
        int r = alu(op >>> 3, reg[EAX] & 0xFF, fetch8(), 7);
        if (op != 0x3C) setReg8(EAX, r);
    }

    private void aluAccImm(int op) {
        int r = alu(op >>> 3, regV(EAX), immV(), topV());
        if (op != 0x3D) setRegV(EAX, r);
    }

    private void incReg(int op) {
    setRegV(op & 7, inc(regV(op & 7), topV()));
    }

    private void decReg(int op) {
    setRegV(op & 7, dec(regV(op & 7), topV()));
    }

    private void pushReg(int op) {
    push(regV(op & 7), o32);
    }

    private void popReg(int op) {
    setRegV(op & 7, pop(o32));
    }

    private void pushImm() {
    push(immV(), o32);
    }

    private void imulImm() {
        modrm();
        int a = rmV();
        setRegV(regField, imul(a, immV()));
    }

    private void pushImm8() {
    push((byte) fetch8(), o32);
    }

    private void imulImm8() {
        modrm();
        int a = rmV();
        setRegV(regField, imul(a, (byte) fetch8()));
    }

    private void jccShort(int op) {
        int rel = (byte) fetch8();
        if (condition(op & 0xF)) jumpTo(eip + rel);
    }

    private void aluRm8Imm() {
        modrm();
        int a = rm8();
        int r = alu(regField, a, fetch8(), 7);
        if (regField != 7) setRm8(r);
    }

    private void aluRmImm() {
        modrm();
        int a = rmV();
        int r = alu(regField, a, immV(), topV());
        if (regField != 7) setRmV(r);
    }

    private void aluRmImm8() {
        modrm();
        int a = rmV();
        int b = (byte) fetch8() & mask(topV());
        int r = alu(regField, a, b, topV());
        if (regField != 7) setRmV(r);
    }

    private void testRm8Reg8() {
        modrm();
        alu(4, rm8(), reg8(regField), 7);
    }

    private void testRmReg() {
        modrm();
        alu(4, rmV(), regV(regField), topV());
    }

    private void xchgRm8() {
        modrm();
        int a = rm8();
        setRm8(reg8(regField));
        setReg8(regField, a);
    }

    private void xchgRm() {
        modrm();
        int a = rmV();
        setRmV(regV(regField));
        setRegV(regField, a);
    }

    private void movRm8Reg8() {
        modrm();
        setRm8(reg8(regField));
    }

    private void movRmReg() {
        modrm();
        setRmV(regV(regField));
    }

    private void movReg8Rm8() {
        modrm();
        setReg8(regField, rm8());
    }

    private void movRegRm() {
        modrm();
        setRegV(regField, rmV());
    }

    private void movRmSreg() {
        modrm();
        if (regField > 5) throw ud();
        if (mod == 3 && o32) {
            reg[rm] = segSel[regField];
        } else {
            setRm16(segSel[regField]);
        }
    }

    private void lea() {
        modrm();
        requireMemory();
        setRegV(regField, eaOff);
    }

    private void movSregRm() {
        modrm();
        if (regField > 5 || regField == CS) throw ud();
        loadSegment(regField, rm16());
        if (regField == SS) interruptShadow = stackShadow = true;
    }

    private void popRm() {
        modrm();
        if (regField != 0) throw ud();
        int v = pop(o32);
        if (eaUsesEsp && mod != 3) {
            eaOff += o32 ? 4 : 2;
        }
        setRmV(v);
    }

    private void xchgAcc(int op) {
        int a = regV(EAX);
        setRegV(EAX, regV(op & 7));
        setRegV(op & 7, a);
    }

    private void cbw() {
        if (o32) {
            reg[EAX] = (short) reg[EAX];
        } else {
            setReg16(EAX, (byte) reg[EAX]);
        }
    }

    private void cwd() {
        if (o32) {
            reg[EDX] = reg[EAX] >> 31;
        } else {
            setReg16(EDX, (short) reg[EAX] >> 15);
        }
    }

    private void callFarImm() {
        int off = immV();
        int sel = fetch16();
        farCall(sel, off, o32);
    }

    private void fwait() {
        if ((cr0 & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP)) throw raise(Vectors.NM, -1);
        if (fpuPresent && fpu.errorPending()) fpuErrorStops(true);
    }

    /**
     * An FPU instruction finds an unmasked error pending. A waiting one raises #MF with CR0.NE
     * set. With NE clear (the MS-DOS compatibility mode) and IGNNE# inactive, FERR# goes to
     * the board (a PC/AT latches it on IRQ 13): a waiting instruction then freezes until an
     * interrupt comes, and runs again after the handler's IRET; a no-wait one pulses FERR# and
     * goes on (SDM vol. 1, D.2.1). Returns whether the instruction froze.
     */
    private boolean fpuErrorStops(boolean waiting) {
        if ((cr0 & CR0_NE) != 0) {
            if (waiting) throw raise(Vectors.MF, -1);
            return false;
        }
        if (ferrAsserted && !waiting || fpuErrorPins.ignne()) return false;
        fpuErrorPins.ferr(true);
        if (!waiting) {
            fpuErrorPins.ferr(false);
            return false;
        }
        ferrAsserted = true;
        eip = instrStart;
        halted = true;
        return true;
    }

    /** FERR# goes inactive: the error it signalled was cleared (or the processor reset). */
    private void releaseFerr() {
        if (ferrAsserted) {
            ferrAsserted = false;
            fpuErrorPins.ferr(false);
        }
    }

    /** Virtual-8086 mode below IOPL 3: PUSHF, POPF, INT n, CLI, STI and IRET are #GP(0), for the monitor to emulate. */
    private void requireV86Iopl3() {
        if (v86Mode() && iopl() < 3) throw gp(0);
    }

    private void pushf() {
        requireV86Iopl3();
        push(getFlags() & (o32 ? ~(VM | RF) : 0xFFFF), o32);
    }

    private void popf() {
        requireV86Iopl3();
        int v = pop(o32);
        loadFlagsPrivileged(v, o32, protectedMode() ? cpl : 0); // V86: CPL 3 keeps IOPL
    }

    private void sahf() {
        int ah = reg[EAX] >>> 8 & 0xFF;
        putArithFlags((getFlags() & ~0xFF) | (ah & (SF | ZF | AF | PF | CF)) | (getFlags() & OF));
    }

    private void lahf() {
    setReg8(4, (getFlags() & 0xFF) | 2);
    }

    private void movAlMoffs() {
    setReg8(EAX, read8(dataSeg(), moffs()));
    }

    private void movAccMoffs() {
    setRegV(EAX, readAt(dataSeg(), moffs(), topV()));
    }

    private void movMoffsAl() {
    write8(dataSeg(), moffs(), reg[EAX]);
    }

    private void movMoffsAcc() {
    writeAt(dataSeg(), moffs(), reg[EAX], topV());
    }

    private void testAlImm() {
    alu(4, reg[EAX] & 0xFF, fetch8(), 7);
    }

    private void testAccImm() {
    alu(4, regV(EAX), immV(), topV());
    }

    private void movReg8Imm(int op) {
    setReg8(op & 7, fetch8());
    }

    private void movRegImm(int op) {
    setRegV(op & 7, immV());
    }

    private void shiftRm8Imm() {
        modrm();
        int v = rm8();
        setRm8(shift(regField, v, fetch8() & 0x1F, 7));
    }

    private void shiftRmImm() {
        modrm();
        int v = rmV();
        setRmV(shift(regField, v, fetch8() & 0x1F, topV()));
    }

    private void retNearImm() {
        int release = fetch16();
        int target = pop(o32);
        jumpTo(target);
        setSp(stackOffset(release));
    }

    private void retNear() {
    jumpTo(pop(o32));
    }

    private void movRm8Imm() {
        modrm();
        if (regField != 0) throw ud();
        setRm8(fetch8());
    }

    private void movRmImm() {
        modrm();
        if (regField != 0) throw ud();
        setRmV(immV());
    }

    private void leave() {
        int bp = stack32() ? reg[EBP] : reg[EBP] & 0xFFFF;
        int v = o32 ? read32(SS, bp) : read16(SS, bp);
        setSp(bp);
        setSp(stackOffset(o32 ? 4 : 2));
        setRegV(EBP, v);
    }

    private void intImm() {
        int v = fetch8();
        requireV86Iopl3();
        softwareInterrupt(v);
    }

    private void into() {
        if (of()) softwareInterrupt(Vectors.OF);
    }

    private void shiftRm8One() {
        modrm();
        setRm8(shift(regField, rm8(), 1, 7));
    }

    private void shiftRmOne() {
        modrm();
        setRmV(shift(regField, rmV(), 1, topV()));
    }

    private void shiftRm8Cl() {
        modrm();
        setRm8(shift(regField, rm8(), reg[ECX] & 0x1F, 7));
    }

    private void shiftRmCl() {
        modrm();
        setRmV(shift(regField, rmV(), reg[ECX] & 0x1F, topV()));
    }

    private void aam() {
        int base = fetch8();
        if (base == 0) throw raise(Vectors.DE, -1);
        int al = reg[EAX] & 0xFF;
        int r = al % base;
        setReg16(EAX, (al / base) << 8 | r);
        putResultFlags(r, 7, false, false, false);
    }

    private void aad() {
        int base = fetch8();
        int al = reg[EAX] & 0xFF;
        int ah = reg[EAX] >>> 8 & 0xFF;
        int r = (al + ah * base) & 0xFF;
        setReg16(EAX, r);
        putResultFlags(r, 7, false, false, false);
    }

    private void salc() {
    setReg8(EAX, cf() ? 0xFF : 0);
    }

    private void xlat() {
        int off = (a32 ? reg[EBX] : reg[EBX] & 0xFFFF) + (reg[EAX] & 0xFF);
        setReg8(EAX, read8(dataSeg(), a32 ? off : off & 0xFFFF));
    }

    /** D8-DF: EM or TS set is #NM; then the FPU, or (without one) only the operand's decoding. */
    private void escape(int op) {
        if ((cr0 & (CR0_EM | CR0_TS)) != 0) throw raise(Vectors.NM, -1);
        modrm();
        if (!fpuPresent) {
            if (mod != 3) {
                linear(eaSeg, eaOff, 2, false); // a 386 without a 387 still checks the segment limit
            }
            return;
        }
        int modrmByte = mod << 6 | regField << 3 | rm;
        if (fpu.errorPending() && fpuErrorStops(!Fpu.nonWaiting(op, modrmByte))) return;
        fpuPort.operand(eaSeg, eaOff, o32);
        if (!fpu.execute(op, modrmByte, fpuPort)) throw ud();
        if (ferrAsserted && !fpu.errorPending()) releaseFerr();
    }

    private void loop(int op) {
        int rel = (byte) fetch8();
        decCounter();
        boolean go = counter() != 0 && (op == 0xE2 || (op == 0xE1) == zf());
        if (go) jumpTo(eip + rel);
    }

    private void jcxz() {
        int rel = (byte) fetch8();
        if (counter() == 0) jumpTo(eip + rel);
    }

    private void callNear() {
        int rel = immV();
        int target = eip + rel;
        if (!o32) target &= 0xFFFF;
        if (Integer.compareUnsigned(target, segLimit[CS]) > 0) throw gp(0);
        push(eip, o32);
        eip = target;
    }

    private void jmpNear() {
        int rel = immV();
        jumpTo(eip + rel);
    }

    private void jmpFarImm() {
        int off = immV();
        int sel = fetch16();
        farJump(sel, off, o32);
    }

    private void jmpShort() {
        int rel = (byte) fetch8();
        jumpTo(eip + rel);
    }

    private void hlt() {
        requireCpl0();
        halted = true;
    }

    private void cli() {
        if (protectedMode() && cpl > iopl()) throw gp(0);
        flags &= ~IF;
    }

    private void sti() {
        if (protectedMode() && cpl > iopl()) throw gp(0);
        if ((flags & IF) == 0) interruptShadow = true;
        flags |= IF;
    }

    private void group4() {
        modrm();
        switch (regField) {
            case 0 -> setRm8(inc(rm8(), 7));
            case 1 -> setRm8(dec(rm8(), 7));
            default -> throw ud();
        }
    }

    private int moffs() {
        return a32 ? fetch32() : fetch16();
    }

    private void popSegment(int seg) {
        int sp = sp();
        int v = o32 ? read32(SS, sp) : read16(SS, sp);
        // The pop belongs to the old stack: its size (B bit) decides how ESP moves, even for POP SS.
        boolean old32 = stack32();
        int next = stackOffset(o32 ? 4 : 2);
        loadSegment(seg, v & 0xFFFF);
        if (old32) {
            reg[ESP] = next;
        } else {
            setReg16(ESP, next);
        }
        if (seg == SS) {
            interruptShadow = stackShadow = true;
        }
    }

    private void pusha() {
        int sp = reg[ESP];
        for (int r = EAX; r <= EDI; r++) {
            push(r == ESP ? (o32 ? sp : sp & 0xFFFF) : regV(r), o32);
        }
    }

    private void popa() {
        for (int r = EDI; r >= EAX; r--) {
            int v = pop(o32);
            if (r != ESP) {
                setRegV(r, v);
            }
        }
    }

    private void bound() {
        modrm();
        requireMemory();
        int lower, upper, v;
        if (o32) {
            lower = read32(eaSeg, eaOff);
            upper = read32(eaSeg, eaOff + 4);
            v = reg[regField];
        } else {
            lower = (short) read16(eaSeg, eaOff);
            upper = (short) read16(eaSeg, (eaOff + 2) & (a32 ? -1 : 0xFFFF));
            v = (short) reg[regField];
        }
        if (v < lower || v > upper) {
            throw raise(Vectors.BR, -1);
        }
    }

    private void arpl() {
        requireProtectedMode();
        modrm();
        int dest = rm16();
        int src = reg[regField] & 0xFFFF;
        if ((dest & 3) < (src & 3)) {
            setRm16((dest & ~3) | (src & 3));
            setFlag(ZF, true);
        } else {
            setFlag(ZF, false);
        }
    }

    private void loadFarPointer(int seg) {
        modrm();
        requireMemory();
        int off = o32 ? read32(eaSeg, eaOff) : read16(eaSeg, eaOff);
        int sel = read16(eaSeg, eaOff + (o32 ? 4 : 2));
        loadSegment(seg, sel);
        setRegV(regField, off);
    }

    private void enter() {
        int size = fetch16();
        int level = fetch8() & 0x1F;
        int width = o32 ? 4 : 2;
        int bp = regV(EBP);
        push(bp, o32);
        // FrameTemp is ESP (SP with a 16-bit operand): on a 16-bit stack a 32-bit ENTER keeps ESP's high half.
        int frame = o32 ? reg[ESP] : reg[ESP] & 0xFFFF;
        if (level > 0) {
            int ebpOff = stack32() ? reg[EBP] : reg[EBP] & 0xFFFF;
            for (int i = 1; i < level; i++) {
                ebpOff = stack32() ? ebpOff - width : (ebpOff - width) & 0xFFFF;
                push(o32 ? read32(SS, ebpOff) : read16(SS, ebpOff), o32);
            }
            push(frame, o32);
        }
        int newSp = stackOffset(-size);
        // The new stack top must be writable before anything is committed.
        if (size > 0) {
            probeWrite(SS, newSp, 1);
        }
        setRegV(EBP, frame);
        setSp(newSp);
    }

    private void group3(int top) {
        modrm();
        switch (regField) {
            case 0, 1 -> {
                int a = rmOf(top);
                int b = top == 7 ? fetch8() : immV();
                alu(4, a, b, top);
            }
            case 2 -> setRmOf(top, ~rmOf(top) & mask(top));
            case 3 -> {
                int v = rmOf(top);
                int r = (-v) & mask(top);
                setLazy(LAZY_SUB, 0, v, r, top);
                setRmOf(top, r);
            }
            case 4, 5 -> mul(regField, top);
            default -> div(regField, top);
        }
    }

    private void group5() {
        modrm();
        switch (regField) {
            case 0 -> setRmV(inc(rmV(), topV()));
            case 1 -> setRmV(dec(rmV(), topV()));
            case 2 -> {
                int target = rmV();
                if (!o32) target &= 0xFFFF;
                if (Integer.compareUnsigned(target, segLimit[CS]) > 0) throw gp(0);
                push(eip, o32);
                eip = target;
            }
            case 3, 5 -> {
                requireMemory();
                int off = o32 ? read32(eaSeg, eaOff) : read16(eaSeg, eaOff);
                int sel = read16(eaSeg, eaOff + (o32 ? 4 : 2));
                if (regField == 3) {
                    farCall(sel, off, o32);
                } else {
                    farJump(sel, off, o32);
                }
            }
            case 4 -> jumpTo(rmV());
            case 6 -> push(rmV(), o32);
            default -> throw ud();
        }
    }

    // ======================================================================================
    // Two-byte opcodes (0F xx)
    // ======================================================================================

    private void execute0F(int op) {
        switch (op) {
            case 0x00 -> group6();
            case 0x01 -> group7();
            case 0x02, 0x03 -> larLsl(op == 0x02);
            case 0x06 -> clts();
            case 0x08, 0x09 -> requireCpl0(); // INVD, WBINVD: there are no caches to write back
            case 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F -> modrm(); // hint and multi-byte NOPs
            case 0x20 -> movFromCr();
            case 0x21 -> movFromDr();
            case 0x22 -> movToCr();
            case 0x23 -> movToDr();
            case 0x31 -> rdtsc();
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F -> cmov(op);
            case 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F -> jccNear(op);
            case 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F -> setcc(op);
            case 0xA0 -> push(segSel[FS], o32);
            case 0xA1 -> popSegment(FS);
            case 0xA2 -> cpuid();
            case 0xA3 -> bitOp(0, false);
            case 0xA4 -> shiftDouble(true, true);
            case 0xA5 -> shiftDouble(true, false);
            case 0xA8 -> push(segSel[GS], o32);
            case 0xA9 -> popSegment(GS);
            case 0xAB -> bitOp(1, false);
            case 0xAC -> shiftDouble(false, true);
            case 0xAD -> shiftDouble(false, false);
            case 0xAF -> imulRegRm();
            case 0xB0, 0xB1 -> cmpxchg(op);
            case 0xB2 -> loadFarPointer(SS);
            case 0xB3 -> bitOp(2, false);
            case 0xB4 -> loadFarPointer(FS);
            case 0xB5 -> loadFarPointer(GS);
            case 0xB6 -> movzxByte();
            case 0xB7 -> movzxWord();
            case 0xBA -> bitGroupImm();
            case 0xBB -> bitOp(3, false);
            case 0xBC, 0xBD -> bitScan(op);
            case 0xBE -> movsxByte();
            case 0xBF -> movsxWord();
            case 0xC0, 0xC1 -> xadd(op);
            case 0xC7 -> cmpxchg8b();
            case 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF -> bswap(op);
            default -> throw ud();
        }
    }

    private void clts() {
        requireCpl0();
        cr0 &= ~CR0_TS;
    }

    private void movFromCr() {
        modrm();
        requireCpl0();
        if (regField == 1 || regField > 4) throw ud();
        reg[rm] = cr(regField);
    }

    private void movFromDr() {
        modrm();
        requireCpl0();
        generalDetect();
        reg[rm] = dr[debugIndex(regField)];
    }

    /** DR7.GD: any access to a debug register is a #DB fault with DR6.BD, and GD clears for the handler. */
    private void generalDetect() {
        if ((dr[7] & 0x2000) != 0) {
            dr[6] |= 0x2000;
            dr[7] &= ~0x2000;
            throw raise(Vectors.DB, -1);
        }
    }

    private void movToCr() {
        modrm();
        requireCpl0();
        if (regField == 1 || regField > 4) throw ud();
        writeCr(regField, reg[rm]);
    }

    private void movToDr() {
        modrm();
        requireCpl0();
        generalDetect();
        int i = debugIndex(regField);
        dr[i] = i == 6 ? reg[rm] | 0xFFFF0FF0 : i == 7 ? (reg[rm] | 0x400) & ~0xD000 : reg[rm];
        if (i == 7) {
            debugControlChanged();
        }
    }

    private void rdtsc() {
        if ((cr4 & 4) != 0 && protectedMode() && cpl != 0) throw gp(0);
        long t = timeStampCounter.getAsLong();
        reg[EAX] = (int) t;
        reg[EDX] = (int) (t >>> 32);
    }

    private void cmov(int op) {
        modrm();
        int v = rmV();
        if (condition(op & 0xF)) setRegV(regField, v);
    }

    private void jccNear(int op) {
        int rel = o32 ? fetch32() : (short) fetch16();
        if (condition(op & 0xF)) jumpTo(eip + rel);
    }

    private void setcc(int op) {
        modrm();
        setRm8(condition(op & 0xF) ? 1 : 0);
    }

    private void imulRegRm() {
        modrm();
        setRegV(regField, imul(regV(regField), rmV()));
    }

    private void cmpxchg(int op) {
        modrm();
        int top = op == 0xB0 ? 7 : topV();
        int dest = rmOf(top);
        int acc = regOf(top, EAX);
        alu(7, acc, dest, top);
        if (acc == dest) {
            setRmOf(top, regOf(top, regField));
        } else {
            setRmOf(top, dest);
            setRegOf(top, EAX, dest);
        }
    }

    private void movzxByte() {
        modrm();
        setRegV(regField, rm8());
    }

    private void movzxWord() {
        modrm();
        setRegV(regField, rm16());
    }

    private void bitGroupImm() {
        modrm();
        if (regField < 4) throw ud();
        bitOpImmediate(regField - 4);
    }

    private void bitScan(int op) {
        modrm();
        int v = rmV();
        if (v == 0) {
            setFlag(ZF, true);
        } else {
            int idx = op == 0xBC ? Integer.numberOfTrailingZeros(v) : 31 - Integer.numberOfLeadingZeros(v);
            setRegV(regField, idx);
            putResultFlags(1, 7, false, false, false);
        }
    }

    private void movsxByte() {
        modrm();
        setRegV(regField, (byte) rm8());
    }

    private void movsxWord() {
        modrm();
        setRegV(regField, (short) rm16());
    }

    private void xadd(int op) {
        modrm();
        int top = op == 0xC0 ? 7 : topV();
        int dest = rmOf(top);
        int src = regOf(top, regField);
        int sum = alu(0, dest, src, top);
        if (mod == 3) {
            // SRC <- DEST, then DEST <- sum: XADD of a register with itself leaves the sum.
            setRegOf(top, regField, dest);
            setRmOf(top, sum);
        } else {
            setRmOf(top, sum);
            setRegOf(top, regField, dest);
        }
    }

    private void cmpxchg8b() {
        modrm();
        if (regField != 1) throw ud();
        requireMemory();
        int lo = read32(eaSeg, eaOff);
        int hi = read32(eaSeg, eaOff + 4);
        probeWrite(eaSeg, eaOff, 8);
        if (lo == reg[EAX] && hi == reg[EDX]) {
            write32(eaSeg, eaOff, reg[EBX]);
            write32(eaSeg, eaOff + 4, reg[ECX]);
            setFlag(ZF, true);
        } else {
            write32(eaSeg, eaOff, lo);
            write32(eaSeg, eaOff + 4, hi);
            reg[EAX] = lo;
            reg[EDX] = hi;
            setFlag(ZF, false);
        }
    }

    private void bswap(int op) {
        int r = op & 7;
        if (o32) {
            reg[r] = Integer.reverseBytes(reg[r]);
        } else {
            setReg16(r, 0); // BSWAP of a 16-bit register is undefined; P6 clears it
        }
    }

    private int debugIndex(int n) {
        if ((n == 4 || n == 5) && (cr4 & 8) != 0) {
            throw ud();
        }
        return n == 4 ? 6 : n == 5 ? 7 : n;
    }

    private void writeCr(int n, int v) {
        switch (n) {
            case 0 -> {
                if ((v & CR0_PG) != 0 && (v & CR0_PE) == 0) throw gp(0);
                if ((v & CR0_NW) != 0 && (v & CR0_CD) == 0) throw gp(0);
                int keep = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD
                        | CR0_PG;
                boolean wasPe = protectedMode();
                cr0 = v & keep | CR0_ET;
                if (!protectedMode()) {
                    cpl = 0;
                } else if (!wasPe) {
                    cpl = 0;
                }
                for (int s = 0; s < 6; s++) {
                    updateSegCheck(s);
                }
                pagingChanged();
            }
            case 2 -> cr2 = v;
            case 3 -> {
                cr3 = v;
                flushTlb();
            }
            case 4 -> {
                if ((v & ~4) != 0) throw gp(0); // only TSD: nothing else is reported by CPUID
                cr4 = v;
                pagingChanged();
            }
            default -> throw ud();
        }
    }

    private void cpuid() {
        int leaf = reg[EAX];
        switch (leaf) {
            case 0 -> {
                reg[EAX] = 1;
                // "VivariumVCPU", in EBX, EDX, ECX order
                reg[EBX] = 0x61766956;
                reg[EDX] = 0x6D756972;
                reg[ECX] = 0x55504356;
            }
            default -> {
                // Leaf 1, and (as Intel CPUs do) any leaf above the highest one.
                reg[EAX] = SIGNATURE;
                reg[EBX] = 0;
                reg[ECX] = 0;
                reg[EDX] = fpuPresent ? FEATURES | FEATURE_FPU : FEATURES;
            }
        }
    }

    /** BT, BTS, BTR, BTC with a register bit offset, which may reach beyond the addressed operand. */
    private void bitOp(int kind, boolean unused) {
        modrm();
        int bitOffset = regV(regField);
        int top = topV();
        if (mod == 3) {
            int bit = bitOffset & top;
            int v = regOf(top, rm);
            int r = bitResult(kind, v, bit);
            if (kind != 0) setRegOf(top, rm, r);
            return;
        }
        int width = top + 1;
        int signedOffset = o32 ? bitOffset : (short) bitOffset;
        int displacement = (signedOffset >> (o32 ? 5 : 4)) * (width >>> 3);
        int off = eaOff + displacement;
        if (!a32) {
            off &= 0xFFFF;
        }
        int v = readAt(eaSeg, off, top);
        int r = bitResult(kind, v, signedOffset & top);
        if (kind != 0) writeAt(eaSeg, off, r, top);
    }

    private void bitOpImmediate(int kind) {
        int top = topV();
        int v = rmOf(top);
        int bit = fetch8() & top;
        int r = bitResult(kind, v, bit);
        if (kind != 0) setRmOf(top, r);
    }

    private int bitResult(int kind, int v, int bit) {
        boolean set = (v >>> bit & 1) != 0;
        setFlag(CF, set);
        return switch (kind) {
            case 1 -> v | 1 << bit;
            case 2 -> v & ~(1 << bit);
            case 3 -> v ^ 1 << bit;
            default -> v;
        };
    }

    private void shiftDouble(boolean left, boolean immediate) {
        modrm();
        int top = topV();
        int dest = rmV();
        int src = regV(regField);
        int count = (immediate ? fetch8() : reg[ECX]) & 0x1F;
        if (count == 0) {
            return;
        }
        int bits = top + 1;
        long r;
        boolean c;
        if (bits == 32) {
            long pair = left ? ((long) dest << 32) | (src & 0xFFFFFFFFL) : ((long) src << 32) | (dest & 0xFFFFFFFFL);
            if (left) {
                r = (pair << count) >>> 32;
                c = ((pair >>> (64 - count)) & 1) != 0;
            } else {
                r = pair >>> count;
                c = ((pair >>> (count - 1)) & 1) != 0;
            }
        } else {
            // 16-bit: the pattern is dest:src:dest, so counts above 16 are as real CPUs produce them.
            long pattern = left
                    ? ((long) (dest & 0xFFFF) << 32) | ((long) (src & 0xFFFF) << 16) | (dest & 0xFFFF)
                    : ((long) (dest & 0xFFFF) << 32) | ((long) (src & 0xFFFF) << 16) | (dest & 0xFFFF);
            if (left) {
                r = (pattern << count) >>> 32;
                c = ((pattern >>> (48 - count)) & 1) != 0;
            } else {
                long p = ((long) (dest & 0xFFFF)) | ((long) (src & 0xFFFF) << 16) | ((long) (dest & 0xFFFF) << 32);
                r = p >>> count;
                c = ((p >>> (count - 1)) & 1) != 0;
            }
        }
        int res = (int) r & mask(top);
        boolean o = (((res ^ dest) >>> top) & 1) != 0;
        putResultFlags(res, top, c, o, false);
        setRmV(res);
    }

    private void group6() {
        requireProtectedMode();
        modrm();
        switch (regField) {
            case 0 -> storeSystemSelector(ldtSel);
            case 1 -> storeSystemSelector(trSel);
            case 2 -> {
                requireCpl0();
                int sel = rm16();
                if ((sel & ~3) == 0) {
                    ldtSel = sel;
                    ldtBase = 0;
                    ldtLimit = 0;
                    return;
                }
                if ((sel & 4) != 0) throw gp(sel & 0xFFFC);
                readDescriptor(sel, Vectors.GP);
                int attr = descAttr(descHi);
                if ((attr & 0x1F) != 2) throw gp(sel & 0xFFFC);
                if ((attr & ATTR_P) == 0) throw raise(Vectors.NP, sel & 0xFFFC);
                ldtSel = sel;
                ldtBase = descBase(descLo, descHi);
                ldtLimit = descLimit(descLo, descHi);
                ldtAttr = attr;
            }
            case 3 -> {
                requireCpl0();
                int sel = rm16();
                if ((sel & ~3) == 0) throw gp(0);
                if ((sel & 4) != 0) throw gp(sel & 0xFFFC);
                readDescriptor(sel, Vectors.GP);
                int attr = descAttr(descHi);
                int type = attr & 0x1F;
                if (type != 1 && type != 9) throw gp(sel & 0xFFFC);
                if ((attr & ATTR_P) == 0) throw raise(Vectors.NP, sel & 0xFFFC);
                sysWrite32(descAddr + 4, descHi | 0x200); // mark busy
                trSel = sel;
                trBase = descBase(descLo, descHi);
                trLimit = descLimit(descLo, descHi);
                trAttr = attr | 2;
            }
            case 4, 5 -> setFlag(ZF, verify(rm16(), regField == 5));
            default -> throw ud();
        }
    }

    private void storeSystemSelector(int sel) {
        if (mod == 3 && o32) {
            reg[rm] = sel;
        } else {
            setRm16(sel);
        }
    }

    /** VERR/VERW: whether the selector names a segment readable (writable) at the current privilege. */
    private boolean verify(int sel, boolean write) {
        if ((sel & ~3) == 0 || !descriptorVisible(sel)) {
            return false;
        }
        int attr = descAttr(descHi);
        if ((attr & ATTR_S) == 0) {
            return false;
        }
        boolean code = (attr & ATTR_CODE) != 0;
        boolean conforming = code && (attr & ATTR_DC) != 0;
        if (!conforming && dpl(attr) < Math.max(cpl, sel & 3)) {
            return false;
        }
        if (write) {
            return !code && (attr & ATTR_RW) != 0;
        }
        return !code || (attr & ATTR_RW) != 0;
    }

    /** Reads a descriptor for LAR/LSL/VERR/VERW, which report failure in ZF instead of faulting. */
    private boolean descriptorVisible(int sel) {
        int base, limit;
        if ((sel & 4) != 0) {
            base = ldtBase;
            limit = ldtLimit;
            if ((ldtSel & ~3) == 0) return false;
        } else {
            base = gdtBase;
            limit = gdtLimit;
        }
        if ((sel & 0xFFF8) + 7 > (limit & 0xFFFFFFFFL)) {
            return false;
        }
        descAddr = base + (sel & 0xFFF8);
        descLo = sysRead32(descAddr);
        descHi = sysRead32(descAddr + 4);
        return true;
    }

    private void larLsl(boolean lar) {
        requireProtectedMode();
        modrm();
        int sel = rm16();
        boolean ok = (sel & ~3) != 0 && descriptorVisible(sel);
        if (ok) {
            int attr = descAttr(descHi);
            if ((attr & ATTR_S) == 0) {
                int type = attr & 0xF;
                boolean valid = lar
                        ? type == 1 || type == 2 || type == 3 || type == 4 || type == 5 || type == 9 || type == 11
                        || type == 12
                        : type == 1 || type == 2 || type == 3 || type == 9 || type == 11;
                ok = valid;
            }
            boolean conforming = (attr & (ATTR_S | ATTR_CODE | ATTR_DC)) == (ATTR_S | ATTR_CODE | ATTR_DC);
            if (ok && !conforming && dpl(attr) < Math.max(cpl, sel & 3)) {
                ok = false;
            }
        }
        if (ok) {
            int v = lar ? descHi & 0x00FFFF00 : descLimit(descLo, descHi);
            setRegV(regField, v);
        }
        setFlag(ZF, ok);
    }

    private void group7() {
        modrm();
        switch (regField) {
            case 0, 1 -> {
                requireMemory();
                int limit = regField == 0 ? gdtLimit : idtLimit;
                int base = regField == 0 ? gdtBase : idtBase;
                write16(eaSeg, eaOff, limit);
                write32(eaSeg, eaOff + 2, o32 ? base : base & 0x00FFFFFF);
            }
            case 2, 3 -> {
                requireMemory();
                requireCpl0();
                int limit = read16(eaSeg, eaOff);
                int base = read32(eaSeg, eaOff + 2);
                if (!o32) base &= 0x00FFFFFF;
                if (regField == 2) {
                    gdtLimit = limit;
                    gdtBase = base;
                } else {
                    idtLimit = limit;
                    idtBase = base;
                }
            }
            case 4 -> {
                if (mod == 3 && o32) {
                    reg[rm] = cr0;
                } else {
                    setRm16(cr0);
                }
            }
            case 6 -> {
                requireCpl0();
                int v = rm16();
                // LMSW changes PE, MP, EM and TS, and cannot clear PE.
                int next = (cr0 & ~0xE) | (v & 0xE) | (cr0 & CR0_PE) | (v & CR0_PE);
                writeCr(0, next);
            }
            case 7 -> {
                requireMemory();
                requireCpl0();
                invalidatePage(linearNoCheck());
            }
            default -> throw ud();
        }
    }

    private int linearNoCheck() {
        return segBase[eaSeg] + eaOff;
    }
}
