/*
 * memdirty: keeps a working set of wss_kb KiB and dirties rate_pages pages of it every
 * period_ms of guest time, walking round-robin so every page is rewritten in turn. The load
 * that live migration has to converge against.
 *   wss_kb=K      working-set size (default 4096)
 *   rate_pages=R  pages written per period (default 64)
 *   period_ms=P   the period (default 10)
 *   periods=N     stop after N periods (0, the default, runs forever)
 *   report=M      print a line every M periods (default 100)
 *   hz=H          timer interrupts per second (default 1000)
 */
#include "../common/platform.h"

#define PAGE 4096u

struct state {
    uint8_t *base;
    uint32_t pages, rate, cursor, report;
};

static uint32_t checksum(const struct state *s)
{
    uint32_t sum = 0;
    for (uint32_t p = 0; p < s->pages; p++)
        sum = sum * 31u + *(const uint32_t *)(s->base + p * PAGE);
    return sum;
}

static void dirty(uint32_t seq, void *ctx)
{
    struct state *s = ctx;
    for (uint32_t i = 0; i < s->rate; i++) {
        uint32_t *word = (uint32_t *)(s->base + s->cursor * PAGE);
        *word = *word * 2654435761u + seq;
        /* a second word per page, moving each pass, so writes are not all at one offset */
        word[1 + (seq % (PAGE / 4 - 1))] = seq;
        s->cursor = s->cursor + 1 == s->pages ? 0 : s->cursor + 1;
    }
    if (s->report && seq % s->report == 0)
        kprintf("memdirty period %u checksum %08x\n", seq, checksum(s));
}

int workload_main(void)
{
    uint32_t wss_kb = param_u32("wss_kb", 4096);
    struct state s = {0, wss_kb / 4, param_u32("rate_pages", 64), 0, param_u32("report", 100)};
    uint32_t period = param_u32("period_ms", 10);
    uint32_t periods = param_u32("periods", 0);
    if (s.pages == 0 || s.rate == 0 || s.rate > s.pages) {
        kprintf("error: memdirty needs wss_kb >= 4 and 1 <= rate_pages <= wss_kb/4\n");
        return 2;
    }
    s.base = plat_ram(s.pages * PAGE);
    if (!s.base) {
        kprintf("error: memdirty: not enough RAM for wss_kb=%u\n", wss_kb);
        return 2;
    }
    for (uint32_t p = 0; p < s.pages; p++) /* touch every page once: the whole set is live */
        *(uint32_t *)(s.base + p * PAGE) = p;
    kprintf("memdirty wss %u pages, %u pages every %u ms\n", s.pages, s.rate, period);
    uint32_t done = periodic_run("memdirty", period, periods, dirty, &s);
    kprintf("memdirty done %u periods checksum %08x\n", done, checksum(&s));
    return 0;
}
