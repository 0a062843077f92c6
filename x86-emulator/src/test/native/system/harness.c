/*
 * The system-mode reference's ring-0 side (see boot.S): runs each snippet at CPL 3 and prints
 * what runner.c prints, on the 0xE9 debug console, after a line "vivarium-harness":
 *
 *   command "dump": "snippets N BUF_ADDR BUF_SIZE", then "K ADDR HEXBYTES" per snippet
 *                   (N and K in decimal, the rest in hex, as runner.c prints them), then "end N"
 *   command "run":  for each case line "K SEED EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS",
 *                   "ok ..." or "fault VECTOR EIPOFFSET ..." as runner.c, then "end N" after the last
 *
 * Under QEMU (a Multiboot loader) the command is the kernel command line and the cases are a
 * module; under Bochs (bootsector.S) both are one text at PARAMETERS, the command on its first
 * line. It then powers off: QEMU's isa-debug-exit device (port 0xF4), Bochs's shutdown port
 * (0x8900); each ignores the other's. Unlike the native runner it needs no kernel: the vector
 * and the restart point come from the CPU's own exception frame.
 */
#include <stdint.h>

#include "../fill.h"

#if !defined(BUF_ADDR) || !defined(BUF_SIZE)
#error "compile with -DBUF_ADDR=... -DBUF_SIZE=..."
#endif

#define USER_CODE 0x23
#define GP 13
#define DEBUG_CONSOLE 0xE9
#define DEBUG_EXIT 0xF4
#define BOCHS_SHUTDOWN 0x8900
#define MULTIBOOT_MAGIC 0x2BADB002
#define BOCHS_MAGIC 0x42584254 /* set by bootsector.S */
#define PARAMETERS 0x400000    /* where Bochs loads the command and the cases (optramimage2) */

extern const uint32_t snip_table[];
extern const uint32_t snip_count;
extern uint32_t tss_desc[2];
extern volatile uint32_t fault_state[12]; /* vector, eip, eax..edi, eflags, cs */
extern void load_tables(void);
extern void sys_enter(void);

uint32_t g_in[9];
uint32_t g_target;

static uint8_t *const buf = (uint8_t *) BUF_ADDR;
static uint8_t initial[BUF_SIZE];
/* The task state segment: only ESP0 and SS0 are used; the I/O map base lies beyond its limit. */
static uint32_t tss[26] __attribute__((aligned(16)));
static uint8_t ring0_stack[8192] __attribute__((aligned(16)));

static char line[4096];
static unsigned line_len;

static inline void outb(uint16_t port, uint8_t v) {
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v) {
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static void flush(void) {
    const char *p = line;
    uint32_t n = line_len;
    __asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(DEBUG_CONSOLE) : "memory");
    line_len = 0;
}

static void put(char c) {
    if (line_len == sizeof line) {
        flush();
    }
    line[line_len++] = c;
}

static void put_str(const char *s) {
    while (*s) {
        put(*s++);
    }
}

static void put_hex(uint32_t v, int min_digits) {
    char digits[8];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v != 0 || n < min_digits);
    while (n > 0) {
        put(digits[--n]);
    }
}

static void put_dec(uint32_t v) {
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) {
        put(digits[--n]);
    }
}

static void end_line(void) {
    put('\n');
    flush();
}

static void power_off(uint32_t code) {
    flush();
    outl(DEBUG_EXIT, code);
    for (const char *p = "Shutdown"; *p; p++) {
        outb(BOCHS_SHUTDOWN, (uint8_t) *p);
    }
}

static void fill(uint32_t seed) {
    xorshift_fill(initial, BUF_SIZE, seed);
    for (int i = 0; i < BUF_SIZE; i++) {
        buf[i] = initial[i];
    }
}

static void setup_tss(void) {
    uint32_t base = (uint32_t) tss;
    tss[1] = (uint32_t) (ring0_stack + sizeof ring0_stack); /* ESP0 */
    tss[2] = 0x10;                                            /* SS0 */
    tss[25] = 0x68u << 16;                                    /* I/O map base past the limit */
    tss_desc[0] = (base & 0xFFFF) << 16 | 0x67;
    tss_desc[1] = (base & 0xFF000000) | 0x8900 | (base >> 16 & 0xFF);
}

static int dump(void) {
    put_str("snippets ");
    put_dec(snip_count);
    put(' ');
    put_hex(BUF_ADDR, 1);
    put(' ');
    put_hex(BUF_SIZE, 1);
    end_line();
    for (uint32_t k = 0; k < snip_count; k++) {
        const uint8_t *p = (const uint8_t *) snip_table[2 * k];
        const uint8_t *end = (const uint8_t *) snip_table[2 * k + 1];
        put_dec(k);
        put(' ');
        put_hex(snip_table[2 * k], 1);
        put(' ');
        for (; p < end; p++) {
            put_hex(*p, 2);
        }
        end_line();
    }
    put_str("end ");
    put_hex(snip_count, 1);
    end_line();
    return 0;
}

/* Parses up to n hex numbers separated by spaces; returns how many, and advances *s past the line. */
static int parse_line(const char **s, const char *end, uint32_t *v, int n) {
    const char *p = *s;
    int count = 0;
    while (p < end && *p != '\n') {
        while (p < end && *p == ' ') {
            p++;
        }
        if (p == end || *p == '\n') {
            break;
        }
        uint32_t x = 0;
        int digits = 0;
        for (; p < end; p++, digits++) {
            char c = *p;
            if (c >= '0' && c <= '9') {
                x = x << 4 | (uint32_t) (c - '0');
            } else if (c >= 'a' && c <= 'f') {
                x = x << 4 | (uint32_t) (c - 'a' + 10);
            } else {
                break;
            }
        }
        if (digits == 0 || count == n) {
            return -1;
        }
        v[count++] = x;
    }
    *s = p < end ? p + 1 : p;
    return count;
}

static void print_memory_diff(void) {
    for (int i = 0; i < BUF_SIZE; i++) {
        if (buf[i] != initial[i]) {
            put(' ');
            put_hex((uint32_t) i, 1);
            put(':');
            put_hex(buf[i], 1);
        }
    }
}

static int run(const char *cases, const char *end) {
    uint32_t done = 0;
    while (cases < end) {
        uint32_t v[11];
        int n = parse_line(&cases, end, v, 11);
        if (n == 0) {
            continue;
        }
        if (n != 11 || v[0] >= snip_count) {
            put_str("bad case line ");
            put_hex(done, 1);
            end_line();
            return 2;
        }
        fill(v[1]);
        for (int i = 0; i < 9; i++) {
            g_in[i] = v[2 + i];
        }
        g_target = snip_table[2 * v[0]];
        sys_enter();
        uint32_t vector = fault_state[0];
        uint32_t eip = fault_state[1];
        if (fault_state[11] != USER_CODE) {
            put_str("harness fault ");
            put_hex(vector, 1);
            put(' ');
            put_hex(eip, 1);
            end_line();
            return 3;
        }
        if (vector == GP && eip == snip_table[2 * v[0] + 1]) {
            put_str("ok");
        } else {
            put_str("fault ");
            put_hex(vector, 1);
            put(' ');
            put_hex(eip - g_target, 1);
        }
        for (int i = 2; i < 11; i++) {
            put(' ');
            put_hex(fault_state[i], 1);
        }
        print_memory_diff();
        end_line();
        done++;
    }
    put_str("end ");
    put_hex(done, 1);
    end_line();
    return 0;
}

struct multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
};

struct multiboot_module {
    uint32_t start, end, string, reserved;
};

static int starts_with(const char *s, const char *prefix) {
    while (*prefix) {
        if (*s++ != *prefix++) {
            return 0;
        }
    }
    return 1;
}

void harness_main(uint32_t magic, const struct multiboot_info *info) {
    const char *command = 0, *cases = 0, *cases_end = 0;
    /* Read everything the loader gave before any table or stack of ours can overlap it. */
    if (magic == MULTIBOOT_MAGIC && (info->flags & (1 << 2))) {
        /* QEMU passes the kernel's file name first, then what -append gave. */
        command = (const char *) info->cmdline;
        for (const char *p = command; *p; p++) {
            if (*p == ' ') {
                command = p + 1;
            }
        }
        if ((info->flags & (1 << 3)) && info->mods_count > 0) {
            const struct multiboot_module *m = (const struct multiboot_module *) info->mods_addr;
            cases = (const char *) m->start;
            cases_end = (const char *) m->end;
        }
    } else if (magic == BOCHS_MAGIC) {
        command = (const char *) PARAMETERS;
        cases = command;
        while (*cases && *cases != '\n') {
            cases++;
        }
        cases_end = cases;
        while (*cases_end) {
            cases_end++;
        }
    }
    put_str("vivarium-harness");
    end_line();
    if (command == 0) {
        put_str("not started by a Multiboot loader with a command line, nor by bootsector.S");
        end_line();
        power_off(4);
        return;
    }
    setup_tss();
    load_tables();
    int status;
    if (starts_with(command, "dump")) {
        status = dump();
    } else if (cases != 0 && starts_with(command, "run")) {
        status = run(cases, cases_end);
    } else {
        put_str("usage: the command dump, or run with the cases");
        end_line();
        status = 2;
    }
    power_off((uint32_t) status);
}
