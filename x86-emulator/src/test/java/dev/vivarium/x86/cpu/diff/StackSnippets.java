package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.ESI;

import java.util.List;

/** PUSH/POP in both operand sizes and all operand kinds, PUSHA/POPA, ENTER/LEAVE, the ESP-relative corner cases. */
final class StackSnippets {

    private static final int CASES = 16;

    private StackSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("stack");
        Defined none = Defined.NONE_AFFECTED;
        Shaper ptr = Shaper.pointer(ESI);
        for (String s : new String[] {"push eax", "push ebx\npush ecx", "push -5", "push 0x12345678", "push ax", "pushw 0x1234",
            "pushw -2", "pop eax", "pop cx", "pop ebx\npop edx", "push esp", "pop esp", "push sp", "pop sp", "push esp\npop eax",
            "pop dword ptr [esp]", "pop dword ptr [esp+4]", "push dword ptr [esp+4]", "push dword ptr [esp]", "pusha", "popa",
            "pushaw", "popaw", "pusha\npopa", "mov eax, esp\npopa\nmov esp, eax", "pushaw\npopa", "pop word ptr [esp-2]"}) {
            b.add(s, CASES, none);
        }
        for (String s : new String[] {"push dword ptr [esi]", "push word ptr [esi+1]", "pop dword ptr [esi]", "pop word ptr [esi]",
            "pop dword ptr [esi+esp]"}) {
            b.add(s, CASES, none, s.contains("esi+esp") ? ptr.then(in -> in.set(ESI, in.get(ESI) - in.get(Inputs.ESP))) : ptr);
        }
        for (String s : new String[] {"enter 0, 0", "enter 8, 0", "enter 16, 1", "enter 4, 2", "enter 0, 5", "enter 12, 31",
            "enter 0x104, 3", "enter 0, 32", "enter 0, 33", "enterw 4, 2", "enterw 0, 1", "leave", "leavew", "enter 8, 1\nleave",
            "enterw 6, 3\nleavew", "enter 0, 2\nleavew"}) {
            b.add(s, CASES, none, Shaper.FRAME);
        }
        return b.build();
    }
}
