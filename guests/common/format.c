/*
 * A small printf: %d %i %u %x %X %s %c %p %%, flags '-' and '0', a width, and the length
 * modifiers l and ll. No floating point. 64-bit values are converted with 32-bit arithmetic
 * only, so a freestanding i386 build needs no libgcc (__udivdi3).
 */
#include "platform.h"

/* Divides *v by base (<= 16) in place and returns the remainder, using 32-bit operations. */
static unsigned divmod_small(uint64_t *v, unsigned base)
{
    uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v;
    uint32_t qhi = hi / base, r = hi % base;
    uint32_t t = (r << 16) | (lo >> 16);
    uint32_t q1 = t / base;
    r = t % base;
    t = (r << 16) | (lo & 0xFFFF);
    uint32_t q0 = t / base;
    r = t % base;
    *v = ((uint64_t)qhi << 32) | (q1 << 16) | q0;
    return r;
}

struct spec {
    int left, zero, width;
};

static int emit_padded(void (*out)(char, void *), void *ctx, const struct spec *sp,
                       const char *s, int len, int negative)
{
    int n = 0, pad = sp->width - len - negative;
    if (pad < 0)
        pad = 0;
    if (!sp->left && !sp->zero)
        for (; pad > 0; pad--, n++)
            out(' ', ctx);
    if (negative) {
        out('-', ctx);
        n++;
    }
    if (!sp->left)
        for (; pad > 0; pad--, n++)
            out('0', ctx);
    for (int i = 0; i < len; i++, n++)
        out(s[i], ctx);
    for (; pad > 0; pad--, n++)
        out(' ', ctx);
    return n;
}

static int emit_number(void (*out)(char, void *), void *ctx, const struct spec *sp,
                       uint64_t v, unsigned base, int upper, int negative)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int len = 0;
    do {
        buf[sizeof buf - 1 - len++] = digits[divmod_small(&v, base)];
    } while (v);
    return emit_padded(out, ctx, sp, buf + sizeof buf - len, len, negative);
}

int vformat(void (*out)(char, void *), void *ctx, const char *fmt, va_list ap)
{
    int n = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out(*fmt, ctx);
            n++;
            continue;
        }
        struct spec sp = {0, 0, 0};
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                sp.left = 1;
            else if (*fmt == '0')
                sp.zero = 1;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            sp.width = sp.width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        uint64_t u;
        int64_t s;
        switch (*fmt) {
        case 'd':
        case 'i':
            s = longs >= 2 ? va_arg(ap, long long) : longs ? va_arg(ap, long) : va_arg(ap, int);
            u = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
            n += emit_number(out, ctx, &sp, u, 10, 0, s < 0);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = longs >= 2 ? va_arg(ap, unsigned long long)
                : longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            n += emit_number(out, ctx, &sp, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0);
            break;
        case 'p':
            n += emit_number(out, ctx, &sp, (uintptr_t)va_arg(ap, void *), 16, 0, 0);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            n += emit_padded(out, ctx, &sp, &c, 1, 0);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            n += emit_padded(out, ctx, &sp, str, (int)strlen(str), 0);
            break;
        }
        case '%':
            out('%', ctx);
            n++;
            break;
        case '\0':
            return n;
        default: /* unknown conversion: show it rather than guess */
            out('%', ctx);
            out(*fmt, ctx);
            n += 2;
        }
    }
    return n;
}

static void to_console(char c, void *ctx)
{
    (void)ctx;
    plat_putc(c);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vformat(to_console, 0, fmt, ap);
    va_end(ap);
    return n;
}

struct sink {
    char *buf;
    size_t size, used;
};

static void to_buffer(char c, void *ctx)
{
    struct sink *s = ctx;
    if (s->used + 1 < s->size)
        s->buf[s->used] = c;
    s->used++;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    struct sink s = {buf, size, 0};
    va_list ap;
    va_start(ap, fmt);
    int n = vformat(to_buffer, &s, fmt, ap);
    va_end(ap);
    if (size)
        buf[s.used < size ? s.used : size - 1] = '\0';
    return n;
}
