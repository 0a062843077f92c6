package dev.vivarium.x86.fpu;

import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import static dev.vivarium.x86.fpu.Arith.*;
import static dev.vivarium.x86.fpu.Extended.*;

/**
 * The x87 floating-point unit of a 486 (with the P6's FCMOVcc and FCOMI, which CPUID's CMOV
 * bit promises together with the FPU bit): eight 80-bit registers used as a stack, the
 * control, status and tag words, the instruction and data pointers, and every instruction of
 * the escape opcodes D8-DF.
 *
 * <p>Exceptions behave as on the hardware: a masked one delivers its default result (the
 * indefinite, infinity, a denormal...) and sets its flag; an unmasked invalid-operation,
 * denormal or zero-divide leaves the destination and the stack untouched, an unmasked
 * overflow or underflow delivers the bias-adjusted result to a register (and nothing to
 * memory); either way ES and B are set and the processor reports the error at the next
 * waiting instruction ({@link #errorPending()}), which is the CPU's part (#MF, or FERR# and
 * IRQ 13 with CR0.NE clear).
 *
 * <p>The CPU checks CR0.EM and TS (#NM) and pending errors before {@link #execute}; memory
 * operands come through {@link FpuBus}, and every instruction reads its operands and writes
 * its memory result before it changes a register, so a page fault or #GP restarts it cleanly.
 */
public final class Fpu {

    // Status word bits besides the exception flags (which are Arith's IE..PE).
    static final int SF = 0x40, ES = 0x80, C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, B = 0x8000;
    private static final int CC = C0 | C1 | C2 | C3;
    private static final int EXCEPTIONS = 0x3F;

    private final int[] regSe = new int[8];
    private final long[] regSig = new long[8];
    /** Bit i set: physical register i holds a value (its tag is not "empty"). */
    private int valid;
    private int top;
    private int cw;
    /** The status word without TOP (bits 11-13), which is {@link #top}. */
    private int sw;
    private int fip, fcs, fop, fdp, fds;

    private final Arith a = new Arith();
    private final Transcendental t = new Transcendental(a);

    public Fpu() {
        reset();
    }

    /** The state after RESET (SDM vol. 3, table 9-1): registers +0, tags "zero", CW 0040h. */
    public void reset() {
        for (int i = 0; i < 8; i++) {
            regSe[i] = 0;
            regSig[i] = 0;
        }
        clear(0xFF, 0x0040);
    }

    /** FNINIT: control word 037Fh (all masked, 64 bits, nearest), everything empty and clear; the registers keep their bits. */
    private void init() {
        clear(0, 0x037F);
    }

    /** What RESET and FNINIT share: the tags, the control word, and a clear status and pointers with TOP 0. */
    private void clear(int validMask, int controlWord) {
        valid = validMask;
        top = 0;
        cw = controlWord;
        sw = 0;
        fip = fcs = fop = fdp = fds = 0;
    }

    // ======================================================================================
    // Public state
    // ======================================================================================

    public int controlWord() {
        return cw;
    }

    public int statusWord() {
        return sw & ~0x3800 | top << 11;
    }

    /** The full tag word (two bits per physical register: valid, zero, special, empty), as FNSTENV stores it. */
    public int tagWord() {
        int tw = 0;
        for (int i = 0; i < 8; i++) {
            tw |= tag(i) << (2 * i);
        }
        return tw;
    }

    private int tag(int phys) {
        if ((valid & 1 << phys) == 0) {
            return 3;
        }
        int c = classify(regSe[phys], regSig[phys]);
        return c == ZERO ? 1 : c == NORMAL ? 0 : 2;
    }

    /** Whether an unmasked exception waits for the next waiting instruction (status ES). */
    public boolean errorPending() {
        return (sw & ES) != 0;
    }

    /** ST(i) as (sign-and-exponent, significand): for tests and the differential harness. */
    public int stSignExponent(int i) {
        return regSe[phys(i)];
    }

    public long stSignificand(int i) {
        return regSig[phys(i)];
    }

    public boolean stEmpty(int i) {
        return (valid & 1 << phys(i)) == 0;
    }

    /**
     * Whether an escape instruction is one of the non-waiting control instructions (FNINIT,
     * FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE, and the 8087's FENI, FDISI and FSETPM, which the
     * 387 ignores): these do not report a pending error first.
     */
    public static boolean nonWaiting(int opcode, int modrm) {
        int reg = modrm >>> 3 & 7;
        boolean mem = modrm < 0xC0;
        return switch (opcode) {
            case 0xD9 -> mem && (reg == 6 || reg == 7);
            case 0xDB -> modrm >= 0xE0 && modrm <= 0xE4;
            case 0xDD -> mem && (reg == 6 || reg == 7);
            case 0xDF -> modrm == 0xE0;
            default -> false;
        };
    }

    // ======================================================================================
    // The register stack
    // ======================================================================================

    private int phys(int i) {
        return (top + i) & 7;
    }

    private boolean isValid(int i) {
        return (valid & 1 << phys(i)) != 0;
    }

    private void set(int i, int se, long sig) {
        int p = phys(i);
        regSe[p] = se & 0xFFFF;
        regSig[p] = sig;
        valid |= 1 << p;
    }

    private void push(int se, long sig) {
        top = (top - 1) & 7;
        set(0, se, sig);
    }

    private void pop() {
        valid &= ~(1 << top);
        top = (top + 1) & 7;
    }

    private void setCc(int bits) {
        sw = sw & ~CC | bits & CC;
    }

    private void setC1(boolean on) {
        sw = on ? sw | C1 : sw & ~C1;
    }

    /** Records exception flags (and SF); an unmasked one makes the error pending. Returns whether any is unmasked. */
    private boolean signal(int flags) {
        sw |= flags & (EXCEPTIONS | SF);
        if ((flags & ~cw & EXCEPTIONS) != 0) {
            sw |= ES | B;
            return true;
        }
        return false;
    }

    private boolean invalidMasked() {
        return (cw & IE) != 0;
    }

    /** A read of an empty register: IE and SF with C1 clear. Returns whether the masked response (the indefinite) applies. */
    private boolean stackUnderflow() {
        signal(IE | SF);
        setC1(false);
        return invalidMasked();
    }

    /** A push onto a full register: IE and SF with C1 set. Returns whether the masked response applies. */
    private boolean stackOverflow() {
        signal(IE | SF);
        setC1(true);
        return invalidMasked();
    }

    /** Whether a push would overflow: ST(7), the register that becomes ST(0), holds a value. */
    private boolean pushWouldOverflow() {
        return (valid & 1 << ((top - 1) & 7)) != 0;
    }

    // ======================================================================================
    // Execution
    // ======================================================================================

    /**
     * Executes one escape instruction: {@code opcode} D8-DF with its ModRM byte; a memory
     * operand is reached through {@code bus}. Returns false for an encoding the FPU does not
     * define (the CPU raises #UD), having changed nothing.
     */
    public boolean execute(int opcode, int modrm, FpuBus bus) {
        int reg = modrm >>> 3 & 7;
        int rm = modrm & 7;
        boolean mem = modrm < 0xC0;
        if (!defined(opcode, modrm, reg, rm, mem)) {
            return false;
        }
        if (!control(opcode, modrm, reg, mem)) {
            fip = bus.instructionOffset();
            fcs = bus.codeSelector();
            fop = (opcode & 7) << 8 | modrm;
            if (mem) {
                fdp = bus.operandOffset();
                fds = bus.operandSelector();
            }
        }
        a.flags = 0;
        a.control(cw);
        switch (opcode) {
            case 0xD8 -> {
                if (mem) {
                    arithmetic(reg, operandBinary(bus.read32(0) & 0xFFFFFFFFL, 23, 8));
                } else {
                    arithmeticRegisters(reg, 0, rm, false, false);
                }
            }
            case 0xD9 -> executeD9(reg, rm, mem, bus);
            case 0xDA -> {
                if (mem) {
                    arithmetic(reg, loadInteger(bus.read32(0)));
                } else if (reg < 4) {
                    fcmov(reg, false, rm, bus);
                } else {
                    compareRegisters(1, true, 2); // DA E9: FUCOMPP
                }
            }
            case 0xDB -> executeDB(modrm, reg, rm, mem, bus);
            case 0xDC -> {
                if (mem) {
                    arithmetic(reg, operandBinary(readLong(bus, 0), 52, 11));
                } else {
                    arithmeticRegisters(reg, rm, rm, true, false);
                }
            }
            case 0xDD -> executeDD(reg, rm, mem, bus);
            case 0xDE -> {
                if (mem) {
                    arithmetic(reg, loadInteger((short) bus.read16(0)));
                } else if (reg == 3) {
                    compareRegisters(1, false, 2); // DE D9: FCOMPP
                } else {
                    arithmeticRegisters(reg, rm, rm, true, true);
                }
            }
            default -> executeDF(modrm, reg, rm, mem, bus);
        }
        return true;
    }

    /** Encodings the 486 leaves undefined (and the SSE3 FISTTP, which it does not have). */
    private static boolean defined(int opcode, int modrm, int reg, int rm, boolean mem) {
        if (mem) {
            return switch (opcode) {
                case 0xD9 -> reg != 1;
                case 0xDB -> reg != 1 && reg != 4 && reg != 6;
                case 0xDD -> reg != 1 && reg != 5;
                case 0xDF -> reg != 1;
                default -> true;
            };
        }
        return switch (opcode) {
            case 0xD9 -> switch (reg) {
                case 2 -> rm == 0;
                case 4 -> rm == 0 || rm == 1 || rm == 4 || rm == 5;
                case 5 -> rm != 7;
                default -> true;
            };
            case 0xDA -> reg < 4 || modrm == 0xE9;
            case 0xDB -> reg < 4 || reg == 5 || reg == 6 || reg == 4 && rm <= 4;
            case 0xDD -> reg < 6;
            case 0xDE -> reg != 3 || rm == 1;
            case 0xDF -> reg < 4 || reg == 5 || reg == 6 || modrm == 0xE0;
            default -> true;
        };
    }

    /** Control instructions leave the instruction and data pointers as they are. */
    private static boolean control(int opcode, int modrm, int reg, boolean mem) {
        return switch (opcode) {
            case 0xD9 -> mem && reg >= 4;
            case 0xDB -> modrm >= 0xE0 && modrm <= 0xE4;
            case 0xDD -> mem && (reg == 4 || reg == 6 || reg == 7);
            case 0xDF -> modrm == 0xE0;
            default -> false;
        };
    }

    private void executeD9(int reg, int rm, boolean mem, FpuBus bus) {
        if (mem) {
            switch (reg) {
                case 0 -> load(loadBinary(bus.read32(0) & 0xFFFFFFFFL, 23, 8));
                case 2, 3 -> storeBinary(bus, 23, 8, reg == 3);
                case 4 -> loadEnvironment(bus);
                case 5 -> loadControlWord(bus.read16(0));
                case 6 -> {
                    storeEnvironment(bus);
                    cw |= EXCEPTIONS; // FNSTENV masks every exception after storing
                }
                default -> bus.write16(0, cw);
            }
            return;
        }
        switch (reg) {
            case 0 -> loadRegister(rm);
            case 1 -> exchange(rm);
            case 2 -> { } // FNOP
            case 3 -> storeRegister(rm, true); // FSTP1, an alias of FSTP ST(i)
            case 4 -> {
                switch (rm) {
                    case 0 -> unarySign(0x8000, 0);
                    case 1 -> unarySign(0, 0x8000);
                    case 4 -> test();
                    default -> examine();
                }
            }
            case 5 -> loadConstant(rm);
            case 6 -> {
                switch (rm) {
                    case 0 -> t.f2xm1(this);
                    case 1 -> t.fyl2x(this, false);
                    case 2 -> t.fptan(this);
                    case 3 -> t.fpatan(this);
                    case 4 -> extract();
                    case 5 -> remainder(true);
                    case 6 -> {
                        top = (top - 1) & 7;
                        setC1(false);
                    }
                    default -> {
                        top = (top + 1) & 7;
                        setC1(false);
                    }
                }
            }
            default -> {
                switch (rm) {
                    case 0 -> remainder(false);
                    case 1 -> t.fyl2x(this, true);
                    case 2 -> unaryArith(U_SQRT);
                    case 3 -> t.fsincos(this);
                    case 4 -> unaryArith(U_RNDINT);
                    case 5 -> scale();
                    case 6 -> t.fsin(this, false);
                    default -> t.fsin(this, true);
                }
            }
        }
    }

    private void executeDB(int modrm, int reg, int rm, boolean mem, FpuBus bus) {
        if (mem) {
            switch (reg) {
                case 0 -> load(loadInteger(bus.read32(0)));
                case 2, 3 -> storeInteger(bus, 32, reg == 3);
                case 5 -> load(loadExtended(bus));
                default -> storeExtended(bus); // FSTP m80
            }
            return;
        }
        switch (reg) {
            case 0, 1, 2, 3 -> fcmov(reg, true, rm, bus);
            case 4 -> {
                if (modrm == 0xE2) {
                    sw &= ~(EXCEPTIONS | SF | ES | B); // FNCLEX
                } else if (modrm == 0xE3) {
                    init();
                } // E0 FENI, E1 FDISI, E4 FSETPM: no-ops since the 387
            }
            default -> compareToFlags(rm, reg == 5, false, bus);
        }
    }

    private void executeDD(int reg, int rm, boolean mem, FpuBus bus) {
        if (mem) {
            switch (reg) {
                case 0 -> load(loadBinary(readLong(bus, 0), 52, 11));
                case 2, 3 -> storeBinary(bus, 52, 11, reg == 3);
                case 4 -> restore(bus);
                case 6 -> save(bus);
                default -> bus.write16(0, statusWord()); // FNSTSW m16
            }
            return;
        }
        switch (reg) {
            case 0 -> valid &= ~(1 << phys(rm)); // FFREE
            case 1 -> exchange(rm); // FXCH4
            case 2, 3 -> storeRegister(rm, reg == 3);
            default -> compareRegisters(rm, true, reg == 5 ? 1 : 0); // FUCOM, FUCOMP
        }
    }

    private void executeDF(int modrm, int reg, int rm, boolean mem, FpuBus bus) {
        if (mem) {
            switch (reg) {
                case 0 -> load(loadInteger((short) bus.read16(0)));
                case 2, 3 -> storeInteger(bus, 16, reg == 3);
                case 4 -> load(loadBcd(bus));
                case 5 -> load(loadInteger(readLong(bus, 0)));
                case 6 -> storeBcd(bus);
                default -> storeInteger(bus, 64, true);
            }
            return;
        }
        switch (reg) {
            case 0 -> { // FFREEP: free ST(i), then pop
                valid &= ~(1 << phys(rm));
                pop();
            }
            case 1 -> exchange(rm); // FXCH7
            case 2, 3 -> storeRegister(rm, true); // FSTP8, FSTP9
            case 4 -> bus.setAx(statusWord()); // FNSTSW AX (DF E0)
            default -> compareToFlags(rm, reg == 5, true, bus);
        }
    }

    // ======================================================================================
    // Operands: the memory formats, read into Arith's result (se, sig) with their flags
    // ======================================================================================

    private static long readLong(FpuBus bus, int offset) {
        return bus.read32(offset) & 0xFFFFFFFFL | (long) bus.read32(offset + 4) << 32;
    }

    private Arith loadBinary(long bits, int fracBits, int expBits) {
        a.fromBinary(bits, fracBits, expBits);
        return a;
    }

    /** A single or double as an arithmetic operand: an SNaN stays signalling, a denormal is noted for DE. */
    private Arith operandBinary(long bits, int fracBits, int expBits) {
        a.fromBinary(bits, fracBits, expBits, false);
        return a;
    }

    private Arith loadInteger(long v) {
        a.fromInteger(v);
        return a;
    }

    private Arith loadExtended(FpuBus bus) {
        long sig = readLong(bus, 0);
        a.result(bus.read16(8), sig);
        return a;
    }

    /** FBLD: 18 packed BCD digits and a sign byte; the value is exact. */
    private Arith loadBcd(FpuBus bus) {
        long v = 0;
        for (int i = 8; i >= 0; i--) {
            int b = bus.read8(i);
            v = v * 100 + (b >>> 4) * 10 + (b & 0xF);
        }
        boolean negative = (bus.read8(9) & 0x80) != 0;
        a.fromInteger(v);
        if (negative) {
            a.se |= 0x8000;
        }
        return a;
    }

    // ======================================================================================
    // Loads and stores
    // ======================================================================================

    /** Pushes the value an operand load left in {@code a} (FLD, FILD, FBLD), with its flags. */
    private void load(Arith v) {
        int se = v.se;
        long sig = v.sig;
        int flags = v.flags;
        if (pushWouldOverflow()) {
            if (stackOverflow()) {
                push(INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        if ((flags & ~cw & IE) != 0) {
            signal(flags);
            return;
        }
        push(se, sig); // an unmasked DE still loads the value
        setC1(false);
        signal(flags);
    }

    /** FLD ST(i): a copy, without any check of its value. */
    private void loadRegister(int i) {
        if (!isValid(i)) {
            if (pushWouldOverflow()) {
                if (stackOverflow()) {
                    push(INDEFINITE_SE, INDEFINITE_SIG);
                }
                return;
            }
            if (stackUnderflow()) {
                push(INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        int se = regSe[phys(i)];
        long sig = regSig[phys(i)];
        if (pushWouldOverflow()) {
            if (stackOverflow()) {
                push(INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        push(se, sig);
        setC1(false);
    }

    private void loadConstant(int which) {
        int se;
        long hi, lo;
        // The constants to 128 bits, rounded by RC as the 387 and later round them.
        switch (which) {
            case 0 -> { se = BIAS; hi = J; lo = 0; }                                       // 1
            case 1 -> { se = BIAS + 1; hi = 0xD49A784BCD1B8AFEL; lo = 0x492BF6FF4DAFDB4CL; } // log2(10)
            case 2 -> { se = BIAS; hi = 0xB8AA3B295C17F0BBL; lo = 0xBE87FED0691D3E88L; }     // log2(e)
            case 3 -> { se = BIAS + 1; hi = 0xC90FDAA22168C234L; lo = 0xC4C6628B80DC1CD1L; } // pi
            case 4 -> { se = BIAS - 2; hi = 0x9A209A84FBCFF798L; lo = 0x8F8959AC0B7C9178L; } // log10(2)
            case 5 -> { se = BIAS - 1; hi = 0xB17217F7D1CF79ABL; lo = 0xC9E3B39803F2F6AFL; } // ln(2)
            default -> { se = 0; hi = 0; lo = 0; }                                          // +0
        }
        if (pushWouldOverflow()) {
            if (stackOverflow()) {
                push(INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        if (hi == 0) {
            push(0, 0);
        } else {
            a.roundPack(0, se, hi, lo, 64);
            push(a.se, a.sig);
        }
        setC1(false);
    }

    private void storeBinary(FpuBus bus, int fracBits, int expBits, boolean pop) {
        int size = fracBits == 23 ? 4 : 8;
        if (!isValid(0)) {
            if (invalidMasked()) {
                long indefinite = fracBits == 23 ? 0xFFC00000L : 0xFFF8000000000000L;
                writeSized(bus, size, indefinite);
            }
            if (stackUnderflow() && pop) {
                pop();
            }
            return;
        }
        long bits = a.toBinary(regSe[top], regSig[top], fracBits, expBits);
        int f = a.flags;
        if ((f & ~cw & (IE | OE | UE)) != 0) {
            signal(f & ~ROUNDED_UP); // nothing stored, nothing popped
            return;
        }
        writeSized(bus, size, bits);
        setC1((f & ROUNDED_UP) != 0);
        signal(f);
        if (pop) {
            pop();
        }
    }

    private static void writeSized(FpuBus bus, int size, long v) {
        if (size == 2) {
            bus.write16(0, (int) v);
        } else if (size == 4) {
            bus.write32(0, (int) v);
        } else {
            bus.probeWrite(8);
            bus.write32(0, (int) v);
            bus.write32(4, (int) (v >>> 32));
        }
    }

    private void storeInteger(FpuBus bus, int bits, boolean pop) {
        int size = bits / 8;
        long indefinite = -1L << (bits - 1);
        if (!isValid(0)) {
            if (invalidMasked()) {
                writeSized(bus, size, indefinite);
            }
            if (stackUnderflow() && pop) {
                pop();
            }
            return;
        }
        long v = a.toInteger(regSe[top], regSig[top], bits);
        int f = a.flags;
        if ((f & ~cw & (IE | DE)) != 0) {
            signal(f & (IE | DE));
            return;
        }
        writeSized(bus, size, v);
        setC1((f & ROUNDED_UP) != 0);
        signal(f);
        if (pop) {
            pop();
        }
    }

    private void storeExtended(FpuBus bus) {
        int se;
        long sig;
        if (!isValid(0)) {
            if (!invalidMasked()) {
                stackUnderflow();
                return;
            }
            se = INDEFINITE_SE;
            sig = INDEFINITE_SIG;
        } else {
            se = regSe[top];
            sig = regSig[top];
        }
        bus.probeWrite(10);
        bus.write32(0, (int) sig);
        bus.write32(4, (int) (sig >>> 32));
        bus.write16(8, se);
        if (!isValid(0)) {
            stackUnderflow();
        } else {
            setC1(false);
        }
        pop();
    }

    /** FBSTP: rounds to an integer by RC and stores 18 BCD digits; beyond 18 digits it is invalid. */
    private void storeBcd(FpuBus bus) {
        long magnitude = 0;
        int sign = 0;
        boolean indefinite;
        int f = 0;
        if (!isValid(0)) {
            if (!invalidMasked()) {
                stackUnderflow();
                return;
            }
            indefinite = true;
        } else {
            long v = a.toInteger(regSe[top], regSig[top], 64);
            f = a.flags;
            sign = sign(regSe[top]);
            indefinite = (f & IE) != 0 || v >= 1_000_000_000_000_000_000L || v <= -1_000_000_000_000_000_000L;
            if (indefinite) {
                f = f & ~(PE | ROUNDED_UP) | IE;
                if (!invalidMasked()) {
                    signal(f);
                    return;
                }
            }
            magnitude = Math.abs(v);
        }
        bus.probeWrite(10);
        if (indefinite) {
            bus.write32(0, 0);
            bus.write32(4, 0xC0000000);
            bus.write16(8, 0xFFFF);
        } else {
            for (int i = 0; i < 9; i++) {
                int lo = (int) (magnitude % 10);
                magnitude /= 10;
                int hi = (int) (magnitude % 10);
                magnitude /= 10;
                bus.write8(i, hi << 4 | lo);
            }
            bus.write8(9, sign << 7);
        }
        if (!isValid(0)) {
            stackUnderflow();
        } else {
            setC1((f & ROUNDED_UP) != 0);
            signal(f);
        }
        pop();
    }

    /** FST ST(i) and FSTP ST(i): a copy, no checks of the value. */
    private void storeRegister(int i, boolean pop) {
        if (!isValid(0)) {
            if (stackUnderflow()) {
                set(i, INDEFINITE_SE, INDEFINITE_SIG);
                if (pop) {
                    pop();
                }
            }
            return;
        }
        set(i, regSe[top], regSig[top]);
        setC1(false);
        if (pop) {
            pop();
        }
    }

    private void exchange(int i) {
        if (!isValid(0) || !isValid(i)) {
            if (stackUnderflow()) {
                if (!isValid(0)) {
                    set(0, INDEFINITE_SE, INDEFINITE_SIG);
                }
                if (!isValid(i)) {
                    set(i, INDEFINITE_SE, INDEFINITE_SIG);
                }
            } else {
                return;
            }
        }
        int p0 = phys(0), pi = phys(i);
        int se = regSe[p0];
        long sig = regSig[p0];
        regSe[p0] = regSe[pi];
        regSig[p0] = regSig[pi];
        regSe[pi] = se;
        regSig[pi] = sig;
        setC1(false);
    }

    private void fcmov(int cond, boolean negate, int i, FpuBus bus) {
        // FCMOVB, E, BE, U test CF, ZF, CF|ZF, PF: the Jcc conditions 2, 4, 6, 10.
        int cc = switch (cond) {
            case 0 -> 2;
            case 1 -> 4;
            case 2 -> 6;
            default -> 10;
        };
        boolean move = bus.condition(cc) != negate;
        if (!isValid(i) || !isValid(0)) {
            if (stackUnderflow() && move) {
                set(0, INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        if (move) {
            set(0, regSe[phys(i)], regSig[phys(i)]);
        }
        setC1(false);
    }

    // ======================================================================================
    // Arithmetic
    // ======================================================================================

    /**
     * ST(0) op ST(i) into ST(0) (D8), or ST(i) op ST(0) into ST(i) (DC, DE: {@code reversed},
     * where the SUB and DIV forms swap their operands against D8's), popping for DE.
     */
    private void arithmeticRegisters(int op, int dst, int i, boolean reversed, boolean pop) {
        if (op == 2 || op == 3) {
            // FCOM, FCOMP, and their aliases DC D0 (FCOM2), DC D8 (FCOMP3), DE D0 (FCOMP5).
            compareRegisters(i, false, op == 3 || pop ? 1 : 0);
            return;
        }
        int other = dst == 0 ? i : 0;
        if (!isValid(dst) || !isValid(other)) {
            if (stackUnderflow()) {
                set(dst, INDEFINITE_SE, INDEFINITE_SIG);
                if (pop) {
                    pop();
                }
            }
            return;
        }
        int effective = reversed && op >= 4 ? op ^ 1 : op;
        operate(effective, regSe[phys(dst)], regSig[phys(dst)], regSe[phys(other)], regSig[phys(other)]);
        commit(dst, pop);
    }

    /** ST(0) op the memory operand just loaded into {@code v}; FCOM and FCOMP compare. */
    private void arithmetic(int op, Arith v) {
        int se = v.se;
        long sig = v.sig;
        int loadFlags = v.flags;
        if (!isValid(0)) {
            a.denormalOperand = false;
            if (stackUnderflow() && op != 2 && op != 3) {
                set(0, INDEFINITE_SE, INDEFINITE_SIG);
            } else if (op == 2 || op == 3) {
                if (invalidMasked()) {
                    setCc(C0 | C2 | C3);
                    if (op == 3) {
                        pop();
                    }
                }
            }
            return;
        }
        boolean denormal = a.denormalOperand; // an integer or binary operand converts exactly; its denormal counts
        a.flags = loadFlags & IE;
        a.denormalOperand = denormal;
        if (op == 2 || op == 3) {
            compareValues(regSe[top], regSig[top], se, sig, false, op == 3 ? 1 : 0);
            return;
        }
        operate(op, regSe[top], regSig[top], se, sig);
        commit(0, false);
    }

    /** x op y in D8's numbering: 0 add, 1 mul, 4 x-y, 5 y-x, 6 x/y, 7 y/x. */
    private void operate(int op, int xSe, long xSig, int ySe, long ySig) {
        switch (op) {
            case 0 -> a.add(xSe, xSig, ySe, ySig, false);
            case 1 -> a.mul(xSe, xSig, ySe, ySig);
            case 4 -> a.add(xSe, xSig, ySe, ySig, true);
            case 5 -> a.add(ySe, ySig, xSe, xSig, true);
            case 6 -> a.div(xSe, xSig, ySe, ySig);
            default -> a.div(ySe, ySig, xSe, xSig);
        }
    }

    /**
     * Delivers {@code a}'s result to ST(dst) unless an unmasked invalid, denormal or
     * zero-divide exception suppresses it; sets C1 from the rounding and the flags.
     */
    void commit(int dst, boolean pop) {
        int f = a.flags;
        if ((f & ~cw & (IE | DE | ZE)) != 0) {
            signal(f & (IE | DE | ZE));
            return;
        }
        set(dst, a.se, a.sig);
        setC1((f & ROUNDED_UP) != 0);
        signal(f);
        if (pop) {
            pop();
        }
    }

    private static final int U_SQRT = 0, U_RNDINT = 1;

    private void unaryArith(int kind) {
        if (!isValid(0)) {
            if (stackUnderflow()) {
                set(0, INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        if (kind == U_SQRT) {
            a.sqrt(regSe[top], regSig[top]);
        } else {
            a.precision = 64;
            a.roundToIntegral(regSe[top], regSig[top]);
        }
        commit(0, false);
    }

    /** FCHS (flip) and FABS (clear): the sign only, whatever the value. */
    private void unarySign(int flip, int clear) {
        if (!isValid(0)) {
            if (stackUnderflow()) {
                set(0, INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        regSe[top] = (regSe[top] ^ flip) & ~clear;
        setC1(false);
    }

    private void compareRegisters(int i, boolean quiet, int pops) {
        if (!isValid(0) || !isValid(i)) {
            if (stackUnderflow()) {
                setCc(C0 | C2 | C3);
                for (int k = 0; k < pops; k++) {
                    pop();
                }
            }
            return;
        }
        compareValues(regSe[top], regSig[top], regSe[phys(i)], regSig[phys(i)], quiet, pops);
    }

    /** FCOM and kin: C3, C2, C0 = 000 (>), 001 (<), 100 (=), 111 (unordered); C1 cleared. */
    private void compareValues(int xSe, long xSig, int ySe, long ySig, boolean quiet, int pops) {
        int r = a.compare(xSe, xSig, ySe, ySig, quiet);
        int f = a.flags;
        // The condition codes are set even when an unmasked exception stops the pops.
        setCc(switch (r) {
            case -1 -> C0;
            case 0 -> C3;
            case 1 -> 0;
            default -> C0 | C2 | C3;
        });
        if (signal(f) && (f & ~cw & (IE | DE)) != 0) {
            return;
        }
        for (int k = 0; k < pops; k++) {
            pop();
        }
    }

    /** FCOMI, FCOMIP, FUCOMI, FUCOMIP: the comparison in ZF, PF, CF. */
    private void compareToFlags(int i, boolean quiet, boolean pop, FpuBus bus) {
        if (!isValid(0) || !isValid(i)) {
            if (stackUnderflow()) {
                bus.setCompareFlags(true, true, true);
                if (pop) {
                    pop();
                }
            }
            return;
        }
        int r = a.compare(regSe[top], regSig[top], regSe[phys(i)], regSig[phys(i)], quiet);
        int f = a.flags;
        setC1(false);
        bus.setCompareFlags(r == 0 || r == 2, r == 2, r == -1 || r == 2); // set even when an unmasked exception stops the pop
        if (signal(f) && (f & ~cw & (IE | DE)) != 0) {
            return;
        }
        if (pop) {
            pop();
        }
    }

    /** FTST: ST(0) against +0.0. */
    private void test() {
        if (!isValid(0)) {
            if (stackUnderflow()) {
                setCc(C0 | C2 | C3);
            }
            return;
        }
        compareValues(regSe[top], regSig[top], 0, 0, false, 0);
    }

    /** FXAM: the class of ST(0) in C3, C2, C0 and its sign in C1 (an empty register too). */
    private void examine() {
        int c = isValid(0) ? switch (classify(regSe[top], regSig[top])) {
            case UNSUPPORTED -> 0;
            case QNAN, SNAN -> C0;
            case NORMAL -> C2;
            case INFINITY -> C2 | C0;
            case ZERO -> C3;
            default -> C3 | C2; // denormal
        } : C3 | C0;
        setCc(c | (sign(regSe[top]) != 0 ? C1 : 0));
    }

    /** FSCALE: ST(0) times 2 to the power of ST(1) truncated toward zero. */
    private void scale() {
        if (!isValid(0) || !isValid(1)) {
            if (stackUnderflow()) {
                set(0, INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        int xSe = regSe[top], ySe = regSe[phys(1)];
        long xSig = regSig[top], ySig = regSig[phys(1)];
        int cx = classify(xSe, xSig), cy = classify(ySe, ySig);
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) {
            a.invalid();
        } else if (isNaN(cx) || isNaN(cy)) {
            a.propagateNaN(xSe, xSig, cx, ySe, ySig, cy);
        } else {
            if (cx == DENORMAL || cy == DENORMAL) {
                a.flags |= DE;
            }
            int sy = sign(ySe);
            if (cy == INFINITY) {
                if (sy == 0 ? cx == ZERO : cx == INFINITY) {
                    a.invalid();
                } else {
                    a.result(sy == 0 ? xSe | MAX_EXP : xSe & 0x8000, sy == 0 ? J : 0);
                }
            } else if (cx == ZERO || cx == INFINITY) {
                a.result(xSe, xSig);
            } else {
                // Truncate ST(1); beyond 2^16 the result over- or underflows whatever ST(0) is.
                int ey = normalizedExponent(ySe, ySig) - BIAS;
                long n;
                if (cy == ZERO || ey < 0) {
                    n = 0;
                } else if (ey >= 16) {
                    n = 1 << 17;
                } else {
                    n = normalizedSignificand(ySig) >>> (63 - ey);
                }
                if (sy == 1) {
                    n = -n;
                }
                a.precision = 64;
                a.roundPack(sign(xSe), (int) (normalizedExponent(xSe, xSig) + n), normalizedSignificand(xSig), 0);
            }
        }
        commit(0, false);
    }

    /** FXTRACT: ST(0) becomes its exponent (as a value) and a significand with exponent 0 is pushed. */
    private void extract() {
        if (!operandsPresent(false, true)) {
            return;
        }
        int xSe = regSe[top];
        long xSig = regSig[top];
        int c = classify(xSe, xSig);
        int expSe, sigSe;
        long expSig, sigSig;
        int f = 0;
        if (c == UNSUPPORTED || c == SNAN) {
            f = IE;
            expSe = sigSe = c == SNAN ? xSe : INDEFINITE_SE;
            expSig = sigSig = c == SNAN ? xSig | QUIET : INDEFINITE_SIG;
        } else if (c == QNAN) {
            expSe = sigSe = xSe;
            expSig = sigSig = xSig;
        } else if (c == INFINITY) {
            expSe = MAX_EXP;
            expSig = J;
            sigSe = xSe;
            sigSig = xSig;
        } else if (c == ZERO) {
            f = ZE;
            expSe = 0x8000 | MAX_EXP;
            expSig = J;
            sigSe = xSe;
            sigSig = 0;
        } else {
            if (c == DENORMAL) {
                f = DE;
            }
            a.fromInteger(normalizedExponent(xSe, xSig) - BIAS);
            expSe = a.se;
            expSig = a.sig;
            sigSe = xSe & 0x8000 | BIAS;
            sigSig = normalizedSignificand(xSig);
        }
        if ((f & ~cw & (IE | DE | ZE)) != 0) {
            signal(f);
            return;
        }
        set(0, expSe, expSig);
        push(sigSe, sigSig);
        setC1(false);
        signal(f);
    }

    /**
     * FPREM (truncating quotient) and FPREM1 (IEEE, nearest): the exact remainder of ST(0) by
     * ST(1), the quotient's low three bits in C0, C3, C1; with an exponent difference of 64 or
     * more only a partial reduction is made and C2 says "incomplete".
     */
    private void remainder(boolean ieee) {
        if (!isValid(0) || !isValid(1)) {
            if (stackUnderflow()) {
                set(0, INDEFINITE_SE, INDEFINITE_SIG);
            }
            return;
        }
        int xSe = regSe[top], ySe = regSe[phys(1)];
        long xSig = regSig[top], ySig = regSig[phys(1)];
        int cx = classify(xSe, xSig), cy = classify(ySe, ySig);
        int cc = 0;
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) {
            a.invalid();
        } else if (isNaN(cx) || isNaN(cy)) {
            a.propagateNaN(xSe, xSig, cx, ySe, ySig, cy);
        } else if (cx == INFINITY || cy == ZERO) {
            a.invalid(); // without DE, whatever the other operand
        } else {
            if (cx == DENORMAL || cy == DENORMAL) {
                a.flags |= DE;
            }
            if (cx == ZERO) {
                a.result(xSe, xSig);
            } else if (cy == INFINITY) {
                // x itself, normalized (and bias-adjusted when tiny with UE unmasked), as the hardware returns it.
                a.precision = 64;
                a.roundPack(sign(xSe), normalizedExponent(xSe, xSig), normalizedSignificand(xSig), 0);
            } else {
                cc = Remainder.compute(a, xSe, xSig, ySe, ySig, ieee);
            }
        }
        int f = a.flags;
        if ((f & ~cw & (IE | DE)) != 0) {
            signal(f & (IE | DE));
            return;
        }
        set(0, a.se, a.sig);
        setCc(cc);
        signal(f & ~ROUNDED_UP);
    }

    // ---- hooks for Transcendental, which works on the same registers ----

    /**
     * The stack checks of an instruction on ST(0) (and ST(1) when {@code two}) that may push
     * a second result ({@code pushes}: FXTRACT, FSINCOS, FPTAN): an empty operand is a stack
     * underflow, a full ST(7) before the push an overflow. The masked response of either is the
     * indefinite in ST(0), and pushed; after an underflow the push goes over ST(7) even when
     * that held a value, with C1 clear (as the host's x87 does). Returns whether the operands
     * are there; if not, the fault was handled.
     */
    boolean operandsPresent(boolean two, boolean pushes) {
        if (!isValid(0) || two && !isValid(1)) {
            if (stackUnderflow()) {
                set(0, INDEFINITE_SE, INDEFINITE_SIG);
                if (pushes) {
                    push(INDEFINITE_SE, INDEFINITE_SIG);
                }
            }
            return false;
        }
        if (pushes && pushWouldOverflow()) {
            if (stackOverflow()) {
                set(0, INDEFINITE_SE, INDEFINITE_SIG);
                push(INDEFINITE_SE, INDEFINITE_SIG);
            }
            return false;
        }
        return true;
    }

    int st0Se() {
        return regSe[top];
    }

    long st0Sig() {
        return regSig[top];
    }

    int st1Se() {
        return regSe[phys(1)];
    }

    long st1Sig() {
        return regSig[phys(1)];
    }

    /** Sets the condition codes C0-C3 (C1 included) wholesale. */
    void conditionCodes(int bits) {
        setCc(bits);
    }

    /** Whether the flags in {@code a} suppress the result (an unmasked IE, DE or ZE); if so they are signalled. */
    boolean suppressed() {
        int f = a.flags;
        if ((f & ~cw & (IE | DE | ZE)) != 0) {
            signal(f & (IE | DE | ZE));
            return true;
        }
        return false;
    }

    /** Writes a value to ST(i) and records {@code flags} (C1 from their rounding). */
    void deliver(int i, int se, long sig, int flags) {
        set(i, se, sig);
        setC1((flags & ROUNDED_UP) != 0);
        signal(flags);
    }

    void pushValue(int se, long sig) {
        push(se, sig);
    }

    void popValue() {
        pop();
    }

    // ======================================================================================
    // Control words and environment images
    // ======================================================================================

    private void loadControlWord(int v) {
        cw = v & 0x1F3F | 0x40;
        updatePending();
    }

    /** ES and B follow the flags that are set and unmasked, after CW or SW is loaded. */
    private void updatePending() {
        if ((sw & ~cw & EXCEPTIONS) != 0) {
            sw |= ES | B;
        } else {
            sw &= ~(ES | B);
        }
    }

    /**
     * FNSTENV's image (SDM vol. 1, 8.1.10 and figures 8-9 to 8-12): 28 bytes with a 32-bit
     * operand size, 14 with a 16-bit one; in real and virtual-8086 mode the pointers are
     * linear addresses (20 bits with the 16-bit layout), in protected mode selector and offset.
     * The reserved halves of the 32-bit layout are stored as ones, as Intel processors do.
     */
    private void storeEnvironment(FpuBus bus) {
        boolean o32 = bus.operand32();
        bus.probeWrite(o32 ? 28 : 14);
        writeEnvironment(bus, o32, bus.protectedMode());
    }

    private void writeEnvironment(FpuBus bus, boolean o32, boolean protectedMode) {
        int[] words = environmentWords(o32, protectedMode);
        for (int i = 0; i < 7; i++) {
            if (o32) {
                bus.write32(4 * i, words[i]);
            } else {
                bus.write16(2 * i, words[i]);
            }
        }
    }

    private int[] environmentWords(boolean o32, boolean protectedMode) {
        int sw = statusWord(), tw = tagWord();
        if (protectedMode) {
            if (o32) {
                return new int[]{0xFFFF0000 | cw, 0xFFFF0000 | sw, 0xFFFF0000 | tw, fip,
                        (fop & 0x7FF) << 16 | fcs & 0xFFFF, fdp, 0xFFFF0000 | fds & 0xFFFF};
            }
            return new int[]{cw, sw, tw, fip & 0xFFFF, fcs & 0xFFFF, fdp & 0xFFFF, fds & 0xFFFF};
        }
        int ip = (fcs << 4) + fip, dp = (fds << 4) + fdp;
        if (o32) {
            return new int[]{0xFFFF0000 | cw, 0xFFFF0000 | sw, 0xFFFF0000 | tw, 0xFFFF0000 | ip & 0xFFFF,
                    (ip >>> 16 & 0xFFFF) << 12 | fop & 0x7FF, 0xFFFF0000 | dp & 0xFFFF, (dp >>> 16 & 0xFFFF) << 12};
        }
        return new int[]{cw, sw, tw, ip & 0xFFFF, (ip >>> 16 & 0xF) << 12 | fop & 0x7FF, dp & 0xFFFF,
                (dp >>> 16 & 0xF) << 12};
    }

    private void loadEnvironment(FpuBus bus) {
        readEnvironment(bus, bus.operand32(), bus.protectedMode());
    }

    private void readEnvironment(FpuBus bus, boolean o32, boolean protectedMode) {
        int[] w = new int[7];
        for (int i = 0; i < 7; i++) {
            w[i] = o32 ? bus.read32(4 * i) : bus.read16(2 * i);
        }
        int newTop = w[1] >>> 11 & 7;
        int newValid = 0;
        for (int i = 0; i < 8; i++) {
            if ((w[2] >>> (2 * i) & 3) != 3) {
                newValid |= 1 << i;
            }
        }
        cw = w[0] & 0x1F3F | 0x40;
        sw = w[1] & 0xFFFF & ~0x3800;
        top = newTop;
        valid = newValid;
        if (protectedMode) {
            fip = w[3];
            fdp = w[5];
            if (o32) {
                fcs = w[4] & 0xFFFF;
                fop = w[4] >>> 16 & 0x7FF;
                fds = w[6] & 0xFFFF;
            } else {
                fip &= 0xFFFF;
                fdp &= 0xFFFF;
                fcs = w[4] & 0xFFFF;
                fds = w[6] & 0xFFFF;
            }
        } else {
            // Real mode keeps linear addresses; held as offsets with a zero selector.
            int ipHigh = o32 ? w[4] >>> 12 & 0xFFFF : w[4] >>> 12 & 0xF;
            int dpHigh = o32 ? w[6] >>> 12 & 0xFFFF : w[6] >>> 12 & 0xF;
            fip = ipHigh << 16 | w[3] & 0xFFFF;
            fdp = dpHigh << 16 | w[5] & 0xFFFF;
            fop = w[4] & 0x7FF;
            fcs = 0;
            fds = 0;
        }
        updatePending();
    }

    /** FNSAVE: the environment, then ST(0) to ST(7) as 10-byte values; then FNINIT. */
    private void save(FpuBus bus) {
        boolean o32 = bus.operand32();
        int env = o32 ? 28 : 14;
        bus.probeWrite(env + 80);
        writeEnvironment(bus, o32, bus.protectedMode());
        for (int i = 0; i < 8; i++) {
            int p = phys(i);
            int at = env + 10 * i;
            bus.write32(at, (int) regSig[p]);
            bus.write32(at + 4, (int) (regSig[p] >>> 32));
            bus.write16(at + 8, regSe[p]);
        }
        init();
    }

    /** FRSTOR: the environment and the eight registers of an FNSAVE image. */
    private void restore(FpuBus bus) {
        boolean o32 = bus.operand32();
        int env = o32 ? 28 : 14;
        int[] se = new int[8];
        long[] sig = new long[8];
        for (int i = 0; i < 8; i++) {
            int at = env + 10 * i;
            sig[i] = readLong(bus, at);
            se[i] = bus.read16(at + 8);
        }
        readEnvironment(bus, o32, bus.protectedMode());
        for (int i = 0; i < 8; i++) {
            int p = phys(i);
            regSe[p] = se[i];
            regSig[p] = sig[i];
        }
    }

    // ======================================================================================
    // State capture
    // ======================================================================================

    /** Writes the complete FPU state: it belongs to the exact capture of the processor. */
    public void save(StateWriter out) {
        out.beginSection("fpu");
        out.writeInts(regSe);
        long[] sigs = regSig;
        for (long s : sigs) {
            out.writeLong(s);
        }
        out.writeInts(new int[]{valid, top, cw, sw, fip, fcs, fop, fdp, fds});
        out.endSection("fpu");
    }

    public void restore(StateReader in) {
        in.beginSection("fpu");
        int[] se = in.readInts();
        if (se.length != 8) {
            throw new StateFormatException("FPU state: expected 8 registers, found " + se.length);
        }
        long[] sig = new long[8];
        for (int i = 0; i < 8; i++) {
            sig[i] = in.readLong();
        }
        int[] w = in.readInts();
        if (w.length != 9) {
            throw new StateFormatException("FPU state: expected 9 control values, found " + w.length);
        }
        for (int i = 0; i < 8; i++) {
            regSe[i] = se[i] & 0xFFFF;
            regSig[i] = sig[i];
        }
        valid = w[0] & 0xFF;
        top = w[1] & 7;
        cw = w[2] & 0xFFFF;
        sw = w[3] & 0xFFFF & ~0x3800;
        fip = w[4];
        fcs = w[5];
        fop = w[6];
        fdp = w[7];
        fds = w[8];
        in.endSection("fpu");
    }
}
