package dev.vivarium.x86.cpu.diff;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a snippet left behind: the registers and EFLAGS (at its end, or at the faulting
 * instruction when it raised an exception) and the data-buffer bytes that differ from the fill.
 *
 * @param vector    the exception vector, or {@link #COMPLETED}
 * @param eipOffset where the exception was reported, relative to the snippet's start
 * @param memory    buffer offset to final byte, for every byte that changed
 */
record Outcome(int vector, int eipOffset, int[] regs, int eflags, SortedMap<Integer, Integer> memory) {

    static final int COMPLETED = -1;
    /** Emulator only: the snippet ended in a triple fault. */
    static final int SHUTDOWN = 256;
    /** Emulator only: the snippet ran out of its instruction budget or halted somewhere unexpected (eipOffset holds EIP). */
    static final int HUNG = 257;

    static final String[] NAMES = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};

    boolean faulted() {
        return vector != COMPLETED;
    }

    /** Parses one line of the native runner's output (see runner.c). */
    static Outcome parse(String line) {
        String[] f = line.trim().split(" ");
        int i;
        int vector;
        int eipOffset;
        if (f[0].equals("ok")) {
            vector = COMPLETED;
            eipOffset = 0;
            i = 1;
        } else if (f[0].equals("fault")) {
            vector = Integer.parseUnsignedInt(f[1], 16);
            eipOffset = Integer.parseUnsignedInt(f[2], 16);
            i = 3;
        } else {
            throw new IllegalArgumentException("unexpected runner output: " + line);
        }
        int[] regs = new int[8];
        for (int r = 0; r < 8; r++) {
            regs[r] = Integer.parseUnsignedInt(f[i++], 16);
        }
        int eflags = Integer.parseUnsignedInt(f[i++], 16);
        SortedMap<Integer, Integer> memory = new TreeMap<>();
        for (; i < f.length; i++) {
            int colon = f[i].indexOf(':');
            memory.put(Integer.parseInt(f[i], 0, colon, 16), Integer.parseInt(f[i], colon + 1, f[i].length(), 16));
        }
        return new Outcome(vector, eipOffset, regs, eflags, memory);
    }

    static String registers(int[] regs) {
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < 8; r++) {
            b.append(r == 0 ? "" : " ").append(NAMES[r]).append('=').append(CaseInput.hex(regs[r]));
        }
        return b.toString();
    }

    String describe() {
        StringBuilder b = new StringBuilder();
        if (vector == SHUTDOWN) {
            b.append("SHUTDOWN (triple fault), ");
        } else if (vector == HUNG) {
            b.append("did not reach its end (EIP ").append(CaseInput.hex(eipOffset)).append("), ");
        } else if (faulted()) {
            b.append("exception ").append(vector).append(" at +").append(eipOffset).append(", ");
        }
        b.append(registers(regs)).append(" eflags=").append(CaseInput.hex(eflags));
        if (!memory.isEmpty()) {
            b.append(" memory");
            for (Map.Entry<Integer, Integer> e : memory.entrySet()) {
                b.append(String.format(" %04x:%02x", e.getKey(), e.getValue()));
            }
        }
        return b.toString();
    }
}
