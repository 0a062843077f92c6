/*
 * disklog: a journal on the disk, the witness that a disk comes back at the same instant as
 * memory. Every period it reads the next sector of a ring, folds it into a running CRC (kept
 * in memory) and writes back a record that depends on that CRC, so everything it prints
 * depends on all the disk held before: a restored machine whose disk is ahead of or behind
 * its memory prints something else than an uninterrupted run.
 *   sectors=N     the ring: sectors 0..N-1 of the disk (default 64)
 *   period_ms=P   the period (default 20)
 *   periods=N     stop after N periods (0, the default, runs forever)
 *   report=M      print a line every M periods (default 1)
 * At start it prints how many records the ring holds and continues numbering after the
 * newest, so a cold boot on a written disk shows the disk survived; at the end it reads the
 * ring back and prints its CRC.
 */
#include "../common/platform.h"

#define MAGIC 0x474C4456u /* "VDLG" */
#define SECTOR 512u

struct record {
    uint32_t magic, seq, chain, lba;
    uint8_t fill[SECTOR - 20];
    uint32_t crc; /* CRC-32 of everything before it */
};

_Static_assert(sizeof(struct record) == SECTOR, "a record is one sector");

struct state {
    uint32_t ring, report, first, chain;
    struct record buf;
};

static void read_sector(uint32_t lba, struct record *r)
{
    if (plat_disk_read(lba, r) < 0) {
        kprintf("error: disklog: reading sector %u failed\n", lba);
        plat_exit(1);
    }
}

/* The record's sequence number, 0 for a blank sector; a damaged sector ends the run. */
static uint32_t record_seq(uint32_t lba, const struct record *r)
{
    if (r->magic == MAGIC && r->crc == crc32_update(0, (const uint8_t *)r, SECTOR - 4) && r->lba == lba)
        return r->seq;
    const uint8_t *bytes = (const uint8_t *)r;
    for (uint32_t i = 0; i < SECTOR; i++) {
        if (bytes[i]) {
            kprintf("error: disklog: sector %u holds neither a record nor zeros\n", lba);
            plat_exit(1);
        }
    }
    return 0;
}

/* Folds a sector into a running CRC without its trailing CRC field: a CRC run over data that
 * ends in the data's own CRC comes out the same whatever the data was. */
static uint32_t fold(uint32_t crc, const struct record *r)
{
    return crc32_update(crc, (const uint8_t *)r, SECTOR - 4);
}

static uint32_t ring_crc(struct state *s, uint32_t *records, uint32_t *newest)
{
    uint32_t crc = 0;
    *records = 0;
    *newest = 0;
    for (uint32_t lba = 0; lba < s->ring; lba++) {
        read_sector(lba, &s->buf);
        uint32_t seq = record_seq(lba, &s->buf);
        if (seq) {
            ++*records;
            *newest = seq > *newest ? seq : *newest;
        }
        crc = fold(crc, &s->buf);
    }
    return crc;
}

static void step(uint32_t period, void *ctx)
{
    struct state *s = ctx;
    uint32_t seq = s->first + period;
    uint32_t lba = (seq - 1) % s->ring;
    read_sector(lba, &s->buf);
    uint32_t prev = record_seq(lba, &s->buf);
    s->chain = fold(s->chain, &s->buf);
    s->buf.magic = MAGIC;
    s->buf.seq = seq;
    s->buf.chain = s->chain;
    s->buf.lba = lba;
    for (uint32_t i = 0; i < sizeof s->buf.fill; i++)
        s->buf.fill[i] = (uint8_t)(s->chain >> (8 * (i % 4))) ^ (uint8_t)i;
    s->buf.crc = crc32_update(0, (const uint8_t *)&s->buf, SECTOR - 4);
    if (plat_disk_write(lba, &s->buf) < 0) {
        kprintf("error: disklog: writing sector %u failed\n", lba);
        plat_exit(1);
    }
    if (s->report && period % s->report == 0)
        kprintf("disklog %u sector %u was %u chain %08x\n", seq, lba, prev, s->chain);
}

int workload_main(void)
{
    static struct state s;
    s.ring = param_u32("sectors", 64);
    s.report = param_u32("report", 1);
    uint32_t period = param_u32("period_ms", 20);
    uint32_t periods = param_u32("periods", 0);
    uint32_t capacity = plat_disk_sectors();
    if (capacity == 0) {
        kprintf("error: disklog needs a disk\n");
        return 2;
    }
    if (s.ring == 0 || s.ring > capacity) {
        kprintf("error: disklog: sectors must be 1..%u (the disk's size)\n", capacity);
        return 2;
    }
    uint32_t records, newest;
    s.chain = ring_crc(&s, &records, &newest);
    s.first = newest;
    kprintf("disklog ring %u sectors, %u records, newest %u, crc %08x\n", s.ring, records, newest, s.chain);
    uint32_t done = periodic_run("disklog", period, periods, step, &s);
    kprintf("disklog done %u, ring crc %08x\n", done, ring_crc(&s, &records, &newest));
    return 0;
}
