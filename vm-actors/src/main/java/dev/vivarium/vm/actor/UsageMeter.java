package dev.vivarium.vm.actor;

/** Counts what a VM did between two reports to its host's scheduler. */
final class UsageMeter {
    private long instructions;
    private long runNanos;
    private long readyNanos;
    private long since = System.nanoTime();

    void ran(long executed, long nanos) {
        instructions += executed;
        runNanos += nanos;
    }

    void ready(long nanos) {
        readyNanos += nanos;
    }

    /** The report since the previous one; the counters start again from zero. */
    VmUsage report(String vm, boolean creditLimited, long memoryBytes, long dirtyPages, boolean paused) {
        long now = System.nanoTime();
        VmUsage usage = new VmUsage(vm, now - since, instructions, runNanos, readyNanos, creditLimited, memoryBytes, dirtyPages, paused);
        instructions = 0;
        runNanos = 0;
        readyNanos = 0;
        since = now;
        return usage;
    }
}
