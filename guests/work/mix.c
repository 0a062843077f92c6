/*
 * mix: a compute mix (CRC-32, quicksort, a sieve, a small matrix product, string hashing into
 * a hash table) over small static arrays, linked with link-packed.ld: its data and bss follow
 * its code without a page break, as in small kernels, DOS-era programs and boot loaders, so
 * the hot variables share pages with the code that writes them.
 *   rounds=R  (default 64)
 */
#include "../common/platform.h"

#define KEYS 4096
#define SIEVE 65536
#define DIM 24
#define BUCKETS 1024
#define WORDS 3000

/* Every array is a global written in the hot loops, in .bss after the code; the counters and
 * the generator's state are initialised, so they sit in .data, on the last page of the code. */
static uint32_t stats[8] = {1, 1, 1, 1, 1, 1, 1, 1};
static uint32_t rng = 0x2545F491u;
static uint32_t keys[KEYS];
static uint8_t sieve[SIEVE];
static int32_t ma[DIM * DIM], mb[DIM * DIM], mc[DIM * DIM];
static char words[WORDS][12];
static uint16_t bucket_head[BUCKETS];
static uint16_t chain[WORDS + 1];
static uint32_t crc_table[256];

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t crc32(const uint8_t *p, uint32_t n)
{
    uint32_t c = ~0u;
    while (n--)
        c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    stats[0]++;
    return ~c;
}

static void quicksort(uint32_t *a, int lo, int hi)
{
    while (lo < hi) {
        uint32_t pivot = a[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
                stats[1]++;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static uint32_t primes(void)
{
    memset(sieve, 1, SIEVE);
    sieve[0] = sieve[1] = 0;
    for (uint32_t i = 2; i * i < SIEVE; i++)
        if (sieve[i])
            for (uint32_t j = i * i; j < SIEVE; j += i)
                sieve[j] = 0;
    uint32_t count = 0;
    for (uint32_t i = 0; i < SIEVE; i++)
        count += sieve[i];
    stats[2] = count;
    return count;
}

static uint32_t matrix(void)
{
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            int32_t s = 0;
            for (int k = 0; k < DIM; k++)
                s += ma[i * DIM + k] * mb[k * DIM + j];
            mc[i * DIM + j] = s;
        }
    for (int i = 0; i < DIM * DIM; i++)
        ma[i] = mc[i] >> 3; /* the next round multiplies the product again */
    return crc32((const uint8_t *)mc, sizeof mc);
}

static uint32_t hash(const char *s)
{
    uint32_t h = 5381;
    while (*s)
        h = h * 33 + (uint8_t)*s++;
    return h;
}

/* Builds random words, counts the distinct ones through a chained hash table. */
static uint32_t distinct_words(void)
{
    static const char letters[] = "etaoinshrdlucmfw";
    memset(bucket_head, 0, sizeof bucket_head);
    uint32_t distinct = 0;
    for (int w = 1; w <= WORDS - 1; w++) {
        uint32_t r = next();
        int len = 2 + (int)(r & 3);
        for (int i = 0; i < len; i++) {
            words[w][i] = letters[(r >> (4 + 4 * i)) & 15];
        }
        words[w][len] = 0;
        uint32_t b = hash(words[w]) & (BUCKETS - 1);
        int found = 0;
        for (int e = bucket_head[b]; e; e = chain[e]) {
            if (memcmp(words[e], words[w], 12) == 0) {
                found = 1;
                break;
            }
            stats[3]++;
        }
        if (!found) {
            chain[w] = bucket_head[b];
            bucket_head[b] = (uint16_t)w;
            distinct++;
        } else {
            memset(words[w], 0, 12);
        }
    }
    return distinct;
}

int workload_main(void)
{
    uint32_t rounds = param_u32("rounds", 64);
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    for (int i = 0; i < DIM * DIM; i++) {
        ma[i] = (int32_t)(next() & 255) - 128;
        mb[i] = (int32_t)(next() & 15) - 8;
    }
    uint32_t digest = 0;
    for (uint32_t r = 1; r <= rounds; r++) {
        for (int i = 0; i < KEYS; i++)
            keys[i] = next() % 100000;
        quicksort(keys, 0, KEYS - 1);
        for (int i = 1; i < KEYS; i++)
            if (keys[i - 1] > keys[i]) {
                kprintf("mix: round %u: quicksort left keys out of order\n", r);
                return 1;
            }
        uint32_t sorted = crc32((const uint8_t *)keys, sizeof keys);
        uint32_t p = primes();
        uint32_t m = matrix();
        uint32_t d = distinct_words();
        uint32_t s = crc32(sieve, SIEVE);
        digest = (digest ^ sorted ^ m ^ s) * 16777619u + d + p;
        if (r % 10 == 0 || r == rounds)
            kprintf("mix round %u: sorted %08x, %u primes, matrix %08x, %u distinct words, digest %08x\n", r, sorted, p, m,
                    d, digest);
    }
    kprintf("mix ok %u rounds, %u swaps, %u probes, digest %08x\n", rounds, stats[1] - 1, stats[3] - 1, digest);
    return 0;
}
