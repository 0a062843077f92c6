package dev.vivarium.x86.conformance;

import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.bus.IoPorts;
import dev.vivarium.x86.cpu.Cpu;

/**
 * The only part of the runner that talks to the processor: puts a test's initial state into a
 * {@link Cpu} over a {@link TrackingMemory}, runs until the HLT, and reads the state back.
 * I/O reads float high (0xFF), as on the recording board. One executor per thread.
 */
public final class TestExecutor {

    /**
     * Instructions a test may take before it counts as not reaching its HLT. A REP iteration
     * counts as one, and a REP string may run CX = 65535 times; a handful of instructions more
     * reach the HLT.
     */
    static final long BUDGET = 1 << 18;

    private static final int[] GENERAL = new int[Register.count()];
    private static final int[] SEGMENT = new int[Register.count()];

    static {
        GENERAL[Register.AX.ordinal()] = Cpu.EAX;
        GENERAL[Register.BX.ordinal()] = Cpu.EBX;
        GENERAL[Register.CX.ordinal()] = Cpu.ECX;
        GENERAL[Register.DX.ordinal()] = Cpu.EDX;
        GENERAL[Register.SP.ordinal()] = Cpu.ESP;
        GENERAL[Register.BP.ordinal()] = Cpu.EBP;
        GENERAL[Register.SI.ordinal()] = Cpu.ESI;
        GENERAL[Register.DI.ordinal()] = Cpu.EDI;
        SEGMENT[Register.CS.ordinal()] = Cpu.CS;
        SEGMENT[Register.SS.ordinal()] = Cpu.SS;
        SEGMENT[Register.DS.ordinal()] = Cpu.DS;
        SEGMENT[Register.ES.ordinal()] = Cpu.ES;
    }

    private final TrackingMemory memory = new TrackingMemory();
    private final Cpu cpu = new Cpu(memory, IoPorts.NONE, InterruptLine.NONE);

    /** The memory the last test ran in, for the comparison. */
    public TrackingMemory memory() {
        return memory;
    }

    public Observation execute(TestCase test) {
        memory.clear();
        cpu.reset();
        memory.load(test.initialRam());
        for (Register r : Register.values()) {
            int v = test.initial(r);
            switch (r) {
                case CS, SS, DS, ES -> cpu.loadSegmentReal(SEGMENT[r.ordinal()], v);
                case IP -> cpu.setEip(v);
                case FLAGS -> cpu.setEflags(v); // initial() already cleared bits 12-15
                default -> cpu.setReg(GENERAL[r.ordinal()], v);
            }
        }
        Observation.End end = switch (cpu.run(BUDGET)) {
            case HALT -> Observation.End.HALT;
            case BUDGET -> Observation.End.BUDGET;
            case SHUTDOWN -> Observation.End.SHUTDOWN;
        };
        int[] regs = new int[Register.count()];
        int[] bases = new int[Register.count()];
        for (Register r : Register.values()) {
            regs[r.ordinal()] = switch (r) {
                case CS, SS, DS, ES -> {
                    bases[r.ordinal()] = cpu.segmentBase(SEGMENT[r.ordinal()]);
                    yield cpu.segmentSelector(SEGMENT[r.ordinal()]);
                }
                case IP -> cpu.eip();
                case FLAGS -> cpu.eflags();
                default -> cpu.reg(GENERAL[r.ordinal()]);
            };
        }
        return new Observation(regs, bases, end);
    }
}
