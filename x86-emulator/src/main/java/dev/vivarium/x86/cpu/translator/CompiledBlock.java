package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;

/**
 * A {@link Region} compiled by {@link BlockCompiler} into one JVM method that runs its ops in
 * straight-line bytecode, with jumps between its blocks, so the JIT sees whole blocks and loops
 * at once: it inlines the CPU helpers every op calls, keeps the guest registers in host
 * registers and optimises across instructions (lazy-flag stores that the next op overwrites).
 */
abstract class CompiledBlock {

    /**
     * Runs the region from its first block, block after block while each fits in
     * {@code budget} instructions, and returns the instructions retired, with EIP on the next
     * one: the region left (a transfer out of it, the budget, or an op that set
     * {@link Cpu#blockEnded}: its code was written, or a stop was requested). Returns -1, having
     * changed nothing, when the region cannot run here (a 16-bit stack, a CS limit below its
     * code): its ops run instead. A {@link dev.vivarium.x86.cpu.CpuFault} leaves with the guest
     * registers stored, {@link Cpu#faultOp} = the index of the faulting op in the region and
     * {@link Cpu#faultDone} = the instructions counted through the end of its block.
     */
    abstract int run(Cpu c, int budget);
}
