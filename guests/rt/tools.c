#include "tools.h"

struct tools_regs tools_call(uint32_t command, uint32_t arg)
{
    struct tools_regs r = {TOOLS_MAGIC, arg, command, TOOLS_PORT};
    /* ESI and EDI are clobbered because some VMware commands return data in them. */
    __asm__ volatile("inl %%dx, %%eax"
                     : "+a"(r.eax), "+b"(r.ebx), "+c"(r.ecx), "+d"(r.edx)
                     :
                     : "esi", "edi", "memory");
    return r;
}

static int probed = -1;

int tools_present(void)
{
    if (probed < 0) {
        /* EBX starts as anything but the magic: an absent port leaves it alone (and reads
         * all ones into EAX), a present one writes the magic back. */
        struct tools_regs r = tools_call(TOOLS_GETVERSION, ~TOOLS_MAGIC);
        probed = r.ebx == TOOLS_MAGIC && r.eax != 0xFFFFFFFFu;
    }
    return probed;
}
