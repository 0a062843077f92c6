package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Code;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Label;

import static dev.vivarium.x86.cpu.translator.Opcodes.*;

/**
 * The bytecode vocabulary ops compile themselves with ({@link Op#emit}) inside a compiled
 * {@link Region}. The eight guest registers live in locals of the generated method for the
 * whole region, so the JIT keeps them in host registers across the region's blocks and loops:
 * they are loaded from {@code c.reg} on entry and stored back on every way out (an exit to the
 * dispatcher, a fault, a helper that reads or writes {@code c.reg} itself). Everything else is a
 * call of the same {@link Cpu} helper the op's {@code exec} calls, with the op's fields as
 * constants. Each method pushes (or consumes) JVM operand-stack values as its comment says.
 *
 * <p>A register write is bracketed: {@link #regSlot} names the register, the value is pushed,
 * {@link #storeReg} stores it (the same for 8-bit registers with {@link #reg8Slot} and
 * {@link #setReg8}). The stack operations keep ESP in its local; a region runs only on a 32-bit
 * stack (it checks SS's B bit on entry), so they need no size test.
 *
 * <p>Control leaves an op only through {@link #jump} and {@link #jumpIndirect}: to the block's
 * label when the target starts a block of the region (its budget check comes first), else out of
 * the region with EIP set. After an op that accessed memory (only such an op can end the run
 * early: a write to decoded code, a device asking to stop) {@link Cpu#blockEnded} is looked at.
 */
final class BlockEmitter {

    static final String CPU = "dev/vivarium/x86/cpu/Cpu";
    /**
     * Local variables of the generated {@code run(Cpu, int)}: this, the CPU, the budget of
     * instructions, {@code c.reg}, the running op's index in the region, the instructions
     * retired (through the end of the block being run), scratch, and the eight guest registers.
     */
    static final int THIS = 0, C = 1, BUDGET = 2, REGS = 3, INDEX = 4, DONE = 5, TMP = 6, TMP2 = 7,
            STACK_VALUE = 8, STACK_TOP = 9, EXIT_EIP = 10, FLAG_A = 11, FLAG_B = 12, FLAG_R = 13, REG0 = 14,
            LOCALS = REG0 + 8;

    private final Code code;
    /** Where the region's blocks start, by EIP (null for a lone block being checked). */
    private final RegionLabels labels;
    /** Where every exit goes: stores the registers back, sets EIP from {@link #EXIT_EIP}, returns {@link #DONE}. */
    final Label exit = new Label();
    private boolean memory;
    private final int[] pending = new int[4];
    private int pendingCount;
    /**
     * The last flag-setting operation emitted in this block, when known here: its lazy kind
     * ({@link Cpu#LAZY_ADD}, SUB, LOGIC, INC, DEC; {@link Cpu#LAZY_NONE} for unknown) and width,
     * its operands and result in {@link #FLAG_A}, {@link #FLAG_B}, {@link #FLAG_R}. A condition
     * read after it is computed from those locals, without evaluating EFLAGS.
     */
    private int flagKind, flagTop;

    /** The labels of a region's blocks. */
    interface RegionLabels {
        /** The label of the block starting at {@code eip}, or null when the region has none there. */
        Label at(int eip);

        /** Every block start, ascending as signed ints, and the labels in the same order. */
        int[] starts();

        Label[] startLabels();
    }

    BlockEmitter(Code code, RegionLabels labels) {
        this.code = code;
        this.labels = labels;
    }

    /** Whether anything emitted since the last call accessed memory; resets the note. */
    boolean accessedMemory() {
        boolean m = memory;
        memory = false;
        return m;
    }

    /** Pushes the CPU. */
    BlockEmitter cpu() {
        code.local(ALOAD, C);
        return this;
    }

    BlockEmitter constant(int v) {
        code.iconst(v);
        return this;
    }

    /** Pushes guest register {@code r}. */
    BlockEmitter reg(int r) {
        code.local(ILOAD, REG0 + r);
        return this;
    }

    /** Names the register the next {@link #storeReg} writes: push the value next. */
    BlockEmitter regSlot(int r) {
        pending[pendingCount++] = r;
        return this;
    }

    /** Stores the value on the stack into the register {@link #regSlot} named. */
    BlockEmitter storeReg() {
        code.local(ISTORE, REG0 + pending[--pendingCount]);
        return this;
    }

    /** Pushes 8-bit register {@code r} (AL..BL, AH..BH). */
    BlockEmitter reg8(int r) {
        reg(r & 3);
        if (r >= 4) {
            constant(8).op(IUSHR);
        }
        return constant(0xFF).op(IAND);
    }

    /** Names the 8-bit register the next {@link #setReg8} writes. */
    BlockEmitter reg8Slot(int r) {
        return regSlot(r);
    }

    /** Stores the low byte of the value on the stack into the 8-bit register {@link #reg8Slot} named. */
    BlockEmitter setReg8() {
        int r = pending[--pendingCount];
        constant(0xFF).op(IAND);
        if (r >= 4) {
            constant(8).op(ISHL);
        }
        reg(r & 3).constant(r >= 4 ? 0xFFFF00FF : 0xFFFFFF00).op(IAND).op(IOR);
        code.local(ISTORE, REG0 + (r & 3));
        return this;
    }

    /** One JVM instruction without operands (IADD, POP, ...). */
    BlockEmitter op(int opcode) {
        code.op(opcode);
        return this;
    }

    BlockEmitter load(int slot) {
        code.local(ILOAD, slot);
        return this;
    }

    BlockEmitter store(int slot) {
        code.local(ISTORE, slot);
        return this;
    }

    /** Pushes the effective address: disp + base + index << scale, the parts the op has (its masks are all or nothing). */
    BlockEmitter ea(Op.Mem m) {
        code.iconst(m.disp);
        if (m.baseMask != 0) {
            reg(m.base).op(IADD);
        }
        if (m.indexMask != 0) {
            reg(m.index);
            if (m.scale != 0) {
                constant(m.scale).op(ISHL);
            }
            op(IADD);
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

    /** (value) ->: PUSH on the 32-bit stack, ESP moved only once the write succeeded. */
    BlockEmitter push32() {
        store(STACK_VALUE);
        reg(Cpu.ESP).constant(4).op(ISUB).store(STACK_TOP);
        cpu().constant(Cpu.SS).load(STACK_TOP).load(STACK_VALUE).write(4);
        return load(STACK_TOP).regSlot(Cpu.ESP).storeReg();
    }

    /** () -> value: POP from the 32-bit stack, ESP moved once the read succeeded. */
    BlockEmitter pop32() {
        cpu().constant(Cpu.SS).reg(Cpu.ESP).read(4);
        code.iinc(REG0 + Cpu.ESP, 4);
        return this;
    }

    /**
     * (a, b) -> result of ALU operation {@code op} (ADD OR ADC SBB AND SUB XOR CMP) at width
     * {@code top} (7 or 31), the lazy flags recorded as {@link Cpu#alu} records them. ADD, SUB,
     * CMP and the logic operations are computed here (small code the JIT inlines anywhere);
     * ADC and SBB, which read the carry, call {@code alu}.
     */
    BlockEmitter alu(int op, int top) {
        store(FLAG_B).store(FLAG_A);
        if (op == 2 || op == 3) {
            cpu().constant(op).load(FLAG_A).load(FLAG_B).constant(top).call("alu", "(IIII)I");
            return this;
        }
        load(FLAG_A).load(FLAG_B);
        int kind;
        switch (op) {
            case 0 -> { op(IADD); kind = Cpu.LAZY_ADD; }
            case 1 -> { op(IOR); kind = Cpu.LAZY_LOGIC; }
            case 4 -> { op(IAND); kind = Cpu.LAZY_LOGIC; }
            case 6 -> { op(IXOR); kind = Cpu.LAZY_LOGIC; }
            default -> { op(ISUB); kind = Cpu.LAZY_SUB; }
        }
        if (top == 7 && kind != Cpu.LAZY_LOGIC) {
            constant(0xFF).op(IAND);
        }
        store(FLAG_R);
        cpu().constant(kind);
        if (kind == Cpu.LAZY_LOGIC) {
            constant(0).constant(0);
        } else {
            load(FLAG_A).load(FLAG_B);
        }
        load(FLAG_R).constant(top).call("setLazy", "(IIIII)V");
        flagKind = kind;
        flagTop = top;
        return load(FLAG_R);
    }

    /** (c, value, top) -> value + 1 or - 1, through {@code inc} or {@code dec} (they keep CF); the result is noted for conditions. */
    BlockEmitter incDec(boolean dec, int top) {
        call(dec ? "dec" : "inc", "(II)I").op(DUP).store(FLAG_R);
        flagKind = dec ? Cpu.LAZY_DEC : Cpu.LAZY_INC;
        flagTop = top;
        return this;
    }

    /** Forgets the flag-setting operation: a block starts here (it may be reached from anywhere). */
    void unknownFlags() {
        flagKind = Cpu.LAZY_NONE;
    }

    /**
     * Pushes condition {@code cc} (1 or 0): from the locals of the last flag-setting operation
     * when it is known and the condition follows from it alone, else {@code c.condition(cc)}.
     */
    BlockEmitter condition(int cc) {
        if (!inlineCondition(cc >>> 1, (cc & 1) != 0)) {
            cpu().constant(cc).call("condition", "(I)Z");
        }
        return this;
    }

    private boolean inlineCondition(int test, boolean negate) {
        boolean wide = flagTop == 31;
        switch (flagKind) {
            case Cpu.LAZY_SUB:
                switch (test) {
                    case 1: return unsignedCompare(IFLT, IF_ICMPLT, negate);           // B: a < b unsigned
                    case 2: return zero(negate);                                       // Z
                    case 3: return unsignedCompare(IFLE, IF_ICMPLE, negate);           // BE
                    case 4: return sign(negate);                                       // S
                    case 6: return signedCompare(IF_ICMPLT, negate);                   // L: a < b signed
                    case 7: return signedCompare(IF_ICMPLE, negate);                   // LE
                    default: return false;
                }
            case Cpu.LAZY_LOGIC:
                switch (test) {
                    case 0, 1: return constant(negate ? 1 : 0) != null;                // O, B: clear
                    case 2, 3: return zero(negate);                                    // Z, BE (CF clear)
                    case 4, 6: return sign(negate);                                    // S, L (OF clear)
                    case 7:                                                            // LE: ZF or SF
                        load(FLAG_R);
                        if (!wide) op(I2B);
                        return branch(IFLE, negate);
                    default: return false;
                }
            case Cpu.LAZY_ADD:
                switch (test) {
                    case 1:                                                            // B: the carry, r < a unsigned
                        load(FLAG_R).load(FLAG_A);
                        if (wide) {
                            code.invoke(INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I");
                            return branch(IFLT, negate);
                        }
                        return branch(IF_ICMPLT, negate);
                    case 2: return zero(negate);
                    case 4: return sign(negate);
                    default: return false;
                }
            case Cpu.LAZY_INC, Cpu.LAZY_DEC:
                switch (test) {
                    case 2: return zero(negate);
                    case 4: return sign(negate);
                    default: return false;
                }
            default:
                return false;
        }
    }

    private boolean zero(boolean negate) {
        return load(FLAG_R).branch(IFEQ, negate);
    }

    private boolean sign(boolean negate) {
        load(FLAG_R);
        if (flagTop != 31) op(I2B);
        return branch(IFLT, negate);
    }

    /** a (op) b unsigned, on FLAG_A and FLAG_B: 8-bit operands are non-negative ints already. */
    private boolean unsignedCompare(int wideOp, int narrowOp, boolean negate) {
        load(FLAG_A).load(FLAG_B);
        if (flagTop == 31) {
            code.invoke(INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I");
            return branch(wideOp, negate);
        }
        return branch(narrowOp, negate);
    }

    /** a (op) b signed, on FLAG_A and FLAG_B, sign-extended from 8 bits when narrow. */
    private boolean signedCompare(int compare, boolean negate) {
        load(FLAG_A);
        if (flagTop != 31) op(I2B);
        load(FLAG_B);
        if (flagTop != 31) op(I2B);
        return branch(compare, negate);
    }

    /** Consumes what the branch opcode tests and pushes 1 where it would jump (0 with {@code negate}), else the other. */
    private boolean branch(int opcode, boolean negate) {
        Label yes = new Label();
        Label done = new Label();
        jump(opcode, yes).constant(negate ? 1 : 0).jump(GOTO, done);
        place(yes).constant(negate ? 0 : 1).place(done);
        return true;
    }

    /** A call of a method of {@link Cpu} (or its superclasses) on the arguments pushed. */
    BlockEmitter call(String name, String desc) {
        if (name.startsWith("read") || name.startsWith("write")) {
            memory = true;
        } else if (!name.equals("condition") && !name.equals("stack32") && !name.equals("setLazyFromAlu")) {
            unknownFlags(); // it may set the flags: alu, shift, inc, setLazy, mulBy, ...
        }
        code.invoke(INVOKEVIRTUAL, CPU, name, desc);
        return this;
    }

    /** A call of a static helper of an op class (which takes no memory access but through the CPU it is given). */
    BlockEmitter callStatic(Class<?> owner, String name, String desc) {
        if (!name.equals("checked") && !name.equals("step")) {
            unknownFlags(); // imul32 sets them
        }
        code.invoke(INVOKESTATIC, owner.getName().replace('.', '/'), name, desc);
        return this;
    }

    /** Stores the register locals into {@code c.reg}: before a helper that reads them there, and on the way out. */
    BlockEmitter spill() {
        for (int r = 0; r < 8; r++) {
            code.local(ALOAD, REGS);
            code.iconst(r);
            code.local(ILOAD, REG0 + r);
            code.op(IASTORE);
        }
        return this;
    }

    /** Loads the register locals from {@code c.reg}: on entry, and after a helper that wrote them there. */
    BlockEmitter reload() {
        for (int r = 0; r < 8; r++) {
            code.local(ALOAD, REGS);
            code.iconst(r);
            code.op(IALOAD);
            code.local(ISTORE, REG0 + r);
        }
        return this;
    }

    /** Pushes {@code c.flags}. */
    BlockEmitter flags() {
        cpu();
        code.field(GETFIELD, CPU, "flags", "I");
        return this;
    }

    /**
     * Ends the op with a transfer to the constant {@code target}: into the region's block there,
     * or out with EIP = target. After an op that accessed memory an early end goes out too,
     * with the op complete (EIP = target).
     */
    BlockEmitter jump(int target) {
        Label block = labels == null ? null : labels.at(target);
        if (block != null && memory) {
            blockEnded();
            jump(IFEQ, block);
        } else if (block != null) {
            jump(GOTO, block);
            return this;
        }
        return exitTo(target);
    }

    /** Ends the op with a transfer to the EIP on the stack: a block of the region when one starts there, else out. */
    BlockEmitter jumpIndirect() {
        store(EXIT_EIP);
        if (memory) {
            blockEnded();
            jump(IFNE, exit);
        }
        if (labels == null) {
            return jump(GOTO, exit);
        }
        load(EXIT_EIP);
        code.lookupSwitch(labels.starts(), labels.startLabels(), exit);
        return this;
    }

    /** Leaves the region with EIP = {@code eip}. */
    BlockEmitter exitTo(int eip) {
        return constant(eip).store(EXIT_EIP).jump(GOTO, exit);
    }

    /** Pushes {@code c.blockEnded}. */
    BlockEmitter blockEnded() {
        cpu();
        code.field(GETFIELD, CPU, "blockEnded", "Z");
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

    BlockEmitter iinc(int slot, int delta) {
        code.iinc(slot, delta);
        return this;
    }
}
