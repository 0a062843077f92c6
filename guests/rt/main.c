/* Boot: reads the multiboot information, brings up the console and interrupts, runs the
 * workload and exits through the debug-exit port. Also the rest of the platform interface. */
#include "../common/platform.h"
#include "console.h"
#include "io.h"
#include "tools.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u
#define MBI_FLAG_MEM (1u << 0)
#define MBI_FLAG_CMDLINE (1u << 2)
#define DEBUG_EXIT_PORT 0xF4
#define CMDLINE_MAX 1024

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    /* the rest (modules, symbols, memory map, ...) is not used */
};

void interrupts_init(void);

extern char _end[]; /* from link.ld: the first byte after the image, .bss included */

/* Copied at boot: the loader may have put the multiboot information in RAM that a workload
 * later uses (QEMU puts it right after the image), so nothing reads it after rt_main starts. */
static char cmdline[CMDLINE_MAX];
static uint32_t ram_top; /* first byte past usable RAM above 1 MiB */

static void copy_boot_info(uint32_t magic, const struct multiboot_info *mbi)
{
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        dbg_printf("vivarium-rt: not started by a multiboot loader (eax=%x)\n", magic);
        return;
    }
    if (mbi->flags & MBI_FLAG_CMDLINE) {
        const char *src = (const char *)(uintptr_t)mbi->cmdline;
        size_t n = 0;
        while (src[n] && n + 1 < CMDLINE_MAX) {
            cmdline[n] = src[n];
            n++;
        }
        cmdline[n] = '\0';
    }
    if (mbi->flags & MBI_FLAG_MEM)
        ram_top = 0x100000u + mbi->mem_upper * 1024u;
}

void rt_main(uint32_t magic, const struct multiboot_info *mbi)
{
    copy_boot_info(magic, mbi);
    serial_init();
    interrupts_init();
    dbg_printf("vivarium-rt: boot, ram_top=%x image_end=%p cmdline=\"%s\"\n", ram_top, _end,
               cmdline);
    if (tools_present()) {
        struct tools_regs v = tools_call(TOOLS_GETVERSION, 0);
        struct tools_regs t = tools_call(TOOLS_GETTIME, 0);
        dbg_printf("vivarium-rt: tools channel version %u\n", v.eax);
        if (t.eax != 0xFFFFFFFFu && t.eax != TOOLS_MAGIC) /* QEMU may answer "no time" */
            dbg_printf("vivarium-rt: host time %u.%06u\n", t.eax, t.ebx);
    } else {
        dbg_printf("vivarium-rt: no tools channel\n");
    }
    plat_exit(workload_main());
}

void plat_exit(int code)
{
    cli();
    serial_drain();
    dbg_printf("vivarium-rt: exit %d\n", code);
    outb(DEBUG_EXIT_PORT, (uint8_t)code);
    /* Only reached without a debug-exit device: stop for good. */
    dbg_printf("vivarium-rt: no debug-exit device at port 0xF4, halting\n");
    halt_forever();
}

const char *plat_cmdline(void)
{
    return cmdline;
}

void *plat_ram(uint32_t bytes)
{
    uint32_t base = ((uint32_t)(uintptr_t)_end + 4095u) & ~4095u;
    if (ram_top == 0)
        dbg_printf("vivarium-rt: the multiboot information gives no memory size (flag bit 0)\n");
    if (ram_top <= base || ram_top - base < bytes)
        return 0;
    memset((void *)(uintptr_t)base, 0, bytes);
    return (void *)(uintptr_t)base;
}

void plat_heartbeat(uint32_t seq)
{
    if (tools_present())
        tools_call(VIVARIUM_HEARTBEAT, seq);
}

int plat_shutdown_requested(void)
{
    /* A host that does not know the command (QEMU answers with EAX unchanged) means "no". */
    return tools_present() && tools_call(VIVARIUM_SHUTDOWN_REQUESTED, 0).eax == 1;
}
