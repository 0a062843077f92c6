package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.EAX;
import static dev.vivarium.x86.cpu.diff.Inputs.EBX;
import static dev.vivarium.x86.cpu.diff.Inputs.ECX;
import static dev.vivarium.x86.cpu.diff.Inputs.EDX;
import static dev.vivarium.x86.cpu.diff.Inputs.ESI;

import java.util.List;

/**
 * Exceptions a user-mode process can provoke and observe: #DE from DIV/IDIV/AAM, #UD from
 * UD2, LEA with a register operand and misplaced LOCK, #BP from INT3, #OF from INTO, #BR from
 * BOUND, #GP from a write through CS. Vector and restart point are compared (the host's kernel
 * reports them as trapno and EIP), with the registers and flags at the exception.
 */
final class FaultSnippets {

    private static final int CASES = 8;

    private FaultSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("fault");
        Defined none = Defined.NONE_AFFECTED;
        Shaper ptr = Shaper.pointer(ESI);
        b.add("div bl", CASES, Defined.DIVIDE, in -> in.set(EBX, in.get(EBX) & ~0xFF))
                .add("div cx", CASES, Defined.DIVIDE, in -> in.set(ECX, in.get(ECX) & ~0xFFFF))
                .add("div ebx", CASES, Defined.DIVIDE, in -> in.set(EBX, 0))
                .add("div bl", CASES, Defined.DIVIDE, in -> {
                    in.set(EBX, in.get(EBX) & ~0xFF | 1);
                    in.set(EAX, in.get(EAX) | 0xFF00);
                })
                .add("idiv ecx", CASES, Defined.DIVIDE, in -> {
                    in.set(EAX, 0x80000000);
                    in.set(EDX, -1);
                    in.set(ECX, -1);
                })
                .add("idiv bx", CASES, Defined.DIVIDE, in -> {
                    in.set(EAX, in.get(EAX) & ~0xFFFF);
                    in.set(EDX, in.get(EDX) | 0xFFFF);
                    in.set(EBX, in.get(EBX) | 0xFFFF);
                })
                .add("idiv bl", CASES, Defined.DIVIDE, in -> {
                    in.set(EAX, in.get(EAX) & ~0xFFFF | 0x8000);
                    in.set(EBX, in.get(EBX) | 0xFF);
                })
                .add("mov [esi], ebx\ndiv dword ptr [esi]", CASES, Defined.DIVIDE, ptr.then(in -> in.set(EBX, 0)))
                .add("inc eax\naam 0", CASES, Defined.ARITHMETIC)
                .add("add eax, ebx\nud2", CASES, Defined.ARITHMETIC)
                .add(".byte 0x8d, 0xc0", CASES, none)
                .add(".byte 0xf0\nadd eax, ebx", CASES, none)
                .add(".byte 0xf0\nmov eax, [esi]", CASES, none, ptr)
                .add("sub eax, ecx\nint3\nmov eax, 1", CASES, Defined.ARITHMETIC)
                .add("into\nmov eax, 1", CASES * 2, none)
                .add("mov [esi], ebx\nmov [esi+4], ecx\nbound eax, [esi]", CASES * 2, none, ptr)
                .add("mov [esi], bx\nmov [esi+2], cx\nbound ax, [esi]", CASES * 2, none, ptr)
                .add("mov dword ptr cs:[esi], eax", CASES, none, ptr)
                .add("push eax\nmov byte ptr cs:[esi], 1", CASES, none, ptr);
        // The snippets run at CPL 3 with IOPL 0, as the host process does: privileged instructions raise #GP(0).
        for (String s : new String[] {"cli", "sti", "hlt\nmov eax, 1", "in al, dx", "out dx, ax", "in eax, 0x60", "out 0x80, al",
            "mov eax, cr0", "mov cr3, eax", "mov eax, dr7", "clts", "invd", "wbinvd", "lmsw ax", "ltr ax", "lldt ax",
            "lgdt [esi]", "lidt [esi]", "invlpg [esi]", "insb", "outsd", "rep insw", "rep outsb",
            // The I/O permission check comes before the count: REP INS/OUTS with ECX = 0 fault all the same.
            "xor ecx, ecx\nrep insb", "xor ecx, ecx\nrep outsd"}) {
            b.add(s, 2, none, ptr.then(Shaper.pointer(Inputs.EDI)));
        }
        return b.build();
    }
}
