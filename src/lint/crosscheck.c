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
#include "gate/buf.h"
#include "gate/hmap.h"
#include "gate/rules.h"
#include "gate/xalloc.h"
#include "lint_internal.h"

#include <stdlib.h>
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

/*
 * What the statements of a file do, as the warnings ask it, indexed once
 * per file so each warning costs a lookup, not a scan of the file (or of
 * one statement's thousand ALTER TABLE commands): a set of keys, a kind
 * letter then the table [\0 column]. A warning "matches" (some statement
 * still does what it describes, hand-edited forms included) when its key
 * is in the set:
 *   D table      DROP TABLE table, or ALTER TABLE table RENAME TO ...
 *   U table      CREATE UNIQUE INDEX ON table; ALTER TABLE table ADD UNIQUE / PRIMARY KEY
 *   P table      ALTER TABLE table DROP CONSTRAINT / ADD PRIMARY KEY
 *   C table col  ALTER TABLE table ... col ...; ALTER TABLE table RENAME COLUMN col
 *   d table      DROP TABLE table (matches a dropped column of it)
 * and the enum type swap (X_new created, X renamed or dropped) matches by
 * name prefix, from a sorted list of names.
 */
struct stmt_index {
    struct gate_hmap keys;
    struct gate_buf key;
    const char **enum_names; /* sorted (strcmp) */
    size_t nenum, capenum;
};

/* The key of (kind, table[, column]) in x->key; false without a table. */
static bool key_build(struct stmt_index *x, char kind, const char *table, const char *column)
{
    if (!table)
        return false;
    gate_buf_reset(&x->key);
    gate_buf_addc(&x->key, kind);
    gate_buf_adds(&x->key, table);
    if (column) {
        gate_buf_addc(&x->key, '\0');
        gate_buf_adds(&x->key, column);
    }
    return true;
}

static void key_add(struct stmt_index *x, char kind, const char *table, const char *column)
{
    if (key_build(x, kind, table, column))
        (void)gate_hmap_upsert(&x->keys, x->key.data, x->key.len, NULL);
}

static bool key_has(struct stmt_index *x, char kind, const char *table, const char *column)
{
    return key_build(x, kind, table, column) && gate_hmap_find(&x->keys, x->key.data, x->key.len);
}

static void enum_name_add(struct stmt_index *x, const char *name)
{
    if (!name)
        return;
    GATE_GROW(x->enum_names, x->capenum, x->nenum + 1);
    x->enum_names[x->nenum++] = name;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void index_stmt(struct stmt_index *x, const struct gate_stmt *st)
{
    const char *t = st->rel.name;

    if (st->kind == GATE_STMT_CREATE_ENUM || st->kind == GATE_STMT_ALTER_ENUM ||
        st->kind == GATE_STMT_RENAME || st->kind == GATE_STMT_DROP)
        enum_name_add(x, t);
    for (int i = 0; i < st->nobjects; i++)
        enum_name_add(x, st->objects[i].name);
    if (st->kind == GATE_STMT_RENAME && st->obj == GATE_OBJ_TABLE)
        key_add(x, 'D', t, NULL);
    if (st->kind == GATE_STMT_RENAME && st->obj == GATE_OBJ_COLUMN && st->subname)
        key_add(x, 'C', t, st->subname);
    if (st->kind == GATE_STMT_DROP && st->obj == GATE_OBJ_TABLE) {
        for (int i = 0; i < st->nobjects; i++) {
            key_add(x, 'D', st->objects[i].name, NULL);
            key_add(x, 'd', st->objects[i].name, NULL);
        }
    }
    if (st->kind == GATE_STMT_CREATE_INDEX && st->unique)
        key_add(x, 'U', t, NULL);
    if (st->kind != GATE_STMT_ALTER_TABLE)
        return;
    for (int i = 0; i < st->ncmds; i++) {
        const struct gate_alter_cmd *c = &st->cmds[i];

        if (c->cons && (c->cons->kind == GATE_CONS_UNIQUE || c->cons->kind == GATE_CONS_PRIMARY))
            key_add(x, 'U', t, NULL);
        if (c->kind == GATE_ALTER_DROP_CONSTRAINT ||
            (c->cons && c->cons->kind == GATE_CONS_PRIMARY))
            key_add(x, 'P', t, NULL);
        if (c->column)
            key_add(x, 'C', t, c->column);
        if (c->coldef && c->coldef->name)
            key_add(x, 'C', t, c->coldef->name);
    }
}

static void stmt_index_build(struct stmt_index *x, const struct gate_sql_file *f)
{
    for (int k = 0; k < f->nstmts; k++)
        index_stmt(x, &f->stmts[k]);
    if (x->nenum > 1)
        qsort(x->enum_names, x->nenum, sizeof(*x->enum_names), cmp_names);
}

/* Some indexed name starts with prefix: the first name not below it does, if any. */
static bool enum_prefix(const struct stmt_index *x, const char *prefix)
{
    size_t lo = 0, hi = x->nenum;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(x->enum_names[mid], prefix) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->nenum && !strncmp(x->enum_names[lo], prefix, strlen(prefix));
}

static void stmt_index_release(struct stmt_index *x)
{
    gate_hmap_release(&x->keys);
    gate_buf_release(&x->key);
    free(x->enum_names);
}

/* Does some statement of the file do what warning w describes (in any form, hand-edited too)? */
static bool stmt_matches_warning(struct stmt_index *x, const struct prisma_warning *w)
{
    switch (w->kind) {
    case W_DROP_TABLE:
        return key_has(x, 'D', w->table, NULL);
    case W_ENUM:
        return w->table && enum_prefix(x, w->table);
    case W_UNIQUE:
        return key_has(x, 'U', w->table, NULL);
    case W_PK:
        return key_has(x, 'P', w->table, NULL);
    case W_DROP_COLUMN:
    case W_REQUIRED:
    case W_NOT_NULL:
    case W_CAST:
    case W_RECREATE:
        if (w->kind == W_DROP_COLUMN && key_has(x, 'd', w->table, NULL))
            return true;
        return w->column && key_has(x, 'C', w->table, w->column);
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

/*
 * The file's findings by rule, indexed once: a warning links to the
 * findings of its rules on its table (or on no table; any table for an
 * enum warning or one that names none). Each list is walked once: the
 * first warning to reach it gives every finding in it that has no warning
 * yet its text, as a scan of every finding per warning would.
 * "r\0Ttable": rule r on table; "r\0N": r on no table; "r\0*": all of r.
 */
struct finding_list {
    size_t *idx; /* into ctx->m->findings (the array may move as findings are added) */
    size_t n, cap;
    bool walked;
};

struct finding_index {
    struct gate_hmap lists;
    struct finding_list **all;
    size_t nall, capall;
    struct gate_buf key;
};

static struct finding_list *flist(struct finding_index *x, const char *rule, char how,
                                  const char *table, bool create)
{
    struct gate_hmap_entry *e;

    gate_buf_reset(&x->key);
    gate_buf_adds(&x->key, rule);
    gate_buf_addc(&x->key, '\0');
    gate_buf_addc(&x->key, how);
    if (table)
        gate_buf_adds(&x->key, table);
    if (!create) {
        e = gate_hmap_find(&x->lists, x->key.data, x->key.len);
        return e ? e->ptr : NULL;
    }
    e = gate_hmap_upsert(&x->lists, x->key.data, x->key.len, NULL);
    if (!e->ptr) {
        e->ptr = gate_xcalloc(1, sizeof(struct finding_list));
        GATE_GROW(x->all, x->capall, x->nall + 1);
        x->all[x->nall++] = e->ptr;
    }
    return e->ptr;
}

static void flist_push(struct finding_list *l, size_t i)
{
    GATE_GROW(l->idx, l->cap, l->n + 1);
    l->idx[l->n++] = i;
}

static bool in_rules(const char *const *rules, const char *rule)
{
    for (int r = 0; rules[r]; r++) {
        if (!strcmp(rules[r], rule))
            return true;
    }
    return false;
}

static void finding_index_build(struct finding_index *x, struct gate_lint_ctx *ctx)
{
    for (size_t k = 0; k < ctx->m->nfindings; k++) {
        const struct gate_finding *fi = &ctx->m->findings[k];

        /* only unique-index warnings ask for these two rules: on a unique statement */
        if (in_rules(w_unique, fi->rule) && !unique_stmt(ctx, fi->stmt))
            continue;
        flist_push(flist(x, fi->rule, '*', NULL, true), k);
        flist_push(flist(x, fi->rule, fi->table ? 'T' : 'N', fi->table, true), k);
    }
}

static void finding_index_release(struct finding_index *x)
{
    for (size_t i = 0; i < x->nall; i++) {
        free(x->all[i]->idx);
        free(x->all[i]);
    }
    free(x->all);
    gate_hmap_release(&x->lists);
    gate_buf_release(&x->key);
}

/* Link warning w to the findings of list l; whether l holds any. */
static bool flist_link(struct gate_lint_ctx *ctx, struct finding_list *l, const char *text)
{
    if (!l || !l->n)
        return false;
    if (!l->walked) {
        for (size_t i = 0; i < l->n; i++) {
            struct gate_finding *fi = &ctx->m->findings[l->idx[i]];

            if (!fi->prisma_warning)
                fi->prisma_warning = text;
        }
        l->walked = true;
    }
    return true;
}

void gate_lint_cross_check(struct gate_lint_ctx *ctx)
{
    const struct gate_sql_file *f = &ctx->file;
    const struct gate_sql_comment *c = NULL;
    struct stmt_index sx = {0};
    struct finding_index fx = {0};
    bool built = false;
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
            if (w.rules && !built) {
                /* the findings so far: the ones this function adds never confirm a warning */
                finding_index_build(&fx, ctx);
                stmt_index_build(&sx, f);
                built = true;
            }
            for (int r = 0; w.rules && w.rules[r]; r++) {
                if (w.kind == W_ENUM || !w.table) {
                    matched |= flist_link(ctx, flist(&fx, w.rules[r], '*', NULL, false), w.text);
                    continue;
                }
                matched |= flist_link(ctx, flist(&fx, w.rules[r], 'T', w.table, false), w.text);
                matched |= flist_link(ctx, flist(&fx, w.rules[r], 'N', NULL, false), w.text);
            }
            if (!matched && w.kind)
                matched = stmt_matches_warning(&sx, &w);
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
    finding_index_release(&fx);
    stmt_index_release(&sx);
}
