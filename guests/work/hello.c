/*
 * hello: the smallest workload.
 *   name=NAME   who is greeted (default world)
 *   fault=KIND  then raises a CPU exception on purpose, to show that the runtime's handler
 *               reports it and exits with code 3: ud (invalid opcode, vector 6), div (divide
 *               error, vector 0) or gp (general protection, vector 13). Guest only: natively
 *               the host kills the process with a signal instead.
 */
#include "../common/platform.h"

static void raise_fault(const char *kind)
{
    if (memcmp(kind, "ud", 3) == 0) {
        __asm__ volatile("ud2");
    } else if (memcmp(kind, "div", 4) == 0) {
        uint32_t zero = 0;
        __asm__ volatile("divl %2" : : "a"(1), "d"(0), "r"(zero));
    } else if (memcmp(kind, "gp", 3) == 0) {
        /* selector 0x28 lies past the end of the runtime's three-entry GDT */
        __asm__ volatile("movw %w0, %%ds" : : "r"(0x28));
    } else {
        kprintf("error: hello: fault must be ud, div or gp\n");
        plat_exit(2);
    }
    kprintf("error: hello: the %s fault did not happen\n", kind);
    plat_exit(1);
}

int workload_main(void)
{
    char buf[64], fault[8];
    const char *name = param_str("name", buf, sizeof buf, "world");
    kprintf("Hello, %s! This is a Vivarium guest.\n", name);
    if (param_str("fault", fault, sizeof fault, 0))
        raise_fault(fault);
    return 0;
}
