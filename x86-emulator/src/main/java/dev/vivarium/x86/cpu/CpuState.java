package dev.vivarium.x86.cpu;

/**
 * The architectural state of the processor: registers, segment descriptor caches, control
 * registers and the flags. The arithmetic flags are evaluated lazily: the common ALU
 * instructions record their operands and result, and a flag is computed only when something
 * reads it (a branch, PUSHF, an interrupt), which keeps the hot path to a few field stores.
 */
abstract class CpuState {

    // General registers, in encoding order.
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    // Segment registers, in encoding order.
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

    /** The segment a segment-override prefix byte names (26, 2E, 36, 3E, 64, 65), or -1 for any other byte. */
    public static int segmentOverride(int prefix) {
        return switch (prefix) {
            case 0x26 -> ES;
            case 0x2E -> CS;
            case 0x36 -> SS;
            case 0x3E -> DS;
            case 0x64 -> FS;
            case 0x65 -> GS;
            default -> -1;
        };
    }

    // EFLAGS bits.
    public static final int CF = 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8, IF = 1 << 9,
            DF = 1 << 10, OF = 1 << 11, IOPL = 3 << 12, NT = 1 << 14, RF = 1 << 16, VM = 1 << 17, AC = 1 << 18,
            ID = 1 << 21;
    static final int ARITH = CF | PF | AF | ZF | SF | OF;
    /** Bits a 486-class CPU lets software change (ID included: CPUID is implemented). */
    static final int WRITABLE_FLAGS = ARITH | TF | IF | DF | IOPL | NT | RF | VM | AC | ID;

    // CR0 bits.
    static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 16, CR0_NE = 32,
            CR0_WP = 1 << 16, CR0_AM = 1 << 18, CR0_NW = 1 << 29, CR0_CD = 1 << 30, CR0_PG = 1 << 31;

    // Segment attribute bits (descriptor bits 40..55 shifted down by 8).
    static final int ATTR_ACCESSED = 1, ATTR_RW = 2, ATTR_DC = 4, ATTR_CODE = 8, ATTR_S = 0x10, ATTR_P = 0x80,
            ATTR_DB = 0x4000, ATTR_G = 0x8000;

    public final int[] reg = new int[8];
    public int eip;
    /** EFLAGS as last stored; its ARITH bits are stale while {@link #lazyOp} is not NONE. */
    public int flags = 2;

    final int[] segSel = new int[6];
    final int[] segBase = new int[6];
    public final int[] segLimit = new int[6];
    final int[] segAttr = new int[6];

    int gdtBase, gdtLimit, idtBase, idtLimit;
    int ldtSel, ldtBase, ldtLimit, ldtAttr;
    int trSel, trBase, trLimit, trAttr;

    int cr0, cr2, cr3, cr4;
    final int[] dr = new int[8];
    /**
     * Set while every instruction must be looked at on its own (enabled hardware breakpoints,
     * say): the CPU then runs no decoded blocks, only the interpreter. The block path tests it
     * beside the flags it tests anyway, so it costs nothing while clear.
     */
    boolean instructionByInstruction;
    /** Current privilege level. */
    int cpl;

    // ---- lazy arithmetic flags ----
    public static final int LAZY_NONE = 0, LAZY_ADD = 1, LAZY_SUB = 2, LAZY_LOGIC = 3, LAZY_INC = 4, LAZY_DEC = 5;
    int lazyOp;
    /** Operands and result of the last lazily flagged operation, masked to its width. */
    int lazyA, lazyB, lazyR;
    /** Index of the sign bit of the last lazily flagged operation: 7, 15 or 31. */
    int lazyTop;

    public final void setLazy(int op, int a, int b, int r, int top) {
        lazyOp = op;
        lazyA = a;
        lazyB = b;
        lazyR = r;
        lazyTop = top;
    }

    /** INC and DEC keep CF: fold the current CF into the stored flags before going lazy. */
    final void setLazyKeepCarry(int op, int a, int r, int top) {
        flags = (flags & ~CF) | getCF();
        setLazy(op, a, 1, r, top);
    }

    final int getCF() {
        switch (lazyOp) {
            case LAZY_ADD:
                return ((lazyA & lazyB) | ((lazyA | lazyB) & ~lazyR)) >>> lazyTop & 1;
            case LAZY_SUB:
                return ((~lazyA & lazyB) | ((~lazyA | lazyB) & lazyR)) >>> lazyTop & 1;
            case LAZY_LOGIC:
                return 0;
            default:
                return flags & CF;
        }
    }

    final boolean cf() {
        return getCF() != 0;
    }

    final boolean zf() {
        return lazyOp == LAZY_NONE ? (flags & ZF) != 0 : (lazyR & topMask()) == 0;
    }

    final boolean sf() {
        return lazyOp == LAZY_NONE ? (flags & SF) != 0 : (lazyR >>> lazyTop & 1) != 0;
    }

    final boolean of() {
        switch (lazyOp) {
            case LAZY_NONE:
                return (flags & OF) != 0;
            case LAZY_ADD:
            case LAZY_INC:
                return (((lazyA ^ lazyR) & (lazyB ^ lazyR)) >>> lazyTop & 1) != 0;
            case LAZY_SUB:
            case LAZY_DEC:
                return (((lazyA ^ lazyB) & (lazyA ^ lazyR)) >>> lazyTop & 1) != 0;
            default:
                return false;
        }
    }

    final boolean pf() {
        return lazyOp == LAZY_NONE ? (flags & PF) != 0 : parity(lazyR);
    }

    final boolean af() {
        switch (lazyOp) {
            case LAZY_NONE:
                return (flags & AF) != 0;
            case LAZY_LOGIC:
                return false;
            default:
                return ((lazyA ^ lazyB ^ lazyR) & 0x10) != 0;
        }
    }

    private int topMask() {
        return lazyTop == 31 ? -1 : (2 << lazyTop) - 1;
    }

    static boolean parity(int v) {
        return (Integer.bitCount(v & 0xFF) & 1) == 0;
    }

    /** The full EFLAGS image, with the lazy flags evaluated. */
    final int getFlags() {
        if (lazyOp == LAZY_NONE) {
            return flags;
        }
        int f = flags & ~ARITH;
        if (getCF() != 0) f |= CF;
        if (pf()) f |= PF;
        if (af()) f |= AF;
        if (zf()) f |= ZF;
        if (sf()) f |= SF;
        if (of()) f |= OF;
        return f;
    }

    /** Replaces EFLAGS wholesale; bit 1 always reads as one. */
    final void putFlags(int f) {
        flags = (f | 2) & ~(0xFFC00000 | 1 << 3 | 1 << 5 | 1 << 15);
        lazyOp = LAZY_NONE;
    }

    /** Replaces only the arithmetic flags. */
    final void putArithFlags(int f) {
        flags = (flags & ~ARITH) | (f & ARITH);
        lazyOp = LAZY_NONE;
    }

    /** Sets ZF, SF and PF from a result and clears CF, OF and AF, as the logic instructions do. */
    final void setLogicFlags(int r, int top) {
        setLazy(LAZY_LOGIC, 0, 0, r, top);
    }

    /** Sets or clears one flag, leaving the others as they are (evaluating the lazy ones). */
    final void setFlag(int bit, boolean on) {
        int f = getFlags();
        putFlags(on ? f | bit : f & ~bit);
    }

    // ---- register views ----
    public final int reg8(int i) {
        return i < 4 ? reg[i] & 0xFF : reg[i - 4] >>> 8 & 0xFF;
    }

    public final void setReg8(int i, int v) {
        if (i < 4) {
            reg[i] = (reg[i] & 0xFFFFFF00) | (v & 0xFF);
        } else {
            reg[i - 4] = (reg[i - 4] & 0xFFFF00FF) | (v & 0xFF) << 8;
        }
    }

    final int reg16(int i) {
        return reg[i] & 0xFFFF;
    }

    final void setReg16(int i, int v) {
        reg[i] = (reg[i] & 0xFFFF0000) | (v & 0xFFFF);
    }

    final boolean protectedMode() {
        return (cr0 & CR0_PE) != 0;
    }

    final boolean v86Mode() {
        return (flags & VM) != 0;
    }
}
