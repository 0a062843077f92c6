/*
 * The data buffer's initial contents for a case: xorshift32 words from the case's seed, little
 * endian. The Java side's Fill class computes the same bytes, so only the seed travels. Shared
 * by runner.c (a Linux process) and system/harness.c (freestanding).
 */
#ifndef VIVARIUM_FILL_H
#define VIVARIUM_FILL_H

#include <stdint.h>

static void xorshift_fill(uint8_t *out, int size, uint32_t seed) {
    uint32_t x = seed ? seed : 1;
    for (int i = 0; i < size; i += 4) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = (uint8_t) x;
        out[i + 1] = (uint8_t) (x >> 8);
        out[i + 2] = (uint8_t) (x >> 16);
        out[i + 3] = (uint8_t) (x >> 24);
    }
}

#endif
