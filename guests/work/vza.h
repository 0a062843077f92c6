/*
 * VZA1, the archive format of the unpack workload (LZ77 + canonical Huffman), shared by
 * the encoder (tools/mkarchive.c) and the decoder (work/unpack.c). guests/README.md
 * describes it in full.
 */
#ifndef VIV_VZA_H
#define VIV_VZA_H

#define VZA_MAGIC "VZA1"
#define VZA_HEADER_BYTES 16      /* magic, original size, CRC-32 of the original, block count */
#define VZA_BLOCK_LEN_BITS 20    /* each block starts with its output length (1..2^20-1) */
#define VZA_MAX_BLOCK ((1u << VZA_BLOCK_LEN_BITS) - 1)
#define VZA_LITERALS 256
#define VZA_VALUE_CODES 32       /* length and distance codes: see vza_code_of() */
#define VZA_LITLEN_SYMBOLS (VZA_LITERALS + VZA_VALUE_CODES)
#define VZA_DIST_SYMBOLS VZA_VALUE_CODES
#define VZA_CODELEN_BITS 4       /* each code length is stored in 4 bits, 0 = symbol unused */
#define VZA_MAX_CODELEN 15
#define VZA_MIN_MATCH 3
#define VZA_WINDOW 65536u        /* distances 1..65536 */
#define VZA_MAX_MATCH 1024u

/* A match length (minus VZA_MIN_MATCH) or a distance (minus 1) v < 65536 is sent as a code
 * plus extra bits: v < 4 is its own code; otherwise, with n = floor(log2 v), the code is
 * 2n + (bit n-1 of v), followed by the low n-1 bits of v. */
static inline unsigned vza_code_of(unsigned v, unsigned *extra_bits)
{
    if (v < 4) {
        *extra_bits = 0;
        return v;
    }
    unsigned n = 31 - (unsigned)__builtin_clz(v);
    *extra_bits = n - 1;
    return 2 * n + ((v >> (n - 1)) & 1);
}

/* The inverse: the smallest value of a code and how many extra bits follow it. */
static inline unsigned vza_base_of(unsigned code, unsigned *extra_bits)
{
    if (code < 4) {
        *extra_bits = 0;
        return code;
    }
    unsigned n = code >> 1;
    *extra_bits = n - 1;
    return (2u | (code & 1)) << (n - 1);
}

#endif
