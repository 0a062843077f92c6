/*
 * unpack: decompresses the embedded VZA1 archive (LZ77 + canonical Huffman, see vza.h and
 * guests/README.md) `rounds` times, checks each result against the CRC-32 in the header and
 * prints it. The seed's first benchmark: the defaults execute some hundreds of millions of
 * guest instructions.
 *   rounds=N   decompressions (default 5: about 560 million i686 instructions)
 *   flip=K     invert byte K of (a copy of) the archive first, to show that a damaged
 *              archive ends in a clear error (exit 1), never a crash
 */
#include "../common/platform.h"
#include "vza.h"

extern const uint8_t vza_archive[], vza_archive_end[]; /* unpack_data.S */

#define FAST_BITS 10

struct reader {
    const uint8_t *p, *end;
    uint32_t buf, count, overrun;
};

struct huffman {
    /* fast[peek of FAST_BITS] = symbol << 4 | length, 0 when the code is longer (or absent) */
    uint16_t fast[1u << FAST_BITS];
    /* canonical decoding of the rest: codes per length, and symbols in canonical order */
    uint16_t count[VZA_MAX_CODELEN + 1];
    uint16_t symbol[VZA_LITLEN_SYMBOLS];
};

static void refill(struct reader *r)
{
    while (r->count <= 24) {
        uint32_t byte = 0;
        if (r->p < r->end)
            byte = *r->p++;
        else
            r->overrun++; /* zeros past the end; a well-formed stream never uses them */
        r->buf |= byte << r->count;
        r->count += 8;
    }
}

/* Takes n <= 24 bits; the caller has refilled. */
static inline uint32_t take(struct reader *r, uint32_t n)
{
    uint32_t v = r->buf & ((1u << n) - 1);
    r->buf >>= n;
    r->count -= n;
    return v;
}

static void corrupt(const char *why)
{
    kprintf("unpack: corrupt archive: %s\n", why);
    plat_exit(1);
}

static void build(struct huffman *h, const uint8_t *len, unsigned n)
{
    uint16_t offs[VZA_MAX_CODELEN + 2];
    memset(h->count, 0, sizeof h->count);
    for (unsigned s = 0; s < n; s++)
        h->count[len[s]]++;
    h->count[0] = 0;
    /* refuse over-subscribed codes; incomplete ones (a lone symbol) are allowed */
    int32_t left = 1;
    for (unsigned l = 1; l <= VZA_MAX_CODELEN; l++) {
        left = left * 2 - h->count[l];
        if (left < 0)
            corrupt("over-subscribed Huffman code");
    }
    offs[1] = 0;
    for (unsigned l = 1; l <= VZA_MAX_CODELEN; l++)
        offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
    for (unsigned s = 0; s < n; s++)
        if (len[s])
            h->symbol[offs[len[s]]++] = (uint16_t)s;

    memset(h->fast, 0, sizeof h->fast);
    uint32_t code = 0;
    unsigned idx = 0;
    for (unsigned l = 1; l <= FAST_BITS; l++) {
        for (unsigned i = 0; i < h->count[l]; i++, idx++, code++) {
            uint32_t rev = 0; /* the stream holds codes most significant bit first */
            for (unsigned b = 0; b < l; b++)
                rev |= ((code >> b) & 1u) << (l - 1 - b);
            for (uint32_t fill = rev; fill < (1u << FAST_BITS); fill += 1u << l)
                h->fast[fill] = (uint16_t)(h->symbol[idx] << 4 | l);
        }
        code <<= 1;
    }
}

static unsigned decode(struct reader *r, const struct huffman *h)
{
    refill(r);
    uint16_t e = h->fast[r->buf & ((1u << FAST_BITS) - 1)];
    if (e) {
        take(r, e & 15);
        return e >> 4;
    }
    /* longer code: walk the canonical code one bit at a time */
    int32_t code = 0, first = 0, index = 0;
    for (unsigned l = 1; l <= VZA_MAX_CODELEN; l++) {
        code |= (int32_t)take(r, 1);
        int32_t count = h->count[l];
        if (code - count < first) {
            return h->symbol[index + (code - first)];
        }
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    corrupt("invalid Huffman code");
    return 0;
}

static uint32_t read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static struct huffman litlen, dist;

static void unpack_block(struct reader *r, uint8_t *out, uint32_t done, uint32_t len)
{
    uint8_t ll[VZA_LITLEN_SYMBOLS], dl[VZA_DIST_SYMBOLS];
    for (unsigned i = 0; i < VZA_LITLEN_SYMBOLS; i++) {
        refill(r);
        ll[i] = (uint8_t)take(r, VZA_CODELEN_BITS);
    }
    for (unsigned i = 0; i < VZA_DIST_SYMBOLS; i++) {
        refill(r);
        dl[i] = (uint8_t)take(r, VZA_CODELEN_BITS);
    }
    build(&litlen, ll, VZA_LITLEN_SYMBOLS);
    build(&dist, dl, VZA_DIST_SYMBOLS);
    uint8_t *o = out + done, *stop = o + len;
    while (o < stop) {
        unsigned sym = decode(r, &litlen);
        if (sym < VZA_LITERALS) {
            *o++ = (uint8_t)sym;
            continue;
        }
        unsigned extra;
        uint32_t n = vza_base_of(sym - VZA_LITERALS, &extra) + VZA_MIN_MATCH;
        refill(r);
        n += take(r, extra);
        uint32_t d = vza_base_of(decode(r, &dist), &extra) + 1;
        refill(r);
        d += take(r, extra);
        if (d > (uint32_t)(o - out))
            corrupt("distance before the start");
        if (n > (uint32_t)(stop - o))
            corrupt("match past the end of the block");
        const uint8_t *from = o - d;
        while (n--) /* byte by byte: overlapping matches repeat the recent bytes */
            *o++ = *from++;
    }
}

static uint32_t unpack_all(const uint8_t *a, uint32_t alen, uint8_t *out, uint32_t size)
{
    struct reader r = {a + VZA_HEADER_BYTES, a + alen, 0, 0, 0};
    uint32_t blocks = read_u32(a + 12), done = 0;
    for (uint32_t b = 0; b < blocks; b++) {
        refill(&r);
        uint32_t len = take(&r, VZA_BLOCK_LEN_BITS);
        if (len == 0 || len > size - done)
            corrupt("block length");
        unpack_block(&r, out, done, len);
        done += len;
        if (r.overrun > 4)
            corrupt("truncated");
    }
    if (done != size)
        corrupt("size");
    return crc32_update(0, out, size);
}

int workload_main(void)
{
    uint32_t rounds = param_u32("rounds", 5);
    const uint8_t *a = vza_archive;
    uint32_t alen = (uint32_t)(vza_archive_end - vza_archive);
    if (alen < VZA_HEADER_BYTES || memcmp(a, VZA_MAGIC, 4) != 0)
        corrupt("no VZA1 header");
    uint32_t size = read_u32(a + 4);
    uint32_t flip = param_u32("flip", ~0u);
    if (flip != ~0u && flip >= alen) {
        kprintf("error: unpack: flip must be below %u\n", alen);
        return 2;
    }
    uint8_t *out = plat_ram(size + (flip != ~0u ? alen : 0));
    if (!out) {
        kprintf("unpack: not enough RAM for %u bytes\n", size);
        return 2;
    }
    if (flip != ~0u) {
        uint8_t *copy = out + size;
        memcpy(copy, a, alen);
        copy[flip] ^= 0xFF;
        a = copy;
        kprintf("unpack: byte %u of the archive inverted\n", flip);
        if (memcmp(a, VZA_MAGIC, 4) != 0 || read_u32(a + 4) != size)
            corrupt("header");
    }
    uint32_t expected = read_u32(a + 8);
    kprintf("unpack archive %u bytes, %u blocks, %u bytes unpacked\n", alen, read_u32(a + 12),
            size);
    for (uint32_t i = 1; i <= rounds; i++) {
        uint32_t crc = unpack_all(a, alen, out, size);
        kprintf("unpack round %u crc32 %08x\n", i, crc);
        if (crc != expected) {
            kprintf("unpack: CRC mismatch, expected %08x\n", expected);
            return 1;
        }
    }
    kprintf("unpack ok\n");
    return 0;
}
