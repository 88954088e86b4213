/* SPDX-License-Identifier: MIT */
/*
 * sql.c - SQL parsing with libpg_query, the PostgreSQL 15 parser; the only
 * file that includes <pg_query.h>.
 *
 * A migration is scanned once (pg_query_scan: comments and exact token
 * boundaries) and parsed once (pg_query_parse_protobuf). Each raw statement
 * is translated into the IR of sql.h. Where the IR wants "everything
 * below a node" (string literals, the volatility of an expression) the
 * protobuf tree is walked generically through the protobuf-c descriptors.
 *
 * DO blocks and plpgsql function bodies go through pg_query_parse_plpgsql;
 * the embedded SQL statements are taken from its JSON output, parsed and
 * appended after their parent at depth 1. LANGUAGE sql bodies are parsed
 * directly. Errors inside bodies are ignored.
 *
 * When the file does not parse, the first error is recorded and the file
 * is split with pg_query_split_with_scanner; every piece is parsed on its
 * own so the statements that do parse are still returned.
 */
#include "gate/compat.h"
#include "gate/sql.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/err.h"
#include "gate/pbdecode.h"
#include "gate/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
# include <sys/syscall.h>
# include <unistd.h>
#endif

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

/* PostgreSQL's MaxAllocSize: the scanner cannot take a larger text. */
#define SQL_MAX_BYTES ((size_t)0x3fffffff)

/* Where a function body or DO block text sits in the source. */
struct body {
    int start;   /* byte offset of the first body byte, -1 when unknown */
    int len;     /* bytes in the source */
    bool quoted; /* '...' literal: each quote of the value is doubled in the source */
};

/*
 * libpg_query keeps per-thread state. In 15-4.0.0 pg_query_exit() crashes
 * in a thread that never used the library, the library cannot be used
 * again after it, and a thread-exit hook frees the state of every other
 * thread (so pg_query_exit() there would free it twice).
 */
enum pg_state {
    PG_UNUSED = 0,
    PG_IN_USE,
    PG_SHUT_DOWN,
};

static _Thread_local enum pg_state pg_state;

static void pg_enter(void)
{
    if (pg_state == PG_SHUT_DOWN)
        GATE_BUG("libpg_query used after gate_sql_shutdown()");
    pg_state = PG_IN_USE;
}

/*
 * libpg_query 15-4.0.0 leaks one strdup (the parser's stderr_buffer) every
 * time pg_query_parse_plpgsql() fails, and the caller never sees the
 * pointer. Keep LeakSanitizer quiet about it: the library has no frame
 * pointers, so the allocating frame is all the report shows. A result we
 * forget to free still shows up through its other allocations.
 */
#if defined(__SANITIZE_ADDRESS__)
# define GATE_LSAN_HOOK 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define GATE_LSAN_HOOK 1
# endif
#endif
#ifdef GATE_LSAN_HOOK
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *__lsan_default_suppressions(void)
{
    return "leak:pg_query_raw_parse\n";
}

/* stderr stays the same as in a normal build (golden .err files) */
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}
#endif

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
    bool lazy_lex;  /* lex statement by statement (see lex_region) */
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

/* Lazy lexing (with the scanner, below): lex the rest of the statement. */
static void lex_rest(struct ctx *c);

/*
 * Builtins that are not volatile (pg_proc.provolatile 'i' or 's'), by
 * name. Any other function in a DEFAULT counts as volatile. Sorted for
 * bsearch (strcmp order).
 */
static const char *const nonvolatile_funcs[] = {
    "abs",
    "acos",
    "age",
    "array_append",
    "array_cat",
    "array_fill",
    "array_length",
    "array_lower",
    "array_position",
    "array_prepend",
    "array_remove",
    "array_replace",
    "array_to_json",
    "array_to_string",
    "array_upper",
    "ascii",
    "asin",
    "atan",
    "atan2",
    "bit_length",
    "bool",
    "btrim",
    "cardinality",
    "cbrt",
    "ceil",
    "ceiling",
    "char_length",
    "character_length",
    "chr",
    "coalesce",
    "concat",
    "concat_ws",
    "cos",
    "cot",
    "current_database",
    "current_schema",
    "current_schemas",
    "current_setting",
    "date",
    "date_part",
    "date_trunc",
    "decode",
    "degrees",
    "div",
    "encode",
    "exp",
    "extract",
    "float4",
    "float8",
    "floor",
    "format",
    "gcd",
    "greatest",
    "initcap",
    "int2",
    "int4",
    "int8",
    "isfinite",
    "json_build_array",
    "json_build_object",
    "json_object",
    "json_strip_nulls",
    "jsonb_build_array",
    "jsonb_build_object",
    "jsonb_object",
    "jsonb_set",
    "jsonb_strip_nulls",
    "justify_days",
    "justify_hours",
    "justify_interval",
    "lcm",
    "least",
    "left",
    "length",
    "ln",
    "log",
    "log10",
    "lower",
    "lpad",
    "ltrim",
    "make_date",
    "make_interval",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "md5",
    "mod",
    "normalize",
    "now",
    "nullif",
    "numeric",
    "octet_length",
    "overlay",
    "pg_backend_pid",
    "pg_postmaster_start_time",
    "pi",
    "position",
    "power",
    "quote_ident",
    "quote_literal",
    "quote_nullable",
    "radians",
    "regexp_replace",
    "regexp_split_to_array",
    "repeat",
    "replace",
    "reverse",
    "right",
    "round",
    "rpad",
    "rtrim",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sign",
    "sin",
    "split_part",
    "sqrt",
    "starts_with",
    "statement_timestamp",
    "string_to_array",
    "strpos",
    "substr",
    "substring",
    "tan",
    "text",
    "timezone",
    "to_char",
    "to_date",
    "to_hex",
    "to_json",
    "to_jsonb",
    "to_number",
    "to_timestamp",
    "to_tsvector",
    "transaction_timestamp",
    "translate",
    "trim",
    "trunc",
    "upper",
    "uuid_generate_v3",
    "uuid_generate_v5",
    "uuid_nil",
    "uuid_ns_dns",
    "uuid_ns_oid",
    "uuid_ns_url",
    "uuid_ns_x500",
    "version",
    "width_bucket",
};

/* Type names PostgreSQL accepts as aliases, and the internal name. */
static const struct {
    const char *alias;
    const char *name;
} type_aliases[] = {
    {"bigint", "int8"},
    {"bigserial", "bigserial"},
    {"boolean", "bool"},
    {"character", "bpchar"},
    {"character varying", "varchar"},
    {"decimal", "numeric"},
    {"double precision", "float8"},
    {"float", "float8"},
    {"int", "int4"},
    {"integer", "int4"},
    {"real", "float4"},
    {"serial", "serial"},
    {"serial2", "smallserial"},
    {"serial4", "serial"},
    {"serial8", "bigserial"},
    {"smallint", "int2"},
    {"smallserial", "smallserial"},
    {"time with time zone", "timetz"},
    {"time without time zone", "time"},
    {"timestamp with time zone", "timestamptz"},
    {"timestamp without time zone", "timestamp"},
};

/* ---- small helpers ---------------------------------------------------- */

/* A name from the tree: NULL for absent or "" (proto3 default). */
static const char *name_dup(struct ctx *c, const char *s)
{
    if (!s || !*s)
        return NULL;
    return gate_arena_strdup(c->arena, s);
}

/* A value from the tree: "" stays "". */
static const char *value_dup(struct ctx *c, const char *s)
{
    return gate_arena_strdup(c->arena, s ? s : "");
}

/* A name, ASCII lower-cased; NULL for absent or "". */
static const char *lower_dup(struct ctx *c, const char *s)
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

static void *arena_array(struct ctx *c, size_t n, size_t size)
{
    if (!n)
        return NULL;
    return gate_arena_alloc(c->arena, n * size);
}

/* Absolute byte offset of a node location, -1 when unknown. */
static int loc(const struct ctx *c, int32_t l)
{
    if (l < 0)
        return -1;
    return c->base + l;
}

static int to_int(size_t n)
{
    return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

/* The message inside a Node wrapper, NULL when unset. */
static const ProtobufCMessage *node_msg(const PgQuery__Node *n)
{
    const ProtobufCFieldDescriptor *f;
    const char *base = (const char *)n;

    if (!n || n->node_case == PG_QUERY__NODE__NODE__NOT_SET)
        return NULL;
    f = protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor,
                                                (unsigned)n->node_case);
    if (!f)
        return NULL;
    return *(const ProtobufCMessage *const *)(const void *)(base + f->offset);
}

static const char *node_str(const PgQuery__Node *n)
{
    if (n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string)
        return n->string->sval;
    return NULL;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f';
}

static bool is_ident_char(char ch)
{
    unsigned char u = (unsigned char)ch;

    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
           u >= 0x80;
}

/* Skip whitespace and comments (as PostgreSQL's scanner defines them). */
static int skip_blank(const char *s, int pos, int end)
{
    while (pos < end) {
        if (is_space(s[pos])) {
            pos++;
        } else if (s[pos] == '-' && pos + 1 < end && s[pos + 1] == '-') {
            while (pos < end && s[pos] != '\n' && s[pos] != '\r')
                pos++;
        } else if (s[pos] == '/' && pos + 1 < end && s[pos + 1] == '*') {
            int depth = 1;

            pos += 2;
            while (pos < end && depth > 0) {
                if (s[pos] == '/' && pos + 1 < end && s[pos + 1] == '*') {
                    depth++;
                    pos += 2;
                } else if (s[pos] == '*' && pos + 1 < end && s[pos + 1] == '/') {
                    depth--;
                    pos += 2;
                } else {
                    pos++;
                }
            }
        } else {
            break;
        }
    }
    return pos;
}

static int trim_blank(const char *s, int start, int end)
{
    while (end > start && is_space(s[end - 1]))
        end--;
    return end;
}

/* Bytes of the UTF-8 character starting with lead byte b (pg_utf_mblen). */
static int utf8_len(unsigned char b)
{
    if (b < 0x80)
        return 1;
    if ((b & 0xe0) == 0xc0)
        return 2;
    if ((b & 0xf0) == 0xe0)
        return 3;
    if ((b & 0xf8) == 0xf0)
        return 4;
    return 1;
}

/* PgQueryError.cursorpos (1-based, in characters) to a byte offset; -1 if 0. */
static int cursor_to_byte(const char *s, int len, int cursorpos)
{
    int i = 0;

    if (cursorpos <= 0)
        return -1;
    for (int k = 1; k < cursorpos && i < len; k++)
        i += utf8_len((unsigned char)s[i]);
    return i < len ? i : len;
}

/*
 * protobuf-c allocator on the scratch arena: unpacking mallocs once per
 * node otherwise, and freeing the tree walks it again.
 */
static void *pb_alloc(void *data, size_t size)
{
    return gate_arena_alloc(data, size ? size : 1);
}

static void pb_free(GATE_UNUSED void *data, GATE_UNUSED void *p)
{
}

/* gate_pb_decode builds the same structs as pg_query__parse_result__unpack, 3x faster. */
static PgQuery__ParseResult *unpack_parse(struct ctx *c, const PgQueryProtobuf *pb)
{
    return (PgQuery__ParseResult *)(void *)gate_pb_decode(
        &pg_query__parse_result__descriptor, &c->pba, pb->len, (const uint8_t *)pb->data);
}

/* ---- scanner tokens --------------------------------------------------- */

static bool tok_is_comment(const struct tok *t)
{
    return t->type == PG_QUERY__TOKEN__SQL_COMMENT || t->type == PG_QUERY__TOKEN__C_COMMENT;
}

/* Index of the first token starting at or after pos. */
static size_t tok_lower(const struct ctx *c, int pos)
{
    size_t lo = 0;
    size_t hi = c->ntoks;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (c->toks[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The first and last real token of src[a..b): the statement's extent. */
static void stmt_span(const struct ctx *c, int a, int b, int *start, int *end)
{
    if (c->use_toks && c->toks && !c->head_only) {
        const struct tok *t = c->toks;
        size_t n = c->ntoks;
        size_t i = tok_lower(c, a);

        while (i < n && t[i].start < b && tok_is_comment(&t[i]))
            i++;
        if (i < n && t[i].start < b) {
            size_t j = tok_lower(c, b);

            while (j > i + 1 && tok_is_comment(&t[j - 1]))
                j--;
            *start = t[i].start;
            *end = t[j - 1].end > b ? b : t[j - 1].end;
            return;
        }
    }
    *start = skip_blank(c->src, a, b);
    *end = trim_blank(c->src, *start, b);
}

/*
 * Start of each ALTER TABLE command: the commands follow the relation name
 * and are separated by commas outside parentheses and brackets.
 */
static bool alter_cmd_starts(const struct ctx *c, const PgQuery__RangeVar *rv, int end, int *starts,
                             size_t ncmds)
{
    const struct tok *t = c->toks;
    size_t n = c->ntoks;
    size_t i;
    size_t k = 0;
    int depth = 0;
    bool want = true;

    if (!c->use_toks || !t || !rv || rv->location < 0)
        return false;
    i = tok_lower(c, loc(c, rv->location));
    if (i >= n)
        return false;
    i++;
    while (i + 1 < n && t[i].type == PG_QUERY__TOKEN__ASCII_46)
        i += 2;
    if (i < n && t[i].type == PG_QUERY__TOKEN__ASCII_42)
        i++;
    for (; i < n && t[i].start < end; i++) {
        if (tok_is_comment(&t[i]))
            continue;
        if (want) {
            if (k >= ncmds)
                return false;
            starts[k++] = t[i].start;
            want = false;
        }
        switch (t[i].type) {
        case PG_QUERY__TOKEN__ASCII_40:
        case PG_QUERY__TOKEN__ASCII_91:
            depth++;
            break;
        case PG_QUERY__TOKEN__ASCII_41:
        case PG_QUERY__TOKEN__ASCII_93:
            depth--;
            break;
        case PG_QUERY__TOKEN__ASCII_44:
            if (depth == 0)
                want = true;
            break;
        default:
            break;
        }
    }
    return k == ncmds;
}

/* ---- generic tree walk -------------------------------------------------- */

static const ProtobufCMessage *unwrap(const ProtobufCMessage *m)
{
    if (m && m->descriptor == &pg_query__node__descriptor)
        return node_msg((const PgQuery__Node *)(const void *)m);
    return m;
}

/* Call fn on every child message of m (Node wrappers already opened). */
static void walk_children(const ProtobufCMessage *m,
                          void (*fn)(const ProtobufCMessage *child, void *arg), void *arg)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    const char *base = (const char *)m;

    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];

        if (f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(const void *)(base + f->quantifier_offset);
            const ProtobufCMessage *const *arr =
                *(const ProtobufCMessage *const *const *)(const void *)(base + f->offset);

            for (size_t j = 0; j < n; j++) {
                const ProtobufCMessage *child = unwrap(arr[j]);

                if (child)
                    fn(child, arg);
            }
        } else {
            const ProtobufCMessage *child;

            if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
                *(const uint32_t *)(const void *)(base + f->quantifier_offset) != f->id)
                continue;
            child = unwrap(*(const ProtobufCMessage *const *)(const void *)(base + f->offset));
            if (child)
                fn(child, arg);
        }
    }
}

static void collect_strings(const ProtobufCMessage *m, void *arg)
{
    struct ctx *c = arg;

    if (m->descriptor == &pg_query__a__const__descriptor) {
        const PgQuery__AConst *k = (const PgQuery__AConst *)(const void *)m;

        if (k->val_case == PG_QUERY__A__CONST__VAL_SVAL && k->sval) {
            GATE_GROW(c->strs, c->strcap, c->nstrs + 1);
            c->strs[c->nstrs++] = value_dup(c, k->sval->sval);
        }
        return;
    }
    walk_children(m, collect_strings, arg);
}

/* ---- expressions ------------------------------------------------------ */

static int cmp_name(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static bool nonvolatile_builtin(const char *name)
{
    return !!bsearch(name, nonvolatile_funcs, GATE_ARRAY_SIZE(nonvolatile_funcs),
                     sizeof(nonvolatile_funcs[0]), cmp_name);
}

struct vol_walk {
    enum gate_volatility vol;
    const char *func; /* first volatile function; borrowed from the tree */
};

static void vol_visit(const ProtobufCMessage *m, void *arg)
{
    struct vol_walk *w = arg;
    const ProtobufCMessageDescriptor *d = m->descriptor;

    if (d == &pg_query__a__const__descriptor)
        return;
    if (d == &pg_query__sqlvalue_function__descriptor) {
        if (w->vol < GATE_VOL_STABLE)
            w->vol = GATE_VOL_STABLE;
        return;
    }
    if (d == &pg_query__func_call__descriptor) {
        const PgQuery__FuncCall *fc = (const PgQuery__FuncCall *)(const void *)m;
        const char *name = fc->n_funcname ? node_str(fc->funcname[fc->n_funcname - 1]) : NULL;
        const char *schema = fc->n_funcname > 1 ? node_str(fc->funcname[fc->n_funcname - 2]) : NULL;
        bool builtin =
            name && (!schema || !strcmp(schema, "pg_catalog")) && nonvolatile_builtin(name);

        if (builtin) {
            if (w->vol < GATE_VOL_STABLE)
                w->vol = GATE_VOL_STABLE;
        } else {
            w->vol = GATE_VOL_VOLATILE;
            if (!w->func)
                w->func = name;
        }
    } else if (d == &pg_query__sub_link__descriptor) {
        w->vol = GATE_VOL_VOLATILE;
    } else if (d == &pg_query__column_ref__descriptor || d == &pg_query__param_ref__descriptor) {
        if (w->vol < GATE_VOL_STABLE)
            w->vol = GATE_VOL_STABLE;
        return;
    }
    walk_children(m, vol_visit, arg);
}

/* Volatility of a DEFAULT expression; *func gets the deciding volatile function. */
static enum gate_volatility expr_vol(struct ctx *c, const PgQuery__Node *expr, const char **func)
{
    struct vol_walk w = {GATE_VOL_CONST, NULL};
    const ProtobufCMessage *m = node_msg(expr);

    if (func)
        *func = NULL;
    if (!m)
        return GATE_VOL_NONE;
    vol_visit(m, &w);
    if (func && w.vol == GATE_VOL_VOLATILE)
        *func = name_dup(c, w.func);
    return w.vol;
}

/* ---- names and types -------------------------------------------------- */

static void qname_from_list(struct ctx *c, PgQuery__Node *const *items, size_t n,
                            struct gate_qname *q)
{
    q->schema = NULL;
    q->name = NULL;
    if (n >= 1)
        q->name = name_dup(c, node_str(items[n - 1]));
    if (n >= 2)
        q->schema = name_dup(c, node_str(items[n - 2]));
}

static void qname_from_rangevar(struct ctx *c, const PgQuery__RangeVar *rv, struct gate_qname *q)
{
    q->schema = NULL;
    q->name = NULL;
    if (!rv)
        return;
    q->schema = name_dup(c, rv->schemaname);
    q->name = name_dup(c, rv->relname);
}

static void qname_from_node(struct ctx *c, const PgQuery__Node *n, struct gate_qname *q)
{
    q->schema = NULL;
    q->name = NULL;
    if (!n)
        return;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_LIST:
        if (n->list)
            qname_from_list(c, n->list->items, n->list->n_items, q);
        break;
    case PG_QUERY__NODE__NODE_STRING:
        q->name = name_dup(c, node_str(n));
        break;
    case PG_QUERY__NODE__NODE_TYPE_NAME:
        if (n->type_name)
            qname_from_list(c, n->type_name->names, n->type_name->n_names, q);
        break;
    case PG_QUERY__NODE__NODE_RANGE_VAR:
        qname_from_rangevar(c, n->range_var, q);
        break;
    case PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS:
        if (n->object_with_args)
            qname_from_list(c, n->object_with_args->objname, n->object_with_args->n_objname, q);
        break;
    default:
        break;
    }
}

/* Names of a list of String nodes (NULL entries for anything else). */
static const char **name_list(struct ctx *c, PgQuery__Node *const *items, size_t n, int *count)
{
    const char **v = arena_array(c, n, sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] = name_dup(c, node_str(items[i]));
    *count = to_int(n);
    return v;
}

static void type_none(struct gate_type *t)
{
    memset(t, 0, sizeof(*t));
    t->typmods[0] = -1;
    t->typmods[1] = -1;
}

static const char *type_alias(const char *name)
{
    for (size_t i = 0; i < GATE_ARRAY_SIZE(type_aliases); i++) {
        if (!strcmp(name, type_aliases[i].alias))
            return type_aliases[i].name;
    }
    return name;
}

static void type_from(struct ctx *c, const PgQuery__TypeName *tn, struct gate_type *t)
{
    const char *name;
    const char *schema;

    type_none(t);
    if (!tn || !tn->n_names)
        return;
    name = node_str(tn->names[tn->n_names - 1]);
    schema = tn->n_names > 1 ? node_str(tn->names[tn->n_names - 2]) : NULL;
    if (schema && !strcmp(schema, "pg_catalog"))
        schema = NULL;
    if (name && !schema)
        name = type_alias(name);
    t->schema = name_dup(c, schema);
    t->name = name_dup(c, name);
    for (size_t i = 0; i < tn->n_typmods && i < 2; i++) {
        const PgQuery__Node *m = tn->typmods[i];

        if (m && m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const &&
            m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL && m->a_const->ival)
            t->typmods[i] = m->a_const->ival->ival;
        t->ntypmods = (int)i + 1;
    }
    t->array_dims = to_int(tn->n_array_bounds);
}

/* ---- constraints and columns ------------------------------------------ */

static enum gate_cons_kind cons_kind(PgQuery__ConstrType t)
{
    switch (t) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        return GATE_CONS_CHECK;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
        return GATE_CONS_FOREIGN;
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
        return GATE_CONS_UNIQUE;
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        return GATE_CONS_PRIMARY;
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
        return GATE_CONS_EXCLUSION;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
        return GATE_CONS_NOT_NULL;
    case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
        return GATE_CONS_NULL;
    case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        return GATE_CONS_DEFAULT;
    case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
        return GATE_CONS_IDENTITY;
    case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
        return GATE_CONS_GENERATED;
    default:
        return GATE_CONS_OTHER;
    }
}

/* WHERE col IS NULL (col possibly qualified): col, else NULL. */
static const char *is_null_column(struct ctx *c, const PgQuery__Node *expr)
{
    const PgQuery__NullTest *nt;
    const PgQuery__ColumnRef *cr;

    if (!expr || expr->node_case != PG_QUERY__NODE__NODE_NULL_TEST || !expr->null_test)
        return NULL;
    nt = expr->null_test;
    if (nt->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NULL || !nt->arg ||
        nt->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !nt->arg->column_ref)
        return NULL;
    cr = nt->arg->column_ref;
    if (cr->n_fields < 1 || cr->n_fields > 2)
        return NULL;
    return name_dup(c, node_str(cr->fields[cr->n_fields - 1]));
}

/* A constant, possibly cast ('x'::text, 42). */
static bool const_expr(const PgQuery__Node *n)
{
    while (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast)
        n = n->type_cast->arg;
    return n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const && !n->a_const->isnull;
}

/* WHERE col = constant or col IN (constants): col (values counted in *nvalues), else NULL. */
static const char *key_column(struct ctx *c, const PgQuery__Node *expr, int *nvalues)
{
    const PgQuery__AExpr *e;
    const PgQuery__ColumnRef *cr;
    const char *op;

    *nvalues = 0;
    if (!expr || expr->node_case != PG_QUERY__NODE__NODE_A_EXPR || !expr->a_expr)
        return NULL;
    e = expr->a_expr;
    if (e->n_name != 1 || !(op = node_str(e->name[0])) || strcmp(op, "=") != 0 || !e->lexpr ||
        e->lexpr->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !e->lexpr->column_ref)
        return NULL;
    cr = e->lexpr->column_ref;
    if (cr->n_fields < 1 || cr->n_fields > 2)
        return NULL;
    if (e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP && const_expr(e->rexpr)) {
        *nvalues = 1;
    } else if (e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_IN && e->rexpr &&
               e->rexpr->node_case == PG_QUERY__NODE__NODE_LIST && e->rexpr->list) {
        for (size_t i = 0; i < e->rexpr->list->n_items; i++) {
            if (!const_expr(e->rexpr->list->items[i]))
                return NULL;
        }
        *nvalues = to_int(e->rexpr->list->n_items);
    } else {
        return NULL;
    }
    return name_dup(c, node_str(cr->fields[cr->n_fields - 1]));
}

/* CHECK (col IS NOT NULL): col, else NULL. */
static const char *check_not_null_column(struct ctx *c, const PgQuery__Node *expr)
{
    const PgQuery__NullTest *nt;
    const PgQuery__ColumnRef *cr;

    if (!expr || expr->node_case != PG_QUERY__NODE__NODE_NULL_TEST || !expr->null_test)
        return NULL;
    nt = expr->null_test;
    if (nt->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL || !nt->arg ||
        nt->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !nt->arg->column_ref)
        return NULL;
    cr = nt->arg->column_ref;
    if (cr->n_fields != 1)
        return NULL;
    return name_dup(c, node_str(cr->fields[0]));
}

static void cons_from(struct ctx *c, const PgQuery__Constraint *k, struct gate_constraint *o)
{
    o->kind = cons_kind(k->contype);
    o->name = name_dup(c, k->conname);
    o->not_valid = k->skip_validation;
    o->index_name = name_dup(c, k->indexname);
    o->using_index = !!o->index_name;
    o->location = loc(c, k->location);
    switch (o->kind) {
    case GATE_CONS_FOREIGN:
        qname_from_rangevar(c, k->pktable, &o->ref);
        o->columns = name_list(c, k->fk_attrs, k->n_fk_attrs, &o->ncolumns);
        o->on_delete_cascade = k->fk_del_action && k->fk_del_action[0] == 'c';
        break;
    case GATE_CONS_PRIMARY:
    case GATE_CONS_UNIQUE:
        o->columns = name_list(c, k->keys, k->n_keys, &o->ncolumns);
        break;
    case GATE_CONS_EXCLUSION:
        o->columns = arena_array(c, k->n_exclusions, sizeof(*o->columns));
        for (size_t i = 0; i < k->n_exclusions; i++) {
            const PgQuery__Node *pair = k->exclusions[i];

            if (pair && pair->node_case == PG_QUERY__NODE__NODE_LIST && pair->list &&
                pair->list->n_items > 0 &&
                pair->list->items[0]->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM)
                o->columns[i] = name_dup(c, pair->list->items[0]->index_elem->name);
        }
        o->ncolumns = to_int(k->n_exclusions);
        break;
    case GATE_CONS_CHECK:
        o->check_not_null_column = check_not_null_column(c, k->raw_expr);
        break;
    default:
        break;
    }
}

static void coldef_from(struct ctx *c, const PgQuery__ColumnDef *cd, struct gate_coldef *o)
{
    o->name = name_dup(c, cd->colname);
    type_from(c, cd->type_name, &o->type);
    o->location = loc(c, cd->location);
    o->not_null = cd->is_not_null;
    if (cd->raw_default) {
        o->has_default = true;
        o->default_vol = expr_vol(c, cd->raw_default, &o->default_func);
    }
    if (cd->identity && *cd->identity)
        o->identity = true;
    if (cd->generated && *cd->generated)
        o->generated_stored = true;
    for (size_t i = 0; i < cd->n_constraints; i++) {
        const PgQuery__Node *n = cd->constraints[i];
        const PgQuery__Constraint *k;

        if (!n || n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT || !n->constraint)
            continue;
        k = n->constraint;
        switch (k->contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
            o->not_null = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
            o->not_null = false;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
            o->has_default = true;
            o->default_vol = expr_vol(c, k->raw_expr, &o->default_func);
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
            o->primary_key = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
            o->unique = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
            o->references = true;
            qname_from_rangevar(c, k->pktable, &o->ref);
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
            o->has_check = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
            o->generated_stored = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
            o->identity = true;
            break;
        default:
            break;
        }
    }
}

/* ColumnDef and Constraint entries of a CREATE TABLE / CREATE TYPE AS list. */
static void table_elts(struct ctx *c, struct gate_stmt *st, PgQuery__Node *const *elts, size_t n,
                       PgQuery__Node *const *extra, size_t nextra)
{
    size_t ncols = 0;
    size_t ncons = 0;

    for (size_t i = 0; i < n; i++) {
        if (elts[i]->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
            ncols++;
        else if (elts[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
            ncons++;
    }
    for (size_t i = 0; i < nextra; i++) {
        if (extra[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
            ncons++;
    }
    st->cols = arena_array(c, ncols, sizeof(*st->cols));
    st->constraints = arena_array(c, ncons, sizeof(*st->constraints));
    for (size_t i = 0; i < n; i++) {
        if (elts[i]->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && elts[i]->column_def)
            coldef_from(c, elts[i]->column_def, &st->cols[st->ncols++]);
        else if (elts[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && elts[i]->constraint)
            cons_from(c, elts[i]->constraint, &st->constraints[st->nconstraints++]);
    }
    for (size_t i = 0; i < nextra; i++) {
        if (extra[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && extra[i]->constraint)
            cons_from(c, extra[i]->constraint, &st->constraints[st->nconstraints++]);
    }
}

/* ---- object kinds ----------------------------------------------------- */

static enum gate_obj_kind obj_kind(PgQuery__ObjectType t)
{
    switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        return GATE_OBJ_TABLE;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
        return GATE_OBJ_INDEX;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
        return GATE_OBJ_SEQUENCE;
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
        return GATE_OBJ_VIEW;
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        return GATE_OBJ_MATVIEW;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
        return GATE_OBJ_TYPE;
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN:
        return GATE_OBJ_DOMAIN;
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA:
        return GATE_OBJ_SCHEMA;
    case PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE:
        return GATE_OBJ_DATABASE;
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
        return GATE_OBJ_COLUMN;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMCONSTRAINT:
        return GATE_OBJ_CONSTRAINT;
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE:
        return GATE_OBJ_FUNCTION;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
        return GATE_OBJ_TRIGGER;
    case PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION:
        return GATE_OBJ_EXTENSION;
    default:
        return GATE_OBJ_OTHER;
    }
}

/* Objects named "name ON table": the list is [schema.]table.name. */
static bool obj_on_table(PgQuery__ObjectType t)
{
    return t == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN ||
           t == PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT ||
           t == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER ||
           t == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY || t == PG_QUERY__OBJECT_TYPE__OBJECT_RULE;
}

/* rel = the table part of a [schema.]table.name list; returns name. */
static const char *split_on_table(struct ctx *c, const PgQuery__Node *n, struct gate_qname *rel)
{
    const PgQuery__List *l;

    if (!n || n->node_case != PG_QUERY__NODE__NODE_LIST || !n->list || !n->list->n_items) {
        qname_from_node(c, n, rel);
        return NULL;
    }
    l = n->list;
    qname_from_list(c, l->items, l->n_items - 1, rel);
    return name_dup(c, node_str(l->items[l->n_items - 1]));
}

static void objects_from(struct ctx *c, struct gate_stmt *st, PgQuery__Node *const *objs, size_t n)
{
    st->objects = arena_array(c, n, sizeof(*st->objects));
    st->nobjects = to_int(n);
    for (size_t i = 0; i < n; i++)
        qname_from_node(c, objs[i], &st->objects[i]);
    if (n)
        st->rel = st->objects[0];
}

/* ---- ALTER TABLE ------------------------------------------------------ */

static void alter_cmd(struct ctx *c, const PgQuery__AlterTableCmd *cmd, struct gate_alter_cmd *a)
{
    const PgQuery__Node *def = cmd->def;
    const PgQuery__PartitionCmd *pc =
        def && def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD ? def->partition_cmd : NULL;
    const PgQuery__ColumnDef *cd =
        def && def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF ? def->column_def : NULL;
    const PgQuery__Constraint *k =
        def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT ? def->constraint : NULL;

    a->location = -1;
    type_none(&a->newtype);
    a->missing_ok = cmd->missing_ok;
    a->cascade = cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnToView:
        a->kind = GATE_ALTER_ADD_COLUMN;
        if (cd) {
            a->coldef = gate_arena_alloc(c->arena, sizeof(*a->coldef));
            coldef_from(c, cd, a->coldef);
            a->column = a->coldef->name;
            a->location = a->coldef->location;
        }
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
        a->kind = GATE_ALTER_DROP_COLUMN;
        a->column = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        a->kind = GATE_ALTER_COLUMN_TYPE;
        a->column = name_dup(c, cmd->name);
        if (cd) {
            type_from(c, cd->type_name, &a->newtype);
            a->has_using = !!cd->raw_default;
        }
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        a->column = name_dup(c, cmd->name);
        if (def) {
            a->kind = GATE_ALTER_SET_DEFAULT;
            a->default_vol = expr_vol(c, def, NULL);
        } else {
            a->kind = GATE_ALTER_DROP_DEFAULT;
        }
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        a->kind = GATE_ALTER_SET_NOT_NULL;
        a->column = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        a->kind = GATE_ALTER_DROP_NOT_NULL;
        a->column = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReAddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIndexConstraint:
        a->kind = GATE_ALTER_ADD_CONSTRAINT;
        if (k) {
            a->cons = gate_arena_alloc(c->arena, sizeof(*a->cons));
            cons_from(c, k, a->cons);
            a->name = a->cons->name;
            a->location = a->cons->location;
        }
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
        a->kind = GATE_ALTER_DROP_CONSTRAINT;
        a->name = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
        a->kind = GATE_ALTER_VALIDATE_CONSTRAINT;
        a->name = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
        a->kind = GATE_ALTER_ADD_IDENTITY;
        a->column = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
        a->kind = GATE_ALTER_SET_LOGGED;
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
        a->kind = GATE_ALTER_SET_UNLOGGED;
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
        a->kind = GATE_ALTER_ATTACH_PARTITION;
        if (pc && pc->name)
            a->name = name_dup(c, pc->name->relname);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize:
        a->kind = GATE_ALTER_DETACH_PARTITION;
        if (pc && pc->name)
            a->name = name_dup(c, pc->name->relname);
        a->concurrent = (pc && pc->concurrent) ||
                        cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize;
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
        a->kind = GATE_ALTER_TRIGGER;
        a->name = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
        a->kind = GATE_ALTER_SET_TABLESPACE;
        a->name = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
        a->kind = GATE_ALTER_CLUSTER_ON;
        a->name = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
        a->kind = GATE_ALTER_OWNER;
        if (cmd->newowner)
            a->name = name_dup(c, cmd->newowner->rolename);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions:
        a->kind = GATE_ALTER_SET_OPTIONS;
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression:
        a->kind = GATE_ALTER_SET_OPTIONS;
        a->column = name_dup(c, cmd->name);
        break;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions:
        a->kind = GATE_ALTER_OTHER;
        a->column = name_dup(c, cmd->name);
        break;
    default:
        a->kind = GATE_ALTER_OTHER;
        a->name = name_dup(c, cmd->name);
        break;
    }
}

static void alter_table(struct ctx *c, struct gate_stmt *st, const PgQuery__AlterTableStmt *s,
                        int end)
{
    int *starts;
    bool ok;

    st->kind = GATE_STMT_ALTER_TABLE;
    qname_from_rangevar(c, s->relation, &st->rel);
    st->obj = obj_kind(s->objtype);
    st->missing_ok = s->missing_ok;
    st->cmds = arena_array(c, s->n_cmds, sizeof(*st->cmds));
    for (size_t i = 0; i < s->n_cmds; i++) {
        const PgQuery__Node *n = s->cmds[i];

        if (n && n->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD && n->alter_table_cmd)
            alter_cmd(c, n->alter_table_cmd, &st->cmds[st->ncmds++]);
    }
    if (!st->ncmds)
        return;
    starts = gate_xmalloc((size_t)st->ncmds * sizeof(*starts));
    ok = alter_cmd_starts(c, s->relation, end, starts, (size_t)st->ncmds);
    if (!ok && c->head_only) {
        lex_rest(c);
        ok = alter_cmd_starts(c, s->relation, end, starts, (size_t)st->ncmds);
    }
    if (ok) {
        for (int i = 0; i < st->ncmds; i++)
            st->cmds[i].location = starts[i];
    }
    free(starts);
}

/* ---- other statements ------------------------------------------------- */

static void create_table(struct ctx *c, struct gate_stmt *st, const PgQuery__CreateStmt *s)
{
    st->kind = GATE_STMT_CREATE_TABLE;
    st->obj = GATE_OBJ_TABLE;
    qname_from_rangevar(c, s->relation, &st->rel);
    st->missing_ok = s->if_not_exists;
    if (s->relation && s->relation->relpersistence) {
        st->unlogged = !strcmp(s->relation->relpersistence, "u");
        st->temp = !strcmp(s->relation->relpersistence, "t");
    }
    st->partition_of = !!s->partbound;
    table_elts(c, st, s->table_elts, s->n_table_elts, s->constraints, s->n_constraints);
}

static void drop_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__DropStmt *s)
{
    st->kind = GATE_STMT_DROP;
    st->obj = obj_kind(s->remove_type);
    st->missing_ok = s->missing_ok;
    st->cascade = s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    st->concurrent = s->concurrent;
    if (obj_on_table(s->remove_type)) {
        st->objects = arena_array(c, s->n_objects, sizeof(*st->objects));
        st->nobjects = to_int(s->n_objects);
        for (size_t i = 0; i < s->n_objects; i++) {
            struct gate_qname table;

            st->objects[i].name = split_on_table(c, s->objects[i], &table);
            if (i == 0) {
                st->rel = table;
                st->subname = st->objects[i].name;
            }
        }
        return;
    }
    objects_from(c, st, s->objects, s->n_objects);
}

static void rename_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__RenameStmt *s)
{
    st->kind = GATE_STMT_RENAME;
    st->obj = obj_kind(s->rename_type);
    st->missing_ok = s->missing_ok;
    st->newname = name_dup(c, s->newname);
    st->subname = name_dup(c, s->subname);
    if (s->relation)
        qname_from_rangevar(c, s->relation, &st->rel);
    else if (s->object)
        qname_from_node(c, s->object, &st->rel);
    else
        st->rel.name = st->subname; /* schema, database, role, ... */
}

static void index_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__IndexStmt *s)
{
    st->kind = GATE_STMT_CREATE_INDEX;
    st->obj = GATE_OBJ_INDEX;
    qname_from_rangevar(c, s->relation, &st->rel);
    st->index_name = name_dup(c, s->idxname);
    st->unique = s->unique;
    st->concurrent = s->concurrent;
    st->missing_ok = s->if_not_exists;
    st->has_where = !!s->where_clause;
    st->index_columns = arena_array(c, s->n_index_params, sizeof(*st->index_columns));
    st->nindex_columns = to_int(s->n_index_params);
    for (size_t i = 0; i < s->n_index_params; i++) {
        const PgQuery__Node *n = s->index_params[i];

        if (n && n->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && n->index_elem)
            st->index_columns[i] = name_dup(c, n->index_elem->name);
    }
}

static bool defelem_true(const PgQuery__DefElem *d)
{
    const PgQuery__Node *a = d->arg;

    if (!a)
        return true;
    if (a->node_case == PG_QUERY__NODE__NODE_BOOLEAN && a->boolean)
        return a->boolean->boolval;
    if (a->node_case == PG_QUERY__NODE__NODE_INTEGER && a->integer)
        return a->integer->ival != 0;
    if (a->node_case == PG_QUERY__NODE__NODE_STRING && a->string)
        return strcmp(a->string->sval, "false") != 0 && strcmp(a->string->sval, "off") != 0 &&
               strcmp(a->string->sval, "0") != 0;
    return true;
}

static const PgQuery__DefElem *find_defelem(PgQuery__Node *const *opts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        const PgQuery__Node *o = opts[i];

        if (o && o->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && o->def_elem &&
            o->def_elem->defname && !strcmp(o->def_elem->defname, name))
            return o->def_elem;
    }
    return NULL;
}

static void reindex_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__ReindexStmt *s)
{
    const PgQuery__DefElem *conc = find_defelem(s->params, s->n_params, "concurrently");

    st->kind = GATE_STMT_REINDEX;
    st->concurrent = conc && defelem_true(conc);
    switch (s->kind) {
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX:
        st->obj = GATE_OBJ_INDEX;
        break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE:
        st->obj = GATE_OBJ_TABLE;
        break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA:
        st->obj = GATE_OBJ_SCHEMA;
        break;
    case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE:
        st->obj = GATE_OBJ_DATABASE;
        break;
    default:
        st->obj = GATE_OBJ_OTHER;
        break;
    }
    if (s->relation)
        qname_from_rangevar(c, s->relation, &st->rel);
    else
        st->rel.name = name_dup(c, s->name);
}

static void relation_list(struct ctx *c, struct gate_stmt *st, PgQuery__Node *const *rels, size_t n)
{
    st->obj = GATE_OBJ_TABLE;
    objects_from(c, st, rels, n);
}

static void update_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__UpdateStmt *s)
{
    st->kind = GATE_STMT_UPDATE;
    st->obj = GATE_OBJ_TABLE;
    qname_from_rangevar(c, s->relation, &st->rel);
    st->has_where = !!s->where_clause;
    st->where_is_null = is_null_column(c, s->where_clause);
    st->where_key = key_column(c, s->where_clause, &st->where_key_values);
    st->set_columns = arena_array(c, s->n_target_list, sizeof(*st->set_columns));
    for (size_t i = 0; i < s->n_target_list; i++) {
        const PgQuery__Node *n = s->target_list[i];

        if (n && n->node_case == PG_QUERY__NODE__NODE_RES_TARGET && n->res_target)
            st->set_columns[st->nset_columns++] = name_dup(c, n->res_target->name);
    }
}

static void enum_stmts(struct ctx *c, struct gate_stmt *st, const PgQuery__Node *n)
{
    if (n->node_case == PG_QUERY__NODE__NODE_CREATE_ENUM_STMT) {
        const PgQuery__CreateEnumStmt *s = n->create_enum_stmt;

        st->kind = GATE_STMT_CREATE_ENUM;
        st->obj = GATE_OBJ_TYPE;
        qname_from_list(c, s->type_name, s->n_type_name, &st->rel);
        st->values = arena_array(c, s->n_vals, sizeof(*st->values));
        st->nvalues = to_int(s->n_vals);
        for (size_t i = 0; i < s->n_vals; i++)
            st->values[i] = value_dup(c, node_str(s->vals[i]));
    } else {
        const PgQuery__AlterEnumStmt *s = n->alter_enum_stmt;

        st->kind = GATE_STMT_ALTER_ENUM;
        st->obj = GATE_OBJ_TYPE;
        qname_from_list(c, s->type_name, s->n_type_name, &st->rel);
        if (s->old_val && *s->old_val) {
            st->enum_rename = true;
            st->values = arena_array(c, 2, sizeof(*st->values));
            st->values[0] = value_dup(c, s->old_val);
            st->values[1] = value_dup(c, s->new_val);
            st->nvalues = 2;
        } else {
            st->values = arena_array(c, 1, sizeof(*st->values));
            st->values[0] = value_dup(c, s->new_val);
            st->nvalues = 1;
            st->missing_ok = s->skip_if_new_val_exists;
            st->enum_has_position = s->new_val_neighbor && *s->new_val_neighbor;
        }
    }
}

static enum gate_tx_kind tx_kind(PgQuery__TransactionStmtKind k)
{
    switch (k) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
        return GATE_TX_BEGIN;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
        return GATE_TX_COMMIT;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
        return GATE_TX_ROLLBACK;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
        return GATE_TX_SAVEPOINT;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
        return GATE_TX_RELEASE;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
        return GATE_TX_ROLLBACK_TO;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE:
        return GATE_TX_PREPARE;
    default:
        return GATE_TX_OTHER;
    }
}

/* A SET argument as text: constants as written, casts by their argument. */
static void set_arg_text(const PgQuery__Node *n, struct gate_buf *b)
{
    const PgQuery__AConst *k;

    while (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast)
        n = n->type_cast->arg;
    if (!n || n->node_case != PG_QUERY__NODE__NODE_A_CONST || !n->a_const)
        return;
    k = n->a_const;
    switch (k->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        gate_buf_printf(b, "%d", k->ival ? (int)k->ival->ival : 0);
        break;
    case PG_QUERY__A__CONST__VAL_FVAL:
        gate_buf_adds(b, k->fval && k->fval->fval ? k->fval->fval : "");
        break;
    case PG_QUERY__A__CONST__VAL_SVAL:
        gate_buf_adds(b, k->sval && k->sval->sval ? k->sval->sval : "");
        break;
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
        gate_buf_adds(b, k->boolval && k->boolval->boolval ? "true" : "false");
        break;
    default:
        break;
    }
}

static void set_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__VariableSetStmt *s)
{
    st->kind = GATE_STMT_SET;
    st->set_name = lower_dup(c, s->name);
    st->set_local = s->is_local;
    switch (s->kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE: {
        struct gate_buf b = {0};

        for (size_t i = 0; i < s->n_args; i++) {
            if (i)
                gate_buf_adds(&b, ", ");
            set_arg_text(s->args[i], &b);
        }
        st->set_value = value_dup(c, gate_buf_str(&b));
        gate_buf_release(&b);
        break;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
        st->reset = true;
        break;
    default:
        break;
    }
}

/* The language of a DO block or function: lower-cased; DO defaults to plpgsql. */
static const char *language_of(struct ctx *c, PgQuery__Node *const *opts, size_t n,
                               const char *dflt)
{
    const PgQuery__DefElem *d = find_defelem(opts, n, "language");
    const char *lang = d ? node_str(d->arg) : NULL;

    return lower_dup(c, lang && *lang ? lang : dflt);
}

static void domain_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__AlterDomainStmt *s)
{
    struct gate_alter_cmd *a;
    const PgQuery__Node *def = s->def;
    char sub = '\0';

    if (s->subtype)
        sub = s->subtype[0];
    st->kind = GATE_STMT_ALTER_DOMAIN;
    st->obj = GATE_OBJ_DOMAIN;
    qname_from_list(c, s->type_name, s->n_type_name, &st->rel);
    st->missing_ok = s->missing_ok;
    st->cascade = s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    st->cmds = gate_arena_alloc(c->arena, sizeof(*st->cmds));
    st->ncmds = 1;
    a = st->cmds;
    a->location = -1;
    type_none(&a->newtype);
    a->missing_ok = s->missing_ok;
    a->cascade = st->cascade;
    a->name = name_dup(c, s->name);
    switch (sub) {
    case 'T':
        a->kind = def ? GATE_ALTER_SET_DEFAULT : GATE_ALTER_DROP_DEFAULT;
        a->default_vol = expr_vol(c, def, NULL);
        break;
    case 'N':
        a->kind = GATE_ALTER_DROP_NOT_NULL;
        break;
    case 'O':
        a->kind = GATE_ALTER_SET_NOT_NULL;
        break;
    case 'C':
        a->kind = GATE_ALTER_ADD_CONSTRAINT;
        if (def && def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT && def->constraint) {
            st->constraints = gate_arena_alloc(c->arena, sizeof(*st->constraints));
            st->nconstraints = 1;
            cons_from(c, def->constraint, st->constraints);
            a->cons = st->constraints;
            a->name = a->cons->name;
            a->location = a->cons->location;
        }
        break;
    case 'X':
        a->kind = GATE_ALTER_DROP_CONSTRAINT;
        break;
    case 'V':
        a->kind = GATE_ALTER_VALIDATE_CONSTRAINT;
        break;
    default:
        a->kind = GATE_ALTER_OTHER;
        break;
    }
}

static void create_domain(struct ctx *c, struct gate_stmt *st, const PgQuery__CreateDomainStmt *s)
{
    st->kind = GATE_STMT_CREATE_DOMAIN;
    st->obj = GATE_OBJ_DOMAIN;
    qname_from_list(c, s->domainname, s->n_domainname, &st->rel);
    table_elts(c, st, NULL, 0, s->constraints, s->n_constraints);
}

/* VACUUM; ANALYZE (the same node) runs inside a transaction and stays OTHER. */
static void vacuum_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__VacuumStmt *s)
{
    const PgQuery__DefElem *full = find_defelem(s->options, s->n_options, "full");

    st->kind = s->is_vacuumcmd ? GATE_STMT_VACUUM : GATE_STMT_OTHER;
    st->full = s->is_vacuumcmd && full && defelem_true(full);
    st->obj = GATE_OBJ_TABLE;
    st->objects = arena_array(c, s->n_rels, sizeof(*st->objects));
    st->nobjects = to_int(s->n_rels);
    for (size_t i = 0; i < s->n_rels; i++) {
        const PgQuery__Node *n = s->rels[i];

        if (n && n->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION && n->vacuum_relation)
            qname_from_rangevar(c, n->vacuum_relation->relation, &st->objects[i]);
    }
    if (s->n_rels)
        st->rel = st->objects[0];
}

static void comment_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__CommentStmt *s)
{
    st->kind = GATE_STMT_COMMENT;
    st->obj = obj_kind(s->objtype);
    if (obj_on_table(s->objtype))
        st->subname = split_on_table(c, s->object, &st->rel);
    else
        qname_from_node(c, s->object, &st->rel);
}

/* Statements that name one object and little else. */
static bool simple_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__Node *n)
{
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        st->kind = GATE_STMT_INSERT;
        st->obj = GATE_OBJ_TABLE;
        qname_from_rangevar(c, n->insert_stmt->relation, &st->rel);
        st->insert_select =
            n->insert_stmt->select_stmt &&
            n->insert_stmt->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
            n->insert_stmt->select_stmt->select_stmt &&
            (n->insert_stmt->select_stmt->select_stmt->n_from_clause > 0 ||
             n->insert_stmt->select_stmt->select_stmt->larg);
        break;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        st->kind = GATE_STMT_DELETE;
        st->obj = GATE_OBJ_TABLE;
        qname_from_rangevar(c, n->delete_stmt->relation, &st->rel);
        st->has_where = !!n->delete_stmt->where_clause;
        st->where_is_null = is_null_column(c, n->delete_stmt->where_clause);
        st->where_key = key_column(c, n->delete_stmt->where_clause, &st->where_key_values);
        break;
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        if (n->select_stmt->into_clause) {
            st->kind = GATE_STMT_CREATE_TABLE_AS;
            st->obj = GATE_OBJ_TABLE;
            qname_from_rangevar(c, n->select_stmt->into_clause->rel, &st->rel);
        } else {
            st->kind = GATE_STMT_SELECT;
        }
        break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        st->kind = GATE_STMT_CREATE_TABLE_AS;
        st->obj = obj_kind(n->create_table_as_stmt->objtype);
        st->missing_ok = n->create_table_as_stmt->if_not_exists;
        if (n->create_table_as_stmt->into)
            qname_from_rangevar(c, n->create_table_as_stmt->into->rel, &st->rel);
        break;
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
        st->kind = GATE_STMT_CLUSTER;
        st->obj = GATE_OBJ_TABLE;
        qname_from_rangevar(c, n->cluster_stmt->relation, &st->rel);
        st->index_name = name_dup(c, n->cluster_stmt->indexname);
        break;
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
        st->kind = GATE_STMT_REFRESH_MATVIEW;
        st->obj = GATE_OBJ_MATVIEW;
        st->concurrent = n->refresh_mat_view_stmt->concurrent;
        qname_from_rangevar(c, n->refresh_mat_view_stmt->relation, &st->rel);
        break;
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
        st->kind = GATE_STMT_CREATE_SCHEMA;
        st->obj = GATE_OBJ_SCHEMA;
        st->rel.name = name_dup(c, n->create_schema_stmt->schemaname);
        st->missing_ok = n->create_schema_stmt->if_not_exists;
        break;
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
        st->kind = GATE_STMT_CREATE_EXTENSION;
        st->obj = GATE_OBJ_EXTENSION;
        st->rel.name = name_dup(c, n->create_extension_stmt->extname);
        st->missing_ok = n->create_extension_stmt->if_not_exists;
        break;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
        st->kind = GATE_STMT_CREATE_VIEW;
        st->obj = GATE_OBJ_VIEW;
        qname_from_rangevar(c, n->view_stmt->view, &st->rel);
        break;
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
        st->kind = GATE_STMT_CREATE_SEQUENCE;
        st->obj = GATE_OBJ_SEQUENCE;
        qname_from_rangevar(c, n->create_seq_stmt->sequence, &st->rel);
        st->missing_ok = n->create_seq_stmt->if_not_exists;
        break;
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
        st->kind = GATE_STMT_ALTER_SEQUENCE;
        st->obj = GATE_OBJ_SEQUENCE;
        qname_from_rangevar(c, n->alter_seq_stmt->sequence, &st->rel);
        st->missing_ok = n->alter_seq_stmt->missing_ok;
        break;
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
        st->kind = GATE_STMT_CREATE_TRIGGER;
        st->obj = GATE_OBJ_TRIGGER;
        qname_from_rangevar(c, n->create_trig_stmt->relation, &st->rel);
        st->newname = name_dup(c, n->create_trig_stmt->trigname);
        break;
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
        st->kind = GATE_STMT_CREATE_POLICY;
        st->obj = GATE_OBJ_TABLE;
        qname_from_rangevar(c, n->create_policy_stmt->table, &st->rel);
        st->newname = name_dup(c, n->create_policy_stmt->policy_name);
        break;
    case PG_QUERY__NODE__NODE_CREATEDB_STMT:
        st->kind = GATE_STMT_CREATE_DATABASE;
        st->obj = GATE_OBJ_DATABASE;
        st->rel.name = name_dup(c, n->createdb_stmt->dbname);
        break;
    case PG_QUERY__NODE__NODE_DROPDB_STMT:
        st->kind = GATE_STMT_DROP;
        st->obj = GATE_OBJ_DATABASE;
        st->rel.name = name_dup(c, n->dropdb_stmt->dbname);
        st->missing_ok = n->dropdb_stmt->missing_ok;
        st->objects = gate_arena_alloc(c->arena, sizeof(*st->objects));
        st->objects[0] = st->rel;
        st->nobjects = 1;
        break;
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
        st->kind = GATE_STMT_CREATE_TYPE;
        st->obj = GATE_OBJ_TYPE;
        qname_from_rangevar(c, n->composite_type_stmt->typevar, &st->rel);
        table_elts(c, st, n->composite_type_stmt->coldeflist, n->composite_type_stmt->n_coldeflist,
                   NULL, 0);
        break;
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
        st->kind = GATE_STMT_CREATE_TYPE;
        st->obj = GATE_OBJ_TYPE;
        qname_from_list(c, n->create_range_stmt->type_name, n->create_range_stmt->n_type_name,
                        &st->rel);
        break;
    case PG_QUERY__NODE__NODE_COPY_STMT:
        st->kind = GATE_STMT_COPY;
        st->obj = GATE_OBJ_TABLE;
        qname_from_rangevar(c, n->copy_stmt->relation, &st->rel);
        break;
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
        st->kind = GATE_STMT_EXPLAIN;
        break;
    case PG_QUERY__NODE__NODE_CALL_STMT:
        st->kind = GATE_STMT_CALL;
        st->obj = GATE_OBJ_FUNCTION;
        if (n->call_stmt->funccall)
            qname_from_list(c, n->call_stmt->funccall->funcname, n->call_stmt->funccall->n_funcname,
                            &st->rel);
        break;
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
        st->kind = GATE_STMT_TRUNCATE;
        relation_list(c, st, n->truncate_stmt->relations, n->truncate_stmt->n_relations);
        st->cascade = n->truncate_stmt->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
        break;
    case PG_QUERY__NODE__NODE_LOCK_STMT:
        st->kind = GATE_STMT_LOCK;
        relation_list(c, st, n->lock_stmt->relations, n->lock_stmt->n_relations);
        break;
    case PG_QUERY__NODE__NODE_GRANT_STMT:
        st->kind = GATE_STMT_GRANT;
        objects_from(c, st, n->grant_stmt->objects, n->grant_stmt->n_objects);
        st->obj = obj_kind(n->grant_stmt->objtype);
        st->cascade = n->grant_stmt->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
        break;
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
        st->kind = GATE_STMT_TRANSACTION;
        st->tx = tx_kind(n->transaction_stmt->kind);
        break;
    case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT:
        if (n->alter_system_stmt->setstmt)
            set_stmt(c, st, n->alter_system_stmt->setstmt);
        st->kind = GATE_STMT_ALTER_SYSTEM;
        break;
    default:
        return false;
    }
    return true;
}

/* Statements with more to translate than a name. */
static void other_stmt(struct ctx *c, struct gate_stmt *st, const PgQuery__Node *n, int end)
{
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
        create_table(c, st, n->create_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        alter_table(c, st, n->alter_table_stmt, end);
        break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
        drop_stmt(c, st, n->drop_stmt);
        break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
        rename_stmt(c, st, n->rename_stmt);
        break;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        index_stmt(c, st, n->index_stmt);
        break;
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
        reindex_stmt(c, st, n->reindex_stmt);
        break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
        update_stmt(c, st, n->update_stmt);
        break;
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
        enum_stmts(c, st, n);
        break;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        set_stmt(c, st, n->variable_set_stmt);
        break;
    case PG_QUERY__NODE__NODE_DO_STMT:
        st->kind = GATE_STMT_DO;
        st->language = language_of(c, n->do_stmt->args, n->do_stmt->n_args, "plpgsql");
        break;
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT: {
        const PgQuery__CreateFunctionStmt *s = n->create_function_stmt;

        st->kind = GATE_STMT_CREATE_FUNCTION;
        st->obj = GATE_OBJ_FUNCTION;
        qname_from_list(c, s->funcname, s->n_funcname, &st->rel);
        st->language = language_of(c, s->options, s->n_options, s->sql_body ? "sql" : NULL);
        break;
    }
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
        create_domain(c, st, n->create_domain_stmt);
        break;
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
        domain_stmt(c, st, n->alter_domain_stmt);
        break;
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
        vacuum_stmt(c, st, n->vacuum_stmt);
        break;
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
        comment_stmt(c, st, n->comment_stmt);
        break;
    default:
        st->kind = GATE_STMT_OTHER;
        break;
    }
}

/*
 * Fill st (location and length already set) from the raw statement n;
 * end is where the statement ends in the source.
 */
static void translate(struct ctx *c, struct gate_stmt *st, const PgQuery__Node *n, int end)
{
    const ProtobufCMessage *m = node_msg(n);

    if (!m)
        return;
    st->node = m->descriptor->short_name;
    if (!simple_stmt(c, st, n))
        other_stmt(c, st, n, end);
    c->nstrs = 0;
    walk_children(m, collect_strings, c);
    if (c->nstrs) {
        st->strings = arena_array(c, c->nstrs, sizeof(*st->strings));
        memcpy(st->strings, c->strs, c->nstrs * sizeof(*st->strings));
        st->nstrings = to_int(c->nstrs);
    }
}

/* ---- statements ------------------------------------------------------- */

static size_t push_stmt(struct ctx *c)
{
    struct gate_stmt *st;

    GATE_GROW(c->stmts, c->stmtcap, c->nstmts + 1);
    st = &c->stmts[c->nstmts];
    memset(st, 0, sizeof(*st));
    st->parent = -1;
    return c->nstmts++;
}

/* Raw offset of value offset off in a body that starts at raw. */
static int raw_offset(const struct ctx *c, int raw, bool quoted, int off)
{
    int i = raw;

    if (!quoted)
        return raw + off;
    for (int k = 0; k < off && i < c->len; k++)
        i += c->src[i] == '\'' ? 2 : 1;
    return i;
}

/*
 * Parse text (a body, or one statement of a plpgsql body) and append its
 * statements at depth 1 under parent. raw is where text starts in the
 * source (quoted: inside a '...' literal), or -1 when unknown: then the
 * statements take the parent's place.
 */
static void add_nested(struct ctx *c, size_t parent, const char *text, int raw, bool quoted)
{
    PgQueryProtobufParseResult r = pg_query_parse_protobuf(text);
    PgQuery__ParseResult *pr = NULL;
    int tlen = to_int(strlen(text));

    if (!r.error)
        pr = unpack_parse(c, &r.parse_tree);
    for (size_t i = 0; pr && i < pr->n_stmts; i++) {
        const PgQuery__RawStmt *rs = pr->stmts[i];
        int a = rs->stmt_location;
        int b = rs->stmt_len ? a + rs->stmt_len : tlen;
        size_t idx = push_stmt(c);
        struct gate_stmt *st = &c->stmts[idx];

        if (a < 0 || a > tlen)
            a = 0;
        if (b > tlen || b < a)
            b = tlen;
        a = skip_blank(text, a, b);
        b = trim_blank(text, a, b);
        st->depth = 1;
        st->parent = (int)parent;
        if (raw >= 0) {
            st->location = raw_offset(c, raw, quoted, a);
            st->length = raw_offset(c, raw, quoted, b) - st->location;
            c->base = raw;
        } else {
            st->location = c->stmts[parent].location;
            st->length = c->stmts[parent].length;
            c->base = st->location;
        }
        c->use_toks = false;
        c->head_only = false;
        translate(c, st, rs->stmt, st->location + st->length);
    }
    pg_query_free_protobuf_parse_result(r);
}

/* Find the string literal of a body at or after pos (an AS keyword may come first). */
static bool find_body(const struct ctx *c, int pos, const char *value, struct body *bd)
{
    const char *s = c->src;
    int n = c->len;
    size_t vlen = strlen(value);

    bd->start = -1;
    bd->len = 0;
    bd->quoted = false;
    if (pos < 0 || pos >= n)
        return false;
    pos = skip_blank(s, pos, n);
    if (pos + 2 < n && (s[pos] | 0x20) == 'a' && (s[pos + 1] | 0x20) == 's' &&
        !is_ident_char(s[pos + 2]))
        pos = skip_blank(s, pos + 2, n);
    if (pos < n && s[pos] == '$') {
        int t = pos + 1;
        int tag;

        while (t < n && is_ident_char(s[t]))
            t++;
        if (t >= n || s[t] != '$')
            return false;
        tag = t + 1 - pos;
        if ((size_t)(n - (t + 1)) < vlen + (size_t)tag)
            return false;
        if (memcmp(s + t + 1, value, vlen) != 0 ||
            memcmp(s + t + 1 + vlen, s + pos, (size_t)tag) != 0)
            return false;
        bd->start = t + 1;
        bd->len = to_int(vlen);
        return true;
    }
    if (pos < n && s[pos] == '\'') {
        int i = pos + 1;
        size_t k = 0;

        for (;;) {
            if (i >= n)
                return false;
            if (s[i] == '\'') {
                if (i + 1 < n && s[i + 1] == '\'') {
                    i += 2;
                    k++;
                    continue;
                }
                break;
            }
            i++;
            k++;
        }
        if (k != vlen)
            return false;
        bd->start = pos + 1;
        bd->len = i - bd->start;
        bd->quoted = true;
        return true;
    }
    return false;
}

/*
 * Does q (value text) occur at raw offset i of the body? *rawlen gets its
 * source length. A blank in q matches any byte: PL/pgSQL blanks out the
 * INTO clause of a SELECT ... INTO, keeping every other offset.
 */
static bool body_match(const struct ctx *c, const struct body *bd, int i, const char *q,
                       size_t qlen, int *rawlen)
{
    int end = bd->start + bd->len;
    int j = i;

    for (size_t k = 0; k < qlen; k++) {
        bool doubled;

        if (j >= end)
            return false;
        doubled = bd->quoted && c->src[j] == '\'' && j + 1 < end && c->src[j + 1] == '\'';
        if (q[k] == ' ' && c->src[j] != ' ') {
            j += doubled ? 2 : 1;
            continue;
        }
        if (c->src[j] != q[k])
            return false;
        if (bd->quoted && q[k] == '\'') {
            if (!doubled)
                return false;
            j++;
        }
        j++;
    }
    *rawlen = j - i;
    return true;
}

/* Source offset of q in the body, searching from *cursor on; -1 if absent. */
static int body_find(const struct ctx *c, const struct body *bd, int *cursor, const char *q,
                     size_t qlen)
{
    int end = bd->start + bd->len;
    int rawlen;

    if (bd->start < 0 || !qlen)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        int from = pass ? bd->start : *cursor;

        for (int i = from; i < end; i++) {
            if (c->src[i] == q[0] && body_match(c, bd, i, q, qlen, &rawlen)) {
                *cursor = i + rawlen;
                return i;
            }
        }
        if (*cursor == bd->start)
            break;
    }
    return -1;
}

/* Four hex digits at p (stops at a NUL). */
static bool hex4(const char *p, unsigned long *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        unsigned long d;

        if (ch >= '0' && ch <= '9')
            d = (unsigned long)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            d = (unsigned long)ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            d = (unsigned long)ch - 'A' + 10;
        else
            return false;
        *v = *v << 4 | d;
    }
    return true;
}

/* Decode the JSON string starting after its opening quote; NULL if malformed. */
static const char *json_string(const char *p, struct gate_buf *out)
{
    gate_buf_reset(out);
    for (;;) {
        char ch = *p++;

        if (ch == '\0')
            return NULL;
        if (ch == '"')
            return p;
        if (ch != '\\') {
            gate_buf_addc(out, ch);
            continue;
        }
        ch = *p++;
        switch (ch) {
        case 'b':
            gate_buf_addc(out, '\b');
            break;
        case 'f':
            gate_buf_addc(out, '\f');
            break;
        case 'n':
            gate_buf_addc(out, '\n');
            break;
        case 'r':
            gate_buf_addc(out, '\r');
            break;
        case 't':
            gate_buf_addc(out, '\t');
            break;
        case 'u': {
            unsigned long cp;
            unsigned long lo;

            if (!hex4(p, &cp))
                return NULL;
            p += 4;
            if (cp >= 0xd800 && cp <= 0xdbff && p[0] == '\\' && p[1] == 'u' && hex4(p + 2, &lo) &&
                lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            }
            if (cp < 0x80) {
                gate_buf_addc(out, (char)cp);
            } else if (cp < 0x800) {
                gate_buf_addc(out, (char)(0xc0 | (cp >> 6)));
                gate_buf_addc(out, (char)(0x80 | (cp & 0x3f)));
            } else if (cp < 0x10000) {
                gate_buf_addc(out, (char)(0xe0 | (cp >> 12)));
                gate_buf_addc(out, (char)(0x80 | ((cp >> 6) & 0x3f)));
                gate_buf_addc(out, (char)(0x80 | (cp & 0x3f)));
            } else {
                gate_buf_addc(out, (char)(0xf0 | (cp >> 18)));
                gate_buf_addc(out, (char)(0x80 | ((cp >> 12) & 0x3f)));
                gate_buf_addc(out, (char)(0x80 | ((cp >> 6) & 0x3f)));
                gate_buf_addc(out, (char)(0x80 | (cp & 0x3f)));
            }
            break;
        }
        case '\0':
            return NULL;
        default: /* \" \\ \/ */
            gate_buf_addc(out, ch);
            break;
        }
    }
}

/*
 * EXECUTE '<sql>': the SQL of a constant '...' or $tag$...$tag$ literal,
 * into out; *skip gets the bytes before the SQL, *quoted whether quotes
 * are doubled. False for anything else (format(), concatenation, ...).
 */
static bool const_literal(const char *expr, struct gate_buf *out, int *skip, bool *quoted)
{
    size_t n = strlen(expr);

    gate_buf_reset(out);
    if (n >= 2 && expr[0] == '\'' && expr[n - 1] == '\'') {
        for (size_t i = 1; i < n - 1; i++) {
            if (expr[i] == '\'') {
                if (i + 1 >= n - 1 || expr[i + 1] != '\'')
                    return false;
                i++;
            }
            gate_buf_addc(out, expr[i]);
        }
        *skip = 1;
        *quoted = true;
        return true;
    }
    if (n >= 2 && expr[0] == '$') {
        size_t t = 1;

        while (t < n && is_ident_char(expr[t]))
            t++;
        if (t >= n || expr[t] != '$' || n < 2 * (t + 1) ||
            memcmp(expr + n - (t + 1), expr, t + 1) != 0)
            return false;
        gate_buf_add(out, expr + t + 1, n - 2 * (t + 1));
        *skip = (int)t + 1;
        *quoted = false;
        return true;
    }
    return false;
}

/* Statements of a plpgsql DO block or function (the statement is src[a..b)). */
static void plpgsql_nested(struct ctx *c, size_t parent, int a, int b, const struct body *bd)
{
    char *text = gate_xstrndup(c->src + a, (size_t)(b - a));
    PgQueryPlpgsqlParseResult r = pg_query_parse_plpgsql(text);
    struct gate_buf q = {0};
    struct gate_buf lit = {0};
    const char *p = r.error ? NULL : r.plpgsql_funcs;
    int cursor = bd->start;

    if (r.error)
        c->stmts[parent].opaque = true;

    while (p) {
        bool dyn;
        int at;

        p = strstr(p, "\"PLpgSQL_stmt_");
        if (!p)
            break;
        p += strlen("\"PLpgSQL_stmt_");
        dyn = !strncmp(p, "dynexecute\"", strlen("dynexecute\""));
        if (!dyn && strncmp(p, "execsql\"", strlen("execsql\"")) != 0)
            continue;
        p = strstr(p, "\"query\":\"");
        if (!p)
            break;
        p = json_string(p + strlen("\"query\":\""), &q);
        if (!p)
            break;
        at = body_find(c, bd, &cursor, gate_buf_str(&q), q.len);
        if (!dyn) {
            add_nested(c, parent, gate_buf_str(&q), at, bd->quoted);
        } else {
            int skip;
            bool quoted;

            if (!const_literal(gate_buf_str(&q), &lit, &skip, &quoted)) {
                c->stmts[parent].opaque = true;
                continue;
            }
            if (bd->quoted)
                at = -1; /* a literal inside a literal: give up on offsets */
            add_nested(c, parent, gate_buf_str(&lit), at >= 0 ? at + skip : -1, quoted);
        }
    }
    gate_buf_release(&q);
    gate_buf_release(&lit);
    pg_query_free_plpgsql_parse_result(r);
    free(text);
}

/* DO blocks and function bodies: their statements at depth 1. */
static void add_bodies(struct ctx *c, size_t idx, const PgQuery__Node *n, int a, int b)
{
    PgQuery__Node *const *opts;
    size_t nopts;
    const PgQuery__DefElem *as;
    const char *value = NULL;
    const char *lang = c->stmts[idx].language;
    struct body bd;

    if (n->node_case == PG_QUERY__NODE__NODE_DO_STMT) {
        opts = n->do_stmt->args;
        nopts = n->do_stmt->n_args;
    } else if (n->node_case == PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT) {
        opts = n->create_function_stmt->options;
        nopts = n->create_function_stmt->n_options;
    } else {
        return;
    }
    if (!lang)
        return;
    as = find_defelem(opts, nopts, "as");
    if (!as || !as->arg)
        return;
    if (as->arg->node_case == PG_QUERY__NODE__NODE_STRING)
        value = node_str(as->arg);
    else if (as->arg->node_case == PG_QUERY__NODE__NODE_LIST && as->arg->list &&
             as->arg->list->n_items == 1)
        value = node_str(as->arg->list->items[0]);
    if (!value)
        return;
    find_body(c, loc(c, as->location), value, &bd);
    if (!strcmp(lang, "plpgsql"))
        plpgsql_nested(c, idx, a, b, &bd);
    else if (!strcmp(lang, "sql"))
        add_nested(c, idx, value, bd.start, bd.quoted);
    else
        c->stmts[idx].opaque = true; /* plv8, plpython ...: not read */
}

/* Lazy lexing (below, with the scanner). */
static void lex_region(struct ctx *c, const PgQuery__Node *n, int a, int b);

/*
 * Append the statements of one parse; the parsed text is src[base..base+tlen).
 */
static void add_parsed(struct ctx *c, const PgQuery__ParseResult *pr, int base, int tlen)
{
    for (size_t i = 0; i < pr->n_stmts; i++) {
        const PgQuery__RawStmt *rs = pr->stmts[i];
        int a = base + rs->stmt_location;
        int b = rs->stmt_len ? a + rs->stmt_len : base + tlen;
        size_t idx = push_stmt(c);
        struct gate_stmt *st = &c->stmts[idx];
        int end;

        if (b > base + tlen)
            b = base + tlen;
        c->base = base;
        if (c->lazy_lex)
            lex_region(c, rs->stmt, a, b);
        else
            c->use_toks = !!c->toks;
        stmt_span(c, a, b, &st->location, &end);
        st->length = end - st->location;
        translate(c, st, rs->stmt, end);
        if (rs->stmt)
            add_bodies(c, idx, rs->stmt, a, b);
    }
}

/* ---- comments --------------------------------------------------------- */

/* ---- protobuf wire format -------------------------------------------- */

static bool read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;

    for (int shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;

        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/*
 * Read one field: *field gets its number, *val a varint's value, *sub and
 * *subend a length-delimited payload. False when malformed.
 */
static bool read_field(const uint8_t **p, const uint8_t *end, uint64_t *field, uint64_t *val,
                       const uint8_t **sub, const uint8_t **subend)
{
    uint64_t key;
    uint64_t n;

    *val = 0;
    *sub = NULL;
    *subend = NULL;
    if (!read_varint(p, end, &key))
        return false;
    *field = key >> 3;
    switch (key & 7) {
    case 0:
        return read_varint(p, end, val);
    case 1:
        n = 8;
        break;
    case 2:
        if (!read_varint(p, end, &n))
            return false;
        *sub = *p;
        break;
    case 5:
        n = 4;
        break;
    default:
        return false;
    }
    if (n > (uint64_t)(end - *p))
        return false;
    *p += n;
    if (*sub)
        *subend = *p;
    return true;
}

/*
 * Tokens of a pg_query.ScanResult (field 2, ScanToken: start 1, end 2,
 * token 4), decoded straight off the wire: one array, no message per token.
 */
static bool decode_tokens(struct ctx *c, const PgQueryProtobuf *pb, int offset)
{
    const uint8_t *p = (const uint8_t *)pb->data;
    const uint8_t *end = p + pb->len;
    size_t first = c->ntoks;

    while (p < end) {
        uint64_t field;
        uint64_t val;
        const uint8_t *q;
        const uint8_t *qend;
        struct tok *t;

        if (!read_field(&p, end, &field, &val, &q, &qend))
            goto bad;
        if (field != 2 || !q)
            continue;
        GATE_GROW(c->toks, c->tokcap, c->ntoks + 1);
        t = &c->toks[c->ntoks++];
        /* zero-valued fields are not on the wire */
        t->start = offset;
        t->end = offset;
        t->type = 0;
        while (q < qend) {
            const uint8_t *r;
            const uint8_t *rend;

            if (!read_field(&q, qend, &field, &val, &r, &rend))
                goto bad;
            if (field == 1)
                t->start = offset + (int)(int32_t)(uint32_t)val;
            else if (field == 2)
                t->end = offset + (int)(int32_t)(uint32_t)val;
            else if (field == 4)
                t->type = (int)(int32_t)(uint32_t)val;
        }
    }
    return true;
bad:
    c->ntoks = first;
    return false;
}

/* ---- comments --------------------------------------------------------- */

/* Tokens of text (the source, or a prefix of it) into c->toks. */
static void scan_text(struct ctx *c, const char *text)
{
    PgQueryScanResult r = pg_query_scan(text);
    int limit = -1;

    if (!r.error && r.pbuf.data && !decode_tokens(c, &r.pbuf, 0)) {
        free(c->toks);
        c->toks = NULL;
        c->ntoks = 0;
        c->tokcap = 0;
    }
    if (r.error)
        limit = cursor_to_byte(text, to_int(strlen(text)), r.error->cursorpos);
    pg_query_free_scan_result(r);
    if (limit > 0 && text == c->src) {
        /* unterminated literal or comment: scan what comes before it */
        char *prefix = gate_xstrndup(c->src, (size_t)limit);

        scan_text(c, prefix);
        free(prefix);
    }
}

/*
 * Lazy lexing. The scanner's tokens give a statement's comments and
 * extent, and where each command of a multi-command ALTER TABLE starts.
 * Lexing the whole file costs a third as much as parsing it, and most of
 * a file is statement bodies without a comment in them. So, once the
 * parser has accepted the file, its statements are lexed one at a time:
 * a statement whose body (after its first token) may hold a comment, or
 * whose tokens are needed, is scanned whole; otherwise only its leading
 * blanks and comments go to the scanner (with, for an ALTER TABLE of one
 * command, its tokens up to that command's first word), and its extent is
 * its first to its last non-blank byte. Text between statements (';', empty statements)
 * is scanned when it may hold a comment. Statement boundaries are token
 * boundaries, so each piece scans as it would within the whole file.
 */

/* May s[a..b) hold a comment? (Any "--" or slash-star, even in a literal.) */
static bool may_comment(const char *s, int a, int b)
{
    for (int i = a; i + 1 < b; i++) {
        if ((s[i] == '-' && s[i + 1] == '-') || (s[i] == '/' && s[i + 1] == '*'))
            return true;
    }
    return false;
}

/* Append the tokens of src[a..b). False when the scanner rejects the piece. */
static bool scan_piece(struct ctx *c, int a, int b)
{
    PgQueryScanResult r;
    bool ok;

    GATE_GROW(c->piece, c->piececap, (size_t)(b - a) + 1);
    memcpy(c->piece, c->src + a, (size_t)(b - a));
    c->piece[b - a] = '\0';
    r = pg_query_scan(c->piece);
    ok = !r.error && r.pbuf.data && decode_tokens(c, &r.pbuf, a);
    pg_query_free_scan_result(r);
    return ok;
}

/* Give up lexing piece by piece: lex the whole file, as for a syntax error. */
static void lex_all(struct ctx *c)
{
    c->ntoks = 0;
    c->lazy_lex = false;
    c->head_only = false;
    scan_text(c, c->src);
}

/* Lex the text before offset a that is not lexed yet, when it may hold a comment. */
static void lex_gap(struct ctx *c, int a)
{
    if (c->lexed_to < a && may_comment(c->src, c->lexed_to, a) && !scan_piece(c, c->lexed_to, a))
        lex_all(c);
    if (c->lexed_to < a)
        c->lexed_to = a;
}

/*
 * Where the tokens of an ALTER TABLE with one command may stop: past its
 * relation name (identifiers, dots, a '*') and the command's first word.
 * A guess from the bytes; alter_cmd_starts() on the scanner's tokens
 * decides, and lex_rest() lexes the whole statement when it was short.
 */
static int alter_head_end(const char *s, int p, int b)
{
    for (;;) {
        if (p < b && s[p] == '"') {
            for (p++; p < b; p++) {
                if (s[p] == '"' && !(p + 1 < b && s[p + 1] == '"'))
                    break;
                if (s[p] == '"')
                    p++;
            }
            p++;
        }
        while (p < b && is_ident_char(s[p]))
            p++;
        while (p < b && is_space(s[p]))
            p++;
        if (p >= b || s[p] != '.')
            break;
        for (p++; p < b && is_space(s[p]); p++)
            ;
    }
    if (p < b && s[p] == '*')
        p++;
    while (p < b && is_space(s[p]))
        p++;
    while (p < b && is_ident_char(s[p]))
        p++;
    return p < b ? p : b;
}

/* How far the statement's tokens are needed: to b, a little way (ALTER TABLE), or not (-1). */
static int tokens_needed(const struct ctx *c, const PgQuery__Node *n, int b)
{
    const PgQuery__AlterTableStmt *s;

    if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT || !n->alter_table_stmt)
        return -1;
    s = n->alter_table_stmt;
    if (s->n_cmds != 1 || !s->relation || s->relation->location < 0)
        return b;
    return alter_head_end(c->src, loc(c, s->relation->location), b);
}

/* Lex the statement n, src[a..b). Sets use_toks and head_only. */
static void lex_region(struct ctx *c, const PgQuery__Node *n, int a, int b)
{
    int first;
    int upto;

    c->head_only = false;
    lex_gap(c, a);
    if (!c->lazy_lex) {
        c->use_toks = !!c->toks;
        return;
    }
    c->lexed_to = b;
    c->stmt_a = a;
    c->stmt_b = b;
    c->stmt_tok0 = c->ntoks;
    first = skip_blank(c->src, a, b);
    upto = tokens_needed(c, n, b);
    if (first >= b || may_comment(c->src, first, b))
        upto = b;
    if (upto > first) {
        bool ok = scan_piece(c, a, upto);

        if (!ok && upto < b) {
            upto = b; /* the cut fell inside a quoted name or a literal */
            ok = scan_piece(c, a, b);
        }
        if (!ok)
            lex_all(c);
        else
            c->head_only = upto < b;
    } else if (first > a && may_comment(c->src, a, first) && !scan_piece(c, a, first)) {
        lex_all(c);
    }
    c->use_toks = !!c->toks || c->lazy_lex;
}

/* The statement's head was not enough: lex all of it. */
static void lex_rest(struct ctx *c)
{
    c->ntoks = c->stmt_tok0;
    c->head_only = false;
    if (!scan_piece(c, c->stmt_a, c->stmt_b))
        lex_all(c);
    c->use_toks = !!c->toks;
}

static void comments(struct ctx *c, struct gate_sql_file *out)
{
    size_t n = 0;

    for (size_t i = 0; i < c->ntoks; i++)
        n += tok_is_comment(&c->toks[i]);
    out->comments = arena_array(c, n, sizeof(*out->comments));
    for (size_t i = 0; i < c->ntoks; i++) {
        const struct tok *t = &c->toks[i];
        struct gate_sql_comment *k;
        int from;
        int to;

        if (!tok_is_comment(t))
            continue;
        k = &out->comments[out->ncomments++];
        k->start = t->start;
        k->end = t->end;
        k->block = t->type == PG_QUERY__TOKEN__C_COMMENT;
        from = t->start + 2;
        to = k->block ? t->end - 2 : t->end;
        if (to < from)
            to = from;
        k->text = gate_arena_strndup(c->arena, c->src + from, (size_t)(to - from));
    }
}

/* ---- syntax errors ---------------------------------------------------- */

/* Parse every piece the scanner splits the file into on its own. */
static void parse_pieces(struct ctx *c, struct gate_sql_file *out)
{
    PgQuerySplitResult sr = pg_query_split_with_scanner(c->src);
    int limit = c->len;
    bool need_offset = out->error_offset < 0;

    if (sr.error) {
        /* the scanner fails too: split what comes before the bad token */
        limit = cursor_to_byte(c->src, c->len, sr.error->cursorpos);
        pg_query_free_split_result(sr);
        if (limit <= 0)
            return;
        {
            char *prefix = gate_xstrndup(c->src, (size_t)limit);

            sr = pg_query_split_with_scanner(prefix);
            free(prefix);
        }
        if (sr.error) {
            pg_query_free_split_result(sr);
            return;
        }
    }
    for (int i = 0; i < sr.n_stmts; i++) {
        int a = sr.stmts[i]->stmt_location;
        int len = sr.stmts[i]->stmt_len;
        char *piece;
        PgQueryProtobufParseResult r;

        if (a < 0 || len < 0 || a + len > limit)
            continue;
        /* before a scanner error, only pieces ended by ';' are whole */
        if (limit < c->len && (a + len >= limit || c->src[a + len] != ';'))
            continue;
        piece = gate_xstrndup(c->src + a, (size_t)len);
        r = pg_query_parse_protobuf(piece);
        if (r.error) {
            if (need_offset) {
                int off = cursor_to_byte(piece, len, r.error->cursorpos);

                out->error_offset = off >= 0 ? a + off : skip_blank(c->src, a, a + len);
                need_offset = false;
            }
        } else {
            PgQuery__ParseResult *pr = unpack_parse(c, &r.parse_tree);

            if (pr)
                add_parsed(c, pr, a, len);
        }
        pg_query_free_protobuf_parse_result(r);
        free(piece);
    }
    pg_query_free_split_result(sr);
}

/* ---- API -------------------------------------------------------------- */

enum gate_code gate_sql_parse(const char *src, size_t len, struct gate_sql_file *out,
                              struct gate_err *err)
{
    return gate_sql_parse_flags(src, len, out, err, 0);
}

enum gate_code gate_sql_parse_flags(const char *src, size_t len, struct gate_sql_file *out,
                                    struct gate_err *err, unsigned flags)
{
    struct ctx c = {0};
    const char *nul = NULL;
    char *text;
    PgQueryProtobufParseResult r;
    enum gate_code ret = GATE_OK;

    memset(out, 0, sizeof(*out));
    out->error_offset = -1;
    if (len)
        nul = memchr(src, '\0', len);
    if (nul)
        return gate_fail(err, GATE_E_SQL, "file contains a NUL byte at offset %zu",
                         (size_t)(nul - src));
    if (len > SQL_MAX_BYTES)
        return gate_fail(err, GATE_E_SQL, "file is too large to parse (%zu bytes)", len);
    pg_enter();
    text = gate_xmalloc(len + 1);
    if (len)
        memcpy(text, src, len);
    text[len] = '\0';
    c.arena = &out->arena;
    c.src = text;
    c.len = (int)len;
    c.pba.alloc = pb_alloc;
    c.pba.free = pb_free;
    c.pba.allocator_data = &c.scratch;

    r = pg_query_parse_protobuf(text);
    if (!r.error) {
        PgQuery__ParseResult *pr = unpack_parse(&c, &r.parse_tree);

        c.lazy_lex = !(flags & GATE_SQL_FULL_SCAN);
        if (!c.lazy_lex)
            scan_text(&c, text);
        if (pr) {
            add_parsed(&c, pr, 0, c.len);
        } else {
            ret = gate_fail(err, GATE_E_INTERNAL, "cannot decode the parse tree from libpg_query");
        }
        if (c.lazy_lex)
            lex_gap(&c, c.len);
    } else {
        scan_text(&c, text);
        out->syntax_error = true;
        out->error_msg = value_dup(&c, r.error->message);
        out->error_offset = cursor_to_byte(text, c.len, r.error->cursorpos);
        parse_pieces(&c, out);
    }
    pg_query_free_protobuf_parse_result(r);
    comments(&c, out);

    if (c.nstmts) {
        out->stmts = arena_array(&c, c.nstmts, sizeof(*out->stmts));
        memcpy(out->stmts, c.stmts, c.nstmts * sizeof(*out->stmts));
        out->nstmts = to_int(c.nstmts);
    }
    free(c.stmts);
    free(c.strs);
    free(c.toks);
    free(c.piece);
    gate_arena_release(&c.scratch);
    free(text);
    return ret;
}

/* Count the top-level stmts (field 2) of a ParseResult on the wire. */
static int count_stmts(const PgQueryProtobuf *pb)
{
    const uint8_t *p = (const uint8_t *)pb->data;
    const uint8_t *end = p + pb->len;
    int n = 0;

    while (p < end) {
        uint64_t field;
        uint64_t val;
        const uint8_t *sub;
        const uint8_t *subend;

        if (!read_field(&p, end, &field, &val, &sub, &subend))
            break;
        if (field == 2 && sub)
            n++;
    }
    return n;
}

int gate_sql_parse_only(const char *src)
{
    PgQueryProtobufParseResult r;
    int n;

    pg_enter();
    r = pg_query_parse_protobuf(src);
    n = r.error ? -1 : count_stmts(&r.parse_tree);

    pg_query_free_protobuf_parse_result(r);
    return n;
}

void gate_sql_file_release(struct gate_sql_file *f)
{
    if (!f)
        return;
    gate_arena_release(&f->arena);
    memset(f, 0, sizeof(*f));
    f->error_offset = -1;
}

/*
 * Thread-exit hooks do not run for the main thread. NEEDSWORK: outside
 * Linux we cannot tell, and leave the main thread's state to process exit.
 */
static bool main_thread(void)
{
#if defined(__linux__)
    return syscall(SYS_gettid) == getpid();
#else
    return false;
#endif
}

void gate_sql_shutdown(void)
{
    if (pg_state != PG_IN_USE)
        return;
    pg_state = PG_SHUT_DOWN;
    if (main_thread())
        pg_query_exit();
}
