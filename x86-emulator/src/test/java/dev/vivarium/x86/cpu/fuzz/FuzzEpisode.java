package dev.vivarium.x86.cpu.fuzz;

import dev.vivarium.x86.cpu.Cpu;

import java.util.SplittableRandom;

/**
 * One deterministic fuzzing episode: a machine in a mode, run for a number of instructions in
 * slices, with the invariants checked after every slice. A triple fault (shutdown) restarts
 * the mode; a HLT is either woken or restarted. Everything is a function of the seed, so an
 * episode replays exactly, which is how a failure is narrowed to one instruction.
 */
final class FuzzEpisode {

    /** Where and why an episode failed. */
    record Failure(long seed, FuzzMode mode, long slice, long instruction, String reason, String where) {
        @Override
        public String toString() {
            return mode + " seed " + seed + ", slice " + slice + ", after instruction " + instruction + ": "
                    + reason + "\n  " + where;
        }
    }

    /** How long each run() call may go. */
    interface Slicing {
        int next(SplittableRandom random);

        /** Mostly full slices, some short ones to stop REP loops and HLTs at odd points. */
        Slicing MIXED = random -> random.nextInt(8) == 0 ? 1 + random.nextInt(64) : 10_000;
        /** One instruction (or REP iteration) per call: the finest grain, for narrowing a failure. */
        Slicing SINGLE = random -> 1;
    }

    /** What an episode did, so a test can tell the fuzzing reached the places it should. */
    static final class Stats {
        long instructions, slices, restarts, halts, protectedSlices, pagingSlices;
        final long[] slicesAtCpl = new long[4];

        void add(Stats o) {
            instructions += o.instructions;
            slices += o.slices;
            restarts += o.restarts;
            halts += o.halts;
            protectedSlices += o.protectedSlices;
            pagingSlices += o.pagingSlices;
            for (int i = 0; i < 4; i++) {
                slicesAtCpl[i] += o.slicesAtCpl[i];
            }
        }

        @Override
        public String toString() {
            return instructions + " instructions in " + slices + " slices (" + protectedSlices + " ended in protected mode, "
                    + pagingSlices + " with paging, by CPL " + java.util.Arrays.toString(slicesAtCpl) + "), "
                    + restarts + " restarts after shutdown or HLT, " + halts + " HLTs";
        }
    }

    final Stats stats = new Stats();
    /** The machine after {@link #run}, for comparing final states. */
    FuzzMachine machine;

    /** Progress, readable from another thread when the episode hangs. */
    volatile String progress = "not started";

    private final FuzzMode mode;
    private final long seed;

    FuzzEpisode(FuzzMode mode, long seed) {
        this.mode = mode;
        this.seed = seed;
    }

    /** Runs up to {@code instructions} instructions; returns the first failure, or null. */
    Failure run(long instructions, Slicing slicing) {
        FuzzMachine machine = new FuzzMachine(mode, seed);
        this.machine = machine;
        SplittableRandom sizes = new SplittableRandom(~seed);
        SplittableRandom halts = new SplittableRandom(seed * 31);
        Cpu cpu = machine.cpu;
        try {
            machine.start();
        } catch (Throwable t) {
            return new Failure(seed, mode, 0, 0, "setup failed: " + stackTrace(t), where(machine));
        }
        long start = cpu.instructions();
        boolean realCaches = mode == FuzzMode.REAL && slicing == Slicing.SINGLE;
        long slice = 0;
        while (cpu.instructions() - start < instructions) {
            slice++;
            int budget = (int) Math.min(slicing.next(sizes), instructions - (cpu.instructions() - start));
            long before = cpu.instructions();
            String at = where(machine);
            progress = "slice " + slice + " (budget " + budget + ") from " + at;
            Cpu.Exit exit;
            try {
                exit = cpu.run(budget);
            } catch (Throwable t) {
                return new Failure(seed, mode, slice, before, "run() threw " + stackTrace(t), "slice began " + at);
            }
            long used = cpu.instructions() - before;
            String broken = used < 0 || used > budget ? "run(" + budget + ") retired " + used + " instructions"
                    : exit == Cpu.Exit.BUDGET && used != budget ? "BUDGET exit after " + used + " of " + budget
                    : CpuInvariants.violation(cpu, exit, realCaches);
            if (broken != null) {
                return new Failure(seed, mode, slice, cpu.instructions() - start, broken,
                        "slice began " + at + "; now " + where(machine));
            }
            stats.slices++;
            stats.slicesAtCpl[cpu.cpl()]++;
            if ((cpu.cr(0) & 1) != 0) {
                realCaches = false;
                stats.protectedSlices++;
                stats.pagingSlices += cpu.cr(0) < 0 ? 1 : 0;
            }
            stats.halts += exit == Cpu.Exit.HALT ? 1 : 0;
            if (exit == Cpu.Exit.SHUTDOWN || (exit == Cpu.Exit.HALT && halts.nextBoolean())) {
                stats.restarts++;
                try {
                    machine.start();
                } catch (Throwable t) {
                    return new Failure(seed, mode, slice, cpu.instructions() - start,
                            "restart failed: " + stackTrace(t), where(machine));
                }
                realCaches = mode == FuzzMode.REAL && slicing == Slicing.SINGLE;
            } else if (exit == Cpu.Exit.HALT) {
                cpu.wake();
            }
        }
        stats.instructions = cpu.instructions() - start;
        return null;
    }

    /** CS:EIP, the CPU mode and the 16 bytes there (read through the page tables when paging is on). */
    static String where(FuzzMachine machine) {
        Cpu cpu = machine.cpu;
        int linear = cpu.segmentBase(Cpu.CS) + cpu.eip();
        StringBuilder s = new StringBuilder();
        s.append(String.format("CS:EIP %04x:%08x (linear %08x) CPL %d CR0 %08x EFLAGS %08x bytes", cpu.segmentSelector(Cpu.CS),
                cpu.eip(), linear, cpu.cpl(), cpu.cr(0), cpu.eflags()));
        for (int i = 0; i < 16; i++) {
            int physical = physical(machine, linear + i);
            s.append(physical == -1 ? " --" : String.format(" %02x", machine.memory.readByte(physical)));
        }
        return s.toString();
    }

    /** The physical address of a linear one, or -1 when it is not mapped. */
    private static int physical(FuzzMachine machine, int linear) {
        int cr0 = machine.cpu.cr(0);
        if (cr0 >= 0 || (cr0 & 1) == 0) {
            return linear;
        }
        FuzzMemory memory = machine.memory;
        int pde = memory.readDword((machine.cpu.cr(3) & ~0xFFF) + (linear >>> 22) * 4);
        if ((pde & 1) == 0) {
            return -1;
        }
        int pte = memory.readDword((pde & ~0xFFF) + (linear >>> 12 & 0x3FF) * 4);
        return (pte & 1) == 0 ? -1 : (pte & ~0xFFF) | (linear & 0xFFF);
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
