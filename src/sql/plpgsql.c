/* SPDX-License-Identifier: MIT */
/*
 * plpgsql.c - the statements inside DO blocks and function bodies. A
 * plpgsql body goes through pg_query_parse_plpgsql; the embedded SQL
 * statements (and EXECUTE of a constant literal) are taken from its JSON
 * output, found again in the source for their offsets, parsed and
 * appended after their parent at depth 1. LANGUAGE sql bodies are parsed
 * directly. Errors inside bodies are ignored; a body that cannot be read
 * marks its statement opaque.
 */
#include "gate/compat.h"
#include "gate/sql.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/err.h"
#include "gate/xalloc.h"
#include "sql_internal.h"

#include <stdlib.h>

/* Where a function body or DO block text sits in the source. */
struct body {
    int start;   /* byte offset of the first body byte, -1 when unknown */
    int len;     /* bytes in the source */
    bool quoted; /* '...' literal: each quote of the value is doubled in the source */
};

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
        pr = gate_sql_unpack(c, &r.parse_tree);
    for (size_t i = 0; pr && i < pr->n_stmts; i++) {
        const PgQuery__RawStmt *rs = pr->stmts[i];
        int a = rs->stmt_location;
        int b = rs->stmt_len ? a + rs->stmt_len : tlen;
        size_t idx = gate_sql_push_stmt(c);
        struct gate_stmt *st = &c->stmts[idx];

        if (a < 0 || a > tlen)
            a = 0;
        if (b > tlen || b < a)
            b = tlen;
        a = gate_sql_skip_blank(text, a, b);
        b = gate_sql_trim_blank(text, a, b);
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
        gate_sql_translate(c, st, rs->stmt, st->location + st->length);
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
    pos = gate_sql_skip_blank(s, pos, n);
    if (pos + 2 < n && (s[pos] | 0x20) == 'a' && (s[pos + 1] | 0x20) == 's' &&
        !is_ident_char(s[pos + 2]))
        pos = gate_sql_skip_blank(s, pos + 2, n);
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
void gate_sql_add_bodies(struct ctx *c, size_t idx, const PgQuery__Node *n, int a, int b)
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
    as = gate_sql_find_defelem(opts, nopts, "as");
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
