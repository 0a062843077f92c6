/* IDT, 8259A PIC remap, 8254 PIT channel 0 at the workload's tick rate, and the trap dispatcher. */
#include "../common/platform.h"
#include "console.h"
#include "io.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_EOI 0x20
#define IRQ_BASE 32

#define PIT_CH0 0x40
#define PIT_MODE 0x43
#define PIT_HZ 1193182u

struct trap_frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax; /* pushal */
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};

struct idt_entry {
    uint16_t offset_lo, selector;
    uint8_t zero, type;
    uint16_t offset_hi;
} __attribute__((packed));

static struct idt_entry idt[48];
static volatile uint32_t ticks;
/* Milliseconds each timer interrupt stands for: plat_ticks() counts milliseconds at any rate. */
static uint32_t tick_ms = 1;

extern void isr0(void), isr1(void), isr2(void), isr3(void), isr4(void), isr5(void),
    isr6(void), isr7(void), isr8(void), isr9(void), isr10(void), isr11(void), isr12(void),
    isr13(void), isr14(void), isr15(void), isr16(void), isr17(void), isr18(void), isr19(void),
    isr20(void), isr21(void), isr22(void), isr23(void), isr24(void), isr25(void), isr26(void),
    isr27(void), isr28(void), isr29(void), isr30(void), isr31(void), isr32(void), isr33(void),
    isr34(void), isr35(void), isr36(void), isr37(void), isr38(void), isr39(void), isr40(void),
    isr41(void), isr42(void), isr43(void), isr44(void), isr45(void), isr46(void), isr47(void);

static void (*const stubs[48])(void) = {
    isr0,  isr1,  isr2,  isr3,  isr4,  isr5,  isr6,  isr7,  isr8,  isr9,  isr10, isr11,
    isr12, isr13, isr14, isr15, isr16, isr17, isr18, isr19, isr20, isr21, isr22, isr23,
    isr24, isr25, isr26, isr27, isr28, isr29, isr30, isr31, isr32, isr33, isr34, isr35,
    isr36, isr37, isr38, isr39, isr40, isr41, isr42, isr43, isr44, isr45, isr46, isr47,
};

static void pic_remap(void)
{
    outb(PIC1_CMD, 0x11); /* ICW1: edge triggered, cascade, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, IRQ_BASE);     /* ICW2: vector bases */
    outb(PIC2_DATA, IRQ_BASE + 8);
    outb(PIC1_DATA, 0x04);         /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01);         /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xFF);         /* everything masked until a workload starts the timer */
    outb(PIC2_DATA, 0xFF);
}

void interrupts_init(void)
{
    for (int i = 0; i < 48; i++) {
        uint32_t off = (uint32_t)(uintptr_t)stubs[i];
        idt[i].offset_lo = (uint16_t)off;
        idt[i].selector = 0x08;
        idt[i].zero = 0;
        idt[i].type = 0x8E; /* present, ring 0, 32-bit interrupt gate */
        idt[i].offset_hi = (uint16_t)(off >> 16);
    }
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) desc = {sizeof idt - 1, (uint32_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(desc));
    pic_remap();
}

void plat_timer_start(uint32_t hz)
{
    uint32_t divisor = (PIT_HZ + hz / 2) / hz; /* 1000 Hz: 1193, 1000.15 Hz; 100 Hz: 11932 */
    tick_ms = 1000u / hz;
    cli();
    outb(PIT_MODE, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator), binary */
    outb(PIT_CH0, (uint8_t)divisor);
    outb(PIT_CH0, (uint8_t)(divisor >> 8));
    ticks = 0;
    outb(PIC1_DATA, 0xFE); /* unmask IRQ0 only */
    sti();
}

uint32_t plat_ticks(void)
{
    return ticks;
}

void plat_wait_until(uint32_t target)
{
    for (;;) {
        cli();
        if ((int32_t)(ticks - target) >= 0) {
            sti();
            return;
        }
        sti_hlt(); /* the tick that wakes us cannot slip in between the test and the HLT */
    }
}

static const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coprocessor overrun",
    "invalid TSS", "segment not present", "stack fault", "general protection",
    "page fault", "reserved", "x87 error", "alignment check", "machine check",
    "SIMD error", "virtualization", "control protection",
};

void isr_dispatch(struct trap_frame *f)
{
    if (f->vector >= IRQ_BASE) {
        unsigned irq = f->vector - IRQ_BASE;
        if (irq == 0)
            ticks += tick_ms;
        if (irq >= 8)
            outb(PIC2_CMD, PIC_EOI);
        outb(PIC1_CMD, PIC_EOI);
        return;
    }
    const char *name = exception_names[f->vector] ? exception_names[f->vector] : "reserved";
    /* The serial line gets no addresses, so its text does not change with every build. */
    kprintf("guest exception %u (%s) error %x\n", f->vector, name, f->error);
    dbg_printf("vivarium-rt: exception %u (%s) error=%x eip=%x eax=%x ebx=%x ecx=%x edx=%x\n",
               f->vector, name, f->error, f->eip, f->eax, f->ebx, f->ecx, f->edx);
    plat_exit(3);
}
