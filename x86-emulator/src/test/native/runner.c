/*
 * Native side of the CPU differential tests: runs 32-bit instruction snippets on the host
 * processor and prints what they did, for the Java test to compare with the emulator.
 *
 * The snippets come from a generated assembly file that defines snip_table (start and end
 * address of each snippet) and snip_count. BUF_ADDR and BUF_SIZE (given with -D) place the data
 * buffer the snippets address; it is mapped at that fixed address so that the emulator can put
 * the same bytes at the same address.
 *
 *   runner dump   prints "snippets N BUF_ADDR BUF_SIZE", then "K ADDR HEXBYTES" per snippet
 *   runner run    reads cases "K SEED EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS" (hex) from stdin
 *                 and prints per case one line:
 *                   "ok EAX ECX EDX EBX ESP EBP ESI EDI EFLAGS [OFF:BYTE]..."
 *                   "fault VECTOR EIPOFFSET EAX ... EDI EFLAGS [OFF:BYTE]..."
 *                 where OFF:BYTE lists the buffer bytes that differ from the initial fill and a
 *                 fault is any exception the snippet raised (vector from the kernel's trapno).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "fill.h"

#if !defined(BUF_ADDR) || !defined(BUF_SIZE)
#error "compile with -DBUF_ADDR=... -DBUF_SIZE=..."
#endif

extern const uint32_t snip_table[];
extern const uint32_t snip_count;
extern void harness_enter(void);

uint32_t g_in[9];
uint32_t g_out[9];
uint32_t g_target;

static uint8_t *buf;
static uint8_t initial[BUF_SIZE];
static sigjmp_buf fault_jump;
static volatile uint32_t fault_state[11]; /* vector, eip, eax..edi, eflags */

static void fill(uint32_t seed) {
    xorshift_fill(initial, BUF_SIZE, seed);
    memcpy(buf, initial, BUF_SIZE);
}

static void on_fault(int sig, siginfo_t *info, void *context) {
    (void) sig;
    (void) info;
    greg_t *g = ((ucontext_t *) context)->uc_mcontext.gregs;
    fault_state[0] = g[REG_TRAPNO];
    fault_state[1] = g[REG_EIP];
    fault_state[2] = g[REG_EAX];
    fault_state[3] = g[REG_ECX];
    fault_state[4] = g[REG_EDX];
    fault_state[5] = g[REG_EBX];
    fault_state[6] = g[REG_ESP];
    fault_state[7] = g[REG_EBP];
    fault_state[8] = g[REG_ESI];
    fault_state[9] = g[REG_EDI];
    fault_state[10] = g[REG_EFL];
    siglongjmp(fault_jump, 1);
}

static void install_handlers(void) {
    static uint8_t alt[1 << 16];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        perror("sigaltstack");
        exit(2);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    int signals[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &sa, NULL);
    }
}

static volatile unsigned current_case;

/* A snippet that loops forever is a bug in its shaping: name the case and stop. */
static void on_alarm(int sig) {
    (void) sig;
    char msg[80];
    int n = snprintf(msg, sizeof msg, "case %u (line %u) did not finish within 2 s\n", current_case, current_case + 1);
    if (write(2, msg, n) < 0) {
        _exit(5);
    }
    _exit(4);
}

static void print_memory_diff(void) {
    for (int i = 0; i < BUF_SIZE; i++) {
        if (buf[i] != initial[i]) {
            printf(" %x:%x", i, buf[i]);
        }
    }
    putchar('\n');
}

static int dump(void) {
    printf("snippets %u %x %x\n", snip_count, (unsigned) BUF_ADDR, (unsigned) BUF_SIZE);
    for (uint32_t k = 0; k < snip_count; k++) {
        const uint8_t *p = (const uint8_t *) snip_table[2 * k];
        const uint8_t *end = (const uint8_t *) snip_table[2 * k + 1];
        printf("%u %x ", k, snip_table[2 * k]);
        for (; p < end; p++) {
            printf("%02x", *p);
        }
        putchar('\n');
    }
    return 0;
}

static int run(void) {
    char line[512];
    signal(SIGALRM, on_alarm);
    for (current_case = 0; fgets(line, sizeof line, stdin); current_case++) {
        uint32_t k, seed, v[9];
        if (sscanf(line, "%x %x %x %x %x %x %x %x %x %x %x", &k, &seed, &v[0], &v[1], &v[2], &v[3],
                   &v[4], &v[5], &v[6], &v[7], &v[8]) != 11 || k >= snip_count) {
            fprintf(stderr, "bad case line: %s", line);
            return 2;
        }
        fill(seed);
        memcpy(g_in, v, sizeof g_in);
        g_target = snip_table[2 * k];
        alarm(2);
        if (sigsetjmp(fault_jump, 1) == 0) {
            harness_enter();
            printf("ok");
            for (int i = 0; i < 9; i++) {
                printf(" %x", g_out[i]);
            }
        } else {
            printf("fault %x %x", fault_state[0], fault_state[1] - snip_table[2 * k]);
            for (int i = 2; i < 11; i++) {
                printf(" %x", fault_state[i]);
            }
        }
        print_memory_diff();
    }
    return 0;
}

int main(int argc, char **argv) {
    static char out[1 << 20];
    setvbuf(stdout, out, _IOFBF, sizeof out);
    if (argc != 2) {
        fprintf(stderr, "usage: runner dump|run\n");
        return 2;
    }
    buf = mmap((void *) BUF_ADDR, BUF_SIZE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (buf != (uint8_t *) BUF_ADDR) {
        fprintf(stderr, "cannot map the data buffer at %x\n", (unsigned) BUF_ADDR);
        return 3;
    }
    install_handlers();
    if (strcmp(argv[1], "dump") == 0) {
        return dump();
    }
    if (strcmp(argv[1], "run") == 0) {
        return run();
    }
    fprintf(stderr, "usage: runner dump|run\n");
    return 2;
}
