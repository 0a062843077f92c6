package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Code;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Label;

/**
 * The bytecode vocabulary ops compile themselves with ({@link Op#emit}): the CPU, its register
 * array and a few scratch ints are locals of the generated method, and every operation is a
 * call of the same {@link Cpu} helper the op's {@code exec} calls, with the op's fields as
 * constants. Each method pushes (or consumes) JVM operand-stack values as its comment says.
 *
 * <p>It notes whether an op called a memory access (read, write, push, pop): only such a call
 * can end the block early (a write to watched code, a device asking to stop), so only after
 * such an op does the compiled block look at {@link Cpu#blockEnded}.
 */
final class BlockEmitter {

    static final String CPU = "dev/vivarium/x86/cpu/Cpu";
    /** Local variables of the generated {@code run(Cpu)}: this, the CPU, {@code c.reg}, the current op's index, scratch. */
    static final int THIS = 0, C = 1, REGS = 2, INDEX = 3, TMP = 4, TMP2 = 5, LOCALS = 6;

    private final Code code;
    private boolean memory;

    BlockEmitter(Code code) {
        this.code = code;
    }

    /** Whether anything emitted since the last call accessed memory; resets the note. */
    boolean accessedMemory() {
        boolean m = memory;
        memory = false;
        return m;
    }

    /** Pushes the CPU. */
    BlockEmitter cpu() {
        code.local(Opcodes.ALOAD, C);
        return this;
    }

    BlockEmitter constant(int v) {
        code.iconst(v);
        return this;
    }

    /** Pushes {@code c.reg[r]}. */
    BlockEmitter reg(int r) {
        regSlot(r);
        code.op(Opcodes.IALOAD);
        return this;
    }

    /** Pushes the array and index of {@code c.reg[r]}: push the value next, then {@link #storeReg}. */
    BlockEmitter regSlot(int r) {
        code.local(Opcodes.ALOAD, REGS);
        code.iconst(r);
        return this;
    }

    BlockEmitter storeReg() {
        code.op(Opcodes.IASTORE);
        return this;
    }

    /** One JVM instruction without operands (IADD, POP, ...). */
    BlockEmitter op(int opcode) {
        code.op(opcode);
        return this;
    }

    BlockEmitter load(int slot) {
        code.local(Opcodes.ILOAD, slot);
        return this;
    }

    BlockEmitter store(int slot) {
        code.local(Opcodes.ISTORE, slot);
        return this;
    }

    /** Pushes the effective address: disp + base + index << scale, the parts the op has (its masks are all or nothing). */
    BlockEmitter ea(Op.Mem m) {
        code.iconst(m.disp);
        if (m.baseMask != 0) {
            reg(m.base).op(Opcodes.IADD);
        }
        if (m.indexMask != 0) {
            reg(m.index);
            if (m.scale != 0) {
                constant(m.scale).op(Opcodes.ISHL);
            }
            op(Opcodes.IADD);
        }
        return this;
    }

    /** Pushes the CPU, the op's segment and its effective address: the first arguments of a read or write. */
    BlockEmitter address(Op.Mem m) {
        return cpu().constant(m.seg).ea(m);
    }

    /** Pushes the CPU, {@code seg} and the address kept in {@link #TMP}. */
    BlockEmitter addressTmp(int seg) {
        return cpu().constant(seg).load(TMP);
    }

    /** (c, seg, off) -> value: {@code read8}, {@code read16} or {@code read32}. */
    BlockEmitter read(int size) {
        return call("read" + size * 8, "(II)I");
    }

    /** (c, seg, off, value) ->: {@code write8} or {@code write32}. */
    BlockEmitter write(int size) {
        return call("write" + size * 8, "(III)V");
    }

    /** (c, op, a, b, top) -> result. */
    BlockEmitter alu() {
        return call("alu", "(IIII)I");
    }

    /** Pushes {@code c.reg8(r)}. */
    BlockEmitter reg8(int r) {
        return cpu().constant(r).call("reg8", "(I)I");
    }

    /** (c, r, value) ->: {@code c.setReg8}. */
    BlockEmitter setReg8() {
        return call("setReg8", "(II)V");
    }

    /** Pushes {@code c.condition(cc)}, 1 or 0. */
    BlockEmitter condition(int cc) {
        return cpu().constant(cc).call("condition", "(I)Z");
    }

    /** A call of a method of {@link Cpu} (or its superclasses) on the arguments pushed. */
    BlockEmitter call(String name, String desc) {
        if (name.startsWith("read") || name.startsWith("write") || name.startsWith("push") || name.startsWith("pop")) {
            memory = true;
        }
        code.invoke(Opcodes.INVOKEVIRTUAL, CPU, name, desc);
        return this;
    }

    /** A call of a static helper of an op class (which takes no memory access but through the CPU it is given). */
    BlockEmitter callStatic(Class<?> owner, String name, String desc) {
        code.invoke(Opcodes.INVOKESTATIC, owner.getName().replace('.', '/'), name, desc);
        return this;
    }

    /** (c, value) ->: {@code c.eip = value}. */
    BlockEmitter putEip() {
        code.field(Opcodes.PUTFIELD, CPU, "eip", "I");
        return this;
    }

    /** Pushes {@code c.flags}. */
    BlockEmitter flags() {
        cpu();
        code.field(Opcodes.GETFIELD, CPU, "flags", "I");
        return this;
    }

    Label label() {
        return new Label();
    }

    BlockEmitter jump(int opcode, Label target) {
        code.jump(opcode, target);
        return this;
    }

    BlockEmitter place(Label label) {
        code.place(label);
        return this;
    }
}
