/*
 * bignum: computes pi (Machin's formula, 16 atan(1/5) - 4 atan(1/239)) and e (the sum of 1/k!)
 * to a number of decimal digits in fixed point, base 10^9 limbs, and prints their first digits
 * and a CRC-32 of all of them. Long division of 64-bit values by 32-bit ones (DIV), carries and
 * multiplies: the arithmetic of arbitrary-precision libraries.
 *   digits=D  decimal digits after the point (default 16000)
 *   rounds=R  (default 1)
 */
#include "../common/platform.h"

#define BASE 1000000000u
#define MAX_LIMBS 4000

/* Fixed-point numbers: limb 0 the integer part, then base-10^9 fraction limbs. */
static uint32_t sum_[MAX_LIMBS], term[MAX_LIMBS], quot[MAX_LIMBS];
static char text[MAX_LIMBS * 9 + 16];

/* v / d and its remainder, where the quotient fits in 32 bits: one DIV on i386 (a C division
 * of a 64-bit value would call libgcc, which the guests do not link). */
static inline uint32_t div64(uint64_t v, uint32_t d, uint32_t *rem)
{
#if defined(__i386__)
    uint32_t q, r;
    __asm__("divl %4" : "=a"(q), "=d"(r) : "a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "rm"(d));
    *rem = r;
    return q;
#else
    *rem = (uint32_t)(v % d);
    return (uint32_t)(v / d);
#endif
}

/* (hi * BASE + lo) / d and its remainder, where hi < d. */
static inline uint32_t divide(uint32_t hi, uint32_t lo, uint32_t d, uint32_t *rem)
{
    return div64((uint64_t)hi * BASE + lo, d, rem);
}

/* x /= d from limb `from` on (the limbs before it are zero); returns whether x is now zero. */
static int div_small(uint32_t *x, int from, int n, uint32_t d, uint32_t *into)
{
    uint32_t r = 0, any = 0;
    for (int i = from; i < n; i++) {
        into[i] = divide(r, x[i], d, &r);
        any |= into[i];
    }
    return !any;
}

static void add(uint32_t *x, const uint32_t *y, int from, int n)
{
    uint32_t carry = 0;
    for (int i = n - 1; i >= from; i--) {
        uint32_t s = x[i] + y[i] + carry;
        carry = s >= BASE;
        x[i] = carry ? s - BASE : s;
    }
    for (int i = from - 1; carry && i >= 0; i--) {
        uint32_t s = x[i] + carry;
        carry = s >= BASE;
        x[i] = carry ? s - BASE : s;
    }
}

static void sub(uint32_t *x, const uint32_t *y, int from, int n)
{
    uint32_t borrow = 0;
    for (int i = n - 1; i >= from; i--) {
        uint32_t v = y[i] + borrow;
        borrow = x[i] < v;
        x[i] = borrow ? x[i] + BASE - v : x[i] - v;
    }
    for (int i = from - 1; borrow && i >= 0; i--) {
        borrow = x[i] == 0;
        x[i] = borrow ? BASE - 1 : x[i] - 1;
    }
}

static void mul_small(uint32_t *x, int n, uint32_t m)
{
    uint32_t carry = 0;
    for (int i = n - 1; i >= 0; i--) {
        uint32_t r;
        carry = div64((uint64_t)x[i] * m + carry, BASE, &r);
        x[i] = r;
    }
}

/* x += sign * k * atan(1/inv), k a small integer. */
static void atan_inv(uint32_t *x, uint32_t inv, uint32_t k, int negate, int n)
{
    memset(term, 0, n * 4);
    term[0] = k;
    int from = 0;
    div_small(term, 0, n, inv, term);
    uint32_t inv2 = inv * inv;
    for (uint32_t j = 1;; j += 2) {
        while (from < n && term[from] == 0)
            from++;
        if (from == n)
            break;
        div_small(term, from, n, j, quot);
        if ((j / 2) % 2 == (uint32_t)negate)
            add(x, quot, from, n);
        else
            sub(x, quot, from, n);
        div_small(term, from, n, inv2, term);
    }
}

/* Prints "NAME = " and the first 50 digits of the text render() made. */
static void show(uint32_t round, const char *name, uint32_t crc)
{
    char head[53];
    memcpy(head, text, 52);
    head[52] = 0;
    kprintf("bignum round %u: %s = %s... crc32 %08x\n", round, name, head, crc);
}

static uint32_t render(const uint32_t *x, int n, int digits)
{
    int len = ksnprintf(text, sizeof text, "%u.", x[0]);
    for (int i = 1; i < n; i++)
        len += ksnprintf(text + len, sizeof text - len, "%09u", x[i]);
    text[2 + digits] = 0; /* "3." and the digits asked for; the guard limbs go */
    return crc32_update(0, (const uint8_t *)text, 2 + digits);
}

int workload_main(void)
{
    uint32_t digits = param_u32("digits", 16000);
    uint32_t rounds = param_u32("rounds", 1);
    if (digits < 9 || digits > (MAX_LIMBS - 3) * 9) {
        kprintf("error: bignum: digits must be 9..%u\n", (MAX_LIMBS - 3) * 9);
        return 2;
    }
    int n = (int)(digits + 8) / 9 + 3; /* two guard limbs */
    uint32_t digest = 0;
    for (uint32_t r = 1; r <= rounds; r++) {
        memset(sum_, 0, n * 4);
        atan_inv(sum_, 5, 16, 0, n);
        atan_inv(sum_, 239, 4, 1, n);
        uint32_t pi = render(sum_, n, digits);
        show(r, "pi", pi);

        /* e = sum of 1/k!, the term divided by k each step. */
        memset(sum_, 0, n * 4);
        memset(term, 0, n * 4);
        sum_[0] = 1;
        term[0] = 1;
        for (uint32_t k = 1;; k++) {
            if (div_small(term, 0, n, k, term))
                break;
            add(sum_, term, 0, n);
        }
        uint32_t e = render(sum_, n, digits);
        show(r, "e", e);
        mul_small(sum_, n, 7);
        digest = digest * 31 + pi + e + sum_[n / 2];
    }
    kprintf("bignum ok %u digits, digest %08x\n", digits, digest);
    return 0;
}
