package dev.vivarium.x86.cpu.diff;

import java.util.Random;

/** EFLAGS bits the tests set and compare. */
final class Flags {
    static final int CF = 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, DF = 1 << 10, OF = 1 << 11;
    static final int ARITH = CF | PF | AF | ZF | SF | OF;

    private Flags() {
    }

    /** Random arithmetic flags and direction; bit 1 set, TF/IF/AC and the rest clear. */
    static int random(Random r) {
        return (r.nextInt() & (ARITH | DF)) | 2;
    }

    static String describe(int bits) {
        StringBuilder b = new StringBuilder();
        String[] names = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "", "", "DF", "OF"};
        for (int i = 0; i < names.length; i++) {
            if ((bits >>> i & 1) != 0 && !names[i].isEmpty()) {
                b.append(b.length() == 0 ? "" : "|").append(names[i]);
            }
        }
        return b.length() == 0 ? "-" : b.toString();
    }
}
