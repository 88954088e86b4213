/* SPDX-License-Identifier: MIT */
/*
 * crosscheck.c - Prisma's "Warnings" header (the block comment `prisma
 * migrate dev` writes above a generated migration) read back: each
 * warning is classified (drop table, drop column, enum value removed,
 * required column ...), linked to the findings that confirm it, and
 * reported when no statement of the file does what it describes any more
 * (the file was edited after generation).
 */
#include "gate/compat.h"
#include "gate/lint.h"
#include "gate/arena.h"
#include "gate/rules.h"
#include "lint_internal.h"

#include <string.h>

enum wkind {
    W_UNKNOWN = 0,
    W_DROP_TABLE,
    W_DROP_COLUMN,
    W_ENUM,
    W_REQUIRED,
    W_NOT_NULL,
    W_UNIQUE,
    W_CAST,
    W_RECREATE,
    W_PK,
};

struct prisma_warning {
    const char *text;
    int offset;
    enum wkind kind;
    const char *table;        /* the table (the enum for W_ENUM) */
    const char *column;       /* the column, when the warning names one */
    const char *const *rules; /* findings that confirm it */
    bool matched;
};

/* ---- Prisma's Warnings header ----------------------------------------- */

static const char *const w_drop_table[] = {"ban-drop-table", NULL};
static const char *const w_drop_column[] = {"ban-drop-column", "changing-column-type", NULL};
static const char *const w_enum[] = {"enum-value-removal", NULL};
/* the hand-edited safe form (nullable, backfill, SET NOT NULL) confirms it too */
static const char *const w_required[] = {"adding-required-field", "adding-not-nullable-field",
                                         NULL};
static const char *const w_not_null[] = {"adding-not-nullable-field", NULL};
static const char *const w_unique[] = {"require-concurrent-index-creation",
                                       "disallowed-unique-constraint", NULL};
static const char *const w_cast[] = {"changing-column-type", NULL};
static const char *const w_pk[] = {"adding-serial-primary-key-field", "ban-drop-column",
                                   "changing-column-type", NULL};

/* The text between the first pair of backticks after "key", e.g. "table `T`". */
static const char *backticked(struct gate_lint_ctx *ctx, const char *s, const char *before)
{
    const char *p = strstr(s, before);
    const char *e;

    if (!p)
        return NULL;
    p = strchr(p + strlen(before), '`');
    if (!p)
        return NULL;
    e = strchr(p + 1, '`');
    if (!e)
        return NULL;
    return gate_arena_strndup(&ctx->scratch, p + 1, (size_t)(e - p - 1));
}

/* The n-th (0-based) backticked name in s. */
static const char *nth_backticked(struct gate_lint_ctx *ctx, const char *s, int n)
{
    const char *p = s;

    for (;;) {
        const char *b = strchr(p, '`');
        const char *e;

        if (!b)
            return NULL;
        e = strchr(b + 1, '`');
        if (!e)
            return NULL;
        if (!n--)
            return gate_arena_strndup(&ctx->scratch, b + 1, (size_t)(e - b - 1));
        p = e + 1;
    }
}

/* Prisma's Warnings header texts (as `prisma migrate dev` writes them): which hazard, on what. */
static void classify_warning(struct gate_lint_ctx *ctx, struct prisma_warning *w)
{
    const char *t = w->text;

    w->rules = NULL;
    w->kind = W_UNKNOWN;
    if (strstr(t, "You are about to drop the `")) {
        w->kind = W_DROP_TABLE;
        w->rules = w_drop_table;
        w->table = nth_backticked(ctx, t, 0);
    } else if (strstr(t, "You are about to drop the column")) {
        w->kind = W_DROP_COLUMN;
        w->rules = w_drop_column;
        w->column = nth_backticked(ctx, t, 0);
        w->table = nth_backticked(ctx, t, 1);
    } else if (strstr(t, "on the enum")) {
        w->kind = W_ENUM;
        w->rules = w_enum;
        w->table = backticked(ctx, t, "on the enum");
    } else if (strstr(t, "Added the required column") ||
               strstr(t, "with a prisma-level default value")) {
        w->kind = W_REQUIRED;
        w->rules = w_required;
        w->column = nth_backticked(ctx, t, 0);
        w->table = nth_backticked(ctx, t, 1);
    } else if (strstr(t, "Made the column")) {
        w->kind = W_NOT_NULL;
        w->rules = w_not_null;
        w->column = nth_backticked(ctx, t, 0);
        w->table = nth_backticked(ctx, t, 1);
    } else if (strstr(t, "A unique constraint covering")) {
        w->kind = W_UNIQUE;
        w->rules = w_unique;
        w->table = backticked(ctx, t, "on the table");
    } else if (strstr(t, "You are about to alter the column") ||
               strstr(t, "from a scalar field to a list field")) {
        w->kind = W_CAST;
        w->rules = w_cast;
        w->column = nth_backticked(ctx, t, 0);
        w->table = nth_backticked(ctx, t, 1);
    } else if (strstr(t, "would be dropped and recreated") || strstr(t, "Changed the type of")) {
        w->kind = W_RECREATE;
        w->rules = w_drop_column;
        w->column = nth_backticked(ctx, t, 0);
        w->table = nth_backticked(ctx, t, 1);
    } else if (strstr(t, "The primary key for the")) {
        w->kind = W_PK;
        w->rules = w_pk;
        w->table = nth_backticked(ctx, t, 0);
    }
}

static bool str_is(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* Does statement st do what warning w describes (in any form, hand-edited too)? */
static bool stmt_matches_warning(const struct gate_stmt *st, const struct prisma_warning *w)
{
    size_t tl = w->table ? strlen(w->table) : 0;

    switch (w->kind) {
    case W_DROP_TABLE:
        if (st->kind == GATE_STMT_RENAME && st->obj == GATE_OBJ_TABLE)
            return str_is(st->rel.name, w->table);
        if (st->kind != GATE_STMT_DROP || st->obj != GATE_OBJ_TABLE)
            return false;
        for (int i = 0; i < st->nobjects; i++) {
            if (str_is(st->objects[i].name, w->table))
                return true;
        }
        return false;
    case W_ENUM:
        /* the type swap: X_new created, X renamed/dropped, columns retyped */
        if (!w->table)
            return false;
        if ((st->kind == GATE_STMT_CREATE_ENUM || st->kind == GATE_STMT_ALTER_ENUM ||
             st->kind == GATE_STMT_RENAME || st->kind == GATE_STMT_DROP) &&
            st->rel.name && !strncmp(st->rel.name, w->table, tl))
            return true;
        for (int i = 0; i < st->nobjects; i++) {
            if (st->objects[i].name && !strncmp(st->objects[i].name, w->table, tl))
                return true;
        }
        return false;
    case W_UNIQUE:
        if (st->kind == GATE_STMT_CREATE_INDEX)
            return st->unique && str_is(st->rel.name, w->table);
        if (st->kind != GATE_STMT_ALTER_TABLE || !str_is(st->rel.name, w->table))
            return false;
        for (int i = 0; i < st->ncmds; i++) {
            const struct gate_constraint *k = st->cmds[i].cons;

            if (k && (k->kind == GATE_CONS_UNIQUE || k->kind == GATE_CONS_PRIMARY))
                return true;
        }
        return false;
    case W_PK:
        if (st->kind != GATE_STMT_ALTER_TABLE || !str_is(st->rel.name, w->table))
            return false;
        for (int i = 0; i < st->ncmds; i++) {
            const struct gate_alter_cmd *c = &st->cmds[i];

            if (c->kind == GATE_ALTER_DROP_CONSTRAINT ||
                (c->cons && c->cons->kind == GATE_CONS_PRIMARY))
                return true;
        }
        return false;
    case W_DROP_COLUMN:
    case W_REQUIRED:
    case W_NOT_NULL:
    case W_CAST:
    case W_RECREATE:
        if (st->kind == GATE_STMT_RENAME && st->obj == GATE_OBJ_COLUMN)
            return str_is(st->rel.name, w->table) && str_is(st->subname, w->column);
        if (st->kind == GATE_STMT_DROP && st->obj == GATE_OBJ_TABLE && w->kind == W_DROP_COLUMN) {
            for (int i = 0; i < st->nobjects; i++) {
                if (str_is(st->objects[i].name, w->table))
                    return true;
            }
            return false;
        }
        if (st->kind != GATE_STMT_ALTER_TABLE || !str_is(st->rel.name, w->table))
            return false;
        for (int i = 0; i < st->ncmds; i++) {
            const struct gate_alter_cmd *c = &st->cmds[i];

            if (str_is(c->column, w->column) || (c->coldef && str_is(c->coldef->name, w->column)))
                return true;
        }
        return false;
    default:
        return false;
    }
}

/* The statement builds a unique index or adds a unique constraint. */
static bool unique_stmt(const struct gate_lint_ctx *ctx, int idx)
{
    const struct gate_stmt *st;

    if (idx < 0 || idx >= ctx->file.nstmts)
        return false;
    st = &ctx->file.stmts[idx];
    if (st->kind == GATE_STMT_CREATE_INDEX)
        return st->unique;
    for (int i = 0; i < st->ncmds; i++) {
        const struct gate_alter_cmd *c = &st->cmds[i];

        if (c->cons && (c->cons->kind == GATE_CONS_UNIQUE || c->cons->kind == GATE_CONS_PRIMARY))
            return true;
        if (c->coldef && c->coldef->unique)
            return true;
    }
    return false;
}

void gate_lint_cross_check(struct gate_lint_ctx *ctx)
{
    const struct gate_sql_file *f = &ctx->file;
    const struct gate_sql_comment *c = NULL;
    const char *p;

    for (int i = 0; i < f->ncomments; i++) {
        if (f->comments[i].block && strstr(f->comments[i].text, "Warnings:")) {
            c = &f->comments[i];
            break;
        }
        if (f->nstmts && f->comments[i].start > f->stmts[0].location)
            break;
    }
    if (!c)
        return;
    p = strstr(c->text, "Warnings:");
    while (p && *p) {
        const char *line = p;
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        const char *s = line;

        while (s < line + n && is_space(*s))
            s++;
        if (s < line + n && *s == '-') {
            struct prisma_warning w = {0};
            size_t len;
            bool matched = false;

            s++;
            while (s < line + n && is_space(*s)) /* not past the line: "-" alone is no warning */
                s++;
            len = (size_t)(line + n - s);
            while (len && is_space(s[len - 1]))
                len--;
            w.text = gate_arena_strndup(ctx->arena, s, len);
            w.offset = (int)(s - c->text) + c->start + 2;
            classify_warning(ctx, &w);
            for (size_t k = 0; w.rules && k < ctx->m->nfindings; k++) {
                struct gate_finding *fi = &ctx->m->findings[k];

                for (int r = 0; w.rules[r]; r++) {
                    if (strcmp(fi->rule, w.rules[r]) != 0)
                        continue;
                    if (w.kind != W_ENUM && w.table && fi->table && strcmp(w.table, fi->table) != 0)
                        continue;
                    if (w.rules == w_unique && !unique_stmt(ctx, fi->stmt))
                        continue;
                    if (!fi->prisma_warning)
                        fi->prisma_warning = w.text;
                    matched = true;
                }
            }
            for (int k = 0; !matched && w.kind && k < ctx->file.nstmts; k++)
                matched = stmt_matches_warning(&ctx->file.stmts[k], &w);
            if (!matched && w.kind) {
                struct gate_finding *fi = gate_lint_emit(
                    ctx, &gate_rule_prisma_warning, -1, w.offset, NULL,
                    "Prisma warned when it generated this migration: \"%s\" but no statement "
                    "in the file matches it (edited after generation?)",
                    w.text);

                if (fi && w.table)
                    fi->table = gate_arena_strdup(ctx->arena, w.table);
            }
        }
        p = eol ? eol + 1 : NULL;
    }
}
