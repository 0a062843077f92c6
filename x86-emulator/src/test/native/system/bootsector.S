/*
 * A boot sector for the system-mode harness under Bochs, which has no Multiboot loader: the
 * BIOS loads it at 0x7C00 in real mode; it opens the A20 gate, enters 32-bit protected mode with
 * flat segments and jumps to the harness at 0x200000, which Bochs has put there itself
 * (optramimage1), as it has put the command and the cases at 0x400000 (optramimage2). EAX
 * tells the harness who started it. Linked at 0x7C00 as a flat binary.
 */
        .code16
        .intel_syntax noprefix
        .text
        .globl _start
_start:
        cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7c00
        in al, 0x92                     /* fast A20 */
        or al, 2
        and al, 0xfe                    /* never the reset bit */
        out 0x92, al
        lgdt [gdt_desc]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        ljmp 0x08, offset protected
        .code32
protected:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x7c00
        mov eax, 0x42584254             /* "TBXB": started by this boot sector under Bochs */
        mov ecx, 0x200000
        jmp ecx
        .p2align 3
gdt:    .quad 0
        .quad 0x00cf9a000000ffff        /* 0x08 flat code */
        .quad 0x00cf92000000ffff        /* 0x10 flat data */
gdt_desc:
        .word gdt_desc - gdt - 1
        .long gdt
        .org 510
        .byte 0x55, 0xaa
