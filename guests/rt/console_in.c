/* Console input: the COM1 UART's receiver, polled. Linked only into the workloads that read
 * their console (cpuburn), so the other images keep their bytes. */
#include "../common/platform.h"
#include "console.h"
#include "io.h"

#define UART_RBR 0  /* receive buffer register (DLAB = 0) */
#define UART_LSR 5
#define LSR_DR 0x01 /* data ready: a received byte waits in RBR */

int plat_getc(void)
{
    if (!(inb(COM1 + UART_LSR) & LSR_DR))
        return -1;
    return inb(COM1 + UART_RBR);
}
