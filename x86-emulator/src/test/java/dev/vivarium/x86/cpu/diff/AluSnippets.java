package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.ESI;

import java.util.List;

/** ADD/ADC/SUB/SBB/CMP/AND/OR/XOR/TEST and INC/DEC/NEG/NOT in 8, 16 and 32 bits, register, immediate and memory forms. */
final class AluSnippets {

    private static final int CASES = 24;

    private AluSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("alu");
        Shaper ptr = Shaper.pointer(ESI);
        for (String op : new String[] {"add", "adc", "sub", "sbb", "cmp", "and", "or", "xor", "test"}) {
            boolean logic = op.equals("and") || op.equals("or") || op.equals("xor") || op.equals("test");
            boolean writes = !op.equals("cmp") && !op.equals("test");
            Defined d = logic ? Defined.LOGIC : Defined.ARITHMETIC;
            b.add(op + " eax, ebx", CASES * 2, d)
                    .add(op + " ebp, edi", CASES, d)
                    .add(op + " cx, dx", CASES * 2, d)
                    .add(op + " al, bh", CASES * 2, d)
                    .add(op + " ch, dl", CASES, d)
                    .add(op + " ah, ah", CASES / 2, d)
                    .add(op + " eax, 0x80000000", CASES, d)
                    .add(op + " ebx, -1", CASES, d)
                    .add(op + " edx, 0x7f", CASES, d)
                    .add(op + " edi, 0x12345678", CASES, d)
                    .add(op + " ax, 0x8000", CASES, d)
                    .add(op + " si, -128", CASES, d)
                    .add(op + " al, 0x80", CASES, d)
                    .add(op + " dh, 0xff", CASES, d)
                    .add(op + " bl, 1", CASES, d)
                    .add(op + " dword ptr [esi+4], eax", CASES, d, ptr)
                    .add(op + " ebx, dword ptr [esi-3]", CASES, d, ptr)
                    .add(op + " word ptr [esi], 0x8001", CASES, d, ptr)
                    .add(op + " byte ptr [esi+1], 0x7f", CASES, d, ptr)
                    .add(op + " cl, byte ptr [esi]", CASES, d, ptr)
                    .add("mov [esi], ecx\n" + op + " [esi], edx", CASES, d, ptr)
                    .add("mov [esi], cx\n" + op + " word ptr [esi], -2", CASES, d, ptr);
            if (writes) {
                b.add("lock " + op + " dword ptr [esi], eax", CASES / 2, d, ptr);
            }
        }
        for (String op : new String[] {"inc", "dec", "neg", "not"}) {
            // INC/DEC keep CF and set the rest; NEG sets all six; NOT affects none.
            Defined d = op.equals("not") ? Defined.NONE_AFFECTED : Defined.ARITHMETIC;
            b.add(op + " eax", CASES * 2, d)
                    .add(op + " edi", CASES, d)
                    .add(op + " cx", CASES * 2, d)
                    .add(op + " dh", CASES * 2, d)
                    .add(op + " bl", CASES, d)
                    .add(op + " dword ptr [esi]", CASES, d, ptr)
                    .add(op + " word ptr [esi+2]", CASES, d, ptr)
                    .add(op + " byte ptr [esi-1]", CASES, d, ptr)
                    .add("mov [esi], edx\n" + op + " dword ptr [esi]", CASES, d, ptr)
                    .add("lock " + op + " byte ptr [esi]", CASES / 2, d, ptr);
        }
        return b.build();
    }
}
