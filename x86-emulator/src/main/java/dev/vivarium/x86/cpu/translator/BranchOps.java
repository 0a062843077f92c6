package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Label;

import static dev.vivarium.x86.cpu.translator.BlockEmitter.TMP;
import static dev.vivarium.x86.cpu.translator.Opcodes.IADD;
import static dev.vivarium.x86.cpu.translator.Opcodes.IFEQ;
import static dev.vivarium.x86.cpu.translator.Opcodes.POP;

/**
 * Decoded near control transfers with 32-bit operands: Jcc, JMP, CALL and RET, direct and
 * indirect. Targets of direct transfers are computed once at decode; every target is still
 * checked against CS's limit when the transfer happens (#GP(0) beyond it), and nothing is
 * changed before that check, so a fault leaves the state as the interpreter does.
 */
final class BranchOps {

    private BranchOps() {
    }

    static int checked(Cpu c, int target) {
        if (Integer.compareUnsigned(target, c.segLimit[Cpu.CS]) > 0) {
            throw c.gp(0);
        }
        return target;
    }

    /** (c, target) -> {@link #checked}(c, target). */
    private static BlockEmitter checked(BlockEmitter e) {
        return e.callStatic(BranchOps.class, "checked", "(L" + BlockEmitter.CPU + ";I)I");
    }

    static final class Jcc extends Op.Transfer {
        final int cc, target, next;

        Jcc(int cc, int target, int next) {
            this.cc = cc;
            this.target = target;
            this.next = next;
        }

        @Override
        void exec(Cpu c) {
            c.eip = c.condition(cc) ? checked(c, target) : next;
        }

        @Override
        int[] successors() {
            return new int[]{target, next};
        }

        @Override
        boolean emit(BlockEmitter e) {
            Label notTaken = e.label();
            e.condition(cc).jump(IFEQ, notTaken);
            checked(e.cpu().constant(target)).op(POP).jump(target);
            e.place(notTaken).jump(next);
            return true;
        }
    }

    static final class Jmp extends Op.Transfer {
        final int target;

        Jmp(int target) {
            this.target = target;
        }

        @Override
        void exec(Cpu c) {
            c.eip = checked(c, target);
        }

        @Override
        int[] successors() {
            return new int[]{target};
        }

        @Override
        boolean emit(BlockEmitter e) {
            checked(e.cpu().constant(target)).op(POP).jump(target);
            return true;
        }
    }

    static final class Call extends Op.Transfer {
        final int target, next;

        Call(int target, int next) {
            this.target = target;
            this.next = next;
        }

        @Override
        void exec(Cpu c) {
            int t = checked(c, target);
            c.push32(next);
            c.eip = t;
        }

        @Override
        int[] successors() {
            return new int[]{target, next};
        }

        @Override
        boolean emit(BlockEmitter e) {
            checked(e.cpu().constant(target)).op(POP);
            e.constant(next).push32();
            e.jump(target);
            return true;
        }
    }

    /** RET and RET imm16: the return address is read and checked before ESP moves. */
    static final class Ret extends Op.Transfer {
        final int release;

        Ret(int release) {
            this.release = release;
        }

        @Override
        void exec(Cpu c) {
            int t = checked(c, c.read32(Cpu.SS, c.sp()));
            c.setSp(c.stackOffset(4));
            if (release != 0) {
                c.setSp(c.stackOffset(release));
            }
            c.eip = t;
        }

        @Override
        boolean emit(BlockEmitter e) {
            e.cpu(); // for checked
            checked(e.cpu().constant(Cpu.SS).reg(Cpu.ESP).read(4)).store(TMP);
            e.regSlot(Cpu.ESP).reg(Cpu.ESP).constant(4 + release).op(IADD).storeReg(); // a 32-bit stack: no wrap to 16 bits
            e.load(TMP).jumpIndirect();
            return true;
        }
    }

    /** JMP or CALL through a register. */
    static final class IndirectReg extends Op.Transfer {
        final int r, next;
        final boolean call;

        IndirectReg(int r, boolean call, int next) {
            this.r = r;
            this.call = call;
            this.next = next;
        }

        @Override
        void exec(Cpu c) {
            int t = checked(c, c.reg[r]);
            if (call) c.push32(next);
            c.eip = t;
        }

        @Override
        boolean emit(BlockEmitter e) {
            checked(e.cpu().reg(r)).store(TMP);
            if (call) e.constant(next).push32();
            e.load(TMP).jumpIndirect();
            return true;
        }
    }

    /** JMP or CALL through memory. */
    static final class IndirectMem extends Op.Mem {
        final int next;
        final boolean call;

        IndirectMem(Ea ea, boolean call, int next) {
            super(ea);
            this.call = call;
            this.next = next;
        }

        @Override
        boolean transfersControl() {
            return true;
        }

        @Override
        void exec(Cpu c) {
            int t = checked(c, c.read32(seg, ea(c)));
            if (call) c.push32(next);
            c.eip = t;
        }

        @Override
        boolean emit(BlockEmitter e) {
            checked(e.cpu().address(this).read(4)).store(TMP);
            if (call) e.constant(next).push32();
            e.load(TMP).jumpIndirect();
            return true;
        }
    }
}
