package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;

import static dev.vivarium.x86.cpu.translator.BlockEmitter.TMP;
import static dev.vivarium.x86.cpu.translator.BlockEmitter.TMP2;
import static dev.vivarium.x86.cpu.translator.Opcodes.*;

/**
 * Decoded data movement: MOV in its register, memory and immediate forms, MOVZX/MOVSX, LEA,
 * XCHG, NOP and the string moves without a REP prefix (a REP runs in the interpreter, which
 * counts and interrupts it an iteration at a time).
 */
final class MoveOps {

    private MoveOps() {
    }

    static final class RegReg extends Op {
        final int dst, src;

        RegReg(int dst, int src) {
            this.dst = dst;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = c.reg[src];
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).reg(src).storeReg();
            return true;
        }
    }

    static final class Load extends Op.Mem {
        final int dst;

        Load(int dst, Ea ea) {
            super(ea);
            this.dst = dst;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = c.read32(seg, ea(c));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).address(this).read(4).storeReg();
            return true;
        }
    }

    static final class Store extends Op.Mem {
        final int src;

        Store(Ea ea, int src) {
            super(ea);
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            c.write32(seg, ea(c), c.reg[src]);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.address(this).reg(src).write(4);
            return true;
        }
    }

    static final class RegImm extends Op {
        final int dst, imm;

        RegImm(int dst, int imm) {
            this.dst = dst;
            this.imm = imm;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = imm;
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).constant(imm).storeReg();
            return true;
        }
    }

    static final class MemImm extends Op.Mem {
        final int imm;

        MemImm(Ea ea, int imm) {
            super(ea);
            this.imm = imm;
        }

        @Override
        void exec(Cpu c) {
            c.write32(seg, ea(c), imm);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.address(this).constant(imm).write(4);
            return true;
        }
    }

    // ---- 8-bit ----

    static final class RegReg8 extends Op {
        final int dst, src;

        RegReg8(int dst, int src) {
            this.dst = dst;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            c.setReg8(dst, c.reg8(src));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.reg8Slot(dst).reg8(src).setReg8();
            return true;
        }
    }

    static final class Load8 extends Op.Mem {
        final int dst;

        Load8(int dst, Ea ea) {
            super(ea);
            this.dst = dst;
        }

        @Override
        void exec(Cpu c) {
            c.setReg8(dst, c.read8(seg, ea(c)));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.reg8Slot(dst).address(this).read(1).setReg8();
            return true;
        }
    }

    static final class Store8 extends Op.Mem {
        final int src;

        Store8(Ea ea, int src) {
            super(ea);
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            c.write8(seg, ea(c), c.reg8(src));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.address(this).reg8(src).write(1);
            return true;
        }
    }

    static final class RegImm8 extends Op {
        final int dst, imm;

        RegImm8(int dst, int imm) {
            this.dst = dst;
            this.imm = imm;
        }

        @Override
        void exec(Cpu c) {
            c.setReg8(dst, imm);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.reg8Slot(dst).constant(imm).setReg8();
            return true;
        }
    }

    static final class MemImm8 extends Op.Mem {
        final int imm;

        MemImm8(Ea ea, int imm) {
            super(ea);
            this.imm = imm;
        }

        @Override
        void exec(Cpu c) {
            c.write8(seg, ea(c), imm);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.address(this).constant(imm).write(1);
            return true;
        }
    }

    // ---- MOVZX and MOVSX (0F B6, B7, BE, BF) ----

    static final class ZeroExtend8 extends Op {
        final int dst, src;

        ZeroExtend8(int dst, int src) {
            this.dst = dst;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = c.reg8(src);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).reg8(src).storeReg();
            return true;
        }
    }

    static final class ZeroExtendLoad8 extends Op.Mem {
        final int dst;

        ZeroExtendLoad8(int dst, Ea ea) {
            super(ea);
            this.dst = dst;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = c.read8(seg, ea(c));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).address(this).read(1).storeReg();
            return true;
        }
    }

    static final class ZeroExtend16 extends Op {
        final int dst, src;

        ZeroExtend16(int dst, int src) {
            this.dst = dst;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = c.reg[src] & 0xFFFF;
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).reg(src).constant(0xFFFF).op(IAND).storeReg();
            return true;
        }
    }

    static final class ZeroExtendLoad16 extends Op.Mem {
        final int dst;

        ZeroExtendLoad16(int dst, Ea ea) {
            super(ea);
            this.dst = dst;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = c.read16(seg, ea(c));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).address(this).read(2).storeReg();
            return true;
        }
    }

    static final class SignExtend8 extends Op {
        final int dst, src;

        SignExtend8(int dst, int src) {
            this.dst = dst;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = (byte) c.reg8(src);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).reg8(src).op(I2B).storeReg();
            return true;
        }
    }

    static final class SignExtendLoad8 extends Op.Mem {
        final int dst;

        SignExtendLoad8(int dst, Ea ea) {
            super(ea);
            this.dst = dst;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = (byte) c.read8(seg, ea(c));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).address(this).read(1).op(I2B).storeReg();
            return true;
        }
    }

    static final class SignExtend16 extends Op {
        final int dst, src;

        SignExtend16(int dst, int src) {
            this.dst = dst;
            this.src = src;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = (short) c.reg[src];
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).reg(src).op(I2S).storeReg();
            return true;
        }
    }

    static final class SignExtendLoad16 extends Op.Mem {
        final int dst;

        SignExtendLoad16(int dst, Ea ea) {
            super(ea);
            this.dst = dst;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = (short) c.read16(seg, ea(c));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).address(this).read(2).op(I2S).storeReg();
            return true;
        }
    }

    // ---- LEA, XCHG, NOP ----

    static final class Lea extends Op.Mem {
        final int dst;

        Lea(int dst, Ea ea) {
            super(ea);
            this.dst = dst;
        }

        @Override
        void exec(Cpu c) {
            c.reg[dst] = ea(c);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(dst).ea(this).storeReg();
            return true;
        }
    }

    static final class XchgRegReg extends Op {
        final int a, b;

        XchgRegReg(int a, int b) {
            this.a = a;
            this.b = b;
        }

        @Override
        void exec(Cpu c) {
            int[] r = c.reg;
            int t = r[a];
            r[a] = r[b];
            r[b] = t;
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.reg(a).store(TMP);
            e.regSlot(a).reg(b).storeReg();
            e.regSlot(b).load(TMP).storeReg();
            return true;
        }
    }

    static final class XchgRegMem extends Op.Mem {
        final int r;

        XchgRegMem(int r, Ea ea) {
            super(ea);
            this.r = r;
        }

        @Override
        void exec(Cpu c) {
            int a = ea(c);
            int v = c.read32(seg, a);
            c.write32(seg, a, c.reg[r]);
            c.reg[r] = v;
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.ea(this).store(TMP);
            e.addressTmp(seg).read(4).store(TMP2);
            e.addressTmp(seg).reg(r).write(4);
            e.regSlot(r).load(TMP2).storeReg();
            return true;
        }
    }

    static final class Nop extends Op {
        @Override
        void exec(Cpu c) {
        }

        @Override
        boolean emit(BlockEmitter e) {
            return true;
        }
    }

    // ---- MOVS, STOS, LODS without REP (32-bit addressing; size 1 or 4) ----

    static int step(Cpu c, int size) {
        return (c.flags & Cpu.DF) != 0 ? -size : size;
    }

    /** Keeps {@link #step} in the scratch local {@code TMP}. */
    private static void emitStep(BlockEmitter e, int size) {
        e.cpu().constant(size).callStatic(MoveOps.class, "step", "(L" + BlockEmitter.CPU + ";I)I").store(TMP);
    }

    static final class Movs extends Op {
        final int srcSeg, size;

        Movs(int srcSeg, int size) {
            this.srcSeg = srcSeg;
            this.size = size;
        }

        @Override
        void exec(Cpu c) {
            int[] r = c.reg;
            if (size == 1) {
                c.write8(Cpu.ES, r[Cpu.EDI], c.read8(srcSeg, r[Cpu.ESI]));
            } else {
                c.write32(Cpu.ES, r[Cpu.EDI], c.read32(srcSeg, r[Cpu.ESI]));
            }
            int d = step(c, size);
            r[Cpu.ESI] += d;
            r[Cpu.EDI] += d;
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.cpu().constant(Cpu.ES).reg(Cpu.EDI).cpu().constant(srcSeg).reg(Cpu.ESI).read(size).write(size);
            emitStep(e, size);
            e.regSlot(Cpu.ESI).reg(Cpu.ESI).load(TMP).op(IADD).storeReg();
            e.regSlot(Cpu.EDI).reg(Cpu.EDI).load(TMP).op(IADD).storeReg();
            return true;
        }
    }

    static final class Stos extends Op {
        final int size;

        Stos(int size) {
            this.size = size;
        }

        @Override
        void exec(Cpu c) {
            int[] r = c.reg;
            if (size == 1) {
                c.write8(Cpu.ES, r[Cpu.EDI], r[Cpu.EAX]);
            } else {
                c.write32(Cpu.ES, r[Cpu.EDI], r[Cpu.EAX]);
            }
            r[Cpu.EDI] += step(c, size);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.cpu().constant(Cpu.ES).reg(Cpu.EDI).reg(Cpu.EAX).write(size);
            emitStep(e, size);
            e.regSlot(Cpu.EDI).reg(Cpu.EDI).load(TMP).op(IADD).storeReg();
            return true;
        }
    }

    static final class Lods extends Op {
        final int srcSeg, size;

        Lods(int srcSeg, int size) {
            this.srcSeg = srcSeg;
            this.size = size;
        }

        @Override
        void exec(Cpu c) {
            int[] r = c.reg;
            if (size == 1) {
                c.setReg8(Cpu.EAX, c.read8(srcSeg, r[Cpu.ESI]));
            } else {
                r[Cpu.EAX] = c.read32(srcSeg, r[Cpu.ESI]);
            }
            r[Cpu.ESI] += step(c, size);
        }

        @Override
        boolean emit(BlockEmitter e) {
            if (size == 1) {
                e.reg8Slot(Cpu.EAX).cpu().constant(srcSeg).reg(Cpu.ESI).read(1).setReg8();
            } else {
                e.regSlot(Cpu.EAX).cpu().constant(srcSeg).reg(Cpu.ESI).read(4).storeReg();
            }
            emitStep(e, size);
            e.regSlot(Cpu.ESI).reg(Cpu.ESI).load(TMP).op(IADD).storeReg();
            return true;
        }
    }
}
