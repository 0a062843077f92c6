package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Label;

import java.util.function.Consumer;

import static dev.vivarium.x86.cpu.translator.BlockEmitter.TMP;
import static dev.vivarium.x86.cpu.translator.BlockEmitter.TMP2;
import static dev.vivarium.x86.cpu.translator.Opcodes.*;

/**
 * Decoded arithmetic and logic: the eight classic ALU operations (op 0-7 as in the opcode,
 * TEST as op 4 that does not write), INC/DEC, NOT/NEG, shifts and rotates, MUL/DIV, IMUL,
 * sign extension of the accumulator, SETcc and CMOVcc. Each computes exactly what the
 * interpreter computes, through the same flag helpers of {@link Cpu}.
 */
final class AluOps {

    private AluOps() {
    }

    // ---- ALU, 32-bit operands ----

    /** reg = reg op operand (or only the flags, unless {@code write}); {@code operand} pushes the second operand. */
    private static void emitRegAlu(BlockEmitter e, int op, int dst, boolean write, Consumer<BlockEmitter> operand) {
        if (write) e.regSlot(dst);
        e.reg(dst);
        operand.accept(e);
        e.alu(op, 31);
        if (write) e.storeReg();
        else e.op(POP);
    }

    /** The same with 8-bit registers. */
    private static void emitReg8Alu(BlockEmitter e, int op, int dst, boolean write, Consumer<BlockEmitter> operand) {
        if (write) e.reg8Slot(dst);
        e.reg8(dst);
        operand.accept(e);
        e.alu(op, 7);
        if (write) e.setReg8();
        else e.op(POP);
    }

    /** [mem] = [mem] op operand, 1 or 4 bytes, the address computed once (in TMP). */
    private static void emitMemAlu(BlockEmitter e, Op.Mem m, int op, int size, boolean write, Consumer<BlockEmitter> operand) {
        e.ea(m).store(TMP);
        if (write) e.addressTmp(m.seg);
        e.addressTmp(m.seg).read(size);
        operand.accept(e);
        e.alu(op, size == 1 ? 7 : 31);
        if (write) e.write(size);
        else e.op(POP);
    }

    static final class RegReg extends Op {
        final int op, dst, src;
        final boolean write;

        RegReg(int op, int dst, int src, boolean write) {
            this.op = op;
            this.dst = dst;
            this.src = src;
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            int[] r = c.reg;
            int v = c.alu(op, r[dst], r[src], 31);
            if (write) r[dst] = v;
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitRegAlu(e, op, dst, write, x -> x.reg(src));
            return true;
        }
    }

    /** reg = reg op [mem] */
    static final class RegMem extends Op.Mem {
        final int op, dst;
        final boolean write;

        RegMem(int op, int dst, Ea ea, boolean write) {
            super(ea);
            this.op = op;
            this.dst = dst;
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            int m = c.read32(seg, ea(c));
            int v = c.alu(op, c.reg[dst], m, 31);
            if (write) c.reg[dst] = v;
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitRegAlu(e, op, dst, write, x -> x.address(this).read(4));
            return true;
        }
    }

    /** [mem] = [mem] op reg */
    static final class MemReg extends Op.Mem {
        final int op, src;
        final boolean write;

        MemReg(int op, Ea ea, int src, boolean write) {
            super(ea);
            this.op = op;
            this.src = src;
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = c.alu(op, c.read32(seg, a), c.reg[src], 31);
            if (write) c.write32(seg, a, v);
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitMemAlu(e, this, op, 4, write, x -> x.reg(src));
            return true;
        }
    }

    static final class RegImm extends Op {
        final int op, dst, imm;
        final boolean write;

        RegImm(int op, int dst, int imm, boolean write) {
            this.op = op;
            this.dst = dst;
            this.imm = imm;
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            int[] r = c.reg;
            int v = c.alu(op, r[dst], imm, 31);
            if (write) r[dst] = v;
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitRegAlu(e, op, dst, write, x -> x.constant(imm));
            return true;
        }
    }

    static final class MemImm extends Op.Mem {
        final int op, imm;
        final boolean write;

        MemImm(int op, Ea ea, int imm, boolean write) {
            super(ea);
            this.op = op;
            this.imm = imm;
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = c.alu(op, c.read32(seg, a), imm, 31);
            if (write) c.write32(seg, a, v);
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitMemAlu(e, this, op, 4, write, x -> x.constant(imm));
            return true;
        }
    }

    // ---- ALU, 8-bit operands (register numbers as in ModRM: AL..BL, AH..BH) ----

    static final class RegReg8 extends Op {
        final int op, dst, src;
        final boolean write;

        RegReg8(int op, int dst, int src, boolean write) {
            this.op = op;
            this.dst = dst;
            this.src = src;
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            int v = c.alu(op, c.reg8(dst), c.reg8(src), 7);
            if (write) c.setReg8(dst, v);
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitReg8Alu(e, op, dst, write, x -> x.reg8(src));
            return true;
        }
    }

    static final class RegMem8 extends Op.Mem {
        final int op, dst;
        final boolean write;

        RegMem8(int op, int dst, Ea ea, boolean write) {
            super(ea);
            this.op = op;
            this.dst = dst;
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            int m = c.read8(seg, ea(c));
            int v = c.alu(op, c.reg8(dst), m, 7);
            if (write) c.setReg8(dst, v);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.address(this).read(1).store(TMP); // read first, as exec does, though reg8 cannot fault
            emitReg8Alu(e, op, dst, write, x -> x.load(TMP));
            return true;
        }
    }

    static final class MemReg8 extends Op.Mem {
        final int op, src;
        final boolean write;

        MemReg8(int op, Ea ea, int src, boolean write) {
            super(ea);
            this.op = op;
            this.src = src;
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = c.alu(op, c.read8(seg, a), c.reg8(src), 7);
            if (write) c.write8(seg, a, v);
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitMemAlu(e, this, op, 1, write, x -> x.reg8(src));
            return true;
        }
    }

    static final class RegImm8 extends Op {
        final int op, dst, imm;
        final boolean write;

        RegImm8(int op, int dst, int imm, boolean write) {
            this.op = op;
            this.dst = dst;
            this.imm = imm & 0xFF;
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            int v = c.alu(op, c.reg8(dst), imm, 7);
            if (write) c.setReg8(dst, v);
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitReg8Alu(e, op, dst, write, x -> x.constant(imm));
            return true;
        }
    }

    static final class MemImm8 extends Op.Mem {
        final int op, imm;
        final boolean write;

        MemImm8(int op, Ea ea, int imm, boolean write) {
            super(ea);
            this.op = op;
            this.imm = imm & 0xFF;
            this.write = write;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = c.alu(op, c.read8(seg, a), imm, 7);
            if (write) c.write8(seg, a, v);
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitMemAlu(e, this, op, 1, write, x -> x.constant(imm));
            return true;
        }
    }

    // ---- INC and DEC ----

    static final class IncDecReg extends Op {
        final int r;
        final boolean dec;

        IncDecReg(int r, boolean dec) {
            this.r = r;
            this.dec = dec;
        }

        @Override
        void exec(Cpu c) {
            int[] regs = c.reg;
            regs[r] = dec ? c.dec(regs[r], 31) : c.inc(regs[r], 31);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(r).cpu().reg(r).constant(31).incDec(dec, 31).storeReg();
            return true;
        }
    }

    static final class IncDecMem extends Op.Mem {
        final boolean dec;

        IncDecMem(Ea ea, boolean dec) {
            super(ea);
            this.dec = dec;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = c.read32(seg, a);
            c.write32(seg, a, dec ? c.dec(v, 31) : c.inc(v, 31));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.ea(this).store(TMP);
            e.addressTmp(seg).cpu().addressTmp(seg).read(4).constant(31).incDec(dec, 31).write(4);
            return true;
        }
    }

    static final class IncDecReg8 extends Op {
        final int r;
        final boolean dec;

        IncDecReg8(int r, boolean dec) {
            this.r = r;
            this.dec = dec;
        }

        @Override
        void exec(Cpu c) {
            int v = c.reg8(r);
            c.setReg8(r, dec ? c.dec(v, 7) : c.inc(v, 7));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.reg8Slot(r).cpu().reg8(r).constant(7).incDec(dec, 7).setReg8();
            return true;
        }
    }

    static final class IncDecMem8 extends Op.Mem {
        final boolean dec;

        IncDecMem8(Ea ea, boolean dec) {
            super(ea);
            this.dec = dec;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = c.read8(seg, a);
            c.write8(seg, a, dec ? c.dec(v, 7) : c.inc(v, 7));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.ea(this).store(TMP);
            e.addressTmp(seg).cpu().addressTmp(seg).read(1).constant(7).incDec(dec, 7).write(1);
            return true;
        }
    }

    // ---- NOT and NEG (32-bit) ----

    static final class NotNegReg extends Op {
        final int r;
        final boolean neg;

        NotNegReg(int r, boolean neg) {
            this.r = r;
            this.neg = neg;
        }

        @Override
        void exec(Cpu c) {
            int v = c.reg[r];
            if (neg) {
                c.setLazy(Cpu.LAZY_SUB, 0, v, -v, 31);
                c.reg[r] = -v;
            } else {
                c.reg[r] = ~v;
            }
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.reg(r).store(TMP);
            if (neg) {
                e.cpu().constant(Cpu.LAZY_SUB).constant(0).load(TMP).load(TMP).op(INEG).constant(31).call("setLazy", "(IIIII)V");
            }
            e.regSlot(r).load(TMP).op(neg ? INEG : ICONST_M1);
            if (!neg) e.op(IXOR);
            e.storeReg();
            return true;
        }
    }

    static final class NotNegMem extends Op.Mem {
        final boolean neg;

        NotNegMem(Ea ea, boolean neg) {
            super(ea);
            this.neg = neg;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = c.read32(seg, a);
            if (neg) {
                c.setLazy(Cpu.LAZY_SUB, 0, v, -v, 31);
                c.write32(seg, a, -v);
            } else {
                c.write32(seg, a, ~v);
            }
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.ea(this).store(TMP);
            e.addressTmp(seg).read(4).store(TMP2);
            if (neg) {
                e.cpu().constant(Cpu.LAZY_SUB).constant(0).load(TMP2).load(TMP2).op(INEG).constant(31).call("setLazy", "(IIIII)V");
            }
            e.addressTmp(seg).load(TMP2).op(neg ? INEG : ICONST_M1);
            if (!neg) e.op(IXOR);
            e.write(4);
            return true;
        }
    }

    // ---- MUL, IMUL, DIV, IDIV of the accumulator (F6/F7 /4-/7) ----

    static final class MulDivReg extends Op {
        final int kind, r, top;

        MulDivReg(int kind, int r, int top) {
            this.kind = kind;
            this.r = r;
            this.top = top;
        }

        @Override
        void exec(Cpu c) {
            int v = top == 7 ? c.reg8(r) : c.reg[r];
            if (kind < 6) c.mulBy(kind, top, v);
            else c.divBy(kind, top, v);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.spill().cpu().constant(kind).constant(top); // the helper works on c.reg's EAX and EDX
            if (top == 7) e.reg8(r);
            else e.reg(r);
            e.call(kind < 6 ? "mulBy" : "divBy", "(III)V").reload();
            return true;
        }
    }

    static final class MulDivMem extends Op.Mem {
        final int kind, top;

        MulDivMem(int kind, Ea ea, int top) {
            super(ea);
            this.kind = kind;
            this.top = top;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = top == 7 ? c.read8(seg, a) : c.read32(seg, a);
            if (kind < 6) c.mulBy(kind, top, v);
            else c.divBy(kind, top, v);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.address(this).read(top == 7 ? 1 : 4).store(TMP);
            e.spill().cpu().constant(kind).constant(top).load(TMP).call(kind < 6 ? "mulBy" : "divBy", "(III)V").reload();
            return true;
        }
    }

    // ---- two- and three-operand IMUL (32-bit) ----

    private static final String IMUL32 = "(L" + BlockEmitter.CPU + ";II)I";

    static int imul32(Cpu c, int a, int b) {
        long r = (long) a * (long) b;
        boolean wide = r != (int) r;
        c.putResultFlags((int) r, 31, wide, wide, false);
        return (int) r;
    }

    /** dst = src * imm, or dst = dst * src when {@code twoOperand}. */
    static final class ImulReg extends Op {
        final int dst, src, imm;
        final boolean twoOperand;

        ImulReg(int dst, int src, int imm, boolean twoOperand) {
            this.dst = dst;
            this.src = src;
            this.imm = imm;
            this.twoOperand = twoOperand;
        }

        @Override
        void exec(Cpu c) {
            int[] r = c.reg;
            r[dst] = twoOperand ? imul32(c, r[dst], r[src]) : imul32(c, r[src], imm);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).cpu();
            if (twoOperand) e.reg(dst).reg(src);
            else e.reg(src).constant(imm);
            e.callStatic(AluOps.class, "imul32", IMUL32).storeReg();
            return true;
        }
    }

    static final class ImulMem extends Op.Mem {
        final int dst, imm;
        final boolean twoOperand;

        ImulMem(int dst, Ea ea, int imm, boolean twoOperand) {
            super(ea);
            this.dst = dst;
            this.imm = imm;
            this.twoOperand = twoOperand;
        }

        @Override
        void exec(Cpu c) {
            int m = c.read32(seg, ea(c));
            c.reg[dst] = twoOperand ? imul32(c, c.reg[dst], m) : imul32(c, m, imm);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.address(this).read(4).store(TMP);
            e.regSlot(dst).cpu();
            if (twoOperand) e.reg(dst).load(TMP);
            else e.load(TMP).constant(imm);
            e.callStatic(AluOps.class, "imul32", IMUL32).storeReg();
            return true;
        }
    }

    // ---- shifts and rotates (C0/C1 by an immediate, D0/D1 by one, D2/D3 by CL) ----

    /** A shift count: the immediate, or CL when {@code count} is negative, masked to five bits. */
    static int count(Cpu c, int count) {
        return (count < 0 ? c.reg[Cpu.ECX] : count) & 0x1F;
    }

    /** [mem] = shift([mem]), 1 or 4 bytes: the operand read (and its fault taken) before the count is looked at, as exec does. */
    private static void emitShiftMem(BlockEmitter e, Op.Mem m, int op, int count, int size) {
        e.ea(m).store(TMP);
        e.addressTmp(m.seg).read(size).store(TMP2);
        e.addressTmp(m.seg).cpu().constant(op).load(TMP2);
        emitCount(e, count);
        e.constant(size == 1 ? 7 : 31).call("shift", "(IIII)I").write(size);
    }

    /** Pushes what {@link #count} returns: the masked immediate, or CL masked at run time. */
    static void emitCount(BlockEmitter e, int count) {
        if (count < 0) {
            e.reg(Cpu.ECX).constant(0x1F).op(IAND);
        } else {
            e.constant(count & 0x1F);
        }
    }

    static final class ShiftReg extends Op {
        final int op, r, count;

        ShiftReg(int op, int r, int count) {
            this.op = op;
            this.r = r;
            this.count = count;
        }

        @Override
        void exec(Cpu c) {
            c.reg[r] = c.shift(op, c.reg[r], count(c, count), 31);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(r).cpu().constant(op).reg(r);
            emitCount(e, count);
            e.constant(31).call("shift", "(IIII)I").storeReg();
            return true;
        }
    }

    static final class ShiftMem extends Op.Mem {
        final int op, count;

        ShiftMem(int op, Ea ea, int count) {
            super(ea);
            this.op = op;
            this.count = count;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = c.read32(seg, a);
            c.write32(seg, a, c.shift(op, v, count(c, count), 31));
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitShiftMem(e, this, op, count, 4);
            return true;
        }
    }

    static final class ShiftReg8 extends Op {
        final int op, r, count;

        ShiftReg8(int op, int r, int count) {
            this.op = op;
            this.r = r;
            this.count = count;
        }

        @Override
        void exec(Cpu c) {
            c.setReg8(r, c.shift(op, c.reg8(r), count(c, count), 7));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.reg8Slot(r).cpu().constant(op).reg8(r);
            emitCount(e, count);
            e.constant(7).call("shift", "(IIII)I").setReg8();
            return true;
        }
    }

    static final class ShiftMem8 extends Op.Mem {
        final int op, count;

        ShiftMem8(int op, Ea ea, int count) {
            super(ea);
            this.op = op;
            this.count = count;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = c.read8(seg, a);
            c.write8(seg, a, c.shift(op, v, count(c, count), 7));
        }

        @Override
        boolean emit(BlockEmitter e) {
            emitShiftMem(e, this, op, count, 1);
            return true;
        }
    }

    // ---- CWDE, CDQ ----

    static final class Cwde extends Op {
        @Override
        void exec(Cpu c) {
            c.reg[Cpu.EAX] = (short) c.reg[Cpu.EAX];
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(Cpu.EAX).reg(Cpu.EAX).op(I2S).storeReg();
            return true;
        }
    }

    static final class Cdq extends Op {
        @Override
        void exec(Cpu c) {
            c.reg[Cpu.EDX] = c.reg[Cpu.EAX] >> 31;
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(Cpu.EDX).reg(Cpu.EAX).constant(31).op(ISHR).storeReg();
            return true;
        }
    }

    // ---- SETcc and CMOVcc ----

    static final class SetccReg extends Op {
        final int cc, r;

        SetccReg(int cc, int r) {
            this.cc = cc;
            this.r = r;
        }

        @Override
        void exec(Cpu c) {
            c.setReg8(r, c.condition(cc) ? 1 : 0);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.reg8Slot(r).condition(cc).setReg8();
            return true;
        }
    }

    static final class SetccMem extends Op.Mem {
        final int cc;

        SetccMem(int cc, Ea ea) {
            super(ea);
            this.cc = cc;
        }

        @Override
        void exec(Cpu c) {
            c.write8(seg, ea(c), c.condition(cc) ? 1 : 0);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.address(this).condition(cc).write(1);
            return true;
        }
    }

    static final class CmovReg extends Op {
        final int cc, dst, src;

        CmovReg(int cc, int dst, int src) {
            this.cc = cc;
            this.dst = dst;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            if (c.condition(cc)) c.reg[dst] = c.reg[src];
        }

        @Override
        boolean emit(BlockEmitter e) {
            Label skip = e.label();
            e.condition(cc).jump(IFEQ, skip).regSlot(dst).reg(src).storeReg().place(skip);
            return true;
        }
    }

    /** The operand is read (and may fault) whether or not the condition holds, as on hardware. */
    static final class CmovMem extends Op.Mem {
        final int cc, dst;

        CmovMem(int cc, int dst, Ea ea) {
            super(ea);
            this.cc = cc;
            this.dst = dst;
        }

        @Override
        void exec(Cpu c) {
            int v = c.read32(seg, ea(c));
            if (c.condition(cc)) c.reg[dst] = v;
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.address(this).read(4).store(TMP);
            Label skip = e.label();
            e.condition(cc).jump(IFEQ, skip).regSlot(dst).load(TMP).storeReg().place(skip);
            return true;
        }
    }
}
