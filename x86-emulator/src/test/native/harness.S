/*
 * Runs one snippet with every general register (ESP included) and EFLAGS taken from g_in,
 * and stores them afterwards in g_out. The snippet is entered with a jump and leaves by
 * jumping to harness_return, so nothing of the harness touches the snippet's stack: the
 * host's ESP, EBP and callee-saved registers wait in memory meanwhile. Built with
 * gcc -m32 -no-pie, so the globals are reached by absolute addresses.
 */
        .intel_syntax noprefix
        .text
        .globl harness_enter
        .globl harness_return

/* void harness_enter(void) */
harness_enter:
        push ebp
        push ebx
        push esi
        push edi
        mov [g_host_esp], esp
        push dword ptr [g_in + 32]
        popfd
        mov eax, [g_in + 0]
        mov ecx, [g_in + 4]
        mov edx, [g_in + 8]
        mov ebx, [g_in + 12]
        mov esp, [g_in + 16]
        mov ebp, [g_in + 20]
        mov esi, [g_in + 24]
        mov edi, [g_in + 28]
        jmp dword ptr [g_target]

harness_return:
        /* The snippet may have loaded DS or ES (never SS with anything but the flat selector). */
        mov ss:[g_out + 0], eax
        mov ss:[g_out + 4], ecx
        mov ss:[g_out + 8], edx
        mov ss:[g_out + 12], ebx
        mov ss:[g_out + 16], esp
        mov ss:[g_out + 20], ebp
        mov ss:[g_out + 24], esi
        mov ss:[g_out + 28], edi
        mov eax, ss
        mov ds, eax
        mov es, eax
        mov esp, [g_host_esp]
        pushfd
        pop dword ptr [g_out + 32]
        cld
        pop edi
        pop esi
        pop ebx
        pop ebp
        ret

        .bss
        .p2align 2
g_host_esp:
        .long 0
        .section .note.GNU-stack,"",@progbits
