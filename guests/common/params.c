/* key=value parameters from the kernel command line (or argv natively). */
#include "platform.h"

/* Finds "key=" at the start of a space-separated token; returns the value's start or NULL. */
static const char *find_value(const char *key)
{
    size_t klen = strlen(key);
    const char *p = plat_cmdline();
    while (*p) {
        while (*p == ' ')
            p++;
        const char *tok = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - tok) > klen && memcmp(tok, key, klen) == 0 && tok[klen] == '=')
            return tok + klen + 1;
    }
    return 0;
}

uint32_t param_u32(const char *key, uint32_t def)
{
    const char *v = find_value(key);
    if (!v)
        return def;
    uint32_t n = 0;
    int digits = 0;
    for (; *v >= '0' && *v <= '9'; v++, digits++) {
        uint32_t next = n * 10 + (uint32_t)(*v - '0');
        if (next / 10 != n) {
            digits = 0; /* overflow: refuse like any other bad number */
            break;
        }
        n = next;
    }
    if (!digits || (*v && *v != ' ')) {
        kprintf("error: parameter %s needs an unsigned decimal number\n", key);
        plat_exit(2);
    }
    return n;
}

const char *param_str(const char *key, char *buf, size_t size, const char *def)
{
    const char *v = find_value(key);
    if (!v)
        return def;
    size_t n = 0;
    while (v[n] && v[n] != ' ' && n + 1 < size) {
        buf[n] = v[n];
        n++;
    }
    buf[n] = '\0';
    return buf;
}
