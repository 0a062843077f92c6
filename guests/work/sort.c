/*
 * sort: sorts pseudo-random arrays of 32-bit keys three ways (quicksort with insertion sort
 * below 16 elements, heapsort, bottom-up merge sort), checks that each result is ordered and
 * holds the same keys, and prints a checksum per round. Branchy, memory-bound integer code.
 *   n=N       keys per array (default 150000)
 *   rounds=R  arrays sorted, each three ways (default 5)
 */
#include "../common/platform.h"

static uint32_t rng;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void insertion(uint32_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, int n)
{
    while (n > 16) {
        uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            uint32_t t = a[i];
            a[i++] = a[j];
            a[j--] = t;
        }
        /* Recurse into the smaller part, loop on the larger: the stack stays shallow. */
        if (j + 1 < n - j - 1) {
            quicksort(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            quicksort(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    insertion(a, n);
}

static void sift(uint32_t *a, int root, int n)
{
    uint32_t v = a[root];
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n)
            break;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[child] <= v)
            break;
        a[root] = a[child];
        root = child;
    }
    a[root] = v;
}

static void heapsort(uint32_t *a, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--)
        sift(a, i, n);
    for (int end = n - 1; end > 0; end--) {
        uint32_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift(a, 0, end);
    }
}

/* Sorts a into itself, using tmp (n keys) for the passes. */
static void mergesort(uint32_t *a, uint32_t *tmp, int n)
{
    uint32_t *from = a, *to = tmp;
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n;
            int hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                to[k++] = from[i] <= from[j] ? from[i++] : from[j++];
            while (i < mid)
                to[k++] = from[i++];
            while (j < hi)
                to[k++] = from[j++];
        }
        uint32_t *t = from;
        from = to;
        to = t;
    }
    if (from != a)
        memcpy(a, from, (size_t)n * 4);
}

/* Order-independent digest of the keys (sum and xor), and whether they are ascending. */
static int check(const uint32_t *a, int n, uint32_t *sum, uint32_t *x)
{
    uint32_t s = 0, v = 0;
    int ordered = 1;
    for (int i = 0; i < n; i++) {
        s += a[i];
        v ^= a[i] * 2654435761u;
        if (i > 0 && a[i - 1] > a[i])
            ordered = 0;
    }
    *sum = s;
    *x = v;
    return ordered;
}

int workload_main(void)
{
    uint32_t n = param_u32("n", 150000);
    uint32_t rounds = param_u32("rounds", 5);
    if (n < 2 || n > 2000000) {
        kprintf("error: sort: n must be 2..2000000\n");
        return 2;
    }
    uint32_t *keys = plat_ram(n * 16);
    if (!keys) {
        kprintf("error: sort: not enough RAM for %u keys\n", n);
        return 2;
    }
    uint32_t *copy = keys + n, *tmp = keys + 2 * n, *orig = keys + 3 * n;
    uint32_t digest = 0;
    rng = 2463534242u;
    for (uint32_t r = 1; r <= rounds; r++) {
        /* Round r: keys from a range that shrinks, so later rounds hold many duplicates. */
        uint32_t range = 0xFFFFFFFFu >> (r % 24);
        for (uint32_t i = 0; i < n; i++)
            orig[i] = next() & range;
        uint32_t sum0, x0, sum, x;
        check(orig, n, &sum0, &x0);

        memcpy(keys, orig, n * 4);
        quicksort(keys, n);
        int ok = check(keys, n, &sum, &x) && sum == sum0 && x == x0;
        memcpy(copy, orig, n * 4);
        heapsort(copy, n);
        ok = ok && check(copy, n, &sum, &x) && sum == sum0 && x == x0 && memcmp(copy, keys, n * 4) == 0;
        memcpy(copy, orig, n * 4);
        mergesort(copy, tmp, n);
        ok = ok && memcmp(copy, keys, n * 4) == 0;
        if (!ok) {
            kprintf("sort: round %u: a result is out of order or lost keys\n", r);
            return 1;
        }
        uint32_t crc = crc32_update(0, (const uint8_t *)keys, n * 4);
        kprintf("sort round %u min %08x median %08x max %08x crc32 %08x\n", r, keys[0], keys[n / 2], keys[n - 1], crc);
        digest = digest * 31 + crc;
    }
    kprintf("sort ok %u keys x %u rounds, digest %08x\n", n, rounds, digest);
    return 0;
}
