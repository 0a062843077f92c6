package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;

/**
 * A {@link Block} compiled by {@link BlockCompiler} into one JVM method that runs its ops in
 * straight-line bytecode, so the JIT sees the whole block at once: it inlines the CPU helpers
 * every op calls and optimises across instructions (a register read again by the next op,
 * lazy-flag stores that the next op overwrites).
 */
abstract class CompiledBlock {

    /**
     * Runs the block's ops from the first and returns how many completed: all of them, or
     * fewer when an op set {@link Cpu#blockEnded} (its code was written, or a stop was
     * requested), after which nothing more runs. An op that raises a {@link CpuFault} first
     * stores its index in {@link Cpu#faultOp}, then the fault propagates.
     */
    abstract int run(Cpu c);
}
