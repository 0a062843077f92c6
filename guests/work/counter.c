/*
 * counter: prints 1, 2, 3, ... one number every period_ms of guest time.
 *   count=N      stop after N numbers (0, the default, runs forever)
 *   period_ms=P  the period (default 100)
 *   hz=H         timer interrupts per second (default 1000; 100 or 250 as servers ran)
 * The witness that no progress is lost or repeated across migration and restart: the
 * sequence lives in guest memory only, so a restored machine continues exactly where the
 * captured one was, and any gap or repeat shows in the output.
 */
#include "../common/platform.h"

static void tick(uint32_t seq, void *ctx)
{
    (void)ctx;
    kprintf("counter %u\n", seq);
}

int workload_main(void)
{
    uint32_t count = param_u32("count", 0);
    uint32_t period = param_u32("period_ms", 100);
    uint32_t done = periodic_run("counter", period, count, tick, 0);
    kprintf("counter done %u\n", done);
    return 0;
}
