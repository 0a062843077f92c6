/*
 * Multiboot v1 entry for the Vivarium guest runtime. The loader (QEMU -kernel, or the Java
 * emulator) enters _start in 32-bit protected mode with EAX = 0x2BADB002 and EBX = the
 * multiboot information. We set up our own stack, GDT and segment registers, then call
 * rt_main(magic, info).
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* bit 0: page-align modules, bit 1: memory info. Plain ELF: no bit 16. */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .text
    .globl _start
_start:
    cli
    cld
    /* Clear .bss ourselves, as kernels do, rather than trust every loader to: EAX and EBX
     * are kept in EDX and EBX, and the stack (in .bss too) is not in use yet. */
    movl %eax, %edx
    movl $__bss_start, %edi
    movl $_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb
    movl %edx, %eax
    movl $stack_top, %esp
    xorl %ebp, %ebp
    pushl %ebx
    pushl %eax
    lgdt gdt_desc
    ljmp $0x08, $1f
1:  movw $0x10, %cx
    movw %cx, %ds
    movw %cx, %es
    movw %cx, %fs
    movw %cx, %gs
    movw %cx, %ss
    call rt_main
2:  cli
    hlt
    jmp 2b

/* Interrupt stubs: vectors 0-31 are exceptions, 32-47 the remapped 8259A IRQs. Each pushes a
 * dummy error code where the CPU does not, then the vector, so isr_common sees one layout. */
.macro ISR_NOERR n
    .globl isr\n
isr\n:
    pushl $0
    pushl $\n
    jmp isr_common
.endm
.macro ISR_ERR n
    .globl isr\n
isr\n:
    pushl $\n
    jmp isr_common
.endm

ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_NOERR 29
ISR_ERR   30
ISR_NOERR 31
.irp n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
ISR_NOERR \n
.endr

isr_common:
    pushal
    pushl %esp              /* struct trap_frame * */
    call isr_dispatch
    addl $4, %esp
    popal
    addl $8, %esp           /* vector and error code */
    iret

    .section .rodata
    .align 8
gdt:
    .quad 0                     /* null */
    .quad 0x00CF9A000000FFFF    /* 0x08: flat 32-bit code, ring 0 */
    .quad 0x00CF92000000FFFF    /* 0x10: flat 32-bit data, ring 0 */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss
    .align 16
stack_bottom:
    .skip 65536
stack_top:
