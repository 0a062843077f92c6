package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;

/**
 * One guest instruction decoded once into an object specialised for its form and operands, so
 * running it again costs no fetch, no prefix or ModRM decoding and no opcode switch: the block
 * executor calls {@link #exec} on each op of a {@link Block} in turn.
 *
 * <p>An op never touches EIP unless it is a control transfer (the last op of its block), and
 * it changes no register or flag before its last possible fault, except where the interpreter
 * does the same, so a fault leaves exactly the state the interpreter leaves. The executor
 * counts instructions and puts EIP on the faulting instruction.
 */
abstract class Op {

    abstract void exec(Cpu c);

    /**
     * Writes bytecode that does what {@link #exec} does, through the same CPU helpers, with
     * this op's fields as constants ({@link BlockCompiler}); false when the op has no bytecode
     * form, and its block then stays a run of ops.
     */
    boolean emit(BlockEmitter e) {
        return false;
    }

    /** True for an op that sets EIP itself (jumps, calls, returns): it ends its block. */
    boolean transfersControl() {
        return false;
    }

    /** For a transfer: the EIPs it may go to that are known at decode time (taken and not, a call's target and return site). */
    int[] successors() {
        return new int[0];
    }

    /**
     * A 32-bit effective address, decoded from ModRM and SIB: disp + base + index << scale.
     * Missing parts are masked to zero rather than branched on, so computing it is straight-line.
     */
    record Ea(int seg, int base, int baseMask, int index, int scale, int indexMask, int disp) {
    }

    /** An op with a memory operand at a decoded effective address. */
    abstract static class Mem extends Op {
        final int seg, base, baseMask, index, scale, indexMask, disp;

        Mem(Ea ea) {
            this.seg = ea.seg();
            this.base = ea.base();
            this.baseMask = ea.baseMask();
            this.index = ea.index();
            this.scale = ea.scale();
            this.indexMask = ea.indexMask();
            this.disp = ea.disp();
        }

        final int ea(Cpu c) {
            int[] r = c.reg;
            return disp + (r[base] & baseMask) + (r[index] << scale & indexMask);
        }
    }

    /** A control transfer: it sets EIP, so it is the last op of its block. */
    abstract static class Transfer extends Op {
        @Override
        final boolean transfersControl() {
            return true;
        }
    }
}
