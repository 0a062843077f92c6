package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.EAX;
import static dev.vivarium.x86.cpu.diff.Inputs.EBX;
import static dev.vivarium.x86.cpu.diff.Inputs.EDX;
import static dev.vivarium.x86.cpu.diff.Inputs.ESI;

import java.util.List;

/**
 * Data movement and conversion: MOVSX/MOVZX, SETcc and CMOVcc on all sixteen conditions,
 * XCHG/XADD/CMPXCHG/CMPXCHG8B/BSWAP, CBW/CWDE/CWD/CDQ, LAHF/SAHF/CLC/STC/CMC, the moffs MOV
 * forms and PUSHFD/POPFD's arithmetic bits.
 */
final class DataSnippets {

    static final String[] CONDITIONS = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};
    private static final int CASES = 24;
    /** IF, IOPL, NT and ID: bits POPF treats by privilege, or that only a 486 or later can change. */
    private static final int POPF_PRIVILEGED = 1 << 9 | 3 << 12 | 1 << 14 | 1 << 21;

    private DataSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("data");
        Shaper ptr = Shaper.pointer(ESI);
        Defined none = Defined.NONE_AFFECTED;
        for (String s : new String[] {"movsx eax, bl", "movsx eax, bh", "movsx ecx, dx", "movsx ax, dl", "movsx bp, ah",
            "movzx eax, ch", "movzx edx, si", "movzx bx, al", "movzx di, dh", "movzx eax, ax"}) {
            b.add(s, CASES, none);
        }
        for (String s : new String[] {"movsx eax, byte ptr [esi]", "movzx eax, word ptr [esi+1]", "movsx cx, byte ptr [esi]",
            "movzx ecx, byte ptr [esi-1]", "movsx edx, word ptr [esi]", "movzx dx, byte ptr [esi]"}) {
            b.add(s, CASES, none, ptr);
        }
        for (String cc : CONDITIONS) {
            b.add("set" + cc + " al", CASES, none)
                    .add("set" + cc + " bh", CASES / 2, none)
                    .add("set" + cc + " byte ptr [esi]", CASES / 2, none, ptr)
                    .add("cmov" + cc + " eax, ebx", CASES, none)
                    .add("cmov" + cc + " cx, dx", CASES, none)
                    .add("cmov" + cc + " edx, dword ptr [esi]", CASES, none, ptr)
                    .add("cmov" + cc + " di, word ptr [esi+1]", CASES / 2, none, ptr);
        }
        for (String s : new String[] {"xchg eax, ebx", "xchg ecx, edx", "xchg ax, si", "xchg bp, di", "xchg al, bh", "xchg ch, cl",
            "xchg eax, eax", "nop"}) {
            b.add(s, CASES / 2, none);
        }
        for (String s : new String[] {"xchg dword ptr [esi], ecx", "xchg byte ptr [esi], dl", "xchg word ptr [esi+1], bx"}) {
            b.add(s, CASES / 2, none, ptr);
        }
        for (String s : new String[] {"xadd eax, ebx", "xadd cx, dx", "xadd al, bh", "xadd eax, eax", "xadd dh, dh"}) {
            b.add(s, CASES, Defined.ARITHMETIC);
        }
        for (String s : new String[] {"xadd dword ptr [esi], ecx", "lock xadd dword ptr [esi], eax", "xadd byte ptr [esi], al",
            "xadd word ptr [esi+1], bx", "mov [esi], edx\nxadd [esi], edx"}) {
            b.add(s, CASES, Defined.ARITHMETIC, ptr);
        }
        // CMPXCHG compares with the accumulator: make them equal half of the time.
        b.add("cmpxchg ebx, ecx", CASES, Defined.ARITHMETIC, copy(EBX, EAX, -1))
                .add("cmpxchg dx, si", CASES, Defined.ARITHMETIC, copy(EDX, EAX, 0xFFFF))
                .add("cmpxchg bl, ch", CASES, Defined.ARITHMETIC, copy(EBX, EAX, 0xFF))
                .add("cmpxchg eax, ecx", CASES / 2, Defined.ARITHMETIC)
                .add("cmpxchg dword ptr [esi], ecx", CASES / 2, Defined.ARITHMETIC, ptr)
                .add("mov [esi], ebx\nlock cmpxchg dword ptr [esi], ecx", CASES, Defined.ARITHMETIC, ptr.then(copy(EBX, EAX, -1)))
                .add("mov [esi], bx\ncmpxchg word ptr [esi], cx", CASES, Defined.ARITHMETIC, ptr.then(copy(EBX, EAX, 0xFFFF)))
                .add("mov [esi], bl\ncmpxchg byte ptr [esi], dh", CASES, Defined.ARITHMETIC, ptr.then(copy(EBX, EAX, 0xFF)))
                // CMPXCHG8B sets ZF and affects no other flag.
                .add("cmpxchg8b qword ptr [esi]", CASES / 2, none, ptr)
                .add("mov [esi], eax\nmov [esi+4], edx\ncmpxchg8b qword ptr [esi]", CASES / 2, none, ptr)
                .add("mov [esi], eax\nlock cmpxchg8b qword ptr [esi]", CASES / 2, none, ptr);
        for (String r : new String[] {"eax", "ecx", "edx", "ebx", "ebp", "esi", "edi"}) {
            b.add("bswap " + r, CASES / 4, none);
        }
        for (String s : new String[] {"cbw", "cwde", "cwd", "cdq", "lahf", "clc", "stc", "cmc", "sahf", "sahf\nlahf", "cmc\ncmc"}) {
            b.add(s, CASES, none);
        }
        b.add(String.format("mov eax, dword ptr ds:0x%x", Layout.DATA + 0x801), CASES / 4, none)
                .add(String.format("mov byte ptr ds:0x%x, bl", Layout.DATA + 0x7FF), CASES / 4, none)
                .add(String.format("mov ax, word ptr ds:0x%x", Layout.DATA + 2), CASES / 4, none)
                .add(String.format("mov dword ptr ds:0x%x, eax", Layout.DATA + 3), CASES / 4, none)
                .add(String.format("mov al, byte ptr ds:0x%x", Layout.DATA + 0x10), CASES / 4, none)
                .add("mov dword ptr [esi], 0x89abcdef\nmov word ptr [esi+4], 0x1234\nmov byte ptr [esi+6], -1", CASES / 4, none, ptr);
        // The whole EFLAGS image: the emulator runs with IF set, as the host's user process does.
        b.add("pushfd\npop eax", CASES, none);
        b.add("pushfw", CASES / 2, none);
        // POPF at CPL 3 with IOPL 0 changes neither IF nor IOPL, silently; TF and AC stay clear (they would trap the host).
        Shaper flagImage = in -> in.set(EAX, in.random.nextInt() & (Flags.ARITH | Flags.DF | POPF_PRIVILEGED) | 2);
        b.add("push eax\npopfd\npushfd\npop ebx", CASES, none, flagImage);
        b.add("push ax\npopfw\npushfw\npop bx", CASES, none, flagImage);
        return b.build();
    }

    /** Half of the time, copies the low bits of one register into another (so a compare succeeds). */
    private static Shaper copy(int from, int to, int mask) {
        return in -> {
            if (in.random.nextBoolean()) {
                in.set(to, (in.get(to) & ~mask) | (in.get(from) & mask));
            }
        };
    }
}
