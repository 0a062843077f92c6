package dev.vivarium.benchmarks;

/**
 * The guest code the benchmarks run, hand-assembled (checked with GNU as and objdump). Each is
 * an endless loop, so a run of N instructions always retires exactly N.
 */
final class GuestLoops {

    /**
     * 32-bit flat protected mode: loads, stores, ALU, a push/pop pair, a data-dependent branch
     * and the loop branch. EBX points at a 4 KiB table, ECX indexes it, ESI counts down.
     */
    static final int[] FLAT32 = {
            0x8B, 0x04, 0x8B,                         // 00 top:  mov eax, [ebx+ecx*4]
            0x01, 0xD0,                               // 03       add eax, edx
            0x89, 0x84, 0x8B, 0x00, 0x10, 0x00, 0x00, // 05       mov [ebx+ecx*4+0x1000], eax
            0x31, 0xC2,                               // 0c       xor edx, eax
            0xD1, 0xE2,                               // 0e       shl edx, 1
            0x41,                                     // 10       inc ecx
            0x81, 0xE1, 0xFF, 0x03, 0x00, 0x00,       // 11       and ecx, 0x3ff
            0x50,                                     // 17       push eax
            0x39, 0xD0,                               // 18       cmp eax, edx
            0x72, 0x01,                               // 1a       jb skip
            0x47,                                     // 1c       inc edi
            0x58,                                     // 1d skip: pop eax
            0x4E,                                     // 1e       dec esi
            0x75, 0xDF,                               // 1f       jnz top
            0xBE, 0xE8, 0x03, 0x00, 0x00,             // 21       mov esi, 1000
            0xEB, 0xD8,                               // 26       jmp top
    };

    /** 16-bit real mode: the same mix with 16-bit addressing and LOOP. */
    static final int[] REAL16 = {
            0x8B, 0x04,                               // 00 top:  mov ax, [si]
            0x01, 0xD0,                               // 02       add ax, dx
            0x89, 0x05,                               // 04       mov [di], ax
            0x31, 0xC2,                               // 06       xor dx, ax
            0x83, 0xC6, 0x02,                         // 08       add si, 2
            0x81, 0xE6, 0xFE, 0x0F,                   // 0b       and si, 0xffe
            0x8D, 0xBC, 0x00, 0x20,                   // 0f       lea di, [si+0x2000]
            0x39, 0xD0,                               // 13       cmp ax, dx
            0x72, 0x01,                               // 15       jb skip
            0x43,                                     // 17       inc bx
            0xE2, 0xE6,                               // 18 skip: loop top
            0xB9, 0xE8, 0x03,                         // 1a       mov cx, 1000
            0xEB, 0xE1,                               // 1d       jmp top
    };

    /** 32-bit flat: copy 4 KiB with REP MOVSD, again and again (each iteration counts as one instruction). */
    static final int[] REP_MOVSD = {
            0xBE, 0x00, 0x00, 0x01, 0x00,             // 00 top:  mov esi, 0x10000
            0xBF, 0x00, 0x00, 0x02, 0x00,             // 05       mov edi, 0x20000
            0xB9, 0x00, 0x04, 0x00, 0x00,             // 0a       mov ecx, 1024
            0xF3, 0xA5,                               // 0f       rep movsd
            0xEB, 0xED,                               // 11       jmp top
    };

    private GuestLoops() {
    }
}
