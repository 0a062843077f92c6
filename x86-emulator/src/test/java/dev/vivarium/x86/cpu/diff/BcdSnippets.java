package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.EAX;
import static dev.vivarium.x86.cpu.diff.Inputs.EBX;

import java.util.List;

/** The decimal adjusts DAA/DAS/AAA/AAS/AAM/AAD, on raw values and after real BCD additions and subtractions. */
final class BcdSnippets {

    private static final int CASES = 48;

    private BcdSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("bcd");
        for (String op : new String[] {"daa", "das"}) {
            b.add(op, CASES * 2, Defined.DECIMAL_ADJUST);
        }
        for (String op : new String[] {"aaa", "aas"}) {
            b.add(op, CASES * 2, Defined.ASCII_ADJUST);
        }
        for (String op : new String[] {"aam", "aam 16", "aam 7", "aam 255", "aad", "aad 16", "aad 7", "aad 0"}) {
            b.add(op, CASES, Defined.ASCII_MULDIV);
        }
        Shaper packed = in -> {
            in.set(EAX, (in.get(EAX) & ~0xFF) | bcd(in));
            in.set(EBX, (in.get(EBX) & ~0xFF) | bcd(in));
        };
        Shaper unpacked = in -> {
            in.set(EAX, (in.get(EAX) & ~0xFF) | in.random.nextInt(10) + (in.random.nextBoolean() ? 0x30 : 0));
            in.set(EBX, (in.get(EBX) & ~0xFF) | in.random.nextInt(10) + (in.random.nextBoolean() ? 0x30 : 0));
        };
        b.add("add al, bl\ndaa", CASES, Defined.DECIMAL_ADJUST, packed)
                .add("adc al, bl\ndaa", CASES, Defined.DECIMAL_ADJUST, packed)
                .add("sub al, bl\ndas", CASES, Defined.DECIMAL_ADJUST, packed)
                .add("sbb al, bl\ndas", CASES, Defined.DECIMAL_ADJUST, packed)
                .add("add al, bl\naaa", CASES, Defined.ASCII_ADJUST, unpacked)
                .add("sub al, bl\naas", CASES, Defined.ASCII_ADJUST, unpacked)
                .add("mul bl\naam", CASES, Defined.ASCII_MULDIV, unpacked)
                .add("aad\ndiv bl", CASES / 2, Defined.DIVIDE, in -> {
                    unpacked.shape(in);
                    in.set(EAX, (in.get(EAX) & ~0xFF00) | in.random.nextInt(10) << 8);
                    in.set(EBX, (in.get(EBX) & ~0xFF) | 1 + in.random.nextInt(9));
                });
        return b.build();
    }

    private static int bcd(Inputs in) {
        return in.random.nextInt(10) << 4 | in.random.nextInt(10);
    }
}
