/* SPDX-License-Identifier: MIT */
/*
 * lint.c - the risk engine. For one migration.sql: parse it (sql.c),
 * model how Prisma runs it (one simple-protocol query = one implicit
 * transaction, split by explicit BEGIN/COMMIT), run every rule family
 * against the replayed catalog, apply suppression directives (suppress.c),
 * cross-check Prisma's Warnings header (crosscheck.c), and derive the
 * migration's risk. lint_internal.h is what the three files share.
 */
#include "gate/compat.h"
#include "gate/lint.h"
#include "gate/arena.h"
#include "gate/buf.h"
#include "gate/catalog.h"
#include "gate/hmap.h"
#include "gate/rules_common.h"
#include "gate/src.h"
#include "gate/utf8.h"
#include "gate/xalloc.h"
#include "lint_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gate_linter *gate_linter_new(const struct gate_lint_opts *opts)
{
    struct gate_linter *l = gate_xcalloc(1, sizeof(*l));

    if (opts)
        l->opts = *opts;
    else
        l->opts.fail_on = GATE_RISK_HIGH;
    l->cat = gate_catalog_new();
    return l;
}

void gate_linter_free(struct gate_linter *l)
{
    if (!l)
        return;
    gate_catalog_free(l->cat);
    free(l);
}

/* ---- context accessors for rules ------------------------------------- */

const struct gate_stmt *gate_lint_stmts(const struct gate_lint_ctx *ctx, int *n)
{
    *n = ctx->file.nstmts;
    return ctx->file.stmts;
}

const struct gate_catalog *gate_lint_catalog(const struct gate_lint_ctx *ctx)
{
    return ctx->l->cat;
}

int gate_lint_pg_version(const struct gate_lint_ctx *ctx)
{
    return ctx->l->opts.pg_version > 0 ? ctx->l->opts.pg_version : GATE_PG_VERSION_DEFAULT;
}

int gate_lint_generation(const struct gate_lint_ctx *ctx)
{
    return ctx->gen;
}

bool gate_lint_new_table(const struct gate_lint_ctx *ctx, const struct gate_qname *q)
{
    const struct gate_cat_table *t = gate_catalog_table(ctx->l->cat, q);

    return t && t->created_gen == ctx->gen;
}

bool gate_lint_new_type(const struct gate_lint_ctx *ctx, const struct gate_qname *q)
{
    const struct gate_cat_enum *e = gate_catalog_enum(ctx->l->cat, q);

    return e && e->created_gen == ctx->gen;
}

bool gate_lint_existing_table(const struct gate_lint_ctx *ctx, const struct gate_qname *q)
{
    return !gate_lint_new_table(ctx, q);
}

int gate_lint_column_renamed_to(const struct gate_lint_ctx *ctx, const struct gate_qname *q,
                                const char *column, int idx, const char **from)
{
    for (int i = 0; column && i < ctx->nrenames; i++) {
        const struct gate_stmt *st = &ctx->file.stmts[ctx->renames[i]];

        if (ctx->renames[i] <= idx || !st->newname || strcmp(st->newname, column) != 0 ||
            !gate_rules_same_qname(&st->rel, q))
            continue;
        if (from)
            *from = st->subname;
        return ctx->renames[i];
    }
    return -1;
}

int gate_lint_key_rows(const struct gate_lint_ctx *ctx, const struct gate_stmt *st)
{
    const struct gate_cat_table *t;
    const struct gate_cat_column *c;

    if (!st->where_key || st->where_key_values < 1)
        return 0;
    t = gate_catalog_table(ctx->l->cat, &st->rel);
    c = gate_catalog_column(t, st->where_key);
    return c && c->primary_key ? st->where_key_values : 0;
}

int gate_lint_top_count(const struct gate_lint_ctx *ctx)
{
    return ctx->top;
}

int gate_lint_block(const struct gate_lint_ctx *ctx, int idx)
{
    if (idx < 0 || idx >= ctx->file.nstmts)
        return 0;
    return ctx->block[idx];
}

bool gate_lint_explicit_tx(const struct gate_lint_ctx *ctx, int idx)
{
    if (idx < 0 || idx >= ctx->file.nstmts)
        return false;
    return ctx->explicit_tx[idx];
}

bool gate_lint_in_transaction(const struct gate_lint_ctx *ctx, int idx)
{
    if (idx < 0 || idx >= ctx->file.nstmts)
        return false;
    if (ctx->explicit_tx[idx])
        return true;
    /* an implicit block is a transaction when the file has several statements */
    return ctx->top > 1;
}

const char *gate_lint_step(const struct gate_lint_ctx *ctx, int idx)
{
    if (idx < 0 || idx >= ctx->file.nstmts)
        return NULL;
    return ctx->step[idx];
}

bool gate_lint_lock_timeout_set(const struct gate_lint_ctx *ctx, int idx)
{
    if (idx < 0 || idx >= ctx->file.nstmts)
        return false;
    return ctx->lock_timeout[idx];
}

const char *gate_lint_text(const struct gate_lint_ctx *ctx, int offset)
{
    if (offset < 0 || (size_t)offset > ctx->src.len)
        return ctx->text;
    return ctx->text + offset;
}

const char *gate_lint_qname(struct gate_lint_ctx *ctx, const struct gate_qname *q)
{
    if (!q || !q->name)
        return "?";
    if (q->schema)
        return gate_arena_printf(ctx->arena, "\"%s\".\"%s\"", q->schema, q->name);
    return gate_arena_printf(ctx->arena, "\"%s\"", q->name);
}

const char *gate_lint_type(struct gate_lint_ctx *ctx, const struct gate_type *t)
{
    struct gate_buf b = {0};
    const char *out;

    if (!t || !t->name)
        return "?";
    if (t->schema)
        gate_buf_printf(&b, "%s.", t->schema);
    gate_buf_adds(&b, t->name);
    if (t->ntypmods > 0) {
        gate_buf_addc(&b, '(');
        for (int i = 0; i < t->ntypmods; i++) {
            if (i)
                gate_buf_addc(&b, ',');
            if (t->typmods[i] < 0)
                gate_buf_adds(&b, "?");
            else
                gate_buf_printf(&b, "%d", t->typmods[i]);
        }
        gate_buf_addc(&b, ')');
    }
    for (int i = 0; i < t->array_dims; i++)
        gate_buf_adds(&b, "[]");
    out = gate_arena_strdup(ctx->arena, gate_buf_str(&b));
    gate_buf_release(&b);
    return out;
}

void *gate_lint_state(struct gate_lint_ctx *ctx, const struct gate_rule_family *fam, size_t size)
{
    for (size_t k = 0; gate_rule_families[k]; k++) {
        if (gate_rule_families[k] != fam)
            continue;
        if (k >= GATE_ARRAY_SIZE(ctx->family_state))
            GATE_BUG("too many rule families for family_state");
        if (!ctx->family_state[k])
            ctx->family_state[k] = gate_arena_alloc(&ctx->scratch, size);
        return ctx->family_state[k];
    }
    GATE_BUG("gate_lint_state: unknown rule family");
}

/* ---- per-file positions by object --------------------------------------- */

struct pos_list {
    int *v;
    size_t n, cap;
};

bool gate_lint_pos_create_kind(enum gate_stmt_kind kind)
{
    switch (kind) {
    case GATE_STMT_CREATE_TABLE:
    case GATE_STMT_CREATE_TABLE_AS:
    case GATE_STMT_CREATE_VIEW:
    case GATE_STMT_CREATE_ENUM:
    case GATE_STMT_CREATE_TYPE:
    case GATE_STMT_CREATE_DOMAIN:
    case GATE_STMT_CREATE_SCHEMA:
        return true;
    default:
        return false;
    }
}

/* The key of (what, schema, name, sub) in buf: the schema NULL reads "public", as same_qname. */
static void pos_key(struct gate_buf *b, enum gate_lint_pos what, const char *schema,
                    const char *name, const char *sub)
{
    gate_buf_reset(b);
    gate_buf_addc(b, (char)('A' + (int)what));
    gate_buf_adds(b, schema ? schema : "public");
    gate_buf_addc(b, '\0');
    gate_buf_adds(b, name);
    gate_buf_addc(b, '\0');
    if (sub)
        gate_buf_adds(b, sub);
}

static void pos_add(struct gate_lint_ctx *ctx, struct gate_buf *b, enum gate_lint_pos what,
                    const char *schema, const char *name, const char *sub, int idx)
{
    struct gate_hmap_entry *e;
    struct pos_list *l;
    bool created;

    if (!name)
        return;
    pos_key(b, what, schema, name, sub);
    e = gate_hmap_upsert(&ctx->pos, b->data, b->len, &created);
    if (created)
        e->ptr = gate_arena_alloc(&ctx->scratch, sizeof(struct pos_list));
    l = e->ptr;
    if (l->n && l->v[l->n - 1] == idx)
        return;
    GATE_ARENA_GROW(&ctx->scratch, l->v, l->cap, l->n, l->n + 1);
    l->v[l->n++] = idx;
}

/* Index the file's statements once (gate_lint_positions). */
static void model_positions(struct gate_lint_ctx *ctx)
{
    struct gate_buf b = {0};

    for (int i = 0; i < ctx->file.nstmts; i++) {
        const struct gate_stmt *st = &ctx->file.stmts[i];

        if (gate_lint_pos_create_kind(st->kind))
            pos_add(ctx, &b, GATE_POS_CREATE, st->rel.schema, st->rel.name, NULL, i);
        switch (st->kind) {
        case GATE_STMT_RENAME:
            if (!st->newname)
                break;
            if (st->obj == GATE_OBJ_TYPE)
                pos_add(ctx, &b, GATE_POS_RENAME_TYPE, st->rel.schema, st->rel.name, NULL, i);
            if (st->obj == GATE_OBJ_TABLE || st->obj == GATE_OBJ_VIEW ||
                st->obj == GATE_OBJ_MATVIEW)
                pos_add(ctx, &b, GATE_POS_RENAME_REL_TO, st->rel.schema, st->newname, NULL, i);
            if (st->obj == GATE_OBJ_TYPE || st->obj == GATE_OBJ_DOMAIN)
                pos_add(ctx, &b, GATE_POS_RENAME_TYPE_TO, st->rel.schema, st->newname, NULL, i);
            break;
        case GATE_STMT_DROP:
            for (int o = 0; st->obj == GATE_OBJ_TYPE && o < st->nobjects; o++)
                pos_add(ctx, &b, GATE_POS_DROP_TYPE, st->objects[o].schema, st->objects[o].name,
                        NULL, i);
            break;
        case GATE_STMT_ALTER_TABLE:
            for (int k = 0; k < st->ncmds; k++) {
                const struct gate_alter_cmd *c = &st->cmds[k];

                if (c->kind == GATE_ALTER_ADD_COLUMN && c->coldef && c->coldef->name)
                    pos_add(ctx, &b, GATE_POS_ADD_COLUMN, st->rel.schema, st->rel.name,
                            c->coldef->name, i);
                if (c->kind == GATE_ALTER_ADD_CONSTRAINT && c->cons &&
                    c->cons->kind == GATE_CONS_CHECK && !c->cons->not_valid &&
                    c->cons->check_not_null_column)
                    pos_add(ctx, &b, GATE_POS_NOT_NULL_CHECK, st->rel.schema, st->rel.name,
                            c->cons->check_not_null_column, i);
            }
            break;
        case GATE_STMT_ALTER_ENUM:
            if (st->nvalues >= 1 && st->values[0])
                pos_add(ctx, &b, GATE_POS_ADD_VALUE, NULL, st->values[0], NULL, i);
            break;
        default:
            break;
        }
    }
    gate_buf_release(&b);
    ctx->pos_built = true;
}

const int *gate_lint_positions(const struct gate_lint_ctx *ctx, enum gate_lint_pos what,
                               const struct gate_qname *q, const char *sub, int *n)
{
    struct gate_buf b = {0};
    const struct gate_hmap_entry *e;
    const struct pos_list *l;

    *n = 0;
    if (!ctx->pos_built)
        GATE_BUG("gate_lint_positions: no index (replay-only file?)");
    if (!q || !q->name)
        return NULL;
    pos_key(&b, what, q->schema, q->name, sub);
    e = gate_hmap_find(&ctx->pos, b.data, b.len);
    gate_buf_release(&b);
    if (!e)
        return NULL;
    l = e->ptr;
    *n = (int)l->n;
    return l->v;
}

int gate_lint_pos_lower(const int *pos, int n, int idx)
{
    int lo = 0, hi = n;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;

        if (pos[mid] < idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Offsets of '\n' up to the first NUL, for gate_lint_line_of(). */
static void model_newlines(struct gate_lint_ctx *ctx)
{
    size_t cap = 0;

    for (size_t i = 0; i < ctx->src.len && ctx->text[i]; i++) {
        if (ctx->text[i] != '\n')
            continue;
        GATE_ARENA_GROW(&ctx->scratch, ctx->newlines, cap, ctx->nnewlines, ctx->nnewlines + 1);
        ctx->newlines[ctx->nnewlines++] = (int)i;
    }
    ctx->newlines_built = true;
}

int gate_lint_line_of(const struct gate_lint_ctx *ctx, int off)
{
    if (!ctx->newlines_built)
        GATE_BUG("gate_lint_line_of: no line index");
    return 1 + gate_lint_pos_lower(ctx->newlines, (int)ctx->nnewlines, off);
}

void *gate_lint_scratch(struct gate_lint_ctx *ctx, size_t size)
{
    return gate_arena_alloc(&ctx->scratch, size);
}

/* ---- findings --------------------------------------------------------- */

static const struct gate_rule_setting *setting(const struct gate_linter *l, const char *id)
{
    for (size_t i = 0; i < l->opts.nrules; i++) {
        if (!strcmp(l->opts.rules[i].id, id))
            return &l->opts.rules[i];
    }
    return NULL;
}

static bool generated_stmt(const struct gate_lint_ctx *ctx, int stmt)
{
    if (stmt < 0 || stmt >= ctx->file.nstmts)
        return false;
    if (ctx->file.stmts[stmt].depth > 0)
        stmt = ctx->file.stmts[stmt].parent;
    return stmt >= 0 && ctx->step[stmt];
}

GATE_PRINTF(6, 0)
static struct gate_finding *vemit(struct gate_lint_ctx *ctx, const struct gate_rule *r, int stmt,
                                  int offset, const char *table, const char *fmt, va_list ap)
{
    const struct gate_rule_setting *s = setting(ctx->l, r->id);
    struct gate_finding *f;

    if (s && s->off)
        return NULL;
    if ((r->flags & GATE_RULE_OFF) && !(s && s->on))
        return NULL;
    if ((r->flags & GATE_RULE_HYGIENE) && !ctx->l->opts.hygiene_on_generated && !(s && s->on) &&
        generated_stmt(ctx, stmt))
        return NULL;
    f = gate_migration_add_finding(ctx->m);
    f->rule = r->id;
    f->risk = s && s->has_risk ? s->risk : r->risk;
    f->category = r->category;
    f->table = table ? gate_arena_strdup(ctx->arena, table) : NULL;
    f->stmt = stmt;
    if (offset < 0 && stmt >= 0 && stmt < ctx->file.nstmts)
        offset = ctx->file.stmts[stmt].location;
    if (offset < 0)
        offset = 0;
    f->offset = offset;
    gate_src_position(&ctx->src, (size_t)offset, &f->line, &f->column);
    f->message = gate_arena_vprintf(ctx->arena, fmt, ap);
    f->help = r->help;
    return f;
}

struct gate_finding *gate_lint_emit(struct gate_lint_ctx *ctx, const struct gate_rule *r, int stmt,
                                    int offset, const char *table, const char *fmt, ...)
{
    struct gate_finding *f;
    va_list ap;

    va_start(ap, fmt);
    f = vemit(ctx, r, stmt, offset, table, fmt, ap);
    va_end(ap);
    return f;
}

void gate_lint_help(struct gate_lint_ctx *ctx, struct gate_finding *f, const char *fmt, ...)
{
    va_list ap;

    if (!f)
        return;
    if (!strchr(fmt, '%')) {
        f->help = fmt; /* a literal with nothing to format: use it as is */
        return;
    }
    va_start(ap, fmt);
    f->help = gate_arena_vprintf(ctx->arena, fmt, ap);
    va_end(ap);
}

/* Findings the engine makes itself go through the same path. */
static struct gate_finding *emit(struct gate_lint_ctx *ctx, const struct gate_rule *r, int stmt,
                                 int offset, const char *fmt, ...) GATE_PRINTF(5, 6);

static struct gate_finding *emit(struct gate_lint_ctx *ctx, const struct gate_rule *r, int stmt,
                                 int offset, const char *fmt, ...)
{
    struct gate_finding *f;
    va_list ap;

    va_start(ap, fmt);
    f = vemit(ctx, r, stmt, offset, NULL, fmt, ap);
    va_end(ap);
    return f;
}

/* ---- the Prisma execution model --------------------------------------- */

/* Is there a blank line in text[from..to)? */
static bool blank_line_between(const char *text, int from, int to)
{
    int newlines = 0;

    for (int i = from; i < to; i++) {
        if (text[i] == '\n') {
            if (++newlines >= 2)
                return true;
        } else if (!is_space(text[i])) {
            newlines = 0;
        }
    }
    return false;
}

static const char *const prisma_steps[] = {
    "CreateSchema", "DropExtension",       "CreateExtension", "AlterExtension",   "AlterSequence",
    "DropView",     "DropUserDefinedType", "CreateEnum",      "AlterEnum",        "DropForeignKey",
    "DropIndex",    "AlterTable",          "AlterPrimaryKey", "DropTable",        "DropEnum",
    "CreateTable",  "RedefineTables",      "CreateIndex",     "RenameForeignKey", "AddForeignKey",
    "RenameIndex",  "RedefineIndex",       "DropSchema",      "RenameTable",      "RenameColumn",
};

static const char *step_name(const char *comment)
{
    const char *p = comment;
    size_t n;

    while (*p == ' ')
        p++;
    n = strlen(p);
    while (n && is_space(p[n - 1]))
        n--;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(prisma_steps); i++) {
        if (strlen(prisma_steps[i]) == n && !strncmp(p, prisma_steps[i], n))
            return prisma_steps[i];
    }
    return NULL;
}

/*
 * Transaction blocks, as Prisma runs a file (docs/internals/prisma-migrate.md): the whole file is
 * one implicit block; BEGIN makes the current block explicit (statements before it included);
 * COMMIT/ROLLBACK end the block; what follows is a new implicit block. Nested statements share
 * their parent's block.
 */
static void model_transactions(struct gate_lint_ctx *ctx)
{
    int n = ctx->file.nstmts;
    int block = 0;
    bool in_explicit = false;
    int start_of_block = 0;
    bool lock_timeout = false;
    size_t capsize = 0;

    ctx->block = gate_arena_alloc(&ctx->scratch, sizeof(int) * (size_t)(n + 1));
    ctx->explicit_tx = gate_arena_alloc(&ctx->scratch, sizeof(bool) * (size_t)(n + 1));
    ctx->lock_timeout = gate_arena_alloc(&ctx->scratch, sizeof(bool) * (size_t)(n + 1));
    ctx->step = gate_arena_alloc(&ctx->scratch, sizeof(char *) * (size_t)(n + 1));
    ctx->block_size = NULL;
    ctx->top = 0;
    GATE_GROW(ctx->block_size, capsize, 1);
    for (int i = 0; i < n; i++) {
        const struct gate_stmt *st = &ctx->file.stmts[i];

        ctx->lock_timeout[i] = lock_timeout;
        if (st->depth > 0) {
            int p = st->parent >= 0 && st->parent < n ? st->parent : 0;

            ctx->block[i] = ctx->block[p];
            ctx->explicit_tx[i] = ctx->explicit_tx[p];
            continue;
        }
        ctx->top++;
        ctx->block[i] = block;
        if (st->kind == GATE_STMT_SET && st->set_name && !strcmp(st->set_name, "lock_timeout") &&
            !st->reset)
            lock_timeout = true;
        if (st->kind == GATE_STMT_TRANSACTION && st->tx == GATE_TX_BEGIN && !in_explicit) {
            in_explicit = true;
            for (int j = start_of_block; j <= i; j++)
                ctx->explicit_tx[j] = true;
            continue;
        }
        ctx->explicit_tx[i] = in_explicit;
        if (st->kind == GATE_STMT_TRANSACTION &&
            (st->tx == GATE_TX_COMMIT || st->tx == GATE_TX_ROLLBACK || st->tx == GATE_TX_PREPARE)) {
            in_explicit = false;
            block++;
            start_of_block = i + 1;
            GATE_GROW(ctx->block_size, capsize, (size_t)block + 1);
            continue;
        }
        if (st->kind != GATE_STMT_TRANSACTION)
            ctx->block_size[block]++;
    }
    ctx->nblocks = block + 1;
    /* nested statements: re-resolve (a parent may have been explicit only after BEGIN) */
    for (int i = 0; i < n; i++) {
        const struct gate_stmt *st = &ctx->file.stmts[i];

        if (st->depth > 0 && st->parent >= 0 && st->parent < n)
            ctx->explicit_tx[i] = ctx->explicit_tx[st->parent];
    }
}

/* The file's column renames, for gate_lint_column_renamed_to(). */
static void model_renames(struct gate_lint_ctx *ctx)
{
    int n = ctx->file.nstmts;

    ctx->renames = gate_arena_alloc(&ctx->scratch, sizeof(int) * (size_t)(n + 1));
    ctx->nrenames = 0;
    for (int i = 0; i < n; i++) {
        const struct gate_stmt *st = &ctx->file.stmts[i];

        if (st->kind == GATE_STMT_RENAME && st->obj == GATE_OBJ_COLUMN && st->subname)
            ctx->renames[ctx->nrenames++] = i;
    }
}

/*
 * Prisma step comments ("-- CreateTable") mark generated statements. A
 * statement belongs to the step whose comment precedes it, and a
 * statement that follows a generated one with no blank line in between
 * stays in that step (multi-statement steps such as the enum swap).
 */
static void model_steps(struct gate_lint_ctx *ctx)
{
    const struct gate_sql_file *f = &ctx->file;
    int ci = 0;
    int prev_end = 0;
    const char *cur = NULL;

    for (int i = 0; i < f->nstmts; i++) {
        const struct gate_stmt *st = &f->stmts[i];
        const char *found = NULL;

        if (st->depth > 0) {
            ctx->step[i] = NULL;
            continue;
        }
        while (ci < f->ncomments && f->comments[ci].start < st->location) {
            if (f->comments[ci].start >= prev_end && !f->comments[ci].block) {
                const char *s = step_name(f->comments[ci].text);

                if (s)
                    found = s;
            }
            ci++;
        }
        if (found)
            cur = found;
        else if (cur && blank_line_between(ctx->text, prev_end, st->location))
            cur = NULL;
        /* Prisma never writes CONCURRENTLY: such a statement was edited in by hand */
        ctx->step[i] = st->concurrent ? NULL : cur;
        prev_end = st->location + st->length;
    }
}

/* ---- locks held until the transaction block commits ------------------- */

/* PostgreSQL's table lock modes, weakest first. */
enum lock_mode {
    LK_NONE = 0,
    LK_ACCESS_SHARE,
    LK_ROW_SHARE,
    LK_ROW_EXCLUSIVE,
    LK_SHARE_UPDATE_EXCLUSIVE,
    LK_SHARE,
    LK_SHARE_ROW_EXCLUSIVE,
    LK_EXCLUSIVE,
    LK_ACCESS_EXCLUSIVE,
};

static const char *const lock_names[] = {
    "no",    "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",    "SHARE UPDATE EXCLUSIVE",
    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE",
};

/* What a lock stops other sessions doing: 0 nothing ordinary, 1 writes, 2 reads and writes. */
static int lock_blocks(int mode)
{
    if (mode >= LK_ACCESS_EXCLUSIVE)
        return 2;
    if (mode >= LK_SHARE)
        return 1;
    return 0;
}

/* The lock one ALTER TABLE subcommand takes on its table. */
static int alter_cmd_lock(const struct gate_alter_cmd *c)
{
    switch (c->kind) {
    case GATE_ALTER_ADD_CONSTRAINT:
        return c->cons && c->cons->kind == GATE_CONS_FOREIGN ? LK_SHARE_ROW_EXCLUSIVE
                                                             : LK_ACCESS_EXCLUSIVE;
    case GATE_ALTER_VALIDATE_CONSTRAINT:
    case GATE_ALTER_SET_OPTIONS:
    case GATE_ALTER_ATTACH_PARTITION:
    case GATE_ALTER_CLUSTER_ON:
        return LK_SHARE_UPDATE_EXCLUSIVE;
    case GATE_ALTER_TRIGGER:
        return LK_SHARE_ROW_EXCLUSIVE;
    default:
        return LK_ACCESS_EXCLUSIVE;
    }
}

static int alter_lock(const struct gate_stmt *st)
{
    int mode = LK_NONE;

    for (int i = 0; i < st->ncmds; i++) {
        int m = alter_cmd_lock(&st->cmds[i]);

        if (m > mode)
            mode = m;
    }
    return mode;
}

/* Statement idx runs during the migration (not in the body of a CREATE FUNCTION). */
static bool runs_now(const struct gate_lint_ctx *ctx, const struct gate_stmt *st)
{
    if (st->depth <= 0)
        return true;
    return !(st->parent >= 0 && st->parent < ctx->file.nstmts &&
             ctx->file.stmts[st->parent].kind == GATE_STMT_CREATE_FUNCTION);
}

/* The key of a held lock: its block, schema (NULL reads "public") and table name. */
static void held_key(struct gate_buf *b, const char *schema, const char *name, int block)
{
    gate_buf_reset(b);
    gate_buf_printf(b, "%d", block);
    gate_buf_addc(b, '\0');
    gate_buf_adds(b, schema ? schema : "public");
    gate_buf_addc(b, '\0');
    gate_buf_adds(b, name);
}

static struct held_lock *held_find(struct gate_lint_ctx *ctx, const char *schema, const char *name,
                                   int block)
{
    struct gate_buf b = {0};
    const struct gate_hmap_entry *e;

    held_key(&b, schema, name, block);
    e = gate_hmap_find(&ctx->heldmap, b.data, b.len);
    gate_buf_release(&b);
    return e ? &ctx->held[e->num] : NULL;
}

static void held_take(struct gate_lint_ctx *ctx, const struct gate_qname *q, int mode, int idx)
{
    struct held_lock *h;

    if (!q || !q->name || mode == LK_NONE || gate_lint_new_table(ctx, q))
        return;
    h = held_find(ctx, q->schema, q->name, ctx->block[idx]);
    if (!h) {
        struct gate_buf b = {0};

        held_key(&b, q->schema, q->name, ctx->block[idx]);
        gate_hmap_upsert(&ctx->heldmap, b.data, b.len, NULL)->num = ctx->nheld;
        gate_buf_release(&b);
        GATE_GROW(ctx->held, ctx->capheld, ctx->nheld + 1);
        h = &ctx->held[ctx->nheld++];
        h->schema = q->schema;
        h->name = q->name;
        h->block = ctx->block[idx];
        h->mode = LK_NONE;
    }
    if (mode > h->mode) {
        h->mode = mode;
        h->stmt = idx;
    }
}

/* The table a REINDEX TABLE / INDEX rebuilds the indexes of ({NULL, NULL}: unknown). */
static struct gate_qname reindex_table(const struct gate_lint_ctx *ctx, const struct gate_stmt *st)
{
    struct gate_qname t = {NULL, NULL};
    const struct gate_cat_index *x;

    if (st->obj == GATE_OBJ_TABLE)
        return st->rel;
    if (st->obj == GATE_OBJ_INDEX && (x = gate_catalog_index(ctx->l->cat, &st->rel)) && x->table) {
        t.schema = x->schema;
        t.name = x->table;
    }
    return t;
}

/* Record the locks statement idx takes (before the catalog applies it). */
static void held_record(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx)
{
    if (!runs_now(ctx, st))
        return;
    switch (st->kind) {
    case GATE_STMT_ALTER_TABLE:
        if (st->obj != GATE_OBJ_TABLE && st->obj != GATE_OBJ_OTHER)
            break;
        held_take(ctx, &st->rel, alter_lock(st), idx);
        for (int i = 0; i < st->ncmds; i++) {
            const struct gate_constraint *k = st->cmds[i].cons;

            if (k && k->kind == GATE_CONS_FOREIGN)
                held_take(ctx, &k->ref, LK_SHARE_ROW_EXCLUSIVE, idx);
        }
        break;
    case GATE_STMT_CREATE_INDEX:
        held_take(ctx, &st->rel, st->concurrent ? LK_SHARE_UPDATE_EXCLUSIVE : LK_SHARE, idx);
        break;
    case GATE_STMT_REINDEX: {
        struct gate_qname t = reindex_table(ctx, st);

        if (!st->concurrent)
            held_take(ctx, &t, LK_SHARE, idx);
        break;
    }
    case GATE_STMT_DROP:
        for (int i = 0; st->obj == GATE_OBJ_INDEX && !st->concurrent && i < st->nobjects; i++) {
            const struct gate_cat_index *x = gate_catalog_index(ctx->l->cat, &st->objects[i]);

            if (x && x->table) {
                struct gate_qname t = {x->schema, x->table};

                held_take(ctx, &t, LK_ACCESS_EXCLUSIVE, idx);
            }
        }
        break;
    case GATE_STMT_RENAME:
        if (st->obj == GATE_OBJ_TABLE || st->obj == GATE_OBJ_COLUMN ||
            st->obj == GATE_OBJ_CONSTRAINT) {
            struct gate_qname after = {st->rel.schema, st->newname};

            held_take(ctx, &st->rel, LK_ACCESS_EXCLUSIVE, idx);
            if (st->obj == GATE_OBJ_TABLE && st->newname) /* the lock follows the table */
                held_take(ctx, &after, LK_ACCESS_EXCLUSIVE, idx);
        }
        break;
    case GATE_STMT_TRUNCATE:
        for (int i = 0; i < st->nobjects; i++)
            held_take(ctx, &st->objects[i], LK_ACCESS_EXCLUSIVE, idx);
        break;
    case GATE_STMT_CLUSTER:
        held_take(ctx, &st->rel, LK_ACCESS_EXCLUSIVE, idx);
        break;
    case GATE_STMT_CREATE_TRIGGER:
        held_take(ctx, &st->rel, LK_SHARE_ROW_EXCLUSIVE, idx);
        break;
    default:
        break;
    }
}

/* Work on a table whose duration grows with the table. */
struct table_work {
    struct gate_qname table;
    int own;          /* the lock the statement itself takes on it */
    const char *noun; /* "UPDATE", "index build" */
    bool rows;        /* it writes rows */
};

static int stmt_work(const struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                     struct table_work *w)
{
    int n = 0;

    if (!runs_now(ctx, st) || !st->rel.name)
        return 0;
    switch (st->kind) {
    case GATE_STMT_UPDATE:
        if (!gate_lint_key_rows(ctx, st)) /* a few rows by primary key take no time */
            w[n++] = (struct table_work){st->rel, LK_ROW_EXCLUSIVE, "UPDATE", true};
        break;
    case GATE_STMT_DELETE:
        if (!gate_lint_key_rows(ctx, st))
            w[n++] = (struct table_work){st->rel, LK_ROW_EXCLUSIVE, "DELETE", true};
        break;
    case GATE_STMT_INSERT:
        if (st->insert_select)
            w[n++] = (struct table_work){st->rel, LK_ROW_EXCLUSIVE, "INSERT ... SELECT", true};
        break;
    case GATE_STMT_CREATE_INDEX:
        if (!st->concurrent)
            w[n++] = (struct table_work){st->rel, LK_SHARE, "index build", false};
        break;
    case GATE_STMT_REINDEX: {
        struct gate_qname t = reindex_table(ctx, st);

        if (t.name && !st->concurrent)
            w[n++] = (struct table_work){t, LK_SHARE, "REINDEX", false};
        break;
    }
    case GATE_STMT_ALTER_TABLE: {
        int own = alter_lock(st);

        /* a table created in this file is empty: checking its rows takes no time */
        if ((st->obj != GATE_OBJ_TABLE && st->obj != GATE_OBJ_OTHER) ||
            gate_lint_new_table(ctx, &st->rel))
            break;
        for (int i = 0; i < st->ncmds && n < 2; i++) {
            const struct gate_alter_cmd *c = &st->cmds[i];

            if (c->kind == GATE_ALTER_VALIDATE_CONSTRAINT && !n) {
                w[n++] = (struct table_work){st->rel, own, "validation scan", false};
            } else if (c->kind == GATE_ALTER_ADD_CONSTRAINT && c->cons &&
                       c->cons->kind == GATE_CONS_FOREIGN && !c->cons->not_valid && !n) {
                w[n++] = (struct table_work){st->rel, own, "foreign key check", false};
                if (!gate_rules_same_qname(&st->rel, &c->cons->ref))
                    w[n++] = (struct table_work){c->cons->ref, LK_SHARE_ROW_EXCLUSIVE,
                                                 "foreign key check", false};
            }
        }
        break;
    }
    default:
        break;
    }
    return n;
}

bool gate_lint_long_work(const struct gate_lint_ctx *ctx, const struct gate_stmt *st,
                         struct gate_qname *table, const char **noun)
{
    struct table_work w[2];
    int n = stmt_work(ctx, st, w);

    for (int k = 0; k < n; k++) {
        if (!gate_lint_new_table(ctx, &w[k].table)) {
            *table = w[k].table;
            *noun = w[k].noun;
            return true;
        }
    }
    return false;
}

/*
 * Statement idx does work on a table an earlier statement of its
 * transaction block locked more strongly than idx itself does: the work
 * runs while that lock is held. Say so in idx's findings on the table
 * (findings from..m->nfindings), and raise their risk: rows written under
 * an ACCESS EXCLUSIVE lock block reads and writes for as long as a
 * rewrite does (high), a scan or build under it is medium. With no
 * finding to amend (lock, rewrite, data findings; not one that already
 * names the held lock), report running-under-held-lock.
 */
static void held_amend(struct gate_lint_ctx *ctx, const struct gate_stmt *st, int idx, size_t from)
{
    struct table_work w[2];
    int n = stmt_work(ctx, st, w);

    for (int k = 0; k < n; k++) {
        const struct held_lock *h;
        const char *what;
        enum gate_risk floor;
        int line;
        int col;
        int at;
        bool amended = false;

        if (gate_lint_new_table(ctx, &w[k].table))
            continue;
        h = held_find(ctx, w[k].table.schema, w[k].table.name, ctx->block[idx]);
        if (!h || h->stmt == idx || lock_blocks(h->mode) <= lock_blocks(w[k].own))
            continue;
        at = ctx->file.stmts[h->stmt].location;
        gate_src_position(&ctx->src, at > 0 ? (size_t)at : 0, &line, &col);
        what =
            gate_arena_printf(ctx->arena,
                              "runs while line %d's %s lock on %s is held: %s wait for the "
                              "whole %s",
                              line, lock_names[h->mode], gate_lint_qname(ctx, &w[k].table),
                              lock_blocks(h->mode) == 2 ? "reads and writes" : "writes", w[k].noun);
        floor = w[k].rows && lock_blocks(h->mode) == 2 ? GATE_RISK_HIGH : GATE_RISK_MEDIUM;
        for (size_t i = from; i < ctx->m->nfindings; i++) {
            struct gate_finding *f = &ctx->m->findings[i];
            const struct gate_rule_setting *s = setting(ctx->l, f->rule);

            /* a finding on the table, or on the index a REINDEX INDEX names */
            bool on_table = f->table && !strcmp(f->table, w[k].table.name);
            bool on_index = st->kind == GATE_STMT_REINDEX &&
                            (!f->table || (st->rel.name && !strcmp(f->table, st->rel.name)));

            if (f->stmt != idx || !(on_table || on_index))
                continue;
            /* only findings about the work's cost; one that names the held lock already stays */
            if (strstr(f->message, "still held")) {
                amended = true;
                continue;
            }
            if (f->category == GATE_CAT_EXECUTION || f->category == GATE_CAT_HYGIENE ||
                f->category == GATE_CAT_BREAKING)
                continue;
            /* a rule informational by default (a missing timeout) is not about the work's cost */
            if (gate_rule_find(f->rule) && gate_rule_find(f->rule)->risk == GATE_RISK_NONE)
                continue;
            f->message = gate_arena_printf(ctx->arena, "%s; it %s", f->message, what);
            if (f->risk < floor && !(s && s->has_risk))
                f->risk = floor;
            amended = true;
        }
        if (!amended) {
            struct gate_finding *f =
                gate_lint_emit(ctx, &gate_rule_held_lock, idx, st->location, w[k].table.name,
                               "%s on %s %s", w[k].noun, gate_lint_qname(ctx, &w[k].table), what);
            const struct gate_rule_setting *s = setting(ctx->l, gate_rule_held_lock.id);

            if (f && f->risk < floor && !(s && s->has_risk))
                f->risk = floor;
            gate_lint_help(ctx, f,
                           "move the %s to its own migration (after the one that takes the lock), "
                           "or take the lock last: statements that lock %s strongly belong at "
                           "the end of the transaction",
                           w[k].noun, gate_lint_qname(ctx, &w[k].table));
        }
    }
}

/* ---- encoding ---------------------------------------------------------- */

/* ---- statement classes ---------------------------------------------- */

/* The risk of a statement before any finding: what the risk model calls low. */
static enum gate_risk base_risk(const struct gate_stmt *st)
{
    switch (st->kind) {
    case GATE_STMT_TRANSACTION:
    case GATE_STMT_SET:
    case GATE_STMT_SELECT:
    case GATE_STMT_EXPLAIN:
        return GATE_RISK_NONE;
    default:
        return GATE_RISK_LOW;
    }
}

enum gate_risk gate_lint_stmt_risk(const struct gate_stmt *st)
{
    return base_risk(st);
}

/* ---- driver ----------------------------------------------------------- */

static void severity_of(const struct gate_linter *l, struct gate_finding *f)
{
    const struct gate_rule_setting *s = setting(l, f->rule);

    if (s && s->has_severity) {
        f->severity = s->severity;
        return;
    }
    if (f->risk == GATE_RISK_NONE) {
        const struct gate_rule *r = gate_rule_find(f->rule);

        /* problems with the file itself (directives, emptiness) are worth a look */
        f->severity = r && (r->flags & GATE_RULE_META) ? GATE_SEV_WARNING : GATE_SEV_INFO;
    } else if (f->risk >= l->opts.fail_on)
        f->severity = GATE_SEV_ERROR;
    else
        f->severity = GATE_SEV_WARNING;
}

static void syntax_finding(struct gate_lint_ctx *ctx)
{
    const struct gate_sql_file *f = &ctx->file;
    int off = f->error_offset >= 0 ? f->error_offset : 0;

    if (ctx->src.len >= 3 && !memcmp(ctx->text, "\xEF\xBB\xBF", 3) && off <= 3) {
        emit(ctx, &gate_rule_utf8_bom, -1, 0,
             "file starts with a UTF-8 byte order mark: Prisma sends it to PostgreSQL, which "
             "rejects it with a syntax error, and the migration fails");
        return;
    }
    emit(ctx, &gate_rule_syntax_error, -1, off, "%s (PostgreSQL 15 parser)",
         f->error_msg ? f->error_msg : "syntax error");
}

void gate_lint_parsed(struct gate_linter *l, struct gate_run *run, struct gate_migration *m,
                      const char *src, size_t len, struct gate_sql_file *file, bool replay_only)
{
    struct gate_lint_ctx ctx;
    enum gate_risk risk = GATE_RISK_NONE;
    long bad;

    memset(&ctx, 0, sizeof(ctx));
    ctx.l = l;
    ctx.run = run;
    ctx.m = m;
    ctx.text = src;
    ctx.arena = &run->arena;
    ctx.gen = gate_catalog_begin_file(l->cat);
    ctx.filep = file;
    ctx.file = *file;
    gate_src_init(&ctx.src, src, len);

    model_transactions(&ctx);
    model_steps(&ctx);
    model_renames(&ctx);
    if (!replay_only) {
        model_positions(&ctx);
        model_newlines(&ctx);
    }
    for (int i = 0; i < ctx.file.nstmts; i++) {
        const struct gate_stmt *st = &ctx.file.stmts[i];

        ctx.cur = i;
        if (!replay_only) {
            size_t from = m->nfindings;

            for (size_t k = 0; gate_rule_families[k]; k++) {
                if (gate_rule_families[k]->stmt)
                    gate_rule_families[k]->stmt(&ctx, st, i);
            }
            held_amend(&ctx, st, i, from);
            held_record(&ctx, st, i);
        }
        gate_catalog_apply(l->cat, st);
    }
    if (replay_only)
        goto out;
    ctx.cur = -1;
    for (size_t k = 0; gate_rule_families[k]; k++) {
        if (gate_rule_families[k]->end)
            gate_rule_families[k]->end(&ctx);
    }
    if (ctx.file.syntax_error)
        syntax_finding(&ctx);
    bad = gate_utf8_first_invalid(src, len);
    if (bad >= 0)
        emit(&ctx, &gate_rule_invalid_utf8, -1, (int)bad,
             "byte 0x%02X is not valid UTF-8: Prisma replaces it with U+FFFD before it runs "
             "(and hashes) the file, silently changing the SQL",
             (unsigned int)(unsigned char)src[bad]);
    if (!ctx.top) {
        if (!len)
            emit(&ctx, &gate_rule_empty_migration, -1, 0, "file is empty");
        else if (!ctx.file.syntax_error)
            emit(&ctx, &gate_rule_empty_migration, -1, 0, "file holds no SQL statement");
    }
    gate_lint_cross_check(&ctx);
    gate_lint_apply_directives(&ctx);

    m->statements = ctx.top;
    for (int i = 0; i < ctx.file.nstmts; i++) {
        enum gate_risk b = base_risk(&ctx.file.stmts[i]);

        if (b > risk)
            risk = b;
    }
    for (size_t i = 0; i < m->nfindings; i++) {
        struct gate_finding *f = &m->findings[i];

        severity_of(l, f);
        if (!f->suppressed && f->risk > risk)
            risk = f->risk;
    }
    m->risk = risk;
    /* a corpus has thousands of migrations with one or two findings: keep only what is used */
    if (m->capfindings > m->nfindings && m->nfindings) {
        m->findings = gate_xrealloc(m->findings, m->nfindings * sizeof(*m->findings));
        m->capfindings = m->nfindings;
    }
out:
    free(ctx.block_size);
    free(ctx.held);
    gate_hmap_release(&ctx.heldmap);
    gate_hmap_release(&ctx.pos);
    gate_src_release(&ctx.src);
    gate_arena_release(&ctx.scratch);
}

void gate_lint_source(struct gate_linter *l, struct gate_run *run, struct gate_migration *m,
                      const char *src, size_t len, bool replay_only)
{
    struct gate_sql_file file;
    struct gate_err err = {0};

    memset(&file, 0, sizeof(file));
    if (gate_sql_parse(src, len, &file, &err) != GATE_OK) {
        gate_lint_failed(l, run, m, err.msg, replay_only);
        gate_sql_file_release(&file);
        return;
    }
    gate_lint_parsed(l, run, m, src, len, &file, replay_only);
    gate_sql_file_release(&file);
}

void gate_lint_failed(struct gate_linter *l, struct gate_run *run, struct gate_migration *m,
                      const char *msg, bool replay_only)
{
    struct gate_finding *f;

    (void)gate_catalog_begin_file(l->cat);
    if (replay_only)
        return;
    m->error = gate_arena_strdup(&run->arena, msg);
    f = gate_migration_add_finding(m);
    f->rule = gate_rule_syntax_error.id;
    f->risk = gate_rule_syntax_error.risk;
    f->category = gate_rule_syntax_error.category;
    f->line = 1;
    f->column = 1;
    f->message = gate_arena_strdup(&run->arena, msg);
    f->help = gate_rule_syntax_error.help;
    severity_of(l, f);
    m->risk = f->risk;
}

/* ---- what a migration's own COMMIT keeps when a later statement fails ---- */

static void put_qname(struct gate_buf *b, const struct gate_qname *q)
{
    if (q->schema)
        gate_buf_printf(b, "\"%s\".", q->schema);
    gate_buf_printf(b, "\"%s\"", q->name ? q->name : "?");
}

/* One created object of st ("table \"Tag\""), appended to b after ", "; false: none. */
static bool put_created(struct gate_buf *b, const struct gate_stmt *st)
{
    static const struct {
        enum gate_stmt_kind kind;
        const char *what;
    } kinds[] = {
        {GATE_STMT_CREATE_TABLE, "table"},         {GATE_STMT_CREATE_TABLE_AS, "table"},
        {GATE_STMT_CREATE_ENUM, "type"},           {GATE_STMT_CREATE_TYPE, "type"},
        {GATE_STMT_CREATE_DOMAIN, "domain"},       {GATE_STMT_CREATE_VIEW, "view"},
        {GATE_STMT_CREATE_SEQUENCE, "sequence"},   {GATE_STMT_CREATE_SCHEMA, "schema"},
        {GATE_STMT_CREATE_EXTENSION, "extension"}, {GATE_STMT_CREATE_FUNCTION, "function"},
        {GATE_STMT_CREATE_TRIGGER, "trigger"},
    };
    size_t start = b->len;

    if (st->kind == GATE_STMT_CREATE_INDEX) {
        gate_buf_adds(b, b->len ? ", index " : "index ");
        if (st->index_name)
            gate_buf_printf(b, "\"%s\"", st->index_name);
        else {
            gate_buf_adds(b, "(unnamed) on ");
            put_qname(b, &st->rel);
        }
        return true;
    }
    if (st->kind == GATE_STMT_ALTER_TABLE) {
        for (int i = 0; i < st->ncmds; i++) {
            if (st->cmds[i].kind != GATE_ALTER_ADD_COLUMN || !st->cmds[i].column)
                continue;
            gate_buf_adds(b, b->len ? ", column " : "column ");
            put_qname(b, &st->rel);
            gate_buf_printf(b, ".\"%s\"", st->cmds[i].column);
        }
        return b->len > start;
    }
    for (size_t i = 0; i < GATE_ARRAY_SIZE(kinds); i++) {
        if (kinds[i].kind != st->kind || !st->rel.name)
            continue;
        gate_buf_printf(b, "%s%s ", b->len ? ", " : "", kinds[i].what);
        put_qname(b, &st->rel);
        return true;
    }
    return false;
}

const char *gate_lint_committed_objects(const char *src, size_t len, struct gate_arena *a,
                                        int *line)
{
    struct gate_sql_file f = {0};
    struct gate_err err = {0};
    struct gate_buf b = {0};
    const char *s = NULL;
    int last = -1;

    *line = 0;
    if (gate_sql_parse(src, len, &f, &err)) {
        gate_sql_file_release(&f);
        return NULL;
    }
    for (int i = 0; i < f.nstmts; i++) {
        if (f.stmts[i].depth == 0 && f.stmts[i].kind == GATE_STMT_TRANSACTION &&
            f.stmts[i].tx == GATE_TX_COMMIT)
            last = i;
    }
    for (int i = 0; i < last; i++) {
        if (f.stmts[i].depth == 0)
            (void)put_created(&b, &f.stmts[i]);
    }
    if (last >= 0 && b.len) {
        s = gate_arena_strdup(a, gate_buf_str(&b));
        *line = 1;
        for (int k = 0; k < f.stmts[last].location && (size_t)k < len; k++)
            *line += src[k] == '\n';
    }
    gate_buf_release(&b);
    gate_sql_file_release(&f);
    return s;
}
