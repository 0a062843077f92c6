package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.EBX;
import static dev.vivarium.x86.cpu.diff.Inputs.EDI;
import static dev.vivarium.x86.cpu.diff.Inputs.ESI;

import java.util.List;

/**
 * Segment registers and descriptors as a CPL-3 process sees them: MOV/PUSH/POP of selectors,
 * loads of code, data and null selectors with the faults they bring, and LAR/LSL/VERR/VERW.
 * The emulator's GDT gives entries 4 and 5 (selectors 0x23 and 0x2B) the descriptors Linux gives
 * a 32-bit process; only selectors whose entries agree between the two are used (entries 1..3
 * are ring-0 segments in both).
 */
final class SegmentSnippets {

    private static final int CASES = 12;
    private static final int[] SELECTORS = {0x23, 0x2B, 0x28, 0x29, 0x2A, 0x20, 0x21, 0, 3, 0x08, 0x10, 0x13, 0x18};

    private SegmentSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("segment");
        Defined none = Defined.NONE_AFFECTED;
        Shaper ptr = Shaper.pointer(ESI).then(Shaper.pointer(EDI));
        for (String s : new String[] {"mov eax, ds", "mov ax, cs", "mov ecx, ss", "mov edx, es",
            "mov dword ptr [esp-4], 0\npush ds\npop eax", "mov dword ptr [esp-4], -1\npushw cs\npop ax",
            "push 0x2b\npop es\nmov eax, es", "mov ax, 0x28\nmov ds, ax\nmov ebx, ds", "mov ax, 0x2b\nmov ss, ax\npush eax",
            // A 32-bit PUSH of a segment register writes 4 bytes on AMD and some Intel parts and 2 on recent Intel ones
            // (SDM, PUSH): the slot is preset to zero, so the bytes the SDM leaves open read the same either way.
            "mov dword ptr [esp-4], 0\npush ss\npop ss\nmov eax, ss"}) {
            b.add(s, 4, none);
        }
        for (String s : new String[] {"mov word ptr [esi], ss", "mov ax, 0x23\nmov ds, ax\nmov ebx, [esi]",
            "mov ax, 0x23\nmov es, ax\nstosb", "xor eax, eax\nmov ds, ax\nmov ebx, [esi]", "mov ax, 3\nmov es, ax\nmov ebx, es:[esi]",
            "xor eax, eax\nmov ss, ax", "mov ax, 0x23\nmov ss, ax", "mov ax, 0x10\nmov ds, ax", "mov ax, 0x2a\nmov ss, ax",
            "mov word ptr [esi], 0x23\nmov es, [esi]\nmov ecx, es:[esi]", "xor eax, eax\nmov es, ax\nmov ds, ax\nmov ebx, 1"}) {
            b.add(s, 4, none, ptr);
        }
        // Far pointers from memory (offset, then selector), and a CMOV whose false condition still reads memory.
        for (String s : new String[] {"mov dword ptr [esi], 0x12345678\nmov word ptr [esi+4], 0x2b\nles eax, [esi]\nmov ebx, es",
            "mov dword ptr [esi], 0x89abcdef\nmov word ptr [esi+4], 0\nlds ecx, [esi]\nmov ebx, ds",
            "mov word ptr [esi], 0x5678\nmov word ptr [esi+2], 0x2b\nles ax, [esi]",
            "mov dword ptr [esi], 0x103100\nmov word ptr [esi+4], 0x2b\nlss esp, [esi]\npush eax",
            "mov dword ptr [esi], 0x103100\nmov word ptr [esi+4], 0x23\nlss esp, [esi]",
            "mov dword ptr [esi], 0\nmov word ptr [esi+4], 0x10\nles eax, [esi]",
            "xor eax, eax\nmov ds, ax\ncmovz ebx, [esi]", "xor eax, eax\nmov es, ax\ncmp eax, 1\ncmovz ebx, es:[esi]"}) {
            b.add(s, 4, Defined.LOGIC, ptr);
        }
        // Which segment an access defaults to, seen by making DS null: EBP and ESP bases mean SS, an EBP index does not,
        // overrides replace DS but never the ES of a string destination.
        Shaper frame = ptr.then(Shaper.FRAME).then(in -> in.set(Inputs.ECX, in.random.nextInt(8)));
        for (String s : new String[] {"mov ebx, [ebp+4]", "mov ebx, [esp]", "mov ebx, [ebp+ecx*4]", "mov ebx, [esp+ecx*4+8]",
            "mov ebx, [esi+ebp]", "mov ebx, [ecx*4+0x101000]", "mov ebx, ss:[esi]", "mov ebx, es:[esi]", "mov ebx, [esi]",
            "movsb", ".byte 0x26\nmovsb", ".byte 0x36\nlodsd", ".byte 0x26\ncmpsw", "stosb", "scasb", ".byte 0x3e\nstosd",
            "mov ebx, esi\nxlatb", "mov ebx, esi\n.byte 0x36\nxlatb", "push dword ptr [ebp]", "pop dword ptr [esp]",
            "push dword ptr [esi]", "lea ebx, [esi]\nmov ecx, [ebx+ebp]"}) {
            b.add("xor eax, eax\nmov ds, ax\n" + s, 4, Defined.LOGIC, frame);
        }
        Shaper selector = in -> in.set(EBX, in.get(EBX) & ~0xFFFF | Values.pick(in.random, SELECTORS));
        // LAR loads the descriptor's second doubleword masked by 00FxFF00H: bits 16..19 are undefined.
        b.add("lar eax, ebx\nsetz cl\nand eax, 0xfff0ffff", CASES * 2, Defined.LOGIC, selector)
                .add("lar ax, bx\nsetz cl", CASES, none, selector)
                .add("mov [esi], bx\nlar edx, word ptr [esi]\nsetz cl\nand edx, 0xfff0ffff", CASES, Defined.LOGIC, ptr.then(selector))
                .add("lsl eax, ebx", CASES * 2, none, selector)
                .add("lsl ax, bx", CASES, none, selector)
                .add("verr bx", CASES, none, selector)
                .add("verw bx", CASES, none, selector)
                .add("mov [esi+1], bx\nverw word ptr [esi+1]", CASES, none, ptr.then(selector))
                .add("arpl ax, bx", CASES, none)
                .add("arpl word ptr [esi], bx", CASES, none, ptr);
        return b.build();
    }
}
