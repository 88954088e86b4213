/* SPDX-License-Identifier: MIT */
/*
 * common.c - helpers the rule families share (rules_common.h): name and
 * type comparisons, scans of the file's earlier statements, SQL text.
 */
#include "gate/compat.h"
#include "gate/rules_common.h"
#include "gate/lint.h"

#include <ctype.h>
#include <string.h>

/* ---- names and types ---------------------------------------------------- */

bool gate_rules_str_eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

bool gate_rules_same_schema(const char *a, const char *b)
{
    if (!a)
        a = "public";
    if (!b)
        b = "public";
    return !strcmp(a, b);
}

bool gate_rules_same_qname(const struct gate_qname *a, const struct gate_qname *b)
{
    return gate_rules_str_eq(a->name, b->name) && gate_rules_same_schema(a->schema, b->schema);
}

bool gate_rules_is_type(const struct gate_type *t, const char *name)
{
    return t->name && !t->schema && !strcmp(t->name, name);
}

bool gate_rules_serial_type(const struct gate_type *t)
{
    return t->array_dims == 0 &&
           (gate_rules_is_type(t, "serial") || gate_rules_is_type(t, "bigserial") ||
            gate_rules_is_type(t, "smallserial"));
}

const char *gate_rules_sql_type(struct gate_lint_ctx *ctx, const struct gate_type *t)
{
    struct gate_type q = *t;
    bool quote = t->schema;

    for (const char *p = t->name; p && *p && !quote; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            quote = true;
    }
    if (quote) {
        q.name = gate_lint_qname(ctx, &(struct gate_qname){NULL, t->name});
        if (t->schema)
            q.schema = gate_lint_qname(ctx, &(struct gate_qname){NULL, t->schema});
    }
    return gate_lint_type(ctx, &q);
}

/* ---- created earlier in this file --------------------------------------- */

static bool creates_table(const struct gate_stmt *s, unsigned flags)
{
    if (s->kind == GATE_STMT_CREATE_VIEW)
        return flags & GATE_RULES_NEW_ANY;
    if (s->kind != GATE_STMT_CREATE_TABLE && s->kind != GATE_STMT_CREATE_TABLE_AS)
        return false;
    return (flags & GATE_RULES_NEW_ANY) || ((flags & GATE_RULES_NEW_TEMP) && s->temp) ||
           ((flags & GATE_RULES_NEW_MATVIEW) && s->obj == GATE_OBJ_MATVIEW);
}

static bool creates_type(const struct gate_stmt *s, GATE_UNUSED unsigned arg)
{
    return s->kind == GATE_STMT_CREATE_ENUM || s->kind == GATE_STMT_CREATE_TYPE ||
           s->kind == GATE_STMT_CREATE_DOMAIN;
}

static bool is_kind(const struct gate_stmt *s, unsigned kind)
{
    return s->kind == (enum gate_stmt_kind)kind;
}

/*
 * The last statement before idx that creates(s, arg) accepts and whose object is q, or -1: a
 * walk back over the file's CREATE statements on q (the per-file index), or over the whole file
 * for a kind the index does not hold.
 */
static int last_before(const struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx,
                       bool (*creates)(const struct gate_stmt *s, unsigned arg), unsigned arg,
                       bool indexed)
{
    const struct gate_stmt *stmts;
    const int *pos;
    int n;
    int np;

    stmts = gate_lint_stmts(ctx, &n);
    if (!indexed) {
        for (int i = (idx < n ? idx : n) - 1; i >= 0; i--) {
            if (creates(&stmts[i], arg) && gate_rules_same_qname(&stmts[i].rel, q))
                return i;
        }
        return -1;
    }
    if (!q->name)
        return -1;
    pos = gate_lint_positions(ctx, GATE_POS_CREATE, q, NULL, &np);
    for (int k = gate_lint_pos_lower(pos, np, idx < n ? idx : n) - 1; k >= 0; k--) {
        if (creates(&stmts[pos[k]], arg))
            return pos[k];
    }
    return -1;
}

bool gate_rules_new_table(const struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx,
                          unsigned flags)
{
    return gate_lint_new_table(ctx, q) || last_before(ctx, q, idx, creates_table, flags, true) >= 0;
}

bool gate_rules_new_type(const struct gate_lint_ctx *ctx, const struct gate_qname *q, int idx)
{
    return gate_lint_new_type(ctx, q) || last_before(ctx, q, idx, creates_type, 0, true) >= 0;
}

int gate_rules_created_before(const struct gate_lint_ctx *ctx, enum gate_stmt_kind kind,
                              const struct gate_qname *q, int idx)
{
    return last_before(ctx, q, idx, is_kind, (unsigned)kind, gate_lint_pos_create_kind(kind));
}

bool gate_rules_schema_created(const struct gate_lint_ctx *ctx, const char *name, int idx)
{
    struct gate_qname q = {NULL, name};

    return gate_rules_created_before(ctx, GATE_STMT_CREATE_SCHEMA, &q, idx) >= 0;
}

bool gate_rules_column_added(const struct gate_lint_ctx *ctx, const struct gate_qname *q,
                             const char *column, int idx)
{
    const int *pos;
    int n;
    int np;

    if (!column)
        return false;
    (void)gate_lint_stmts(ctx, &n);
    pos = gate_lint_positions(ctx, GATE_POS_ADD_COLUMN, q, column, &np);
    return np > 0 && pos[0] < idx && pos[0] < n;
}

int gate_rules_column_swap(const struct gate_lint_ctx *ctx, const struct gate_qname *q,
                           const char *column, int idx, const char **from, bool *copied)
{
    const struct gate_stmt *stmts;
    const char *src = NULL;
    int n;
    int r = gate_lint_column_renamed_to(ctx, q, column, idx, &src);

    *from = NULL;
    *copied = false;
    if (r < 0 || !gate_rules_column_added(ctx, q, src, idx))
        return -1;
    *from = src;
    stmts = gate_lint_stmts(ctx, &n);
    for (int i = 0; i < idx && i < n && !*copied; i++) {
        const struct gate_stmt *s = &stmts[i];

        if (s->kind != GATE_STMT_UPDATE || !gate_rules_same_qname(&s->rel, q))
            continue;
        for (int k = 0; k < s->nset_columns; k++) {
            if (gate_rules_str_eq(s->set_columns[k], src))
                *copied = true;
        }
    }
    return r;
}

bool gate_rules_in_function_body(const struct gate_lint_ctx *ctx, const struct gate_stmt *st)
{
    const struct gate_stmt *stmts;
    int n;

    if (st->depth < 1)
        return false;
    stmts = gate_lint_stmts(ctx, &n);
    return st->parent >= 0 && st->parent < n && stmts[st->parent].kind == GATE_STMT_CREATE_FUNCTION;
}

/* ---- statements and SQL text -------------------------------------------- */

size_t gate_rules_name_keep(const char *s, size_t len)
{
    size_t n = GATE_RULES_NAME_MAX;

    if (len <= GATE_RULES_NAME_MAX)
        return len;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

bool gate_rules_alters_table(const struct gate_stmt *st)
{
    return st->obj == GATE_OBJ_TABLE || st->obj == GATE_OBJ_OTHER;
}

int gate_rules_line_of(const struct gate_lint_ctx *ctx, int off)
{
    return gate_lint_line_of(ctx, off);
}

bool gate_rules_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

int gate_rules_skip_blank(const char *t, int p, int end)
{
    while (p < end) {
        if (isspace((unsigned char)t[p])) {
            p++;
        } else if (t[p] == '-' && p + 1 < end && t[p + 1] == '-') {
            while (p < end && t[p] != '\n')
                p++;
        } else if (t[p] == '/' && p + 1 < end && t[p + 1] == '*') {
            int depth = 1;

            p += 2;
            while (p < end && depth > 0) {
                if (t[p] == '/' && p + 1 < end && t[p + 1] == '*') {
                    depth++;
                    p += 2;
                } else if (t[p] == '*' && p + 1 < end && t[p + 1] == '/') {
                    depth--;
                    p += 2;
                } else {
                    p++;
                }
            }
        } else {
            break;
        }
    }
    return p;
}
