/*
 * Host tool: makes the unpack workload's archive. It generates a deterministic corpus (a mix
 * of pseudo-English text, log lines, noise and runs, from a fixed-seed generator) and
 * compresses it into the VZA1 format (work/vza.h, guests/README.md).
 *   mkarchive SIZE_KIB OUT.vza
 * The same arguments always give the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../work/vza.h"

/* ---------------- corpus ---------------- */

static uint64_t rng_state = 0x5669766172697561ull; /* "Vivariua" */

static uint32_t rng(void)
{
    /* splitmix64: good enough, and the same on every host */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static const char *const words[] = {
    "the", "of", "and", "a", "to", "in", "is", "that", "it", "was", "for", "on", "are", "with",
    "as", "be", "at", "one", "have", "this", "from", "by", "host", "cluster", "virtual",
    "machine", "memory", "page", "migration", "snapshot", "guest", "processor", "interrupt",
    "timer", "datastore", "lease", "epoch", "failover", "balance", "resource", "pool",
    "network", "switch", "storage", "volume", "heartbeat", "isolation", "restart", "priority",
    "admission", "control", "placement", "affinity", "rule", "latency", "throughput",
    "instruction", "register", "segment", "descriptor", "table", "privilege", "level",
    "exception", "handler", "vector", "device", "controller", "serial", "console", "port",
    "buffer", "queue", "checkpoint", "journal", "event", "inventory", "manager", "agent",
    "scheduler", "share", "reservation", "limit", "entitlement", "demand", "capacity",
    "converge", "dirty", "bitmap", "transfer", "downtime", "budget", "quiesce", "resume",
    "emulator", "decode", "execute", "flags", "carry", "overflow", "parity", "zero", "sign",
    "under", "over", "between", "every", "never", "always", "quickly", "slowly", "again",
};
#define NWORDS (sizeof words / sizeof words[0])

static size_t emit_text(uint8_t *p, size_t room)
{
    size_t n = 0, col = 0;
    int start = 1;
    while (n + 16 < room) {
        uint32_t r = rng();
        /* skewed choice: small indices (common words) come up far more often */
        const char *w = words[(r % NWORDS) % ((r >> 8) % NWORDS + 1)];
        size_t len = strlen(w);
        memcpy(p + n, w, len);
        if (start && p[n] >= 'a')
            p[n] -= 32;
        start = 0;
        n += len;
        col += len + 1;
        uint32_t punct = (r >> 20) % 16;
        if (punct == 0) {
            p[n++] = '.';
            start = 1;
        } else if (punct == 1) {
            p[n++] = ',';
        }
        if (col > 72) {
            p[n++] = '\n';
            col = 0;
            if ((r >> 28) == 0)
                break; /* end of a paragraph */
        } else {
            p[n++] = ' ';
        }
    }
    return n;
}

static size_t emit_log(uint8_t *p, size_t room)
{
    static const char *const states[] = {"RUNNING", "MIGRATING", "SUSPENDED", "RESTARTING"};
    static const char *const levels[] = {"INFO", "INFO", "INFO", "WARN", "DEBUG"};
    static uint32_t clock_ms = 25 * 3600 * 1000;
    size_t n = 0;
    char line[160];
    while (1) {
        uint32_t r = rng();
        clock_ms += r % 2000;
        int len = snprintf(line, sizeof line,
                           "2026-11-27T%02u:%02u:%02u.%03uZ esx-%02u vm-%03u %s state=%s "
                           "insns=%u dirty=%u\n",
                           clock_ms / 3600000 % 24, clock_ms / 60000 % 60, clock_ms / 1000 % 60,
                           clock_ms % 1000, r % 16, (r >> 4) % 200, levels[(r >> 12) % 5],
                           states[(r >> 15) % 4], rng() % 100000000, rng() % 4096);
        if (n + (size_t)len > room)
            return n;
        memcpy(p + n, line, (size_t)len);
        n += (size_t)len;
        if ((r >> 26) == 0)
            return n;
    }
}

static size_t emit_noise(uint8_t *p, size_t room)
{
    size_t n = 512 + rng() % 4096;
    if (n > room)
        n = room;
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng();
    return n;
}

static size_t emit_run(uint8_t *p, size_t room)
{
    size_t n = 64 + rng() % 2048, period = 1 + rng() % 8;
    uint8_t pattern[8];
    for (size_t i = 0; i < 8; i++)
        pattern[i] = (uint8_t)rng();
    if (n > room)
        n = room;
    for (size_t i = 0; i < n; i++)
        p[i] = pattern[i % period];
    return n;
}

static void make_corpus(uint8_t *p, size_t size)
{
    size_t n = 0;
    while (n < size) {
        uint32_t kind = rng() % 100;
        size_t room = size - n, got;
        if (kind < 55)
            got = emit_text(p + n, room);
        else if (kind < 85)
            got = emit_log(p + n, room);
        else if (kind < 92)
            got = emit_noise(p + n, room);
        else
            got = emit_run(p + n, room);
        if (got == 0) { /* too little room left for a whole line or word: pad with text */
            memset(p + n, ' ', room);
            got = room;
        }
        n += got;
    }
}

/* ---------------- bit writer ---------------- */

static uint8_t *out;
static size_t out_len, out_cap;
static uint32_t bitbuf, bitcount;

static void put_byte(uint8_t b)
{
    if (out_len == out_cap) {
        out_cap = out_cap ? out_cap * 2 : 1 << 16;
        out = realloc(out, out_cap);
        if (!out) {
            perror("mkarchive");
            exit(1);
        }
    }
    out[out_len++] = b;
}

static void put_bits(uint32_t v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        bitbuf |= ((v >> i) & 1u) << bitcount;
        if (++bitcount == 8) {
            put_byte((uint8_t)bitbuf);
            bitbuf = bitcount = 0;
        }
    }
}

static void flush_bits(void)
{
    if (bitcount)
        put_byte((uint8_t)bitbuf);
    bitbuf = bitcount = 0;
}

/* ---------------- Huffman code construction ---------------- */

/* Code lengths for freq[0..n), at most VZA_MAX_CODELEN: plain Huffman, and when a length
 * comes out too long the frequencies are flattened (halved, kept non-zero) and it is retried. */
static void huffman_lengths(const uint32_t *freq_in, unsigned n, uint8_t *len)
{
    uint32_t freq[VZA_LITLEN_SYMBOLS];
    memcpy(freq, freq_in, n * sizeof *freq);
    for (;;) {
        uint64_t weight[2 * VZA_LITLEN_SYMBOLS];
        int parent[2 * VZA_LITLEN_SYMBOLS], alive[2 * VZA_LITLEN_SYMBOLS];
        unsigned nodes = 0, used = 0;
        for (unsigned i = 0; i < n; i++) {
            weight[i] = freq[i];
            parent[i] = -1;
            alive[i] = freq[i] != 0;
            used += alive[i];
        }
        nodes = n;
        memset(len, 0, n);
        if (used == 0)
            return;
        if (used == 1) { /* a lone symbol still needs a one-bit code */
            for (unsigned i = 0; i < n; i++)
                if (freq[i])
                    len[i] = 1;
            return;
        }
        for (unsigned merges = 0; merges + 1 < used; merges++) {
            int a = -1, b = -1; /* the two lightest live nodes, lowest index first on ties */
            for (unsigned i = 0; i < nodes; i++) {
                if (!alive[i])
                    continue;
                if (a < 0 || weight[i] < weight[a]) {
                    b = a;
                    a = (int)i;
                } else if (b < 0 || weight[i] < weight[b]) {
                    b = (int)i;
                }
            }
            weight[nodes] = weight[a] + weight[b];
            parent[nodes] = -1;
            alive[nodes] = 1;
            alive[a] = alive[b] = 0;
            parent[a] = parent[b] = (int)nodes;
            nodes++;
        }
        unsigned longest = 0;
        for (unsigned i = 0; i < n; i++) {
            if (!freq[i])
                continue;
            unsigned depth = 0;
            for (int j = (int)i; parent[j] >= 0; j = parent[j])
                depth++;
            len[i] = (uint8_t)depth;
            if (depth > longest)
                longest = depth;
        }
        if (longest <= VZA_MAX_CODELEN)
            return;
        for (unsigned i = 0; i < n; i++)
            if (freq[i])
                freq[i] = (freq[i] >> 1) | 1;
    }
}

/* Canonical codes from lengths, bit-reversed because the stream is read LSB first. */
static void canonical_codes(const uint8_t *len, unsigned n, uint32_t *code)
{
    uint32_t count[VZA_MAX_CODELEN + 1] = {0}, next[VZA_MAX_CODELEN + 1];
    for (unsigned i = 0; i < n; i++)
        count[len[i]]++;
    count[0] = 0;
    uint32_t c = 0;
    for (unsigned l = 1; l <= VZA_MAX_CODELEN; l++) {
        c = (c + count[l - 1]) << 1;
        next[l] = c;
    }
    for (unsigned i = 0; i < n; i++) {
        if (!len[i])
            continue;
        uint32_t v = next[len[i]]++, r = 0;
        for (unsigned b = 0; b < len[i]; b++)
            r |= ((v >> b) & 1u) << (len[i] - 1 - b);
        code[i] = r;
    }
}

/* ---------------- LZ77 ---------------- */

#define HASH_BITS 16
#define CHAIN_DEPTH 48

struct token {
    uint32_t lit_or_len; /* literal byte, or match length when dist != 0 */
    uint32_t dist;
};

static int32_t head[1 << HASH_BITS];
static int32_t *prev_pos;

static uint32_t hash3(const uint8_t *p)
{
    return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> (32 - HASH_BITS);
}

static void insert(const uint8_t *data, size_t pos, size_t size)
{
    if (pos + VZA_MIN_MATCH > size)
        return;
    uint32_t h = hash3(data + pos);
    prev_pos[pos] = head[h];
    head[h] = (int32_t)pos;
}

static uint32_t longest_match(const uint8_t *data, size_t pos, size_t end, uint32_t *dist)
{
    uint32_t best = 0;
    if (pos + VZA_MIN_MATCH > end)
        return 0;
    size_t limit = end - pos < VZA_MAX_MATCH ? end - pos : VZA_MAX_MATCH;
    int32_t cand = head[hash3(data + pos)];
    for (int depth = 0; cand >= 0 && depth < CHAIN_DEPTH; depth++, cand = prev_pos[cand]) {
        size_t d = pos - (size_t)cand;
        if (d > VZA_WINDOW)
            break;
        uint32_t l = 0;
        while (l < limit && data[(size_t)cand + l] == data[pos + l])
            l++;
        if (l > best) {
            best = l;
            *dist = (uint32_t)d;
            if (l == limit)
                break;
        }
    }
    return best >= VZA_MIN_MATCH ? best : 0;
}

/* ---------------- blocks ---------------- */

#define BLOCK_BYTES (256u * 1024u)

static void write_block(const struct token *t, size_t ntok, uint32_t block_len)
{
    uint32_t lf[VZA_LITLEN_SYMBOLS] = {0}, df[VZA_DIST_SYMBOLS] = {0};
    unsigned extra;
    for (size_t i = 0; i < ntok; i++) {
        if (t[i].dist) {
            lf[VZA_LITERALS + vza_code_of(t[i].lit_or_len - VZA_MIN_MATCH, &extra)]++;
            df[vza_code_of(t[i].dist - 1, &extra)]++;
        } else {
            lf[t[i].lit_or_len]++;
        }
    }
    uint8_t ll[VZA_LITLEN_SYMBOLS], dl[VZA_DIST_SYMBOLS];
    uint32_t lc[VZA_LITLEN_SYMBOLS], dc[VZA_DIST_SYMBOLS];
    huffman_lengths(lf, VZA_LITLEN_SYMBOLS, ll);
    huffman_lengths(df, VZA_DIST_SYMBOLS, dl);
    canonical_codes(ll, VZA_LITLEN_SYMBOLS, lc);
    canonical_codes(dl, VZA_DIST_SYMBOLS, dc);
    put_bits(block_len, VZA_BLOCK_LEN_BITS);
    for (unsigned i = 0; i < VZA_LITLEN_SYMBOLS; i++)
        put_bits(ll[i], VZA_CODELEN_BITS);
    for (unsigned i = 0; i < VZA_DIST_SYMBOLS; i++)
        put_bits(dl[i], VZA_CODELEN_BITS);
    for (size_t i = 0; i < ntok; i++) {
        if (t[i].dist) {
            uint32_t v = t[i].lit_or_len - VZA_MIN_MATCH;
            unsigned c = vza_code_of(v, &extra);
            put_bits(lc[VZA_LITERALS + c], ll[VZA_LITERALS + c]);
            put_bits(v & ((1u << extra) - 1), extra);
            v = t[i].dist - 1;
            c = vza_code_of(v, &extra);
            put_bits(dc[c], dl[c]);
            put_bits(v & ((1u << extra) - 1), extra);
        } else {
            put_bits(lc[t[i].lit_or_len], ll[t[i].lit_or_len]);
        }
    }
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t crc = ~0u;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
    }
    return ~crc;
}

static void put_u32(uint32_t v)
{
    for (int i = 0; i < 4; i++)
        put_byte((uint8_t)(v >> (8 * i)));
}

int main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[1]) <= 0 || atoi(argv[1]) > 16384) {
        fprintf(stderr, "usage: mkarchive SIZE_KIB(1..16384) OUT.vza\n");
        return 2;
    }
    size_t size = (size_t)atoi(argv[1]) * 1024;
    uint8_t *data = malloc(size);
    prev_pos = malloc(size * sizeof *prev_pos);
    struct token *tokens = malloc(BLOCK_BYTES * sizeof *tokens);
    if (!data || !prev_pos || !tokens) {
        perror("mkarchive");
        return 1;
    }
    make_corpus(data, size);
    memset(head, 0xFF, sizeof head);

    uint32_t blocks = (uint32_t)((size + BLOCK_BYTES - 1) / BLOCK_BYTES);
    for (int i = 0; i < 4; i++)
        put_byte((uint8_t)VZA_MAGIC[i]);
    put_u32((uint32_t)size);
    put_u32(crc32(data, size));
    put_u32(blocks);
    for (size_t start = 0; start < size; start += BLOCK_BYTES) {
        size_t end = start + BLOCK_BYTES < size ? start + BLOCK_BYTES : size, ntok = 0;
        size_t pos = start;
        while (pos < end) {
            uint32_t dist = 0, len = longest_match(data, pos, end, &dist);
            if (len) {
                /* lazy step: if the next position has a longer match, send a literal first */
                uint32_t dist2 = 0, len2;
                insert(data, pos, size);
                len2 = longest_match(data, pos + 1, end, &dist2);
                if (len2 > len) {
                    tokens[ntok++] = (struct token){data[pos], 0};
                    pos++;
                    continue; /* pos already inserted; the match is searched again there */
                }
                tokens[ntok++] = (struct token){len, dist};
                for (size_t k = 1; k < len; k++)
                    insert(data, pos + k, size);
                pos += len;
            } else {
                insert(data, pos, size);
                tokens[ntok++] = (struct token){data[pos], 0};
                pos++;
            }
        }
        write_block(tokens, ntok, (uint32_t)(end - start));
    }
    flush_bits();

    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(out, 1, out_len, f) != out_len || fclose(f) != 0) {
        perror(argv[2]);
        return 1;
    }
    fprintf(stderr, "mkarchive: %zu bytes -> %zu bytes in %u blocks\n", size, out_len, blocks);
    return 0;
}
