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
        // INT n: only vectors 3 and 4 have DPL-3 gates (as under Linux); the others raise #GP, so do vectors past the IDT.
        for (String s : new String[] {"int 3", "int 4", "int 0", "int 1", "int 5", "int 13", "int 14", "int 0x20", "int 0x40", "int 0xff"}) {
            b.add("inc eax\n" + s + "\nmov eax, 1", 2, Defined.ARITHMETIC);
        }
        // Encodings that are not instructions: reserved ModRM reg fields, register operands where only memory is
        // allowed, LOCK on instructions that cannot be locked (and, for contrast, on NOT of memory, which can).
        for (String s : new String[] {".byte 0x0f, 0xc7, 0xc8", ".byte 0x0f, 0xc7, 0x16", ".byte 0xfe, 0xd0", ".byte 0xff, 0xf8",
            ".byte 0xff, 0xd8", ".byte 0xff, 0xe8", ".byte 0x0f, 0x00, 0xf0", ".byte 0x8c, 0xf0", ".byte 0x8e, 0xc8", ".byte 0xc6, 0xc8, 0x05",
            ".byte 0xc7, 0xd0, 0, 0, 0, 0", ".byte 0x0f, 0xff", ".byte 0x0f, 0xb9, 0xc0", ".byte 0x0f, 0x0b", ".byte 0x0f, 0xba, 0xe0, 1",
            ".byte 0xf0, 0x87, 0xc3", ".byte 0xf0, 0x0f, 0xa3, 0x06", ".byte 0xf0, 0x8b, 0xc3", ".byte 0xf0, 0x0f, 0xc7, 0xc8",
            ".byte 0xf0, 0x90", ".byte 0xf0, 0xf7, 0x16", ".byte 0xf0, 0xf6, 0x06, 1"}) {
            b.add(s, 2, none, ptr);
        }
        return b.build();
    }
}
