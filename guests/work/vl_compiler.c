/* The VL compiler: a hand-written lexer and a recursive-descent parser that emits stack
 * machine bytecode in one pass (forward calls are resolved by function index). */
#include "vl.h"

enum tok {
    T_EOF, T_NUM, T_IDENT, T_FN, T_VAR, T_IF, T_ELSE, T_WHILE, T_RETURN,
    T_PUNCT /* single characters are their ASCII code; pairs use P_* below */
};
enum { P_SHL = 256, P_SHR, P_LE, P_GE, P_EQ, P_NE, P_ANDAND, P_OROR };

enum lv_kind { LV_NONE, LV_LOCAL, LV_GLOBAL, LV_ARRAY };

struct global {
    char name[32];
    int is_array;
    uint32_t index; /* word for a scalar, array id for an array */
};

struct compiler {
    const char *p;
    int line, tok, punct, failed;
    int32_t num;
    char ident[32];
    struct vl_program *prog;
    struct global globals[VL_MAX_GLOBALS];
    uint32_t nglobals;
    char locals[VL_MAX_LOCALS][32];
    uint32_t nlocals;
    struct vl_function *fn;
    /* the last load emitted, so that `x = ...` / `a[i] = ...` can turn it into a store */
    enum lv_kind lv;
    uint32_t lv_operand, lv_start, lv_end;
};

static void error(struct compiler *c, const char *msg, const char *detail)
{
    if (!c->failed)
        kprintf("compile: line %d: %s%s\n", c->line, msg, detail ? detail : "");
    c->failed = 1;
    c->tok = T_EOF; /* stop parsing: every loop ends at T_EOF */
}

/* ---------------- lexer ---------------- */

static int is_alpha(int ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_'; }
static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }

static int hex_value(int ch)
{
    if (is_digit(ch))
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static void lex_number(struct compiler *c)
{
    uint32_t v = 0;
    if (c->p[0] == '0' && (c->p[1] == 'x' || c->p[1] == 'X')) {
        c->p += 2;
        if (hex_value(*c->p) < 0)
            error(c, "bad hex number", 0);
        while (hex_value(*c->p) >= 0)
            v = v * 16 + (uint32_t)hex_value(*c->p++);
    } else {
        while (is_digit(*c->p))
            v = v * 10 + (uint32_t)(*c->p++ - '0'); /* wraps like the machine does */
    }
    c->num = (int32_t)v;
    c->tok = T_NUM;
}

static void next(struct compiler *c)
{
    if (c->failed)
        return;
    for (;;) {
        while (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n')
            if (*c->p++ == '\n')
                c->line++;
        if (c->p[0] == '/' && c->p[1] == '/') {
            while (*c->p && *c->p != '\n')
                c->p++;
            continue;
        }
        break;
    }
    char ch = *c->p;
    if (!ch) {
        c->tok = T_EOF;
        return;
    }
    if (is_digit(ch)) {
        lex_number(c);
        return;
    }
    if (ch == '\'') { /* character literal */
        if (!c->p[1] || c->p[2] != '\'')
            error(c, "bad character literal", 0);
        c->num = (uint8_t)c->p[1];
        c->tok = T_NUM;
        c->p += 3;
        return;
    }
    if (is_alpha(ch)) {
        size_t n = 0;
        while (is_alpha(*c->p) || is_digit(*c->p)) {
            if (n + 1 >= sizeof c->ident)
                error(c, "identifier too long", 0);
            c->ident[n++] = *c->p++;
        }
        c->ident[n] = '\0';
        static const struct { const char *word; int tok; } keywords[] = {
            {"fn", T_FN}, {"var", T_VAR}, {"if", T_IF}, {"else", T_ELSE},
            {"while", T_WHILE}, {"return", T_RETURN},
        };
        c->tok = T_IDENT;
        for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
            if (n == strlen(keywords[i].word) && memcmp(c->ident, keywords[i].word, n) == 0)
                c->tok = keywords[i].tok;
        return;
    }
    static const struct { char a, b; int code; } pairs[] = {
        {'<', '<', P_SHL}, {'>', '>', P_SHR}, {'<', '=', P_LE}, {'>', '=', P_GE},
        {'=', '=', P_EQ}, {'!', '=', P_NE}, {'&', '&', P_ANDAND}, {'|', '|', P_OROR},
    };
    c->tok = T_PUNCT;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (ch == pairs[i].a && c->p[1] == pairs[i].b) {
            c->punct = pairs[i].code;
            c->p += 2;
            return;
        }
    }
    const char *singles = "+-*/%&|^~!<>=(){}[],;";
    for (const char *s = singles; *s; s++) {
        if (*s == ch) {
            c->punct = ch;
            c->p++;
            return;
        }
    }
    char bad[2] = {ch, 0};
    error(c, "unexpected character ", bad);
}

static int accept(struct compiler *c, int punct)
{
    if (c->tok == T_PUNCT && c->punct == punct) {
        next(c);
        return 1;
    }
    return 0;
}

static void expect(struct compiler *c, int punct)
{
    if (!accept(c, punct)) {
        char want[2] = {(char)punct, 0};
        error(c, "expected ", want);
    }
}

static void expect_ident(struct compiler *c, char *out)
{
    if (c->tok != T_IDENT) {
        error(c, "expected a name", 0);
        out[0] = '\0';
        return;
    }
    memcpy(out, c->ident, sizeof c->ident);
    next(c);
}

/* ---------------- emitter ---------------- */

static void emit8(struct compiler *c, uint32_t v)
{
    if (c->prog->code_len >= VL_MAX_CODE) {
        error(c, "program too large", 0);
        return;
    }
    c->prog->code[c->prog->code_len++] = (uint8_t)v;
}

static void emit32(struct compiler *c, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        emit8(c, v >> (8 * i));
}

static void emit_op(struct compiler *c, enum vl_op op) { emit8(c, op); }

/* Emits a jump and returns where its target goes, for patch(). */
static uint32_t emit_jump(struct compiler *c, enum vl_op op)
{
    emit8(c, op);
    uint32_t at = c->prog->code_len;
    emit32(c, 0);
    return at;
}

static void patch(struct compiler *c, uint32_t at, uint32_t target)
{
    if (c->failed)
        return;
    for (int i = 0; i < 4; i++)
        c->prog->code[at + i] = (uint8_t)(target >> (8 * i));
}

static void emit_push(struct compiler *c, int32_t v)
{
    emit_op(c, OP_PUSH);
    emit32(c, (uint32_t)v);
}

/* ---------------- names ---------------- */

static int same(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && memcmp(a, b, n) == 0;
}

static int find_local(struct compiler *c, const char *name)
{
    for (uint32_t i = 0; i < c->nlocals; i++)
        if (same(c->locals[i], name))
            return (int)i;
    return -1;
}

static struct global *find_global(struct compiler *c, const char *name)
{
    for (uint32_t i = 0; i < c->nglobals; i++)
        if (same(c->globals[i].name, name))
            return &c->globals[i];
    return 0;
}

static int add_local(struct compiler *c, const char *name)
{
    if (find_local(c, name) >= 0) {
        error(c, "duplicate local ", name);
        return 0;
    }
    if (c->nlocals >= VL_MAX_LOCALS) {
        error(c, "too many locals in a function", 0);
        return 0;
    }
    memcpy(c->locals[c->nlocals], name, sizeof c->locals[0]);
    if (++c->nlocals > c->fn->locals)
        c->fn->locals = c->nlocals;
    return (int)c->nlocals - 1;
}

/* Functions may be called before they are defined: a call names a slot that the
 * definition fills in later. */
static uint32_t function_slot(struct compiler *c, const char *name)
{
    struct vl_program *p = c->prog;
    for (uint32_t i = 0; i < p->nfuncs; i++)
        if (same(p->funcs[i].name, name))
            return i;
    if (p->nfuncs >= VL_MAX_FUNCS) {
        error(c, "too many functions", 0);
        return 0;
    }
    struct vl_function *f = &p->funcs[p->nfuncs];
    memset(f, 0, sizeof *f);
    memcpy(f->name, name, sizeof f->name);
    f->params = ~0u; /* unknown until the definition or the first call */
    return p->nfuncs++;
}

/* ---------------- expressions ---------------- */

static void expression(struct compiler *c);

static void call(struct compiler *c, const char *name)
{
    uint32_t args = 0;
    if (!accept(c, ')')) {
        do {
            expression(c);
            args++;
        } while (accept(c, ','));
        expect(c, ')');
    }
    if (same(name, "print")) {
        if (args != 1)
            error(c, "print takes one argument", 0);
        emit_op(c, OP_PRINT);
        return;
    }
    uint32_t slot = function_slot(c, name);
    struct vl_function *f = &c->prog->funcs[slot];
    if (f->params == ~0u)
        f->params = args;
    else if (f->params != args)
        error(c, "wrong number of arguments to ", name);
    emit_op(c, OP_CALL);
    emit8(c, slot);
}

static void primary(struct compiler *c)
{
    c->lv = LV_NONE;
    if (c->tok == T_NUM) {
        emit_push(c, c->num);
        next(c);
        return;
    }
    if (accept(c, '(')) {
        expression(c);
        expect(c, ')');
        return;
    }
    if (c->tok != T_IDENT) {
        error(c, "expected an expression", 0);
        return;
    }
    char name[32];
    expect_ident(c, name);
    if (accept(c, '(')) {
        call(c, name);
        c->lv = LV_NONE;
        return;
    }
    int local = find_local(c, name);
    struct global *g = local < 0 ? find_global(c, name) : 0;
    if (local < 0 && !g) {
        error(c, "unknown name ", name);
        return;
    }
    if (accept(c, '[')) {
        if (!g || !g->is_array) {
            error(c, "not an array: ", name);
            return;
        }
        expression(c);
        expect(c, ']');
        c->lv = LV_ARRAY;
        c->lv_operand = g->index;
        c->lv_start = c->prog->code_len;
        emit_op(c, OP_LOADA);
        emit8(c, g->index);
    } else if (local >= 0) {
        c->lv = LV_LOCAL;
        c->lv_operand = (uint32_t)local;
        c->lv_start = c->prog->code_len;
        emit_op(c, OP_LOADL);
        emit8(c, (uint32_t)local);
    } else if (!g->is_array) {
        c->lv = LV_GLOBAL;
        c->lv_operand = g->index;
        c->lv_start = c->prog->code_len;
        emit_op(c, OP_LOADG);
        emit8(c, g->index & 0xFF);
        emit8(c, g->index >> 8);
    } else {
        error(c, "an array needs an index: ", name);
        return;
    }
    c->lv_end = c->prog->code_len;
}

static void unary(struct compiler *c)
{
    enum vl_op op;
    if (c->tok == T_PUNCT && (c->punct == '-' || c->punct == '!' || c->punct == '~')) {
        op = c->punct == '-' ? OP_NEG : c->punct == '!' ? OP_NOT : OP_BNOT;
        next(c);
        unary(c);
        emit_op(c, op);
        c->lv = LV_NONE;
        return;
    }
    primary(c);
}

struct binop {
    int punct, prec;
    enum vl_op op;
};

static const struct binop binops[] = {
    {P_OROR, 1, OP_JNZ}, {P_ANDAND, 2, OP_JZ}, {'|', 3, OP_OR}, {'^', 4, OP_XOR},
    {'&', 5, OP_AND}, {P_EQ, 6, OP_EQ}, {P_NE, 6, OP_NE}, {'<', 7, OP_LT}, {P_LE, 7, OP_LE},
    {'>', 7, OP_GT}, {P_GE, 7, OP_GE}, {P_SHL, 8, OP_SHL}, {P_SHR, 8, OP_SHR},
    {'+', 9, OP_ADD}, {'-', 9, OP_SUB}, {'*', 10, OP_MUL}, {'/', 10, OP_DIV}, {'%', 10, OP_MOD},
};

static const struct binop *binop_at(struct compiler *c)
{
    if (c->tok != T_PUNCT)
        return 0;
    for (size_t i = 0; i < sizeof binops / sizeof binops[0]; i++)
        if (binops[i].punct == c->punct)
            return &binops[i];
    return 0;
}

/* Precedence climbing; && and || short-circuit and yield 0 or 1. */
static void binary(struct compiler *c, int min_prec)
{
    unary(c);
    const struct binop *b;
    while ((b = binop_at(c)) && b->prec >= min_prec) {
        next(c);
        if (b->punct == P_ANDAND || b->punct == P_OROR) {
            uint32_t skip1 = emit_jump(c, b->op);
            binary(c, b->prec + 1);
            uint32_t skip2 = emit_jump(c, b->op);
            emit_push(c, b->punct == P_OROR ? 0 : 1);
            uint32_t done = emit_jump(c, OP_JMP);
            patch(c, skip1, c->prog->code_len);
            patch(c, skip2, c->prog->code_len);
            emit_push(c, b->punct == P_OROR ? 1 : 0);
            patch(c, done, c->prog->code_len);
        } else {
            binary(c, b->prec + 1);
            emit_op(c, b->op);
        }
        c->lv = LV_NONE;
    }
}

static void expression(struct compiler *c)
{
    binary(c, 1);
}

/* ---------------- statements ---------------- */

static void statement(struct compiler *c);

static void block(struct compiler *c)
{
    expect(c, '{');
    while (c->tok != T_EOF && !(c->tok == T_PUNCT && c->punct == '}'))
        statement(c);
    expect(c, '}');
}

/* An expression statement, or an assignment when the expression was a bare load. */
static void simple_statement(struct compiler *c)
{
    expression(c);
    if (c->tok == T_PUNCT && c->punct == '=') {
        if (c->lv == LV_NONE || c->lv_end != c->prog->code_len) {
            error(c, "cannot assign to this expression", 0);
            return;
        }
        enum lv_kind kind = c->lv;
        uint32_t operand = c->lv_operand;
        c->prog->code_len = c->lv_start; /* the load becomes a store after the value */
        next(c);
        expression(c);
        if (kind == LV_LOCAL) {
            emit_op(c, OP_STOREL);
            emit8(c, operand);
        } else if (kind == LV_GLOBAL) {
            emit_op(c, OP_STOREG);
            emit8(c, operand & 0xFF);
            emit8(c, operand >> 8);
        } else {
            emit_op(c, OP_STOREA);
            emit8(c, operand);
        }
    } else {
        emit_op(c, OP_POP);
    }
    expect(c, ';');
}

static void statement(struct compiler *c)
{
    switch (c->tok) {
    case T_VAR: {
        next(c);
        char name[32];
        expect_ident(c, name);
        if (accept(c, '='))
            expression(c);
        else
            emit_push(c, 0);
        int slot = add_local(c, name); /* after the value: `var x = x;` is an error */
        emit_op(c, OP_STOREL);
        emit8(c, (uint32_t)slot);
        expect(c, ';');
        return;
    }
    case T_IF: {
        next(c);
        expect(c, '(');
        expression(c);
        expect(c, ')');
        uint32_t to_else = emit_jump(c, OP_JZ);
        statement(c);
        if (c->tok == T_ELSE) {
            next(c);
            uint32_t to_end = emit_jump(c, OP_JMP);
            patch(c, to_else, c->prog->code_len);
            statement(c);
            patch(c, to_end, c->prog->code_len);
        } else {
            patch(c, to_else, c->prog->code_len);
        }
        return;
    }
    case T_WHILE: {
        next(c);
        uint32_t top = c->prog->code_len;
        expect(c, '(');
        expression(c);
        expect(c, ')');
        uint32_t to_end = emit_jump(c, OP_JZ);
        statement(c);
        patch(c, emit_jump(c, OP_JMP), top);
        patch(c, to_end, c->prog->code_len);
        return;
    }
    case T_RETURN:
        next(c);
        if (accept(c, ';')) {
            emit_push(c, 0);
        } else {
            expression(c);
            expect(c, ';');
        }
        emit_op(c, OP_RET);
        return;
    case T_PUNCT:
        if (c->punct == '{') {
            block(c);
            return;
        }
        break;
    default:
        break;
    }
    simple_statement(c);
}

/* ---------------- top level ---------------- */

static void global_decl(struct compiler *c)
{
    struct vl_program *p = c->prog;
    char name[32];
    expect_ident(c, name);
    if (find_global(c, name))
        error(c, "duplicate global ", name);
    if (c->nglobals >= VL_MAX_GLOBALS || p->narrays >= 256) {
        error(c, "too many globals", 0);
        return;
    }
    struct global *g = &c->globals[c->nglobals++];
    memcpy(g->name, name, sizeof g->name);
    uint32_t words = 1;
    if (accept(c, '[')) {
        if (c->tok != T_NUM || c->num <= 0) {
            error(c, "array size must be a positive number", 0);
            return;
        }
        words = (uint32_t)c->num;
        next(c);
        expect(c, ']');
        g->is_array = 1;
    }
    if (words > VL_GLOBAL_WORDS - p->global_words) {
        error(c, "globals too large", 0);
        return;
    }
    if (g->is_array) {
        g->index = p->narrays;
        p->arrays[p->narrays++] = (struct vl_array){p->global_words, words};
    } else {
        g->index = p->global_words;
        p->init[g->index] = 0;
        if (accept(c, '=')) {
            int negative = accept(c, '-');
            if (c->tok != T_NUM)
                error(c, "a global's initial value must be a number", 0);
            p->init[g->index] = negative ? (int32_t)(0u - (uint32_t)c->num) : c->num;
            next(c);
        }
    }
    p->global_words += words;
    expect(c, ';');
}

static void function_def(struct compiler *c)
{
    char name[32];
    expect_ident(c, name);
    uint32_t slot = function_slot(c, name);
    struct vl_function *f = &c->prog->funcs[slot];
    if (f->defined)
        error(c, "duplicate function ", name);
    f->defined = 1;
    f->entry = c->prog->code_len;
    c->fn = f;
    c->nlocals = 0;
    f->locals = 0;
    uint32_t params = 0;
    expect(c, '(');
    if (!accept(c, ')')) {
        do {
            char pname[32];
            expect_ident(c, pname);
            add_local(c, pname);
            params++;
        } while (accept(c, ','));
        expect(c, ')');
    }
    if (f->params != ~0u && f->params != params)
        error(c, "wrong number of arguments to ", name);
    f->params = params;
    block(c);
    emit_push(c, 0); /* falling off the end returns 0 */
    emit_op(c, OP_RET);
}

int vl_compile(const char *source, struct vl_program *prog)
{
    static struct compiler comp;
    struct compiler *c = &comp;
    memset(c, 0, sizeof *c);
    prog->code_len = prog->nfuncs = prog->narrays = prog->global_words = 0;
    c->p = source;
    c->line = 1;
    c->prog = prog;
    next(c);
    while (c->tok != T_EOF) {
        if (c->tok == T_VAR) {
            next(c);
            global_decl(c);
        } else if (c->tok == T_FN) {
            next(c);
            function_def(c);
        } else {
            error(c, "expected fn or var", 0);
        }
    }
    for (uint32_t i = 0; i < prog->nfuncs && !c->failed; i++)
        if (!prog->funcs[i].defined)
            error(c, "undefined function ", prog->funcs[i].name);
    prog->main = ~0u;
    for (uint32_t i = 0; i < prog->nfuncs; i++)
        if (same(prog->funcs[i].name, "main") && prog->funcs[i].params == 0)
            prog->main = i;
    if (prog->main == ~0u)
        error(c, "no main() without parameters", 0);
    return !c->failed;
}
