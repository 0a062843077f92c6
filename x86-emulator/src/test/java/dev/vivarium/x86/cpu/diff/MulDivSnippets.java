package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.EAX;
import static dev.vivarium.x86.cpu.diff.Inputs.EBX;
import static dev.vivarium.x86.cpu.diff.Inputs.ECX;
import static dev.vivarium.x86.cpu.diff.Inputs.EDX;
import static dev.vivarium.x86.cpu.diff.Inputs.ESI;

import java.util.List;

/**
 * MUL and IMUL in their one-, two- and three-operand forms, DIV and IDIV in every width. Most
 * divide cases are shaped so the quotient fits; the rest keep random operands and mostly raise
 * #DE, which both sides must report alike.
 */
final class MulDivSnippets {

    private static final int CASES = 32;

    private MulDivSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("muldiv");
        Shaper ptr = Shaper.pointer(ESI);
        for (String op : new String[] {"mul", "imul"}) {
            b.add(op + " bl", CASES, Defined.MULTIPLY)
                    .add(op + " ah", CASES, Defined.MULTIPLY)
                    .add(op + " cx", CASES, Defined.MULTIPLY)
                    .add(op + " ebx", CASES, Defined.MULTIPLY)
                    .add(op + " edx", CASES, Defined.MULTIPLY)
                    .add(op + " byte ptr [esi]", CASES, Defined.MULTIPLY, ptr)
                    .add(op + " word ptr [esi+1]", CASES, Defined.MULTIPLY, ptr)
                    .add("mov [esi], ecx\n" + op + " dword ptr [esi]", CASES, Defined.MULTIPLY, ptr);
        }
        b.add("imul eax, ebx", CASES, Defined.MULTIPLY)
                .add("imul cx, dx", CASES, Defined.MULTIPLY)
                .add("imul ebx, dword ptr [esi+2]", CASES, Defined.MULTIPLY, ptr)
                .add("mov [esi], dx\nimul bx, word ptr [esi]", CASES, Defined.MULTIPLY, ptr)
                .add("imul eax, ebx, 7", CASES, Defined.MULTIPLY)
                .add("imul ecx, edx, -128", CASES, Defined.MULTIPLY)
                .add("imul edx, eax, 0x12345", CASES, Defined.MULTIPLY)
                .add("imul ebx, ebx, -1", CASES, Defined.MULTIPLY)
                .add("imul ax, bx, -3", CASES, Defined.MULTIPLY)
                .add("imul cx, word ptr [esi], 300", CASES, Defined.MULTIPLY, ptr)
                .add("imul ebx, dword ptr [esi], 0x7fffffff", CASES, Defined.MULTIPLY, ptr);

        for (String op : new String[] {"div", "idiv"}) {
            boolean signed = op.equals("idiv");
            b.add(op + " bl", CASES, Defined.DIVIDE, divide(8, EBX, signed))
                    .add(op + " cx", CASES, Defined.DIVIDE, divide(16, ECX, signed))
                    .add(op + " ebx", CASES, Defined.DIVIDE, divide(32, EBX, signed))
                    .add("mov [esi], bl\n" + op + " byte ptr [esi]", CASES, Defined.DIVIDE, ptr.then(divide(8, EBX, signed)))
                    .add("mov [esi+1], cx\n" + op + " word ptr [esi+1]", CASES, Defined.DIVIDE, ptr.then(divide(16, ECX, signed)))
                    .add("mov [esi], ebx\n" + op + " dword ptr [esi]", CASES, Defined.DIVIDE, ptr.then(divide(32, EBX, signed)));
        }
        return b.build();
    }

    /**
     * Three cases in four: a non-zero divisor in {@code divisorReg} and a dividend (AX, DX:AX or
     * EDX:EAX) whose quotient fits the width. The fourth keeps the random registers.
     */
    static Shaper divide(int width, int divisorReg, boolean signed) {
        return in -> {
            if (in.random.nextInt(4) == 0) {
                return;
            }
            long range = 1L << width;
            long divisor = in.get(divisorReg) & (range - 1);
            if (divisor == 0) {
                divisor = 1 + in.random.nextInt(7);
            }
            long quotient;
            long remainder;
            if (signed) {
                divisor = divisor << (64 - width) >> (64 - width); // sign-extend
                quotient = (in.random.nextLong() % (range / 2));
                long magnitude = Math.abs(divisor);
                remainder = Math.floorMod(in.random.nextLong(), magnitude);
                // The remainder takes the dividend's sign, which is the quotient's times the divisor's.
                if ((quotient < 0) != (divisor < 0) && quotient != 0) {
                    remainder = -remainder;
                } else if (quotient == 0 && in.random.nextBoolean()) {
                    remainder = -remainder;
                }
            } else {
                quotient = Math.floorMod(in.random.nextLong(), range);
                remainder = Math.floorMod(in.random.nextLong(), divisor);
            }
            long dividend = quotient * divisor + remainder;
            int divisorBits = (int) divisor;
            switch (width) {
                case 8 -> {
                    in.set(divisorReg, (in.get(divisorReg) & ~0xFF) | (divisorBits & 0xFF));
                    in.set(EAX, (in.get(EAX) & ~0xFFFF) | (int) (dividend & 0xFFFF));
                }
                case 16 -> {
                    in.set(divisorReg, (in.get(divisorReg) & ~0xFFFF) | (divisorBits & 0xFFFF));
                    in.set(EAX, (in.get(EAX) & ~0xFFFF) | (int) (dividend & 0xFFFF));
                    in.set(EDX, (in.get(EDX) & ~0xFFFF) | (int) (dividend >>> 16 & 0xFFFF));
                }
                default -> {
                    in.set(divisorReg, divisorBits);
                    in.set(EAX, (int) dividend);
                    in.set(EDX, (int) (dividend >>> 32));
                }
            }
        };
    }
}
