package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Label;

import static dev.vivarium.x86.cpu.translator.BlockEmitter.TMP;
import static dev.vivarium.x86.cpu.translator.BlockEmitter.TMP2;
import static dev.vivarium.x86.cpu.translator.Opcodes.*;

/** Decoded PUSH, POP and LEAVE with 32-bit operands, on a stack of either size (SS's B bit at run time). */
final class StackOps {

    private StackOps() {
    }

    /** PUSH ESP pushes the value ESP had before the instruction, which is what reading it first gives. */
    static final class PushReg extends Op {
        final int r;

        PushReg(int r) {
            this.r = r;
        }

        @Override
        void exec(Cpu c) {
            c.push32(c.reg[r]);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.reg(r).push32();
            return true;
        }
    }

    /** POP ESP leaves the popped value in ESP: the register is written after the pop moves ESP. */
    static final class PopReg extends Op {
        final int r;

        PopReg(int r) {
            this.r = r;
        }

        @Override
        void exec(Cpu c) {
            int v = c.pop32();
            c.reg[r] = v;
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.regSlot(r).pop32().storeReg();
            return true;
        }
    }

    static final class PushImm extends Op {
        final int imm;

        PushImm(int imm) {
            this.imm = imm;
        }

        @Override
        void exec(Cpu c) {
            c.push32(imm);
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.constant(imm).push32();
            return true;
        }
    }

    static final class PushMem extends Op.Mem {
        PushMem(Ea ea) {
            super(ea);
        }

        @Override
        void exec(Cpu c) {
            c.push32(c.read32(seg, ea(c)));
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.address(this).read(4).push32();
            return true;
        }
    }

    static final class Leave extends Op {
        @Override
        void exec(Cpu c) {
            int bp = c.stack32() ? c.reg[Cpu.EBP] : c.reg[Cpu.EBP] & 0xFFFF;
            int v = c.read32(Cpu.SS, bp);
            c.setSp(bp);
            c.setSp(c.stackOffset(4));
            c.reg[Cpu.EBP] = v;
        }

        @Override
        boolean emit(BlockEmitter e) {
            // A region runs on a 32-bit stack only, so EBP is the whole offset.
            e.reg(Cpu.EBP).store(TMP);
            e.addressTmp(Cpu.SS).read(4).store(TMP2);
            e.regSlot(Cpu.ESP).load(TMP).constant(4).op(IADD).storeReg();
            e.regSlot(Cpu.EBP).load(TMP2).storeReg();
            return true;
        }
    }
}
