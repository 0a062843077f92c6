/*
 * The interface between a workload and whatever runs it: the freestanding guest runtime
 * (rt/) or the native host shim (native/). Workloads include only this header, so the
 * same C core builds both ways and prints the same bytes.
 */
#ifndef VIV_PLATFORM_H
#define VIV_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#if __STDC_HOSTED__
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif

/* ---- provided by the platform (rt/ or native/) ---- */

/* One byte to the console: the COM1 UART in a guest, stdout natively. */
void plat_putc(char c);
/* One byte from the console if one has arrived (the COM1 UART's receiver in a guest, from
 * rt/console_in.c, linked only where a workload reads its console), else -1; never waits.
 * Natively there is no console input: always -1. */
int plat_getc(void);
/* Ends the program with an exit code: port 0xF4 in a guest, exit() natively. */
__attribute__((noreturn)) void plat_exit(int code);
/* The command line: the multiboot one in a guest (copied at boot), argv joined natively. */
const char *plat_cmdline(void);
/* Starts the tick at hz interrupts per second (PIT channel 0 in a guest; natively the monotonic
 * clock, which needs no tick). hz divides 1000, so each tick is a whole number of milliseconds. */
void plat_timer_start(uint32_t hz);
/* Milliseconds of guest time since plat_timer_start(). */
uint32_t plat_ticks(void);
/* Idles (HLT in a guest) until plat_ticks() >= target. */
void plat_wait_until(uint32_t target);
/* Tools channel: tell the host the guest is alive; ask whether it wants a clean shutdown. */
void plat_heartbeat(uint32_t seq);
int plat_shutdown_requested(void);
/* A zeroed, page-aligned region of `bytes` of RAM for memory workloads, or NULL if too big.
 * Call it once: in a guest every call returns the same RAM, right after the image. */
void *plat_ram(uint32_t bytes);

/* The primary ATA disk in 512-byte sectors, for the disk workload only (rt/disk.c in a guest,
 * native/disk.c natively: a zeroed 1 MiB disk in memory). plat_disk_sectors() is 0 when there
 * is no disk; read and write return 0, or -1 when the device reports an error. */
uint32_t plat_disk_sectors(void);
int plat_disk_read(uint32_t lba, void *sector);
int plat_disk_write(uint32_t lba, const void *sector);

/* ---- provided by common/ ---- */

int vformat(void (*out)(char c, void *ctx), void *ctx, const char *fmt, va_list ap);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* key=value parameters of the command line; tokens without '=' (like QEMU's kernel path) are
 * skipped. Returns def when the key is absent; exits with code 2 when the value is not a number. */
uint32_t param_u32(const char *key, uint32_t def);
/* Copies the value into buf (NUL-terminated); returns def when absent. */
const char *param_str(const char *key, char *buf, size_t size, const char *def);

/* Runs body(seq) every period_ms of guest time for seq = 1..limit (forever when limit is 0),
 * sending a heartbeat each guest second and stopping early when the host asks for a shutdown.
 * The tick rate is the command line's hz (default 1000; 100 or 250 as server kernels of the
 * time ran, so an idle guest costs its host fewer interrupts); a period shorter than a tick
 * lasts a tick. Returns the number of periods completed. */
uint32_t periodic_run(const char *name, uint32_t period_ms, uint32_t limit,
                      void (*body)(uint32_t seq, void *ctx), void *ctx);

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n);

/* Each workload defines this; the platform calls it and exits with its result. */
int workload_main(void);

#endif
