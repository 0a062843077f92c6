package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.ECX;

import java.util.List;

/** Jcc (short and near) on all sixteen conditions, LOOP/LOOPE/LOOPNE/JECXZ and their 16-bit-address (CX) forms. */
final class BranchSnippets {

    private static final int CASES = 16;

    private BranchSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("branch");
        Defined none = Defined.NONE_AFFECTED;
        for (String cc : DataSnippets.CONDITIONS) {
            b.add("j" + cc + " 1f\nmov eax, 1\n1:", CASES, none)
                    .add("j" + cc + " 1f\n.fill 130, 1, 0x90\nmov ebx, 2\n1:", CASES / 2, none);
        }
        // Iteration counts stay small: ECX = 0 would mean 2^32 iterations.
        Shaper count = in -> in.set(ECX, 1 + in.random.nextInt(20));
        Shaper countCx = in -> in.set(ECX, (in.get(ECX) & ~0xFFFF) | 1 + in.random.nextInt(20));
        Shaper maybeZero = in -> in.set(ECX, in.random.nextBoolean() ? 0 : in.get(ECX));
        Shaper maybeZeroCx = in -> in.set(ECX, in.random.nextBoolean() ? in.get(ECX) & ~0xFFFF : in.get(ECX));
        b.add("1:\ninc eax\nloop 1b", CASES, Defined.ARITHMETIC, count)
                .add("1:\ninc eax\ncmp al, dl\nloope 1b", CASES, Defined.ARITHMETIC, count)
                .add("1:\ninc eax\ncmp al, dl\nloopne 1b", CASES, Defined.ARITHMETIC, count)
                .add("1:\nadd eax, ebx\naddr16 loop 1b", CASES, Defined.ARITHMETIC, countCx)
                .add("1:\ntest eax, eax\nsetz dl\nshr eax, 1\naddr16 loopne 1b", CASES, Defined.LOGIC, countCx)
                .add("jecxz 1f\nmov eax, 1\n1:", CASES, none, maybeZero)
                .add("jcxz 1f\nmov eax, 1\n1:", CASES, none, maybeZeroCx)
                .add("jmp 1f\nud2\n1:", 2, none)
                .add("jmp 1f\n.fill 130, 1, 0xcc\n1:", 2, none);
        // The emulator holds each snippet at its host address, so return addresses and absolute targets agree.
        Shaper ptr = Shaper.pointer(Inputs.ESI);
        b.add("call 1f\n1:\npop eax", 4, none)
                .add("call 1f\njmp 2f\n1:\nret\n2:", 4, none)
                .add("call 1f\njmp 2f\n1:\nret 8\n2:", 4, none)
                .add("mov eax, offset 1f\ncall eax\nud2\n1:\npop ebx", 4, none)
                .add("mov dword ptr [esi], offset 1f\ncall dword ptr [esi]\nud2\n1:\npop eax", 4, none, ptr)
                .add("mov eax, offset 1f\njmp eax\nud2\n1:", 4, none)
                .add("push offset 1f\nret\nud2\n1:", 4, none)
                .add("mov dword ptr [esi+2], offset 1f\njmp dword ptr [esi+2]\nud2\n1:", 4, none, ptr);
        return b.build();
    }
}
