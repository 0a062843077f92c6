package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.ECX;
import static dev.vivarium.x86.cpu.diff.Inputs.EDX;
import static dev.vivarium.x86.cpu.diff.Inputs.ESI;

import java.util.List;

/** SHL/SHR/SAR/ROL/ROR/RCL/RCR by 1, CL and immediates, and SHLD/SHRD, in every width, register and memory. */
final class ShiftSnippets {

    private static final String[] OPS = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sar"};
    private static final int[] IMMEDIATES = {0, 2, 3, 7, 8, 9, 15, 16, 17, 31};

    private ShiftSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("shift");
        Shaper clCount = Shaper.lowByteBelow(ECX, 64);
        Shaper ptr = Shaper.pointer(ESI);
        for (String op : OPS) {
            for (String[] target : new String[][] {{"al", "8"}, {"dh", "8"}, {"dx", "16"}, {"edx", "32"},
                {"byte ptr [esi]", "8"}, {"word ptr [esi+1]", "16"}, {"dword ptr [esi-2]", "32"}}) {
                String dest = target[0];
                int width = Integer.parseInt(target[1]);
                Shaper shaper = dest.contains("[") ? ptr.then(clCount) : clCount;
                b.add(op + " " + dest + ", 1", 16, fixed(op, 1, width), shaper);
                b.add(op + " " + dest + ", cl", 64, byCl(op, width), shaper);
                if (!dest.contains("[") || width == 32) {
                    for (int count : IMMEDIATES) {
                        b.add(op + " " + dest + ", " + count, 8, fixed(op, count, width), shaper);
                    }
                }
            }
            b.add(op + " cl, cl", 32, byCl(op, 8), clCount);
        }
        for (String op : new String[] {"shld", "shrd"}) {
            b.add(op + " eax, ebx, cl", 64, doubleByCl(32, 1 << Inputs.EAX), clCount)
                    .add(op + " dx, si, cl", 64, doubleByCl(16, 1 << EDX), clCount)
                    .add(op + " dword ptr [esi], edi, cl", 48, doubleByCl(32, 0), ptr.then(clCount))
                    // The result of a 16-bit double shift by more than 16 is undefined, and in memory it cannot be masked out.
                    .add(op + " word ptr [esi+3], ax, cl", 32, doubleByCl(16, 0), ptr.then(Shaper.lowByteBelow(ECX, 17)));
            for (int count : new int[] {0, 1, 4, 15, 16, 31}) {
                b.add(op + " ebx, edx, " + count, 8, Defined.flags(Defined.doubleShift(count, 32)));
                b.add(op + " dword ptr [esi+1], ecx, " + count, 8, Defined.flags(Defined.doubleShift(count, 32)), ptr);
                if (count <= 16) {
                    b.add(op + " bx, cx, " + count, 8, Defined.flags(Defined.doubleShift(count, 16)));
                }
            }
        }
        return b.build();
    }

    private static int mask(String op, int count, int width) {
        return switch (op) {
            case "shl", "shr" -> Defined.shift(count, width, false);
            case "sar" -> Defined.shift(count, width, true);
            default -> Defined.rotate(count);
        };
    }

    private static Defined fixed(String op, int count, int width) {
        return Defined.flags(mask(op, count, width));
    }

    private static Defined byCl(String op, int width) {
        return in -> mask(op, in.reg(ECX) & 0xFF, width);
    }

    /** A double shift by CL; {@code destRegs} is the destination register, left out when the count makes its value undefined. */
    private static Defined doubleByCl(int width, int destRegs) {
        return new Defined() {
            @Override
            public int flags(CaseInput in) {
                return Defined.doubleShift(in.reg(ECX) & 0xFF, width);
            }

            @Override
            public int regs(CaseInput in) {
                return (in.reg(ECX) & 0x1F) > width ? 0xFF & ~destRegs : 0xFF;
            }
        };
    }
}
