/*
 * The tools channel, modelled on VMware's backdoor: IN EAX, DX with EAX = 'VMXh',
 * ECX = command, DX = 0x5658. Command numbers are documented in guests/README.md.
 */
#ifndef VIV_RT_TOOLS_H
#define VIV_RT_TOOLS_H
#include <stdint.h>

#define TOOLS_MAGIC 0x564D5868u /* 'VMXh' */
#define TOOLS_PORT 0x5658

/* VMware's own commands. */
#define TOOLS_GETVERSION 10     /* out: EAX = version, EBX = 'VMXh' when present */
#define TOOLS_GETTIME 23        /* out: EAX = seconds since 1970, EBX = microseconds */

/* Vivarium's commands (outside VMware's range). */
#define VIVARIUM_HEARTBEAT 0x5601          /* in: EBX = heartbeat number; out: EAX = 0 */
#define VIVARIUM_SHUTDOWN_REQUESTED 0x5602 /* out: EAX = 1 when the host asks for a shutdown */

struct tools_regs {
    uint32_t eax, ebx, ecx, edx;
};

/* Issues one backdoor call; EBX carries the argument. */
struct tools_regs tools_call(uint32_t command, uint32_t arg);
/* Probes GETVERSION once: 1 when a host answers, 0 when the port is silent. */
int tools_present(void);
#endif
