package dev.vivarium.x86.cpu.translator;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Assembles a program from raw bytes, with the address of the next byte at hand. Each
 * {@link #b} starts an instruction ({@link #d} continues it), so the lengths the fault
 * handlers skip are known.
 */
final class Asm {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<Integer> starts = new ArrayList<>();
    final int origin;

    Asm(int origin) {
        this.origin = origin;
    }

    int here() {
        return origin + out.size();
    }

    Asm b(int... bytes) {
        starts.add(out.size());
        for (int x : bytes) {
            out.write(x);
        }
        return this;
    }

    /** The length of each instruction at its offset, zero between. */
    byte[] lengths() {
        byte[] l = new byte[out.size()];
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1) : out.size();
            l[starts.get(i)] = (byte) (end - starts.get(i));
        }
        return l;
    }

    /** A little-endian dword, continuing the instruction. */
    Asm d(int v) {
        for (int k = 0; k < 4; k++) {
            out.write(v >>> (8 * k));
        }
        return this;
    }

    /** A short backward or forward jump (Jcc or JMP opcode byte) to {@code target}. */
    Asm jump8(int opcode, int target) {
        int rel = target - (here() + 2);
        if (rel < -128 || rel > 127) {
            throw new IllegalArgumentException("rel8 out of range: " + rel);
        }
        return b(opcode, rel & 0xFF);
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
