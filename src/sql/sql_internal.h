/* SPDX-License-Identifier: MIT */
/*
 * sql_internal.h - what the files of src/sql/ share, and nothing outside
 * src/sql/ includes (it includes <pg_query.h>): the parse context, the
 * scanner's tokens, the small helpers every step needs, and each step's
 * entry point.
 *
 *   sql.c        the driver: parse, split on a syntax error, the API of sql.h
 *   scan.c       the scanner: tokens, comments, statement extents, lazy lexing
 *   translate.c  one raw statement's parse tree -> struct gate_stmt (the IR)
 *   plpgsql.c    DO blocks and function bodies -> their statements at depth 1
 */
#ifndef GATE_SQL_INTERNAL_H
#define GATE_SQL_INTERNAL_H

#include "gate/compat.h"
#include "gate/arena.h"
#include "gate/sql.h"

#include <string.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

/* A scanner token. */
struct tok {
    int start;
    int end;  /* one past the last byte */
    int type; /* PgQuery__Token */
};

struct ctx {
    struct gate_arena *arena;
    const char *src; /* NUL-terminated copy of the input */
    int len;
    struct tok *toks; /* scanner tokens in order; NULL when the scanner gave nothing */
    size_t ntoks;
    size_t tokcap;
    bool use_toks;  /* the statement being translated is covered by toks */
    bool lazy_lex;  /* lex statement by statement (see gate_sql_lex_region) */
    int lexed_to;   /* lazy_lex: the source before this offset is lexed */
    bool head_only; /* the statement's tokens stop after its first command word */
    int stmt_a;     /* lazy_lex: the statement being translated is src[stmt_a..stmt_b) */
    int stmt_b;
    size_t stmt_tok0; /* lazy_lex: index of its first token */
    char *piece;      /* lazy_lex: NUL-terminated copy of the text being lexed */
    size_t piececap;
    int base;                /* added to node locations of that statement */
    struct gate_stmt *stmts; /* malloc'd while building; copied to the arena at the end */
    size_t nstmts;
    size_t stmtcap;
    const char **strs; /* scratch: string literals of one statement */
    size_t nstrs;
    size_t strcap;
    struct gate_arena scratch; /* unpacked protobuf trees; released at the end */
    ProtobufCAllocator pba;    /* allocates from scratch, frees nothing */
};

/* ---- small helpers ---------------------------------------------------- */

/* A name from the tree: NULL for absent or "" (proto3 default). */
static inline const char *name_dup(struct ctx *c, const char *s)
{
    if (!s || !*s)
        return NULL;
    return gate_arena_strdup(c->arena, s);
}

/* A value from the tree: "" stays "". */
static inline const char *value_dup(struct ctx *c, const char *s)
{
    return gate_arena_strdup(c->arena, s ? s : "");
}

/* A name, ASCII lower-cased; NULL for absent or "". */
static inline const char *lower_dup(struct ctx *c, const char *s)
{
    char *p;

    if (!s || !*s)
        return NULL;
    p = gate_arena_strdup(c->arena, s);
    for (char *q = p; *q; q++) {
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    }
    return p;
}

static inline void *arena_array(struct ctx *c, size_t n, size_t size)
{
    if (!n)
        return NULL;
    return gate_arena_alloc(c->arena, n * size);
}

/* Absolute byte offset of a node location, -1 when unknown. */
static inline int loc(const struct ctx *c, int32_t l)
{
    if (l < 0)
        return -1;
    return c->base + l;
}

static inline int to_int(size_t n)
{
    return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

static inline const char *node_str(const PgQuery__Node *n)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string)
        return n->string->sval;
    return NULL;
}

static inline bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

static inline bool is_ident_char(char ch)
{
    unsigned char u = (unsigned char)ch;

    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
           u >= 0x80;
}

static inline bool tok_is_comment(const struct tok *t)
{
    return t->type == PG_QUERY__TOKEN__SQL_COMMENT || t->type == PG_QUERY__TOKEN__C_COMMENT;
}

/* ---- scan.c ----------------------------------------------------------- */

/* Skip whitespace and comments (as PostgreSQL's scanner defines them). */
int gate_sql_skip_blank(const char *s, int pos, int end);

/* end moved back over trailing whitespace, not before start. */
int gate_sql_trim_blank(const char *s, int start, int end);

/* PgQueryError.cursorpos (1-based, in characters) to a byte offset; -1 if 0. */
int gate_sql_cursor_to_byte(const char *s, int len, int cursorpos);

/* The first and last real token of src[a..b): the statement's extent. */
void gate_sql_stmt_span(const struct ctx *c, int a, int b, int *start, int *end);

/*
 * Start of each ALTER TABLE command (starts[0..ncmds)), from the tokens
 * after the relation rv; false when the tokens do not give ncmds starts.
 */
bool gate_sql_alter_cmd_starts(const struct ctx *c, const PgQuery__RangeVar *rv, int end,
                               int *starts, size_t ncmds);

/* Tokens of text (the source, or a prefix of it) into c->toks. */
void gate_sql_scan_text(struct ctx *c, const char *text);

/* Lazy lexing: the text before offset a that is not lexed yet, when it may hold a comment. */
void gate_sql_lex_gap(struct ctx *c, int a);

/* Lazy lexing: the statement n, src[a..b). Sets use_toks and head_only. */
void gate_sql_lex_region(struct ctx *c, const PgQuery__Node *n, int a, int b);

/* Lazy lexing: the statement's head was not enough, lex all of it. */
void gate_sql_lex_rest(struct ctx *c);

/* The comment tokens into out->comments (in c->arena). */
void gate_sql_comments(struct ctx *c, struct gate_sql_file *out);

/*
 * Where a slice of the file starting at s[pos] ends: just after the first
 * top-level ';' (outside comments, quoted identifiers, string and
 * dollar-quoted literals) once max_stmts of them have been passed, or,
 * when max_stmts <= 0, once the slice holds max_bytes; len when the text
 * ends first. A cut in the wrong place (inside BEGIN ATOMIC ... END, say)
 * leaves a slice that does not parse: the caller then parses the file whole.
 */
int gate_sql_slice_end(const char *s, int pos, int len, int max_stmts, int max_bytes);

/* ---- translate.c ------------------------------------------------------ */

/* The raw statement n into st (location and length already set); end: where it ends. */
void gate_sql_translate(struct ctx *c, struct gate_stmt *st, const PgQuery__Node *n, int end);

/* The option called name among opts[0..n), or NULL. */
const PgQuery__DefElem *gate_sql_find_defelem(PgQuery__Node *const *opts, size_t n,
                                              const char *name);

/* ---- plpgsql.c -------------------------------------------------------- */

/* DO blocks and function bodies of statement idx (src[a..b)): their statements at depth 1. */
void gate_sql_add_bodies(struct ctx *c, size_t idx, const PgQuery__Node *n, int a, int b);

/* ---- sql.c ------------------------------------------------------------ */

/* A new zeroed statement at the end of c->stmts (parent -1); returns its index. */
size_t gate_sql_push_stmt(struct ctx *c);

/* The parse tree of a protobuf parse result, on c's scratch arena; NULL if malformed. */
PgQuery__ParseResult *gate_sql_unpack(struct ctx *c, const PgQueryProtobuf *pb);

#endif
