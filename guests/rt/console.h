#ifndef VIV_RT_CONSOLE_H
#define VIV_RT_CONSOLE_H
#define COM1 0x3F8
#define DEBUGCON 0xE9
void serial_init(void);
/* Waits until the UART has sent every byte written to it. */
void serial_drain(void);
/* Runtime diagnostics go to the 0xE9 debug console only, so the serial output of a guest
 * is exactly the workload's output (the same bytes as the native build prints). */
void dbg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
