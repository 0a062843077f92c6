package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.EAX;
import static dev.vivarium.x86.cpu.diff.Inputs.EBX;
import static dev.vivarium.x86.cpu.diff.Inputs.ECX;
import static dev.vivarium.x86.cpu.diff.Inputs.EDX;
import static dev.vivarium.x86.cpu.diff.Inputs.ESI;
import static dev.vivarium.x86.cpu.diff.Inputs.EDI;

import java.util.List;

/** BT/BTS/BTR/BTC (register and immediate offsets, register and memory bases) and BSF/BSR. */
final class BitSnippets {

    private static final int CASES = 24;

    private BitSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("bits");
        Shaper ptr = Shaper.pointer(ESI);
        // A register bit offset on a memory operand addresses beyond the operand: keep it within the buffer.
        Shaper farOffset32 = in -> in.set(EAX, in.random.nextInt(0x10000) - 0x8000);
        Shaper farOffset16 = in -> in.set(EAX, (in.get(EAX) & ~0xFFFF) | (in.random.nextInt(0x10000) & 0xFFFF));
        for (String op : new String[] {"bt", "bts", "btr", "btc"}) {
            b.add(op + " eax, ebx", CASES, Defined.BIT_TEST)
                    .add(op + " cx, dx", CASES, Defined.BIT_TEST)
                    .add(op + " edi, 31", CASES / 2, Defined.BIT_TEST)
                    .add(op + " edx, 37", CASES / 2, Defined.BIT_TEST)
                    .add(op + " bx, 15", CASES / 2, Defined.BIT_TEST)
                    .add(op + " ax, 21", CASES / 2, Defined.BIT_TEST)
                    .add(op + " dword ptr [esi], eax", CASES * 2, Defined.BIT_TEST, ptr.then(farOffset32))
                    .add(op + " word ptr [esi], ax", CASES * 2, Defined.BIT_TEST, ptr.then(farOffset16))
                    .add(op + " dword ptr [esi+1], ecx", CASES, Defined.BIT_TEST, ptr.then(Shaper.below(ECX, 64)))
                    .add(op + " dword ptr [esi], 35", CASES / 2, Defined.BIT_TEST, ptr)
                    .add(op + " word ptr [esi], 17", CASES / 2, Defined.BIT_TEST, ptr)
                    .add(op + " dword ptr [esi], 7", CASES / 2, Defined.BIT_TEST, ptr);
        }
        b.add("lock bts dword ptr [esi], eax", CASES, Defined.BIT_TEST, ptr.then(farOffset32))
                .add("lock btc word ptr [esi], 9", CASES / 2, Defined.BIT_TEST, ptr);
        // Sources are zero a quarter of the time; then only ZF is defined, not the destination.
        for (String op : new String[] {"bsf", "bsr"}) {
            b.add(op + " eax, ebx", CASES, scan(EAX, EBX, -1), sometimesZero(EBX, -1))
                    .add(op + " cx, dx", CASES, scan(ECX, EDX, 0xFFFF), sometimesZero(EDX, 0xFFFF))
                    .add(op + " edx, edi", CASES, scan(EDX, EDI, -1), sometimesZero(EDI, -1))
                    .add("mov [esi], ebx\n" + op + " eax, dword ptr [esi]", CASES, scan(EAX, EBX, -1), ptr.then(sometimesZero(EBX, -1)))
                    .add("mov [esi], bx\n" + op + " cx, word ptr [esi]", CASES, scan(ECX, EBX, 0xFFFF), ptr.then(sometimesZero(EBX, 0xFFFF)));
        }
        return b.build();
    }

    private static Shaper sometimesZero(int reg, int mask) {
        return in -> {
            if (in.random.nextInt(4) == 0) {
                in.set(reg, in.get(reg) & ~mask);
            }
        };
    }

    /** BSF/BSR: "ZF set if the source is 0, otherwise cleared; CF, OF, SF, AF, PF undefined; destination undefined if the source is 0". */
    private static Defined scan(int dest, int source, int sourceMask) {
        return new Defined() {
            @Override
            public int flags(CaseInput in) {
                return Flags.ZF;
            }

            @Override
            public int regs(CaseInput in) {
                return (in.reg(source) & sourceMask) == 0 ? 0xFF & ~(1 << dest) : 0xFF;
            }
        };
    }
}
