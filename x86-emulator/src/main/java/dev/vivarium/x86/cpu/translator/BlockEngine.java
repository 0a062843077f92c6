package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.bus.PhysicalMemory;
import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.cpu.CpuFault;

/**
 * The translating core's face towards the interpreter ({@link Cpu}): it runs the decoded blocks
 * starting at EIP, one after the other, for as long as each fits in the instructions left in the
 * slice, and compiles a block that has become hot, with the warm blocks it reaches, into a
 * {@link Region} of bytecode. The CPU calls it only where nothing must be looked at between two
 * instructions (no single-step trap, no interrupt shadow, 32-bit code).
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
    /** Runs through the dispatcher a block needs to be taken into a region (1: it ran at all; 0: every block reached). */
    private int warmAfter = 1;
    /** Instructions run as ops of blocks or in regions, in all. */
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
                done += runBlock(block, budget - done);
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

    /** Of the CPU's instructions, those run as ops of decoded blocks or in compiled regions. */
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

    /** Tests: take every block a region's head reaches into the region, run before or not, so regions are as big as they get. */
    void setRegionsTakeColdBlocks(boolean cold) {
        warmAfter = cold ? 0 : 1;
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
     * Runs the region a block heads, or the block's ops: returns the instructions retired,
     * with EIP on the next one. A fault puts EIP back on the faulting instruction (and
     * propagates, to be delivered as the interpreter delivers it); a write to decoded code ends
     * the run after the writing instruction ({@link Cpu#blockEnded}).
     */
    private int runBlock(Block b, long budget) {
        Region region = b.region;
        if (region == null && b.runs++ >= compileAfter && !b.uncompilable) {
            region = b.region = compiler.compile(b, eip -> warmBlock(b, eip));
            b.uncompilable = region == null;
        }
        Cpu c = cpu;
        c.blockEnded = false;
        c.enterFetchWindow(b.eip, b.linear, b.physicalAddress, b.page);
        if (region != null) {
            int ran;
            try {
                ran = region.compiled.run(c, (int) Math.min(budget, Integer.MAX_VALUE));
            } catch (CpuFault f) {
                int k = c.faultOp;
                int retired = c.faultDone - region.opRemaining[k];
                instructions += retired;
                retiredBeforeFault = retired + 1; // the fault counts as the interpreter's
                c.eip = region.opEip[k];
                throw f;
            }
            if (ran >= 0) {
                instructions += ran;
                return ran;
            }
            // The region cannot run here (a 16-bit stack, say): the block's ops can.
        }
        return runOps(b);
    }

    /** Runs a block op by op. */
    private int runOps(Block b) {
        Cpu c = cpu;
        int n = b.ops.length;
        int i = 0;
        try {
            Op[] ops = b.ops;
            do {
                ops[i].exec(c);
                i++;
            } while (i < n && !c.blockEnded);
        } catch (CpuFault f) {
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

    /**
     * A block for the region {@code head} heads: the one at {@code eip} if it is on the head's
     * page, within CS's limit, not empty and has run (a block never entered is cold: the region
     * leaves it to the dispatcher).
     */
    private Block warmBlock(Block head, int eip) {
        int linear = head.linear + (eip - head.eip);
        if (((linear ^ head.linear) & ~0xFFF) != 0) {
            return null;
        }
        int physical = (head.physicalAddress & ~0xFFF) | (linear & 0xFFF);
        Block b = cache.find(eip, linear, physical, cpu.segmentLimit(Cpu.CS));
        return b != null && b.length() > 0 && b.runs >= warmAfter && b.pageNumber == head.pageNumber ? b : null;
    }
}
