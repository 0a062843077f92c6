package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Code;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Label;

import java.lang.invoke.MethodHandles;

/**
 * Compiles a hot {@link Block} into a {@link CompiledBlock}: one hidden class whose
 * {@code run(Cpu)} does what the block's ops do, op after op, in straight-line bytecode.
 *
 * <p>The generated method, for ops 0..n-1:
 * <pre>
 *   regs = c.reg; index = 0
 *   index = i; &lt;op i&gt;                           (each op)
 *   if (c.blockEnded) return i + 1           (after an op that accessed memory, but the last)
 *   return n
 * handler (CpuFault, around all ops): c.faultOp = index; rethrow
 * </pre>
 * The index of the running op is a local rather than something the ops store: a store of a
 * constant to a local costs nothing in JIT-compiled code (it only feeds the handler's debug
 * state), whereas a field store per op would be a real memory write; and a rethrow keeps the
 * fault's delivery in one place ({@link Cpu#runBlock}), as for interpreted ops.
 *
 * <p>The class is hidden and defined in this package, so it reaches the package-private
 * helpers of {@link Cpu}. CPUs that compile a block to the same bytes share one class
 * ({@link CompiledBlockCache}); it is unloaded once no block uses it and the cache let it go.
 */
final class BlockCompiler {

    /** Above this many bytes of bytecode HotSpot does not JIT-compile a method (HugeMethodLimit): such a block stays as ops. */
    private static final int MAX_CODE = 7_900;
    private static final String NAME = "dev/vivarium/x86/cpu/translator/CompiledBlock$Code";
    private static final String BASE = "dev/vivarium/x86/cpu/translator/CompiledBlock";

    private long compiled, failed, nanos;

    /** The compiled form of {@code b}, or null when an op of it has no emitter or it would be too big. */
    CompiledBlock compile(Block b) {
        long start = System.nanoTime();
        byte[] bytes = generate(b);
        CompiledBlock result = bytes == null ? null : CompiledBlockCache.get(bytes, BlockCompiler::define);
        nanos += System.nanoTime() - start;
        if (result == null) {
            failed++;
        } else {
            compiled++;
        }
        return result;
    }

    /** Blocks compiled, blocks that could not be, and the time both took (ns). */
    long compiledBlocks() {
        return compiled;
    }

    long failedBlocks() {
        return failed;
    }

    long compileNanos() {
        return nanos;
    }

    static byte[] generate(Block b) {
        ClassFileWriter cf = new ClassFileWriter(NAME, BASE);
        Code init = cf.method(0, "<init>", "()V", 1, 1);
        init.local(Opcodes.ALOAD, 0);
        init.invoke(Opcodes.INVOKESPECIAL, BASE, "<init>", "()V");
        init.op(Opcodes.RETURN);

        Code code = cf.method(0, "run", "(L" + BlockEmitter.CPU + ";)I", 16, BlockEmitter.LOCALS);
        BlockEmitter e = new BlockEmitter(code);
        e.cpu();
        code.field(Opcodes.GETFIELD, BlockEmitter.CPU, "reg", "[I");
        code.local(Opcodes.ASTORE, BlockEmitter.REGS);
        e.constant(0).store(BlockEmitter.INDEX);
        int from = code.position();
        Op[] ops = b.ops;
        for (int i = 0; i < ops.length; i++) {
            e.constant(i).store(BlockEmitter.INDEX);
            if (!ops[i].emit(e)) {
                return null;
            }
            if (e.accessedMemory() && i < ops.length - 1) {
                Label next = e.label();
                e.cpu();
                code.field(Opcodes.GETFIELD, BlockEmitter.CPU, "blockEnded", "Z");
                e.jump(Opcodes.IFEQ, next).constant(i + 1).op(Opcodes.IRETURN).place(next);
            }
        }
        int to = code.position();
        e.constant(ops.length).op(Opcodes.IRETURN);
        int handler = code.position();
        // The fault is on the stack: record the op, rethrow it.
        e.cpu().load(BlockEmitter.INDEX);
        code.field(Opcodes.PUTFIELD, BlockEmitter.CPU, "faultOp", "I");
        code.op(Opcodes.ATHROW);
        if (to > from) {
            code.handler(from, to, handler, "dev/vivarium/x86/cpu/CpuFault");
        }
        if (code.length() > MAX_CODE) {
            return null;
        }
        return cf.toBytes();
    }

    /**
     * Defines the class and makes its one instance. Reflection, not a method handle, makes it:
     * for a class used once, its native accessor is the cheaper (a handle spins code on first
     * use: the first 64 blocks of a JVM took 200 ms to compile that way, 60 ms this way).
     */
    private static CompiledBlock define(byte[] bytes) {
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (CompiledBlock) hidden.lookupClass().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not define a compiled block", e);
        }
    }
}
