/*
 * The host's own x87 as the reference for the FPU differential test (FpuDifferentialTest).
 * A 64-bit program: every x86-64 processor has the x87, so no 32-bit support is needed.
 *
 * Each input line is one case, in hex: "OP CW A B MEM" with OP an operation number (below),
 * CW the control word, A and B 80-bit values (20 hex digits: the 16-bit sign and exponent,
 * then the 64-bit significand) and MEM 16 bytes of memory operand. The case runs as
 *     FNINIT; FLDCW cw; FLD B; FLD A; <operation>; FNSAVE
 * so ST(0) = A and ST(1) = B, and FNSAVE (which does not wait) captures the whole state,
 * the effects of unmasked exceptions included, without trapping. The output line is the
 * 108-byte FNSAVE image, the 16 bytes of memory after the operation and RFLAGS, in hex.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct fcase {
    uint8_t a[10];
    uint8_t b[10];
    uint16_t cw;
    uint8_t mem[16];
    uint8_t save[108];
    uint64_t rflags;
};

#define RUN(OPASM)                                                                 \
    __asm__ volatile("fninit\n\t"                                                  \
                     "fldcw %[cw]\n\t"                                             \
                     "fldt %[b]\n\t"                                               \
                     "fldt %[a]\n\t" OPASM "\n\t"                                  \
                     "fnsave %[save]\n\t"                                          \
                     "pushfq\n\t"                                                  \
                     "pop %[fl]"                                                   \
                     : [save] "=m"(c->save), [fl] "=r"(c->rflags), [mem] "+m"(c->mem) \
                     : [cw] "m"(c->cw), [a] "m"(c->a), [b] "m"(c->b)               \
                     : "memory", "cc")

/* The operations, numbered as FpuDifferentialTest.Op lists them. */
static int run(int op, struct fcase *c) {
    switch (op) {
    case 0: RUN("fadd %%st(1), %%st"); break;
    case 1: RUN("fsub %%st(1), %%st"); break;
    case 2: RUN("fsubr %%st(1), %%st"); break;
    case 3: RUN("fmul %%st(1), %%st"); break;
    case 4: RUN("fdiv %%st(1), %%st"); break;
    case 5: RUN("fdivr %%st(1), %%st"); break;
    case 6: RUN("fcom %%st(1)"); break;
    case 7: RUN("fucom %%st(1)"); break;
    case 8: RUN("fcomi %%st(1), %%st"); break;
    case 9: RUN("fucomi %%st(1), %%st"); break;
    case 10: RUN("fsqrt"); break;
    case 11: RUN("frndint"); break;
    case 12: RUN("fxtract"); break;
    case 13: RUN("fprem"); break;
    case 14: RUN("fprem1"); break;
    case 15: RUN("fscale"); break;
    case 16: RUN("fchs"); break;
    case 17: RUN("fabs"); break;
    case 18: RUN("ftst"); break;
    case 19: RUN("fxam"); break;
    case 20: RUN("fsts %[mem]"); break;
    case 21: RUN("fstl %[mem]"); break;
    case 22: RUN("fists %[mem]"); break;
    case 23: RUN("fistl %[mem]"); break;
    case 24: RUN("fistpll %[mem]"); break;
    case 25: RUN("fbstp %[mem]"); break;
    case 26: RUN("flds %[mem]"); break;
    case 27: RUN("fldl %[mem]"); break;
    case 28: RUN("fadds %[mem]"); break;
    case 29: RUN("fdivl %[mem]"); break;
    case 30: RUN("fimull %[mem]"); break;
    case 31: RUN("fbld %[mem]"); break;
    case 32: RUN("fldpi"); break;
    case 33: RUN("fldl2e"); break;
    case 34: RUN("fldl2t"); break;
    case 35: RUN("fldlg2"); break;
    case 36: RUN("fldln2"); break;
    case 37: RUN("faddp %%st, %%st(1)"); break;
    case 38: RUN("fsubp %%st, %%st(1)"); break;
    case 39: RUN("fdivrp %%st, %%st(1)"); break;
    case 40: RUN("fcompp"); break;
    case 41: RUN("fsin"); break;
    case 42: RUN("fcos"); break;
    case 43: RUN("fsincos"); break;
    case 44: RUN("fptan"); break;
    case 45: RUN("fpatan"); break;
    case 46: RUN("f2xm1"); break;
    case 47: RUN("fyl2x"); break;
    case 48: RUN("fyl2xp1"); break;
    case 49: RUN("fxch %%st(1)"); break;
    case 50: RUN("fstpt %[mem]"); break;
    case 51: RUN("fcoms %[mem]"); break;
    case 52: RUN("ficoml %[mem]"); break;
    case 53: RUN("fld %%st(1)"); break;
    default: return -1;
    }
    return 0;
}

static int hexbytes(const char *s, uint8_t *out, int n) {
    for (int i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) {
            return -1;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

/* An 80-bit value in the text is "SSSS" then "MMMMMMMMMMMMMMMM", most significant first. */
static int value(const char *s, uint8_t *out) {
    uint8_t be[10];
    if (strlen(s) != 20 || hexbytes(s, be, 10)) {
        return -1;
    }
    for (int i = 0; i < 8; i++) {
        out[i] = be[9 - i];
    }
    out[8] = be[1];
    out[9] = be[0];
    return 0;
}

int main(void) {
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        int op;
        unsigned cw;
        char a[32], b[32], mem[40];
        struct fcase c;
        memset(&c, 0, sizeof c);
        if (sscanf(line, "%d %x %31s %31s %39s", &op, &cw, a, b, mem) != 5 || value(a, c.a) || value(b, c.b)
            || strlen(mem) != 32 || hexbytes(mem, c.mem, 16)) {
            fprintf(stderr, "bad input line: %s", line);
            return 2;
        }
        c.cw = (uint16_t)cw;
        if (run(op, &c)) {
            fprintf(stderr, "unknown operation %d\n", op);
            return 2;
        }
        for (int i = 0; i < 108; i++) {
            printf("%02x", c.save[i]);
        }
        putchar(' ');
        for (int i = 0; i < 16; i++) {
            printf("%02x", c.mem[i]);
        }
        printf(" %016llx\n", (unsigned long long)c.rflags);
    }
    return 0;
}
