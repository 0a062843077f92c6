/*
 * matrix: integer matrix products (32-bit, wrapping): the naive i-j-k loop, the i-k-j loop over
 * rows, and a blocked product against a transposed copy, checked against each other; then
 * powers of a matrix by repeated squaring. Multiply-add inner loops with indexed addressing.
 *   n=N       the matrices are N x N (default 144)
 *   rounds=R  (default 7)
 */
#include "../common/platform.h"

#define BLOCK 16

static void product_ijk(const int32_t *a, const int32_t *b, int32_t *c, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            int32_t s = 0;
            for (int k = 0; k < n; k++)
                s += a[i * n + k] * b[k * n + j];
            c[i * n + j] = s;
        }
}

static void product_ikj(const int32_t *a, const int32_t *b, int32_t *c, int n)
{
    memset(c, 0, (size_t)n * n * 4);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
            int32_t x = a[i * n + k];
            const int32_t *brow = b + k * n;
            int32_t *crow = c + i * n;
            for (int j = 0; j < n; j++)
                crow[j] += x * brow[j];
        }
}

static void product_blocked(const int32_t *a, const int32_t *b, int32_t *bt, int32_t *c, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            bt[j * n + i] = b[i * n + j];
    memset(c, 0, (size_t)n * n * 4);
    for (int ii = 0; ii < n; ii += BLOCK)
        for (int jj = 0; jj < n; jj += BLOCK)
            for (int kk = 0; kk < n; kk += BLOCK) {
                int ie = ii + BLOCK < n ? ii + BLOCK : n;
                int je = jj + BLOCK < n ? jj + BLOCK : n;
                int ke = kk + BLOCK < n ? kk + BLOCK : n;
                for (int i = ii; i < ie; i++)
                    for (int j = jj; j < je; j++) {
                        int32_t s = c[i * n + j];
                        for (int k = kk; k < ke; k++)
                            s += a[i * n + k] * bt[j * n + k];
                        c[i * n + j] = s;
                    }
            }
}

int workload_main(void)
{
    uint32_t n = param_u32("n", 144);
    uint32_t rounds = param_u32("rounds", 7);
    if (n < 1 || n > 1000) {
        kprintf("error: matrix: n must be 1..1000\n");
        return 2;
    }
    size_t cells = (size_t)n * n;
    int32_t *m = plat_ram(cells * 4 * 6);
    if (!m) {
        kprintf("error: matrix: not enough RAM for %u x %u\n", n, n);
        return 2;
    }
    int32_t *a = m, *b = m + cells, *c1 = m + 2 * cells, *c2 = m + 3 * cells, *c3 = m + 4 * cells, *t = m + 5 * cells;
    uint32_t x = 0x9E3779B9u;
    uint32_t digest = 0;
    for (uint32_t r = 1; r <= rounds; r++) {
        for (size_t i = 0; i < cells; i++) {
            x = x * 1664525u + 1013904223u;
            a[i] = (int32_t)(x >> 20) - 2048;
            x = x * 1664525u + 1013904223u;
            b[i] = (int32_t)(x >> 24) - 128;
        }
        product_ijk(a, b, c1, n);
        product_ikj(a, b, c2, n);
        product_blocked(a, b, t, c3, n);
        if (memcmp(c1, c2, cells * 4) != 0 || memcmp(c1, c3, cells * 4) != 0) {
            kprintf("matrix: round %u: the products disagree\n", r);
            return 1;
        }
        /* A^8 by squaring three times (wrapping), through the i-k-j product. */
        memcpy(c2, a, cells * 4);
        for (int s = 0; s < 3; s++) {
            product_ikj(c2, c2, c3, n);
            memcpy(c2, c3, cells * 4);
        }
        uint32_t crc = crc32_update(0, (const uint8_t *)c1, cells * 4);
        uint32_t crc8 = crc32_update(0, (const uint8_t *)c2, cells * 4);
        kprintf("matrix round %u: c[0][0] %d, c[n-1][n-1] %d, crc32 %08x, a^8 crc32 %08x\n", r, c1[0],
                c1[cells - 1], crc, crc8);
        digest = digest * 31 + crc + crc8;
    }
    kprintf("matrix ok %ux%u digest %08x\n", n, n, digest);
    return 0;
}
