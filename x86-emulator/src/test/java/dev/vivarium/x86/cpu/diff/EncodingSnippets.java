package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.ESI;

import java.util.List;

/**
 * Encodings an assembler does not choose by itself: the reg/rm-swapped ALU forms, opcode 82
 * (an alias of 80 outside 64-bit mode), TEST's /1 alias, the multi-byte NOPs, PAUSE, and
 * redundant or repeated prefixes.
 */
final class EncodingSnippets {

    private static final int CASES = 16;

    private EncodingSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("encoding");
        Defined none = Defined.NONE_AFFECTED;
        Shaper ptr = Shaper.pointer(ESI);
        b.add(".byte 0x03, 0xc3", CASES, Defined.ARITHMETIC)              // add eax, ebx (03 /r)
                .add(".byte 0x2a, 0xc7", CASES, Defined.ARITHMETIC)       // sub al, bh (2A /r)
                .add(".byte 0x66, 0x1b, 0xca", CASES, Defined.ARITHMETIC) // sbb cx, dx (1B /r)
                .add(".byte 0x33, 0xc0", CASES, Defined.LOGIC)            // xor eax, eax (33 /r)
                .add(".byte 0x8a, 0xe3", CASES, none)                     // mov ah, bl (8A /r)
                .add(".byte 0x8b, 0xcb", CASES, none)                     // mov ecx, ebx (8B /r)
                .add(".byte 0x82, 0xc0, 0x05", CASES, Defined.ARITHMETIC) // add al, 5 (82 /0)
                .add(".byte 0x82, 0xfb, 0x80", CASES, Defined.ARITHMETIC) // cmp bl, 0x80 (82 /7)
                .add(".byte 0x82, 0x2e, 0x7f", CASES, Defined.ARITHMETIC, ptr) // sub byte [esi], 0x7f (82 /5)
                .add(".byte 0xf6, 0xc8, 0x55", CASES, Defined.LOGIC)      // test al, 0x55 (F6 /1)
                .add(".byte 0xf7, 0xcb, 0x00, 0x80, 0x00, 0x80", CASES, Defined.LOGIC) // test ebx, 0x80008000 (F7 /1)
                .add(".byte 0x0f, 0x1f, 0x00", 2, none)                    // nop dword [eax]
                .add(".byte 0x0f, 0x1f, 0x44, 0x00, 0x00", 2, none)        // nop dword [eax+eax+0]
                .add(".byte 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00", 2, none)
                .add(".byte 0x66, 0x90", 2, none)                          // xchg ax, ax
                .add("pause", 2, none)
                .add(".byte 0x66, 0x66, 0x05, 0x34, 0x12", CASES, Defined.ARITHMETIC) // add ax, 0x1234, prefix twice
                .add(".byte 0x3e, 0x26, 0x8b, 0x06", CASES, none, ptr)    // ds: es: mov eax, [esi] (the last override wins)
                .add(".byte 0xf2, 0xf3, 0xa4", CASES, none, Shaper.pointer(ESI).then(Shaper.pointer(Inputs.EDI))
                        .then(Shaper.below(Inputs.ECX, 20)))              // repne rep movsb: REP
                .add(".byte 0xf3, 0x0f, 0xaf, 0xc3", CASES, Defined.MULTIPLY) // rep imul eax, ebx: prefix ignored
                .add(".byte 0x67, 0x90", 2, none)
                .add(".byte 0x67, 0x01, 0xd8", CASES, Defined.ARITHMETIC);   // add eax, ebx with a pointless 67
        return b.build();
    }
}
