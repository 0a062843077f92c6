package dev.vivarium.x86.cpu.diff;

import java.util.List;
import java.util.Random;

/**
 * Random chains of flag-writing and flag-reading instructions (ADC after INC, SETcc after a
 * rotate, CMOVcc after NEG...), which exercise how the emulator's lazily computed flags hand over
 * from one instruction to the next. The pool holds only instructions whose flags the SDM defines
 * for these operands, apart from AF after logic operations and shifts, which nothing in the
 * pool reads; the final AF is compared only when the last instruction to write it defined it.
 */
final class ChainSnippets {

    private static final int CHAINS = 240;
    private static final int LENGTH = 6;
    private static final String[][] REGS = {
        {"al", "bl", "cl", "dl", "ah", "bh", "ch", "dh"},
        {"ax", "bx", "cx", "dx", "si", "di", "bp"},
        {"eax", "ebx", "ecx", "edx", "esi", "edi", "ebp"}};
    private static final String[] SIZES = {"byte", "word", "dword"};
    private static final String[] ARITH = {"add", "adc", "sub", "sbb", "cmp"};
    private static final String[] LOGIC = {"and", "or", "xor", "test"};
    private static final String[] UNARY = {"inc", "dec", "neg", "not"};
    private static final String[] SHIFTS = {"shl", "shr", "sar"};
    private static final String[] ROTATES = {"rol", "ror", "rcl", "rcr"};

    private ChainSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("chain");
        Random r = new Random(486); // the catalogue is the same on every run; only the cases vary with the seed
        for (int c = 0; c < CHAINS; c++) {
            StringBuilder asm = new StringBuilder();
            boolean afDefined = true;
            for (int i = 0; i < LENGTH; i++) {
                int w = r.nextInt(3);
                String d = pick(r, REGS[w]);
                String s = pick(r, REGS[w]);
                String line;
                switch (r.nextInt(9)) {
                    case 0, 1 -> {
                        line = pick(r, ARITH) + " " + operands(r, w, d, s);
                        afDefined = true;
                    }
                    case 2 -> {
                        line = pick(r, LOGIC) + " " + operands(r, w, d, s);
                        afDefined = false;
                    }
                    case 3 -> {
                        String op = pick(r, UNARY);
                        line = op + " " + d;
                        afDefined = op.equals("not") ? afDefined : true;
                    }
                    case 4 -> {
                        line = pick(r, SHIFTS) + " " + d + ", 1";
                        afDefined = false;
                    }
                    case 5 -> line = pick(r, ROTATES) + " " + d + ", 1";
                    case 6 -> line = "set" + pick(r, DataSnippets.CONDITIONS) + " " + pick(r, REGS[0]);
                    case 7 -> line = "cmov" + pick(r, DataSnippets.CONDITIONS) + " " + pick(r, REGS[2]) + ", " + pick(r, REGS[2]);
                    default -> line = pick(r, new String[] {"cmc", "stc", "clc", "lea " + pick(r, REGS[2]) + ", [eax+ebx*2+1]",
                        "movzx " + pick(r, REGS[2]) + ", " + pick(r, REGS[0]), "xchg " + d + ", " + s});
                }
                asm.append(i == 0 ? "" : "\n").append(line);
            }
            b.add(asm.toString(), 16, Defined.flags(afDefined ? Flags.ARITH : Flags.ARITH & ~Flags.AF));
        }
        return b.build();
    }

    /** Register-register, register-immediate, or a stack slot on either side. */
    private static String operands(Random r, int w, String d, String s) {
        int slot = 4 * r.nextInt(16);
        return switch (r.nextInt(5)) {
            case 0 -> d + ", " + (r.nextBoolean() ? r.nextInt(256) - 128 : r.nextInt(w == 0 ? 256 : 0x10000));
            case 1 -> SIZES[w] + " ptr [esp+" + slot + "], " + s;
            case 2 -> d + ", " + SIZES[w] + " ptr [esp+" + slot + "]";
            default -> d + ", " + s;
        };
    }

    private static String pick(Random r, String[] values) {
        return values[r.nextInt(values.length)];
    }
}
