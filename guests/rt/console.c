/* The COM1 16550A serial console and the port 0xE9 debug console. */
#include "../common/platform.h"
#include "console.h"
#include "io.h"

#define UART_THR 0 /* transmit holding register (DLAB = 0) */
#define UART_DLL 0 /* divisor latch low (DLAB = 1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20 /* transmit holding register empty */
#define LSR_TEMT 0x40 /* transmitter empty: the FIFO and the shift register */

void serial_init(void)
{
    outb(COM1 + UART_IER, 0x00);  /* no UART interrupts: we poll */
    outb(COM1 + UART_LCR, 0x80);  /* DLAB on */
    outb(COM1 + UART_DLL, 0x01);  /* 115200 baud */
    outb(COM1 + UART_DLM, 0x00);
    outb(COM1 + UART_LCR, 0x03);  /* 8N1, DLAB off */
    outb(COM1 + UART_FCR, 0xC7);  /* FIFOs on and cleared, 14-byte threshold */
    outb(COM1 + UART_MCR, 0x03);  /* DTR, RTS */
}

void plat_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THRE))
        ;
    outb(COM1 + UART_THR, (uint8_t)c);
}

/* Before power-off: on a real (or paced) line the last bytes are still being sent. */
void serial_drain(void)
{
    while (!(inb(COM1 + UART_LSR) & LSR_TEMT))
        ;
}

static void to_debugcon(char c, void *ctx)
{
    (void)ctx;
    outb(DEBUGCON, (uint8_t)c);
}

void dbg_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat(to_debugcon, 0, fmt, ap);
    va_end(ap);
}
