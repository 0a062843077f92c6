package dev.vivarium.x86.cpu.diff;

import java.util.Random;

/** The registers and flags of a case while its snippet's shapers adjust them. */
final class Inputs {

    static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;

    final Random random;
    final int[] regs = new int[8];
    int eflags;

    /** Every register an edge-biased random value, the stack pointer in the stack window, random flags. */
    Inputs(Random random) {
        this.random = random;
        for (int r = 0; r < 8; r++) {
            regs[r] = Values.edgy(random);
        }
        regs[ESP] = Layout.STACK + 4 * random.nextInt(0x40);
        eflags = Flags.random(random);
    }

    int get(int reg) {
        return regs[reg];
    }

    void set(int reg, int value) {
        regs[reg] = value;
    }

    void setFlag(int bit, boolean on) {
        eflags = on ? eflags | bit : eflags & ~bit;
    }

    CaseInput build(int snippet, int fillSeed) {
        return new CaseInput(snippet, fillSeed, regs.clone(), eflags);
    }
}
