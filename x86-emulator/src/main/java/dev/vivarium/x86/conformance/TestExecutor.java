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

    /** The general registers in the processor's numbering, Cpu.EAX + i (EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI). */
    private static final Register[] GENERAL = {
        Register.AX, Register.CX, Register.DX, Register.BX, Register.SP, Register.BP, Register.SI, Register.DI};
    /** The segment registers in the processor's numbering, Cpu.ES + i (ES, CS, SS, DS). */
    private static final Register[] SEGMENTS = {Register.ES, Register.CS, Register.SS, Register.DS};

    private final TrackingMemory memory = new TrackingMemory();
    private final Cpu cpu = new Cpu(memory, IoPorts.NONE, InterruptLine.NONE);

    {
        // The recording 286 had no coprocessor: its escapes only check their operand (see KnownDifference).
        cpu.setFpuPresent(false);
    }

    /** The memory the last test ran in, for the comparison. */
    public TrackingMemory memory() {
        return memory;
    }

    public Observation execute(TestCase test) {
        memory.clear();
        cpu.reset();
        memory.load(test.initialRam());
        for (int i = 0; i < GENERAL.length; i++) {
            cpu.setReg(Cpu.EAX + i, test.initial(GENERAL[i]));
        }
        for (int i = 0; i < SEGMENTS.length; i++) {
            cpu.loadSegmentReal(Cpu.ES + i, test.initial(SEGMENTS[i]));
        }
        cpu.setEip(test.initial(Register.IP));
        cpu.setEflags(test.initial(Register.FLAGS)); // initial() has cleared bits 12-15
        Observation.End end = switch (cpu.run(BUDGET)) {
            case HALT -> Observation.End.HALT;
            case BUDGET -> Observation.End.BUDGET;
            case SHUTDOWN -> Observation.End.SHUTDOWN;
        };
        int[] regs = new int[Register.count()];
        int[] bases = new int[Register.count()];
        for (int i = 0; i < GENERAL.length; i++) {
            regs[GENERAL[i].ordinal()] = cpu.reg(Cpu.EAX + i);
        }
        for (int i = 0; i < SEGMENTS.length; i++) {
            regs[SEGMENTS[i].ordinal()] = cpu.segmentSelector(Cpu.ES + i);
            bases[SEGMENTS[i].ordinal()] = cpu.segmentBase(Cpu.ES + i);
        }
        regs[Register.IP.ordinal()] = cpu.eip();
        regs[Register.FLAGS.ordinal()] = cpu.eflags();
        return new Observation(regs, bases, end);
    }
}
