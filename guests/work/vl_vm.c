/* The VL stack machine. Arithmetic is 32-bit two's complement with wrap-around, the same on
 * every host; division by zero, bad indices and stack overflow stop the program cleanly. */
#include "vl.h"

#define STACK_WORDS 8192
#define MAX_FRAMES 512

struct frame {
    uint32_t ret, base;
};

static int32_t stack[STACK_WORDS];
static int32_t globals[VL_GLOBAL_WORDS];
static struct frame frames[MAX_FRAMES];

static uint32_t u32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int fail(const char *why, uint32_t pc)
{
    kprintf("vl: runtime error at %u: %s\n", pc, why);
    return 0;
}

int vl_run(const struct vl_program *prog, int32_t *result, uint32_t *outputs, int quiet)
{
    const uint8_t *code = prog->code;
    memcpy(globals, prog->init, prog->global_words * sizeof globals[0]);
    for (uint32_t a = 0; a < prog->narrays; a++)
        memset(&globals[prog->arrays[a].base], 0, prog->arrays[a].size * sizeof globals[0]);
    const struct vl_function *mainf = &prog->funcs[prog->main];
    uint32_t sp = 0, fp = 0, depth = 0, pc = mainf->entry;
    for (; sp < mainf->locals; sp++)
        stack[sp] = 0;
    uint32_t hash = 2166136261u;
    for (;;) {
        if (sp + 2 >= STACK_WORDS)
            return fail("stack overflow", pc);
        uint8_t op = code[pc++];
        uint32_t a, b;
        switch (op) {
        case OP_PUSH:
            stack[sp++] = (int32_t)u32_at(code + pc);
            pc += 4;
            break;
        case OP_LOADL:
            stack[sp++] = stack[fp + code[pc++]];
            break;
        case OP_STOREL:
            stack[fp + code[pc++]] = stack[--sp];
            break;
        case OP_LOADG:
            stack[sp++] = globals[code[pc] | code[pc + 1] << 8];
            pc += 2;
            break;
        case OP_STOREG:
            globals[code[pc] | code[pc + 1] << 8] = stack[--sp];
            pc += 2;
            break;
        case OP_LOADA: {
            const struct vl_array *arr = &prog->arrays[code[pc++]];
            a = (uint32_t)stack[sp - 1];
            if (a >= arr->size)
                return fail("array index out of range", pc);
            stack[sp - 1] = globals[arr->base + a];
            break;
        }
        case OP_STOREA: {
            const struct vl_array *arr = &prog->arrays[code[pc++]];
            a = (uint32_t)stack[sp - 2];
            if (a >= arr->size)
                return fail("array index out of range", pc);
            globals[arr->base + a] = stack[sp - 1];
            sp -= 2;
            break;
        }
#define BINARY(OPCODE, EXPR)                                                                 \
    case OPCODE:                                                                             \
        b = (uint32_t)stack[--sp];                                                           \
        a = (uint32_t)stack[sp - 1];                                                         \
        stack[sp - 1] = (int32_t)(EXPR);                                                     \
        break;
        BINARY(OP_ADD, a + b)
        BINARY(OP_SUB, a - b)
        BINARY(OP_MUL, a * b)
        BINARY(OP_AND, a & b)
        BINARY(OP_OR, a | b)
        BINARY(OP_XOR, a ^ b)
        BINARY(OP_SHL, a << (b & 31))
        BINARY(OP_SHR, (uint32_t)((int32_t)a >> (b & 31))) /* arithmetic shift */
        BINARY(OP_LT, (int32_t)a < (int32_t)b)
        BINARY(OP_LE, (int32_t)a <= (int32_t)b)
        BINARY(OP_GT, (int32_t)a > (int32_t)b)
        BINARY(OP_GE, (int32_t)a >= (int32_t)b)
        BINARY(OP_EQ, a == b)
        BINARY(OP_NE, a != b)
#undef BINARY
        case OP_DIV:
        case OP_MOD:
            b = (uint32_t)stack[--sp];
            a = (uint32_t)stack[sp - 1];
            if (b == 0)
                return fail("division by zero", pc);
            if (a == 0x80000000u && b == 0xFFFFFFFFu) /* the one quotient that overflows */
                stack[sp - 1] = op == OP_DIV ? (int32_t)a : 0;
            else
                stack[sp - 1] = op == OP_DIV ? (int32_t)a / (int32_t)b : (int32_t)a % (int32_t)b;
            break;
        case OP_NEG:
            stack[sp - 1] = (int32_t)(0u - (uint32_t)stack[sp - 1]);
            break;
        case OP_NOT:
            stack[sp - 1] = !stack[sp - 1];
            break;
        case OP_BNOT:
            stack[sp - 1] = ~stack[sp - 1];
            break;
        case OP_JMP:
            pc = u32_at(code + pc);
            break;
        case OP_JZ:
            pc = stack[--sp] == 0 ? u32_at(code + pc) : pc + 4;
            break;
        case OP_JNZ:
            pc = stack[--sp] != 0 ? u32_at(code + pc) : pc + 4;
            break;
        case OP_CALL: {
            const struct vl_function *f = &prog->funcs[code[pc++]];
            if (depth >= MAX_FRAMES || sp + f->locals + 2 >= STACK_WORDS)
                return fail("call stack overflow", pc);
            frames[depth++] = (struct frame){pc, fp};
            fp = sp - f->params;
            for (; sp < fp + f->locals; sp++)
                stack[sp] = 0;
            pc = f->entry;
            break;
        }
        case OP_RET: {
            int32_t v = stack[sp - 1];
            if (depth == 0) {
                *result = v;
                *outputs = hash;
                return 1;
            }
            sp = fp;
            stack[sp++] = v;
            depth--;
            pc = frames[depth].ret;
            fp = frames[depth].base;
            break;
        }
        case OP_POP:
            sp--;
            break;
        case OP_PRINT:
            a = (uint32_t)stack[sp - 1];
            hash = (hash ^ a) * 16777619u;
            if (!quiet)
                kprintf("vl: %d\n", (int32_t)a);
            stack[sp - 1] = 0;
            break;
        default:
            return fail("bad opcode", pc - 1);
        }
    }
}
