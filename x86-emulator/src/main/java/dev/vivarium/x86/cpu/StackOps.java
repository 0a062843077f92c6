package dev.vivarium.x86.cpu;

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
    }

    static final class PushMem extends Op.Mem {
        PushMem(Ea ea) {
            super(ea);
        }

        @Override
        void exec(Cpu c) {
            c.push32(c.read32(seg, ea(c)));
        }
    }

    static final class Leave extends Op {
        @Override
        void exec(Cpu c) {
            int bp = c.stack32() ? c.reg[CpuState.EBP] : c.reg[CpuState.EBP] & 0xFFFF;
            int v = c.read32(CpuState.SS, bp);
            c.setSp(bp);
            c.setSp(c.stackOffset(4));
            c.reg[CpuState.EBP] = v;
        }
    }
}
