/* The loop shared by the timed workloads (counter, memdirty, cpuburn). */
#include "platform.h"

#define HEARTBEAT_MS 1000

uint32_t periodic_run(const char *name, uint32_t period_ms, uint32_t limit,
                      void (*body)(uint32_t seq, void *ctx), void *ctx)
{
    if (period_ms == 0) {
        kprintf("error: %s: period_ms must be at least 1\n", name);
        plat_exit(2);
    }
    uint32_t hz = param_u32("hz", 1000);
    if (hz < 20 || hz > 1000 || 1000 % hz != 0) {
        kprintf("error: %s: hz must divide 1000 and be at least 20\n", name);
        plat_exit(2);
    }
    plat_timer_start(hz);
    uint32_t start = plat_ticks(), beats = 0, last_beat = start;
    uint32_t seq = 0;
    while (limit == 0 || seq < limit) {
        if (plat_shutdown_requested()) {
            kprintf("%s: shutdown requested after %u periods\n", name, seq);
            return seq;
        }
        /* Deadlines come from the start, not from "now", so periods never drift or merge. */
        plat_wait_until(start + (seq + 1) * period_ms);
        seq++;
        body(seq, ctx);
        if (plat_ticks() - last_beat >= HEARTBEAT_MS) {
            last_beat = plat_ticks();
            plat_heartbeat(++beats);
        }
    }
    return seq;
}
