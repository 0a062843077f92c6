package dev.vivarium.x86.cpu.diff;

import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.bus.IoPorts;
import dev.vivarium.x86.cpu.Cpu;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Runs snippets in the emulator as the host runs them: flat 32-bit protected mode at CPL 3 with
 * IOPL 0, each snippet at its address in the host process. Every exception vector 0..31 goes
 * through an interrupt gate to ring 0 (stack from the TSS, outside the data buffer) and
 * halts there at its own HLT, so where the CPU halts tells the vector and the ring-0 stack holds
 * the state at the exception. A snippet ends with a HLT that, at CPL 3, raises #GP at its end
 * address: that is the normal completion.
 */
final class EmulatorHarness {

    private static final int GDT = 0x800;
    private static final int IDT = 0x1000;
    private static final int HANDLERS = 0x2000;
    private static final int SETUP = 0x3000;
    private static final int TSS = 0x4000;
    private static final int RING0_STACK = 0x8000;
    /** The user selectors are Linux's for 32-bit processes (GDT entries 4 and 5), so segment loads and LAR agree with the host. */
    private static final int KERNEL_CODE = 0x08, KERNEL_DATA = 0x10, USER_CODE = 0x23, USER_DATA = 0x2B, TSS_SEL = 0x30;
    /** Descriptor attributes (bits 40..55 >> 8): 32-bit, 4 KiB granular, present, DPL 3, code read/execute or data read/write, accessed. */
    private static final int USER_CODE_ATTR = 0xC0FB, USER_DATA_ATTR = 0xC0F3;
    private static final int HLT = 0xF4;
    private static final int GP = 13;
    private static final int INTERRUPT_ENABLE = 1 << 9;
    /** More than any snippet executes (a REP iteration counts as one); running out means a hang. */
    private static final long BUDGET = 100_000;

    private final SparseMemory memory = new SparseMemory();
    private final Cpu cpu = new Cpu(memory, IoPorts.NONE, InterruptLine.NONE);
    private final int[] start;
    private final int[] end;

    EmulatorHarness(List<SnippetCode> code) {
        start = new int[code.size()];
        end = new int[code.size()];
        for (int k = 0; k < code.size(); k++) {
            SnippetCode c = code.get(k);
            start[k] = c.address();
            end[k] = c.address() + c.bytes().length;
            memory.load(start[k], c.bytes());
            memory.load(end[k], new byte[] {(byte) HLT}); // over the host's jump back to the harness
        }
        descriptor(KERNEL_CODE, 0, 0xFFFFF, 0xCF9B);
        descriptor(KERNEL_DATA, 0, 0xFFFFF, 0xCF93);
        descriptor(USER_CODE, 0, 0xFFFFF, 0xCFFB);
        descriptor(USER_DATA, 0, 0xFFFFF, 0xCFF3);
        descriptor(TSS_SEL, TSS, 0x67, 0x0089); // 32-bit available TSS without an I/O bitmap
        memory.writeDword(TSS + 4, RING0_STACK);
        memory.writeDword(TSS + 8, KERNEL_DATA);
        memory.writeWord(TSS + 0x66, 0x68); // bitmap beyond the limit: every port faults at CPL > IOPL
        for (int v = 0; v < 32; v++) {
            int handler = HANDLERS + v;
            memory.load(handler, new byte[] {(byte) HLT});
            memory.writeDword(IDT + v * 8, KERNEL_CODE << 16 | (handler & 0xFFFF));
            // 32-bit interrupt gates; as in Linux, only INT3 and INTO may be raised by software at CPL 3.
            int dpl = v == 3 || v == 4 ? 3 : 0;
            memory.writeDword(IDT + v * 8 + 4, (handler & 0xFFFF0000) | 0x8E00 | dpl << 13);
        }
        enterProtectedModeAndLoadTaskRegister();
    }

    private void descriptor(int selector, int base, int limit, int attributes) {
        int at = GDT + (selector & ~7);
        memory.writeDword(at, (base & 0xFFFF) << 16 | (limit & 0xFFFF));
        memory.writeDword(at + 4, (base & 0xFF000000) | (attributes & 0xF0FF) << 8 | (limit & 0xF0000) | (base >>> 16 & 0xFF));
    }

    /** Ring 0, once: MOV AX, TSS_SEL; LTR AX; HLT. The task register is what the gates' stack switch needs. */
    private void enterProtectedModeAndLoadTaskRegister() {
        memory.load(SETUP, new byte[] {0x66, (byte) 0xB8, TSS_SEL, 0, 0x0F, 0x00, (byte) 0xD8, (byte) HLT});
        if (!cpu.setCr(0, 1)) {
            throw new IllegalStateException("cannot enter protected mode");
        }
        cpu.setGdt(GDT, 7 * 8 - 1);
        cpu.setIdt(IDT, 32 * 8 - 1);
        cpu.loadSegmentCache(Cpu.CS, KERNEL_CODE, 0, 0xFFFFFFFF, 0xC09B);
        cpu.loadSegmentCache(Cpu.SS, KERNEL_DATA, 0, 0xFFFFFFFF, 0xC093);
        cpu.setReg(Inputs.ESP, RING0_STACK);
        cpu.setEip(SETUP);
        if (cpu.run(10) != Cpu.Exit.HALT || cpu.eip() != SETUP + 8 || (memory.readByte(GDT + TSS_SEL + 5) & 0x0F) != 0x0B) {
            throw new IllegalStateException("LTR did not run: EIP " + Integer.toHexString(cpu.eip()));
        }
    }

    Outcome run(CaseInput in) {
        byte[] fill = Fill.bytes(in.fillSeed());
        memory.load(Layout.BUFFER, fill);
        cpu.wake();
        cpu.loadSegmentCache(Cpu.CS, USER_CODE, 0, 0xFFFFFFFF, USER_CODE_ATTR);
        for (int seg : new int[] {Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) {
            cpu.loadSegmentCache(seg, USER_DATA, 0, 0xFFFFFFFF, USER_DATA_ATTR);
        }
        for (int r = 0; r < 8; r++) {
            cpu.setReg(r, in.reg(r));
        }
        cpu.setEflags(in.eflags() | INTERRUPT_ENABLE); // as in the host's user process; no interrupt ever arrives
        cpu.setEip(start[in.snippet()]);

        Cpu.Exit exit = cpu.run(BUDGET);
        int vector = cpu.eip() - 1 - HANDLERS;
        if (exit != Cpu.Exit.HALT || vector < 0 || vector >= 32 || cpu.cpl() != 0) {
            int[] regs = registers();
            return new Outcome(exit == Cpu.Exit.SHUTDOWN ? Outcome.SHUTDOWN : Outcome.HUNG, cpu.eip(), regs, cpu.eflags(), new TreeMap<>());
        }
        // The gate switched to the ring-0 stack and pushed SS, ESP, EFLAGS, CS, EIP [and an error code].
        int frame = cpu.reg(Inputs.ESP) + (errorCodeOf(vector) ? 4 : 0);
        int eip = memory.readDword(frame);
        int eflags = memory.readDword(frame + 8);
        int[] regs = registers();
        regs[Inputs.ESP] = memory.readDword(frame + 12);
        SortedMap<Integer, Integer> changes = changes(fill);
        if (vector == GP && eip == end[in.snippet()]) {
            return new Outcome(Outcome.COMPLETED, 0, regs, eflags, changes);
        }
        return new Outcome(vector, eip - start[in.snippet()], regs, eflags, changes);
    }

    private int[] registers() {
        int[] regs = new int[8];
        for (int r = 0; r < 8; r++) {
            regs[r] = cpu.reg(r);
        }
        return regs;
    }

    /** Vectors whose exceptions push an error code (SDM Vol. 3, Table 6-1). */
    private static boolean errorCodeOf(int vector) {
        return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
    }

    /** Buffer bytes that differ from the fill. */
    private SortedMap<Integer, Integer> changes(byte[] fill) {
        byte[] now = memory.slice(Layout.BUFFER, fill.length);
        SortedMap<Integer, Integer> out = new TreeMap<>();
        for (int i = 0; i < now.length; i++) {
            if (now[i] != fill[i]) {
                out.put(i, now[i] & 0xFF);
            }
        }
        return out;
    }
}
