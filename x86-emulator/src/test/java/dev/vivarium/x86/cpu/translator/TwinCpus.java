package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.bus.IoPorts;
import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.memory.GuestMemory;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Two CPUs on two separate memories that start in the same state: one runs decoded blocks,
 * the other only the interpreter. {@link #lockstep} gives both the same sequence of run
 * budgets and compares the complete architectural state, and the bytes of the memory the
 * guest can touch, after every slice; the first difference fails with what it takes to replay it.
 */
final class TwinCpus {

    static final int RAM = 8 << 20;
    /** Index of the CPU that runs blocks, and of the one that only interprets. */
    static final int BLOCKS = 0, INTERPRETER = 1;

    final GuestMemory[] memory = {new GuestMemory(RAM), new GuestMemory(RAM)};
    final TestLine[] lines = {new TestLine(), new TestLine()};
    final Cpu[] cpus = new Cpu[2];
    /** The physical range compared after every slice. */
    private final int compareFrom, compareLength;

    TwinCpus(int compareFrom, int compareLength) {
        this.compareFrom = compareFrom;
        this.compareLength = compareLength;
        for (int i = 0; i < 2; i++) {
            cpus[i] = new Cpu(memory[i], PORTS, lines[i]);
            cpus[i].setBlocksEnabled(i == BLOCKS);
            cpus[i].setBlocksAfter(0); // blocks from the first instruction, not only once a guest computes
            cpus[i].blockEngine().setCompileAfter(0); // and every block compiled to bytecode before its first run,
            cpus[i].blockEngine().setRegionsTakeColdBlocks(true); // into a region with every block it reaches
        }
    }

    Cpu blocks() {
        return cpus[BLOCKS];
    }

    Cpu interpreter() {
        return cpus[INTERPRETER];
    }

    /** Does the same to both CPUs. */
    void both(Consumer<Cpu> action) {
        action.accept(cpus[0]);
        action.accept(cpus[1]);
    }

    void load(int address, byte[] bytes) {
        memory[0].load(address, bytes);
        memory[1].load(address, bytes);
    }

    void writeDword(int address, int value) {
        memory[0].writeDword(address, value);
        memory[1].writeDword(address, value);
    }

    int readDword(int cpu, int address) {
        return memory[cpu].readDword(address);
    }

    /** Raises the external interrupt line of both CPUs with {@code vector}. */
    void raise(int vector) {
        lines[0].vector = vector;
        lines[1].vector = vector;
    }

    /** Called between slices, the same for both CPUs: raise an interrupt, say. */
    interface BetweenSlices {
        void at(int slice, SplittableRandom random);
    }

    /**
     * Runs both CPUs in the same slices (1 to {@code maxSlice} instructions, drawn from
     * {@code seed}) until the interpreter has run {@code instructions} or stops (HLT,
     * shutdown), comparing after every slice. Returns the number of slices.
     */
    int lockstep(String what, long seed, long instructions, int maxSlice, BetweenSlices between) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
        compare(what, seed, -1, 0);
        int slice = 0;
        while (interpreter().instructions() < instructions) {
            between.at(slice, random);
            long n = switch (random.nextInt(3)) {
                case 0 -> 1 + random.nextInt(16);
                case 1 -> 1 + random.nextInt(Math.min(300, maxSlice));
                default -> 1 + random.nextInt(maxSlice);
            };
            Cpu.Exit a = blocks().run(n);
            Cpu.Exit b = interpreter().run(n);
            if (a != b) {
                throw new AssertionError(describe(what, seed, slice, n) + ": exits differ, blocks " + a + ", interpreter " + b);
            }
            compare(what, seed, slice, n);
            slice++;
            if (b != Cpu.Exit.BUDGET) {
                break;
            }
        }
        if (interpreter().instructions() >= 10_000 && blocks().blockInstructions() == 0) {
            throw new AssertionError(what + ", seed " + seed + ": the block CPU ran no block, so nothing was compared");
        }
        BlockCompiler compiler = blocks().blockEngine().compiler();
        if (blocks().blockInstructions() > 0 && (compiler.compiledBlocks() == 0 || compiler.failedBlocks() > 0)) {
            throw new AssertionError(what + ", seed " + seed + ": blocks compiled " + compiler.compiledBlocks()
                    + ", not compiled " + compiler.failedBlocks() + ": the ops did not all run as bytecode");
        }
        return slice;
    }

    int lockstep(String what, long seed, long instructions, int maxSlice) {
        return lockstep(what, seed, instructions, maxSlice, (slice, random) -> {
        });
    }

    private String describe(String what, long seed, int slice, long n) {
        Cpu c = interpreter();
        int linear = c.segmentBase(Cpu.CS) + c.eip();
        StringBuilder bytes = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            bytes.append(String.format("%02x ", memory[INTERPRETER].readByte(linear + i)));
        }
        return String.format("%s, seed %d, slice %d (of %d instructions): interpreter at EIP %08x [%s] after %d instructions",
                what, seed, slice, n, c.eip(), bytes.toString().trim(), c.instructions());
    }

    private void compare(String what, long seed, int slice, long n) {
        String a = state(blocks());
        String b = state(interpreter());
        if (!a.equals(b)) {
            throw new AssertionError(describe(what, seed, slice, n) + ": CPU states differ\n  blocks:      " + a
                    + "\n  interpreter: " + b);
        }
        byte[] pa = new byte[GuestMemory.PAGE_SIZE], pb = new byte[GuestMemory.PAGE_SIZE];
        for (int pn = compareFrom >>> 12; pn < (compareFrom + compareLength) >>> 12; pn++) {
            if (page(BLOCKS, pn, pa) | page(INTERPRETER, pn, pb) && !Arrays.equals(pa, pb)) {
                int i = Arrays.mismatch(pa, pb);
                throw new AssertionError(describe(what, seed, slice, n) + String.format(
                        ": memory differs first at %08x: blocks %02x, interpreter %02x", pn << 12 | i, pa[i], pb[i]));
            }
        }
    }

    /** Copies page {@code pn} of one CPU's memory into {@code into} (zeros if never written); false if it reads as zero. */
    private boolean page(int cpu, int pn, byte[] into) {
        if (memory[cpu].copyPage(pn, into)) {
            return true;
        }
        Arrays.fill(into, (byte) 0);
        return false;
    }

    /** Everything architectural a program or handler can observe, with EFLAGS evaluated from the lazy flags. */
    static String state(Cpu c) {
        StringBuilder s = new StringBuilder();
        for (int r = Cpu.EAX; r <= Cpu.EDI; r++) {
            s.append(String.format("%08x ", c.reg(r)));
        }
        s.append(String.format("eip %08x eflags %08x", c.eip(), c.eflags()));
        for (int seg = 0; seg < 6; seg++) {
            s.append(String.format(" s%d %x/%x/%x/%x", seg, c.segmentSelector(seg), c.segmentBase(seg),
                    c.segmentLimit(seg), c.segmentAttributes(seg)));
        }
        s.append(String.format(" cr0 %x cr2 %x cr3 %x cr4 %x cpl %d halted %b shutdown %b icount %d", c.cr(0), c.cr(2),
                c.cr(3), c.cr(4), c.cpl(), c.halted(), c.isShutdown(), c.instructions()));
        var fpu = c.fpu();
        s.append(String.format(" fpu cw %x sw %x tw %x", fpu.controlWord(), fpu.statusWord(), fpu.tagWord()));
        for (int i = 0; i < 8; i++) {
            s.append(String.format(" st%d %04x:%016x", i, fpu.stSignExponent(i), fpu.stSignificand(i)));
        }
        return s.toString();
    }

    /** Ports that read as a fixed function of the port and ignore writes: the same for both CPUs. */
    private static final IoPorts PORTS = new IoPorts() {
        @Override
        public int in(int port, int size) {
            int v = port * 0x01010101;
            return size == 4 ? v : v & ((1 << (size * 8)) - 1);
        }

        @Override
        public void out(int port, int size, int value) {
        }
    };

    /** An interrupt line the test raises between slices; the CPU's acknowledge lowers it. */
    static final class TestLine implements InterruptLine {
        int vector = -1;
        int acknowledged;

        @Override
        public boolean pending() {
            return vector >= 0;
        }

        @Override
        public int acknowledge() {
            if (vector < 0) {
                throw new IllegalStateException("acknowledge without a pending interrupt");
            }
            int v = vector;
            vector = -1;
            acknowledged++;
            return v;
        }
    }
}
