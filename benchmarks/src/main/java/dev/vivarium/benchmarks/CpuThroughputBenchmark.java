package dev.vivarium.benchmarks;

import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.bus.IoPorts;
import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.memory.GuestMemory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Raw interpreter throughput: one operation is one retired guest instruction (a REP iteration
 * counts as one), so the score in ops/s is instructions per second; divide by 10^6 for MIPS.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class CpuThroughputBenchmark {

    /** Instructions per benchmark call: long enough that the call overhead vanishes. */
    static final int SLICE = 100_000;

    private static final int CODE = 0x1000, TABLE = 0x100000, STACK_TOP = 0x80000;
    private static final int CR0_PE = 1, CR0_ET = 0x10;

    /** A CPU running one of the {@link GuestLoops}; checks after each iteration that it still loops. */
    @State(Scope.Thread)
    public abstract static class Machine {
        /** The board's own RAM, so the CPU decodes blocks from it as it does in a machine. */
        final GuestMemory memory = new GuestMemory(4 << 20);
        final Cpu cpu = new Cpu(memory, IoPorts.NONE, InterruptLine.NONE);
        private int loopStart, loopEnd;

        void load(int linear, int[] code) {
            byte[] bytes = new byte[code.length];
            for (int i = 0; i < code.length; i++) {
                bytes[i] = (byte) code[i];
            }
            memory.load(linear, bytes);
            loopStart = linear;
            loopEnd = linear + code.length;
        }

        void flat32() {
            cpu.setCr(0, CR0_PE | CR0_ET);
            cpu.loadSegmentCache(Cpu.CS, 0x08, 0, -1, 0xC09B);
            for (int seg : new int[]{Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) {
                cpu.loadSegmentCache(seg, 0x10, 0, -1, 0xC093);
            }
            cpu.setReg(Cpu.ESP, STACK_TOP);
            cpu.setEip(CODE);
        }

        @TearDown(Level.Iteration)
        public void stillLooping() {
            int linear = cpu.segmentBase(Cpu.CS) + cpu.eip();
            if (cpu.halted() || cpu.isShutdown() || linear < loopStart || linear >= loopEnd) {
                throw new IllegalStateException("the guest loop escaped: CS:EIP "
                        + Integer.toHexString(cpu.segmentSelector(Cpu.CS)) + ":" + Integer.toHexString(cpu.eip()));
            }
        }
    }

    public static class Flat32 extends Machine {
        @Setup(Level.Trial)
        public void setUp() {
            load(CODE, GuestLoops.FLAT32);
            flat32();
            cpu.setReg(Cpu.EBX, TABLE);
            cpu.setReg(Cpu.ESI, 1000);
        }
    }

    public static class Real16 extends Machine {
        @Setup(Level.Trial)
        public void setUp() {
            load(CODE, GuestLoops.REAL16);
            cpu.loadSegmentReal(Cpu.CS, CODE >>> 4);
            cpu.setEip(0);
            cpu.loadSegmentReal(Cpu.DS, 0x2000);
            cpu.loadSegmentReal(Cpu.SS, 0x3000);
            cpu.setReg(Cpu.ESP, 0xFFFE);
            cpu.setReg(Cpu.ESI, 0);
            cpu.setReg(Cpu.ECX, 1000);
        }
    }

    public static class RepMovsd extends Machine {
        @Setup(Level.Trial)
        public void setUp() {
            load(CODE, GuestLoops.REP_MOVSD);
            flat32();
        }
    }

    @Benchmark
    @OperationsPerInvocation(SLICE)
    public Cpu.Exit flat32AluMemoryBranch(Flat32 m) {
        return m.cpu.run(SLICE);
    }

    @Benchmark
    @OperationsPerInvocation(SLICE)
    public Cpu.Exit real16AluMemoryBranch(Real16 m) {
        return m.cpu.run(SLICE);
    }

    @Benchmark
    @OperationsPerInvocation(SLICE)
    public Cpu.Exit repMovsd(RepMovsd m) {
        return m.cpu.run(SLICE);
    }
}
