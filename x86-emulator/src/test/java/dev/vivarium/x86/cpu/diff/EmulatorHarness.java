package dev.vivarium.x86.cpu.diff;

import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.bus.IoPorts;
import dev.vivarium.x86.cpu.Cpu;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Runs snippets in the emulator in flat 32-bit protected mode at CPL 0: every snippet sits in
 * RAM followed by HLT, and every exception vector 0..31 goes through an interrupt gate to its
 * own HLT, so where the CPU halts tells how the snippet ended.
 */
final class EmulatorHarness {

    private static final int MEMORY_SIZE = 2 << 20;
    private static final int GDT = 0x800;
    private static final int IDT = 0x1000;
    private static final int HANDLERS = 0x2000;
    private static final int CODE = 0x10000;
    private static final int CODE_SEL = 0x08, DATA_SEL = 0x10;
    /** Descriptor attributes (bits 40..55 >> 8): 32-bit, 4 KiB granular, present, ring 0, code read/execute or data read/write, accessed. */
    private static final int CODE_ATTR = 0xC09B, DATA_ATTR = 0xC093;
    private static final int HLT = 0xF4;
    private static final int INTERRUPT_ENABLE = 1 << 9;
    /** More than any snippet executes (a REP iteration counts as one); running out means a hang. */
    private static final long BUDGET = 100_000;

    private final FlatMemory memory = new FlatMemory(MEMORY_SIZE);
    private final Cpu cpu = new Cpu(memory, IoPorts.NONE, InterruptLine.NONE);
    private final int[] start;
    private final int[] end;

    EmulatorHarness(List<byte[]> code) {
        start = new int[code.size()];
        end = new int[code.size()];
        int at = CODE;
        for (int k = 0; k < code.size(); k++) {
            byte[] bytes = code.get(k);
            start[k] = at;
            memory.load(at, bytes);
            end[k] = at + bytes.length;
            memory.load(end[k], new byte[] {(byte) HLT});
            at = (end[k] + 16) & ~15;
            if (at >= Layout.BUFFER) {
                throw new IllegalStateException("snippets do not fit below the data buffer");
            }
        }
        writeDescriptor(GDT + CODE_SEL, 0xFFFFF, 0xCF9B);
        writeDescriptor(GDT + DATA_SEL, 0xFFFFF, 0xCF93);
        for (int v = 0; v < 32; v++) {
            int handler = HANDLERS + v;
            memory.load(handler, new byte[] {(byte) HLT});
            memory.writeDword(IDT + v * 8, CODE_SEL << 16 | (handler & 0xFFFF));
            memory.writeDword(IDT + v * 8 + 4, (handler & 0xFFFF0000) | 0x8E00);
        }
    }

    private void writeDescriptor(int at, int limit, int attributes) {
        memory.writeDword(at, limit & 0xFFFF);
        memory.writeDword(at + 4, (attributes & 0xF0FF) << 8 | (limit & 0xF0000));
    }

    Outcome run(CaseInput in) {
        byte[] fill = Fill.bytes(in.fillSeed());
        memory.load(Layout.BUFFER, fill);
        cpu.reset();
        if (!cpu.setCr(0, 1)) {
            throw new IllegalStateException("cannot enter protected mode");
        }
        cpu.setGdt(GDT, 0x1F);
        cpu.setIdt(IDT, 32 * 8 - 1);
        cpu.loadSegmentCache(Cpu.CS, CODE_SEL, 0, 0xFFFFFFFF, CODE_ATTR);
        for (int seg : new int[] {Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) {
            cpu.loadSegmentCache(seg, DATA_SEL, 0, 0xFFFFFFFF, DATA_ATTR);
        }
        for (int r = 0; r < 8; r++) {
            cpu.setReg(r, in.reg(r));
        }
        cpu.setEflags(in.eflags() | INTERRUPT_ENABLE); // as in the host's user process; no interrupt ever arrives
        cpu.setEip(start[in.snippet()]);

        Cpu.Exit exit = cpu.run(BUDGET);
        if (exit != Cpu.Exit.HALT) {
            return hung(exit);
        }
        int[] regs = new int[8];
        for (int r = 0; r < 8; r++) {
            regs[r] = cpu.reg(r);
        }
        int haltedAt = cpu.eip() - 1;
        if (haltedAt == end[in.snippet()]) {
            return new Outcome(Outcome.COMPLETED, 0, regs, cpu.eflags(), changes(fill));
        }
        int vector = haltedAt - HANDLERS;
        if (vector < 0 || vector >= 32) {
            return hung(exit);
        }
        // The gate pushed [error code,] EIP, CS, EFLAGS: report the state at the fault as the host's kernel does.
        int esp = regs[Inputs.ESP];
        int first = errorCodeOf(vector) ? 4 : 0;
        int eip = memory.readDword(esp + first);
        int eflags = memory.readDword(esp + first + 8);
        regs[Inputs.ESP] = esp + frameLength(vector);
        return new Outcome(vector, eip - start[in.snippet()], regs, eflags, changes(fill));
    }

    /** The outcome of a snippet that did not come to any HLT: nothing can match it. */
    private Outcome hung(Cpu.Exit exit) {
        int[] regs = new int[8];
        for (int r = 0; r < 8; r++) {
            regs[r] = cpu.reg(r);
        }
        return new Outcome(exit == Cpu.Exit.SHUTDOWN ? Outcome.SHUTDOWN : Outcome.HUNG, cpu.eip(), regs, cpu.eflags(), new TreeMap<>());
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

    /** Bytes an exception through a 32-bit gate without a privilege change pushes. */
    static int frameLength(int vector) {
        return errorCodeOf(vector) ? 16 : 12;
    }
}
