package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Code;
import dev.vivarium.x86.cpu.translator.ClassFileWriter.Label;

import java.lang.invoke.MethodHandles;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.vivarium.x86.cpu.translator.BlockEmitter.BUDGET;
import static dev.vivarium.x86.cpu.translator.BlockEmitter.C;
import static dev.vivarium.x86.cpu.translator.BlockEmitter.DONE;
import static dev.vivarium.x86.cpu.translator.BlockEmitter.EXIT_EIP;
import static dev.vivarium.x86.cpu.translator.BlockEmitter.INDEX;
import static dev.vivarium.x86.cpu.translator.BlockEmitter.REGS;
import static dev.vivarium.x86.cpu.translator.Opcodes.*;

/**
 * Compiles a hot {@link Block}, with the warm blocks it reaches on its page, into a
 * {@link Region}: one hidden class whose {@code run(Cpu, budget)} runs the blocks' ops as
 * straight-line bytecode, with a jump wherever one block transfers to another of the region.
 *
 * <p>The generated method:
 * <pre>
 *   if (!c.stack32() || lastByte above CS's limit) return -1         (run as ops instead)
 *   regs = c.reg; r0..r7 = regs[0..7]; done = 0
 * block j:                                        (a label: jumps of the region land here)
 *   if (done + n_j > budget) exit(start of block j); done += n_j
 *   index = k; &lt;op k&gt;                            (each op; k counts the region's ops)
 *   if (c.blockEnded) { done -= ops after k; exit(EIP after op k) }   (after an op that accessed memory)
 *   ... the last op (or the fall to the next EIP) jumps to a block of the region, or exits
 * exit: regs[0..7] = r0..r7; c.eip = exitEip; return done
 * handler (CpuFault, around all ops): regs[0..7] = r0..r7; c.faultOp = index; c.faultDone = done; rethrow
 * </pre>
 * The index of the running op and the count are locals rather than fields: a store of a
 * constant to a local costs nothing in JIT-compiled code (it only feeds the handler's state),
 * whereas a field store per op would be a real memory write. The ops change no register before
 * their last possible fault, so the registers the handler stores are those before the faulting
 * op; {@link BlockEngine} puts EIP on it and delivers the fault as for interpreted ops.
 *
 * <p>The class is hidden and defined in this package, so it reaches the package-private helpers
 * of the op classes. CPUs that compile a region to the same bytes share one class
 * ({@link CompiledBlockCache}); it is unloaded once no block uses it and the cache let it go.
 */
final class BlockCompiler {

    /** Above this many bytes of bytecode HotSpot does not JIT-compile a method (HugeMethodLimit). */
    private static final int MAX_CODE = Integer.getInteger("vivarium.x86.regionBytes", 7_900);
    /** Blocks in a region at most. */
    static final int MAX_BLOCKS = Integer.getInteger("vivarium.x86.regionBlocks", 48);
    private static final String NAME = "dev/vivarium/x86/cpu/translator/CompiledBlock$Code";
    private static final String BASE = "dev/vivarium/x86/cpu/translator/CompiledBlock";

    private long compiled, failed, nanos;

    /** Finds the block at an EIP of the head's page (decoding it if need be), for {@link #compile}. */
    interface Blocks {
        /** The block at {@code eip} on the head's page, or null when there is none or it is not worth including. */
        Block at(int eip);
    }

    /**
     * The region of {@code head} and the warm blocks it reaches, compiled; null when even the
     * head alone has an op without a bytecode form or is too big.
     */
    Region compile(Block head, Blocks blocks) {
        long start = System.nanoTime();
        List<Block> members = gather(head, blocks);
        Region result = null;
        while (result == null && !members.isEmpty()) {
            byte[] bytes = generate(members);
            if (bytes != null) {
                result = new Region(members, CompiledBlockCache.get(bytes, BlockCompiler::define));
            } else if (members.size() == 1) {
                break;
            } else {
                members = members.subList(0, members.size() / 2); // too big: the head and the nearer half
            }
        }
        nanos += System.nanoTime() - start;
        if (result == null) {
            failed++;
        } else {
            compiled++;
        }
        return result;
    }

    /** The head, then the blocks reachable from it in breadth-first order (nearer ones first), at most {@link #MAX_BLOCKS}. */
    private static List<Block> gather(Block head, Blocks blocks) {
        List<Block> members = new ArrayList<>();
        Map<Integer, Block> seen = new HashMap<>();
        ArrayDeque<Block> queue = new ArrayDeque<>();
        members.add(head);
        seen.put(head.eip, head);
        queue.add(head);
        while (!queue.isEmpty() && members.size() < MAX_BLOCKS) {
            Block b = queue.poll();
            for (int next : successors(b)) {
                if (members.size() >= MAX_BLOCKS || seen.containsKey(next)) {
                    continue;
                }
                Block s = blocks.at(next);
                seen.put(next, s);
                if (s != null) {
                    members.add(s);
                    queue.add(s);
                }
            }
        }
        return members;
    }

    /** Where a block may go next without an indirect transfer: its direct targets, the return site of a call, or the EIP after it. */
    static int[] successors(Block b) {
        if (b.length() == 0) {
            return new int[0];
        }
        Op last = b.ops[b.length() - 1];
        return last.transfersControl() ? last.successors() : new int[]{b.starts[b.length()]};
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

    /** The class bytes of a region of these blocks (the first the entry), or null when an op has no bytecode form or it is too big. */
    static byte[] generate(List<Block> blocks) {
        ClassFileWriter cf = new ClassFileWriter(NAME, BASE);
        Code init = cf.method(0, "<init>", "()V", 1, 1);
        init.local(ALOAD, 0);
        init.invoke(INVOKESPECIAL, BASE, "<init>", "()V");
        init.op(RETURN);

        Code code = cf.method(0, "run", "(L" + BlockEmitter.CPU + ";I)I", 16, BlockEmitter.LOCALS);
        Labels labels = new Labels(blocks);
        BlockEmitter e = new BlockEmitter(code, labels);

        // Entry: the stack must be 32-bit and every byte of the region within CS's limit.
        Label bail = e.label();
        e.cpu().call("stack32", "()Z").jump(IFEQ, bail);
        int lastByte = new Region(blocks, null).lastByte;
        e.constant(lastByte).cpu();
        code.field(GETFIELD, BlockEmitter.CPU, "segLimit", "[I");
        e.constant(Cpu.CS).op(IALOAD);
        code.invoke(INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I");
        e.jump(IFGT, bail);
        e.cpu();
        code.field(GETFIELD, BlockEmitter.CPU, "reg", "[I");
        code.local(ASTORE, REGS);
        e.reload();
        e.constant(0).store(DONE).constant(0).store(INDEX).constant(0).store(EXIT_EIP);
        e.constant(0).store(BlockEmitter.FLAG_A).constant(0).store(BlockEmitter.FLAG_B).constant(0).store(BlockEmitter.FLAG_R);

        int from = code.position();
        int k = 0;
        for (int j = 0; j < blocks.size(); j++) {
            Block b = blocks.get(j);
            int n = b.length();
            e.place(labels.labels[j]);
            e.unknownFlags(); // reached from other blocks too
            Label fits = e.label();
            e.load(DONE).constant(n).op(IADD).load(BUDGET).jump(IF_ICMPLE, fits).exitTo(b.eip).place(fits);
            e.iinc(DONE, n);
            e.accessedMemory();
            for (int i = 0; i < n; i++, k++) {
                e.constant(k).store(INDEX);
                if (!b.ops[i].emit(e)) {
                    return null;
                }
                boolean memory = e.accessedMemory();
                if (b.ops[i].transfersControl()) {
                    continue; // it ended with a jump
                }
                if (i == n - 1) {
                    if (memory) {
                        Label on = e.label(); // the op is complete: an early end goes out at the next EIP
                        e.blockEnded().jump(IFEQ, on).exitTo(b.starts[n]).place(on);
                    }
                    e.jump(b.starts[n]);
                } else if (memory) {
                    Label on = e.label();
                    e.blockEnded().jump(IFEQ, on);
                    e.iinc(DONE, -(n - i - 1)).exitTo(b.starts[i + 1]).place(on);
                }
            }
        }
        int to = code.position();

        e.place(e.exit).spill().cpu().load(EXIT_EIP);
        code.field(PUTFIELD, BlockEmitter.CPU, "eip", "I");
        e.load(DONE).op(IRETURN);
        e.place(bail).constant(-1).op(IRETURN);

        int handler = code.position();
        // The fault is on the stack: store the registers, record the op and the count, rethrow it.
        e.spill();
        e.cpu().load(INDEX);
        code.field(PUTFIELD, BlockEmitter.CPU, "faultOp", "I");
        e.cpu().load(DONE);
        code.field(PUTFIELD, BlockEmitter.CPU, "faultDone", "I");
        code.op(ATHROW);
        code.handler(from, to, handler, "dev/vivarium/x86/cpu/CpuFault");
        if (code.length() > MAX_CODE) {
            return null;
        }
        return cf.toBytes();
    }

    /** The labels of the blocks of a region being generated. */
    private static final class Labels implements BlockEmitter.RegionLabels {
        final Label[] labels;
        private final Map<Integer, Label> byEip = new HashMap<>();
        private final int[] starts;
        private final Label[] sorted;

        Labels(List<Block> blocks) {
            labels = new Label[blocks.size()];
            for (int j = 0; j < labels.length; j++) {
                labels[j] = new Label();
                byEip.put(blocks.get(j).eip, labels[j]);
            }
            starts = byEip.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            sorted = Arrays.stream(starts).mapToObj(byEip::get).toArray(Label[]::new);
        }

        @Override
        public Label at(int eip) {
            return byEip.get(eip);
        }

        @Override
        public int[] starts() {
            return starts;
        }

        @Override
        public Label[] startLabels() {
            return sorted;
        }
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
