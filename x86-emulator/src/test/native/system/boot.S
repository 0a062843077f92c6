/*
 * The system-mode reference of the CPU differential tests: a Multiboot kernel for
 * qemu-system-i386 that runs the snippets at CPL 3 on the machine EmulatorHarness builds (the
 * same GDT, IDT, TSS and flat segments), so a family whose faults or descriptors a user-mode
 * emulator does not model (qemu-i386) is compared with a system emulator that does.
 *
 * Ring 0 sets up the tables once; sys_enter drops to ring 3 with the case's registers and
 * flags by IRET. Every exception 0..31 comes back to ring 0 through an interrupt gate (stack
 * from the TSS), saves the registers and the frame in fault_state and returns from sys_enter.
 * A snippet ends with a HLT that, at CPL 3, raises #GP at its end address: the normal completion,
 * as in EmulatorHarness. Built with gcc -m32 -ffreestanding -nostdlib, linked by link.ld.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory information */

#define KERNEL_CODE 0x08
#define KERNEL_DATA 0x10
#define USER_CODE 0x23
#define USER_DATA 0x2B
#define TSS_SEL 0x30

        .intel_syntax noprefix

        .section .multiboot, "a"
        .p2align 2
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        /* First in the image (link.ld): Bochs enters at its first byte; QEMU at the ELF entry. */
        .section .text.start, "ax"
        .globl _start
_start:
        jmp entry

        .text
entry:
        cli
        cld
        /* Clear .bss ourselves: Bochs loads only the file's bytes. EAX and EBX are the loader's. */
        mov edx, eax
        mov edi, offset __bss_start
        mov ecx, offset _end
        sub ecx, edi
        xor eax, eax
        rep stosb
        mov eax, edx
        mov esp, offset stack_top
        push ebx                        /* the Multiboot information */
        push eax                        /* the loader's magic */
        lgdt [gdt_desc]
        ljmp KERNEL_CODE, offset 1f
1:      mov cx, KERNEL_DATA
        mov ds, cx
        mov es, cx
        mov fs, cx
        mov gs, cx
        mov ss, cx
        /* No interrupt may reach a snippet: mask both 8259As (the snippets run with IF set). */
        mov al, 0xff
        out 0x21, al
        out 0xa1, al
        call harness_main               /* harness_main(magic, info) */
        /* harness_main powers off through isa-debug-exit; if that device is missing, stop here. */
2:      cli
        hlt
        jmp 2b

/*
 * int sys_enter(void): runs g_target at CPL 3 with g_in's registers and flags, and returns when
 * an exception brings the CPU back to ring 0 (fault_state holds what it saw).
 */
        .globl sys_enter
sys_enter:
        push ebp
        push ebx
        push esi
        push edi
        mov [host_esp], esp
        push USER_DATA                  /* SS */
        push dword ptr [g_in + 16]      /* ESP */
        mov eax, [g_in + 32]
        or eax, 0x200                   /* IF set, as in a user process (every IRQ is masked) */
        push eax                        /* EFLAGS */
        push USER_CODE                  /* CS */
        push dword ptr [g_target]       /* EIP */
        mov ax, USER_DATA
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov eax, [g_in + 0]
        mov ecx, [g_in + 4]
        mov edx, [g_in + 8]
        mov ebx, [g_in + 12]
        mov ebp, [g_in + 20]
        mov esi, [g_in + 24]
        mov edi, [g_in + 28]
        iretd

/* Exception entry points: each pushes an error code where the CPU does not, then its vector. */
.macro STUB_NOERR n
stub\n:
        push 0
        push \n
        jmp exception_common
.endm
.macro STUB_ERR n
stub\n:
        push \n
        jmp exception_common
.endm
        STUB_NOERR 0
        STUB_NOERR 1
        STUB_NOERR 2
        STUB_NOERR 3
        STUB_NOERR 4
        STUB_NOERR 5
        STUB_NOERR 6
        STUB_NOERR 7
        STUB_ERR 8
        STUB_NOERR 9
        STUB_ERR 10
        STUB_ERR 11
        STUB_ERR 12
        STUB_ERR 13
        STUB_ERR 14
        STUB_NOERR 15
        STUB_NOERR 16
        STUB_ERR 17
        STUB_NOERR 18
        STUB_NOERR 19
        STUB_NOERR 20
        STUB_NOERR 21
        STUB_NOERR 22
        STUB_NOERR 23
        STUB_NOERR 24
        STUB_NOERR 25
        STUB_NOERR 26
        STUB_NOERR 27
        STUB_NOERR 28
        STUB_NOERR 29
        STUB_NOERR 30
        STUB_NOERR 31

/*
 * On the ring-0 stack: vector, error code, then the CPU's frame (EIP, CS, EFLAGS and, from
 * ring 3, ESP and SS). DS and ES may hold whatever the snippet loaded, so the state is stored
 * through SS until they are reloaded.
 */
exception_common:
        mov ss:[fault_state + 8], eax
        mov ss:[fault_state + 12], ecx
        mov ss:[fault_state + 16], edx
        mov ss:[fault_state + 20], ebx
        mov ss:[fault_state + 28], ebp
        mov ss:[fault_state + 32], esi
        mov ss:[fault_state + 36], edi
        mov ax, KERNEL_DATA
        mov ds, ax
        mov es, ax
        cld                             /* the snippet may have set DF; the C code needs it clear */
        mov eax, [esp]
        mov [fault_state + 0], eax      /* vector */
        mov eax, [esp + 8]
        mov [fault_state + 4], eax      /* EIP */
        mov eax, [esp + 12]
        mov [fault_state + 44], eax     /* CS: 0x23 unless the harness itself faulted */
        mov eax, [esp + 16]
        mov [fault_state + 40], eax     /* EFLAGS */
        mov eax, [esp + 20]
        mov [fault_state + 24], eax     /* ESP at the exception */
        mov esp, [host_esp]
        pop edi
        pop esi
        pop ebx
        pop ebp
        ret

/* void load_tables(void): the IDT and the task register; harness_main has written the TSS descriptor first. */
        .globl load_tables
load_tables:
        call build_idt
        lidt [idt_desc]
        mov ax, TSS_SEL
        ltr ax
        ret

/* The IDT: 32-bit interrupt gates to ring 0; only #BP and #OF may be raised by INT n at CPL 3, as under Linux. */
build_idt:
        xor ecx, ecx
3:      mov eax, [stubs + ecx * 4]
        mov edx, eax
        and eax, 0xffff
        or eax, KERNEL_CODE << 16
        mov [idt + ecx * 8], eax
        and edx, 0xffff0000
        or edx, 0x8e00
        cmp ecx, 3
        je 4f
        cmp ecx, 4
        jne 5f
4:      or edx, 3 << 13
5:      mov [idt + ecx * 8 + 4], edx
        inc ecx
        cmp ecx, 32
        jb 3b
        ret

        .section .rodata
        .p2align 2
stubs:
        .long stub0, stub1, stub2, stub3, stub4, stub5, stub6, stub7
        .long stub8, stub9, stub10, stub11, stub12, stub13, stub14, stub15
        .long stub16, stub17, stub18, stub19, stub20, stub21, stub22, stub23
        .long stub24, stub25, stub26, stub27, stub28, stub29, stub30, stub31

        .data
        .p2align 3
/* EmulatorHarness's GDT: ring-0 code and data, an empty entry 3, Linux's user selectors 0x23 and 0x2B, the TSS. */
gdt:
        .quad 0
        .quad 0x00cf9b000000ffff        /* 0x08 ring-0 code */
        .quad 0x00cf93000000ffff        /* 0x10 ring-0 data */
        .quad 0
        .quad 0x00cffb000000ffff        /* 0x23 ring-3 code */
        .quad 0x00cff3000000ffff        /* 0x2B ring-3 data */
        .globl tss_desc
tss_desc:                               /* 0x30: the TSS, written by harness_main */
        .quad 0
gdt_end:
gdt_desc:
        .word gdt_end - gdt - 1
        .long gdt
        .p2align 2
idt_desc:
        .word 32 * 8 - 1
        .long idt

        .bss
        .p2align 12
idt:
        .skip 32 * 8
        .p2align 4
        .globl fault_state
fault_state:                            /* vector, EIP, EAX..EDI, EFLAGS, CS */
        .skip 12 * 4
host_esp:
        .skip 4
        .p2align 12
        .skip 0x4000
stack_top:
        .section .note.GNU-stack,"",@progbits
