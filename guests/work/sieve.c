/*
 * sieve: counts primes below a limit three ways (a byte per number; a bit per odd number,
 * set and tested with shifts and masks; a segmented sieve over a 32 KiB window) and checks
 * that they agree, then sums the primes and counts twin primes. Tight loops of byte and bit
 * stores with strides.
 *   limit=L   numbers below L (default 12000000)
 *   rounds=R  times the whole is done (default 2)
 */
#include "../common/platform.h"

#define SEGMENT 32768

static uint32_t byte_sieve(uint8_t *composite, uint32_t limit, uint64_t *sum, uint32_t *twins)
{
    memset(composite, 0, limit);
    for (uint32_t i = 2; i * i < limit; i++)
        if (!composite[i])
            for (uint32_t j = i * i; j < limit; j += i)
                composite[j] = 1;
    uint32_t count = 0, last = 0;
    uint64_t s = 0;
    *twins = 0;
    for (uint32_t i = 2; i < limit; i++)
        if (!composite[i]) {
            count++;
            s += i;
            if (i - last == 2)
                (*twins)++;
            last = i;
        }
    *sum = s;
    return count;
}

/* Bit k stands for the odd number 2k + 1. */
static uint32_t bit_sieve(uint32_t *bits, uint32_t limit)
{
    uint32_t odds = limit / 2;
    memset(bits, 0, (odds + 31) / 32 * 4);
    for (uint32_t k = 1; (2 * k + 1) * (2 * k + 1) < limit; k++)
        if (!(bits[k >> 5] & (1u << (k & 31)))) {
            uint32_t p = 2 * k + 1;
            for (uint32_t m = (p * p) / 2; m < odds; m += p)
                bits[m >> 5] |= 1u << (m & 31);
        }
    uint32_t count = limit > 2 ? 1 : 0; /* 2 */
    for (uint32_t k = 1; k < odds; k++)
        if (!(bits[k >> 5] & (1u << (k & 31))))
            count++;
    return count;
}

/* Sieves [lo, lo + SEGMENT) windows with the primes below sqrt(limit) found first. */
static uint32_t segmented_sieve(uint8_t *window, uint32_t *primes, uint32_t limit)
{
    uint32_t root = 1;
    while ((root + 1) * (root + 1) < limit)
        root++;
    uint32_t np = 0;
    for (uint32_t i = 2; i <= root; i++) {
        int prime = 1;
        for (uint32_t k = 0; k < np && primes[k] * primes[k] <= i; k++)
            if (i % primes[k] == 0) {
                prime = 0;
                break;
            }
        if (prime)
            primes[np++] = i;
    }
    uint32_t count = 0;
    for (uint32_t lo = 0; lo < limit; lo += SEGMENT) {
        uint32_t hi = lo + SEGMENT < limit ? lo + SEGMENT : limit;
        memset(window, 0, SEGMENT);
        for (uint32_t k = 0; k < np; k++) {
            uint32_t p = primes[k];
            uint32_t start = p * p > lo ? p * p : (lo + p - 1) / p * p;
            for (uint32_t j = start; j < hi; j += p)
                window[j - lo] = 1;
        }
        for (uint32_t i = lo < 2 ? 2 : lo; i < hi; i++)
            if (!window[i - lo])
                count++;
    }
    return count;
}

int workload_main(void)
{
    uint32_t limit = param_u32("limit", 12000000);
    uint32_t rounds = param_u32("rounds", 2);
    if (limit < 10 || limit > 40000000) {
        kprintf("error: sieve: limit must be 10..40000000\n");
        return 2;
    }
    uint8_t *composite = plat_ram(limit + limit / 16 + 8 + SEGMENT + 65536 * 4);
    if (!composite) {
        kprintf("error: sieve: not enough RAM for a limit of %u\n", limit);
        return 2;
    }
    uint32_t *bits = (uint32_t *)(composite + ((limit + 3) & ~3u));
    uint8_t *window = (uint8_t *)bits + (limit / 16 + 8);
    uint32_t *primes = (uint32_t *)(window + SEGMENT);
    uint32_t digest = 0;
    for (uint32_t r = 1; r <= rounds; r++) {
        uint64_t sum;
        uint32_t twins;
        uint32_t a = byte_sieve(composite, limit, &sum, &twins);
        uint32_t b = bit_sieve(bits, limit);
        uint32_t c = segmented_sieve(window, primes, limit);
        if (a != b || a != c) {
            kprintf("sieve: round %u: the sieves disagree: %u, %u, %u\n", r, a, b, c);
            return 1;
        }
        kprintf("sieve round %u: %u primes below %u, sum %08x%08x, %u twin pairs\n", r, a, limit,
                (uint32_t)(sum >> 32), (uint32_t)sum, twins);
        digest = digest * 31 + a + (uint32_t)sum + twins;
    }
    kprintf("sieve ok digest %08x\n", digest);
    return 0;
}
