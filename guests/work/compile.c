/*
 * compile: tokenizes, parses and compiles the embedded VL program (work/program.vl) to
 * bytecode, then runs it on the VL stack machine, and prints a checksum of the bytecode and
 * of everything the program printed. The seed's second benchmark.
 *   compiles=N  how many times the source is compiled (default 500, about 630k instructions each)
 *   runs=N      how many times the program then runs (default 1, about 260M instructions each;
 *              only the first prints)
 */
#include "vl.h"

extern const char vl_source[]; /* compile_data.S: program.vl plus a NUL */

static struct vl_program prog;

static uint32_t fnv1a(uint32_t h, const uint8_t *p, uint32_t n)
{
    while (n--)
        h = (h ^ *p++) * 16777619u;
    return h;
}

int workload_main(void)
{
    uint32_t compiles = param_u32("compiles", 500);
    uint32_t runs = param_u32("runs", 1);
    if (compiles == 0) {
        kprintf("error: compile: compiles must be at least 1\n");
        return 2;
    }
    uint32_t code_hash = 0;
    for (uint32_t i = 0; i < compiles; i++) {
        if (!vl_compile(vl_source, &prog))
            return 1;
        uint32_t h = fnv1a(2166136261u, prog.code, prog.code_len);
        if (i > 0 && h != code_hash) {
            kprintf("compile: bytecode differs between compilations\n");
            return 1;
        }
        code_hash = h;
    }
    kprintf("compile source %u bytes, bytecode %u bytes, %u functions, hash %08x\n",
            (uint32_t)strlen(vl_source), prog.code_len, prog.nfuncs, code_hash);
    uint32_t checksum = code_hash;
    for (uint32_t r = 0; r < runs; r++) {
        int32_t result;
        uint32_t outputs;
        if (!vl_run(&prog, &result, &outputs, r > 0))
            return 1;
        if (r == 0)
            kprintf("compile run result %d, outputs %08x\n", result, outputs);
        checksum = fnv1a(checksum, (const uint8_t *)&result, 4) ^ outputs;
    }
    kprintf("compile ok checksum %08x\n", checksum);
    return 0;
}
