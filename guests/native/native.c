/* The platform interface on the host, so each workload's C core can run natively and its
 * speed be compared with the emulated one. Output goes to stdout, byte for byte as on COM1. */
#define _ISOC11_SOURCE
#define _POSIX_C_SOURCE 200809L
#include "../common/platform.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static char cmdline[1024];
static struct timespec epoch;
static volatile sig_atomic_t stop_requested;

void plat_putc(char c)
{
    putchar(c);
}

int plat_getc(void)
{
    return -1; /* the native build measures speed; it takes no console input */
}

void plat_exit(int code)
{
    fflush(stdout);
    exit(code);
}

const char *plat_cmdline(void)
{
    return cmdline;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void plat_timer_start(uint32_t hz)
{
    (void)hz; /* the monotonic clock needs no tick */
    clock_gettime(CLOCK_MONOTONIC, &epoch);
}

uint32_t plat_ticks(void)
{
    uint64_t start = (uint64_t)epoch.tv_sec * 1000000000u + (uint64_t)epoch.tv_nsec;
    return (uint32_t)((now_ns() - start) / 1000000u);
}

void plat_wait_until(uint32_t target)
{
    fflush(stdout); /* a watcher sees each line when it is due, as on a serial console */
    while ((int32_t)(plat_ticks() - target) < 0) {
        struct timespec ts = {0, 200000}; /* the guest wakes on a 1 kHz tick; 0.2 ms is finer */
        nanosleep(&ts, 0);
    }
}

void plat_heartbeat(uint32_t seq)
{
    (void)seq;
}

int plat_shutdown_requested(void)
{
    return stop_requested;
}

void *plat_ram(uint32_t bytes)
{
    size_t rounded = ((size_t)bytes + 4095) & ~(size_t)4095;
    void *p = aligned_alloc(4096, rounded ? rounded : 4096);
    if (p)
        memset(p, 0, rounded);
    return p;
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

int main(int argc, char **argv)
{
    size_t used = 0;
    for (int i = 1; i < argc; i++) {
        int n = snprintf(cmdline + used, sizeof cmdline - used, "%s%s", i > 1 ? " " : "", argv[i]);
        if (n < 0 || (size_t)n >= sizeof cmdline - used) {
            fprintf(stderr, "command line longer than %zu bytes\n", sizeof cmdline - 1);
            return 2;
        }
        used += (size_t)n;
    }
    /* SIGTERM/SIGINT play the host's clean-shutdown request of the tools channel. */
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    plat_exit(workload_main());
}
