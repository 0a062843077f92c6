package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.bus.PhysicalMemory;
import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.cpu.CpuFault;

/**
 * The translating core's face towards the interpreter ({@link Cpu}): it runs the decoded blocks
 * starting at EIP, one after the other, for as long as each fits in the instructions left in the
 * slice, compiling a block to bytecode once it is hot. The CPU calls it only where nothing must
 * be looked at between two instructions (no single-step trap, no interrupt shadow, 32-bit code).
 */
public final class BlockEngine {

    /**
     * Runs of a block after which it is compiled to JVM bytecode ({@link BlockCompiler}). A
     * compile costs some 100-200 us, and the new method then runs in the JVM's interpreter and
     * its first JIT tiers for thousands of runs before it beats the ops; so only blocks that
     * run far more are worth it. At 64 the many warm blocks of the compile guest made it 18%
     * slower (AlternatingMips); at 1000 it is faster, and unpack gains as much as at 64.
     * {@code -Dvivarium.x86.compileAfter=N} sets it; 0 compiles every block before its first run.
     */
    static final int COMPILE_AFTER = Integer.getInteger("vivarium.x86.compileAfter", 1000);

    private final Cpu cpu;
    private final BlockCache cache;
    private final BlockCompiler compiler = new BlockCompiler();
    private int compileAfter = COMPILE_AFTER;
    /** Instructions run as ops of blocks, in all. */
    private long instructions;
    /** Instructions a {@link #run} that ended in a fault retired, the faulting one included. */
    private long retiredBeforeFault;

    public BlockEngine(Cpu cpu, PhysicalMemory memory) {
        this.cpu = cpu;
        this.cache = new BlockCache(cpu, memory);
    }

    /**
     * Runs blocks from EIP while the next one fits in {@code budget} instructions and returns
     * the instructions they retired; 0 when no block fits at EIP (the interpreter runs the next
     * instruction). No interrupt check is needed between blocks: a block does no I/O and changes
     * neither IF nor TF, so nothing can have become pending since the caller's check. A write to
     * decoded code or a stop request returns early. A fault inside a block puts EIP on the
     * faulting instruction and propagates; {@link #retiredBeforeFault} then tells how many
     * instructions that run retired, the faulting one included.
     */
    public long run(long budget) {
        long done = 0;
        try {
            Block block = find();
            while (fits(block, budget - done)) {
                done += runBlock(block);
                if (cpu.blockEnded) {
                    break;
                }
                block = find();
            }
        } catch (CpuFault f) {
            retiredBeforeFault += done;
            throw f;
        }
        return done;
    }

    /** After a {@link #run} that ended in a fault: the instructions it retired, the faulting one included. */
    public long retiredBeforeFault() {
        return retiredBeforeFault;
    }

    /** Of the CPU's instructions, those run as ops of decoded blocks. */
    public long instructions() {
        return instructions;
    }

    /** Drops every block: the CPU went idle, and idle code runs in the interpreter. */
    public void clear() {
        cache.clear();
    }

    /** Tests: compile a block to bytecode after it ran this many times instead of {@link #COMPILE_AFTER} (0: at once). */
    void setCompileAfter(int runs) {
        compileAfter = runs;
    }

    /** The engine's block compiler, for its counts. */
    BlockCompiler compiler() {
        return compiler;
    }

    private Block find() {
        return cache.find(cpu.eip, cpu.segmentBase(Cpu.CS) + cpu.eip, cpu.segmentLimit(Cpu.CS));
    }

    private static boolean fits(Block block, long budget) {
        return block != null && block.length() > 0 && budget >= block.length();
    }

    /**
     * Runs a decoded block and returns the instructions it retired: each op counts as one, a
     * fault puts EIP back on the faulting instruction (and propagates, to be delivered as the
     * interpreter delivers it), and a block whose code was written while it ran stops after the
     * writing instruction ({@link Cpu#blockEnded}).
     */
    private int runBlock(Block b) {
        CompiledBlock compiled = b.compiled;
        if (compiled == null && b.runs++ >= compileAfter && !b.uncompilable) {
            compiled = b.compiled = compiler.compile(b);
            b.uncompilable = compiled == null;
        }
        int n = b.ops.length;
        Cpu c = cpu;
        c.blockEnded = false;
        c.enterFetchWindow(b.eip, b.linear, b.physicalAddress, b.page);
        int i = 0;
        try {
            if (compiled != null) {
                i = compiled.run(c);
            } else {
                Op[] ops = b.ops;
                do {
                    ops[i].exec(c);
                    i++;
                } while (i < n && !c.blockEnded);
            }
        } catch (CpuFault f) {
            if (compiled != null) {
                i = c.faultOp;
            }
            instructions += i; // the ops before the faulting one ran; the fault counts as the interpreter's
            retiredBeforeFault = i + 1;
            c.eip = b.starts[i];
            throw f;
        }
        instructions += i;
        if (i < n || !b.endsWithTransfer) {
            c.eip = b.starts[i];
        }
        return i;
    }
}
