/*
 * cpuburn: computes for duty percent of every period and idles with HLT for the rest, so
 * the host sees a known CPU demand.
 *   duty=D       percent busy, 0..100 (default 50)
 *   period_ms=P  the period (default 100)
 *   periods=N    stop after N periods (0, the default, runs forever)
 *   report=M     print a line every M periods (default 10)
 *   hz=H         timer interrupts per second (default 1000)
 */
#include "../common/platform.h"

struct state {
    uint32_t busy_ms, report;
};

/* The busy work's result; volatile so the compiler cannot drop the loop. How many rounds fit
 * in a period depends on the machine, so it is never printed. */
static volatile uint32_t sink;

static void burn(uint32_t seq, void *ctx)
{
    const struct state *s = ctx;
    uint32_t until = plat_ticks() + s->busy_ms;
    uint32_t x = sink;
    while ((int32_t)(plat_ticks() - until) < 0) {
        for (int i = 0; i < 256; i++)
            x = x * 1664525u + 1013904223u + (x >> 13);
        sink = x;
    }
    if (s->report && seq % s->report == 0)
        kprintf("cpuburn period %u\n", seq);
}

int workload_main(void)
{
    uint32_t duty = param_u32("duty", 50);
    uint32_t period = param_u32("period_ms", 100);
    uint32_t periods = param_u32("periods", 0);
    if (duty > 100) {
        kprintf("error: cpuburn: duty is a percentage (0..100)\n");
        return 2;
    }
    struct state s = {period * duty / 100, param_u32("report", 10)};
    kprintf("cpuburn duty %u%% of %u ms\n", duty, period);
    uint32_t done = periodic_run("cpuburn", period, periods, burn, &s);
    kprintf("cpuburn done %u periods\n", done);
    return 0;
}
