/*
 * VL, the small language of the compile workload: integer-only, C-like syntax, global
 * scalars and arrays, functions with locals and recursion. The compiler turns source into
 * bytecode for a stack machine (vl_vm.c). guests/README.md describes the language.
 */
#ifndef VIV_VL_H
#define VIV_VL_H
#include "../common/platform.h"

#define VL_MAX_CODE 65536
#define VL_MAX_FUNCS 128
#define VL_MAX_GLOBALS 128
#define VL_GLOBAL_WORDS 32768
#define VL_MAX_LOCALS 64

enum vl_op {
    OP_PUSH,   /* imm32 */
    OP_LOADL,  /* u8 slot */
    OP_STOREL, /* u8 slot; pops */
    OP_LOADG,  /* u16 word */
    OP_STOREG, /* u16 word; pops */
    OP_LOADA,  /* u8 array; pops index */
    OP_STOREA, /* u8 array; pops value, then index */
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
    OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
    OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
    OP_NEG, OP_NOT, OP_BNOT,
    OP_JMP,    /* u32 target */
    OP_JZ,     /* u32 target; pops */
    OP_JNZ,    /* u32 target; pops */
    OP_CALL,   /* u8 function */
    OP_RET,    /* returns the top of the stack */
    OP_POP,
    OP_PRINT,  /* pops and prints; pushes 0 */
    OP_COUNT
};

struct vl_array {
    uint32_t base, size; /* in global words */
};

struct vl_function {
    char name[32];
    uint32_t entry, params, locals; /* locals include params */
    int defined;
};

struct vl_program {
    uint8_t code[VL_MAX_CODE];
    uint32_t code_len;
    struct vl_function funcs[VL_MAX_FUNCS];
    uint32_t nfuncs, main;
    struct vl_array arrays[VL_MAX_GLOBALS];
    uint32_t narrays;
    int32_t init[VL_GLOBAL_WORDS]; /* initial values of the global words */
    uint32_t global_words;
};

/* Compiles NUL-terminated source; on error prints "compile: line N: ..." and returns 0. */
int vl_compile(const char *source, struct vl_program *prog);

/* Runs main(); prints each print() and returns 1 with main's result in *result, or prints
 * the runtime error and returns 0. *outputs collects a hash of every printed value. */
int vl_run(const struct vl_program *prog, int32_t *result, uint32_t *outputs, int quiet);
#endif
