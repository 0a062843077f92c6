/*
 * cpuburn: computes for duty percent of every period and idles with HLT for the rest, so
 * the host sees a known CPU demand.
 *   duty=D       percent busy, 0..100 (default 50)
 *   period_ms=P  the period (default 100)
 *   periods=N    stop after N periods (0, the default, runs forever)
 *   report=M     print a line every M periods (default 10)
 *   hz=H         timer interrupts per second (default 1000)
 * The duty can change while it runs: a line "duty=D" on the serial console (typed, or sent with
 * POST /api/v1/vms/NAME/console) takes effect at the next period and is confirmed with
 * "cpuburn duty D%"; other lines are ignored. Experiments change a VM's load this way.
 */
#include "../common/platform.h"

struct state {
    uint32_t period, busy_ms, report;
    char line[16];
    uint32_t len;
};

/* Reads what has arrived on the console; a complete "duty=D" line sets the duty. */
static void read_console(struct state *s)
{
    int c;
    while ((c = plat_getc()) >= 0) {
        if (c != '\n' && c != '\r') {
            if (s->len < sizeof s->line - 1)
                s->line[s->len++] = (char)c;
            continue;
        }
        s->line[s->len] = 0;
        uint32_t duty = 0;
        int digits = 0;
        if (s->len > 5 && memcmp(s->line, "duty=", 5) == 0) {
            for (const char *p = s->line + 5; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
                duty = duty * 10 + (uint32_t)(*p - '0');
            if (s->line[5 + digits] == 0 && digits > 0 && duty <= 100) {
                s->busy_ms = s->period * duty / 100;
                kprintf("cpuburn duty %u%%\n", duty);
            }
        }
        s->len = 0;
    }
}

/* The busy work's result; volatile so the compiler cannot drop the loop. How many rounds fit
 * in a period depends on the machine, so it is never printed. */
static volatile uint32_t sink;

static void burn(uint32_t seq, void *ctx)
{
    struct state *s = ctx;
    read_console(s);
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
    struct state s = {period, period * duty / 100, param_u32("report", 10), {0}, 0};
    kprintf("cpuburn duty %u%% of %u ms\n", duty, period);
    uint32_t done = periodic_run("cpuburn", period, periods, burn, &s);
    kprintf("cpuburn done %u periods\n", done);
    return 0;
}
