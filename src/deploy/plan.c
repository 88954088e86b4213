/* SPDX-License-Identifier: MIT */
/*
 * plan.c - the deployment plan (plan.h): pending migrations from the
 * status engine's classification, linted with the applied history
 * replayed first, affected tables measured in pg_class and
 * pg_stat_user_tables, every finding rated against what the target holds
 * (new and empty tables lower, large ones higher: "rating" below), the
 * policy's decision and the plan digest.
 */
#include "gate/compat.h"
#include "gate/plan.h"
#include "gate/buf.h"
#include "gate/digest.h"
#include "gate/fs.h"
#include "gate/history.h"
#include "gate/hmap.h"
#include "gate/lint.h"
#include "gate/migrations.h"
#include "gate/msg.h"
#include "gate/prisma_cli.h"
#include "gate/prisma_errors.h"
#include "gate/sql.h"
#include "gate/shell.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *const decision_names[] = {"nothing", "auto", "confirm", "blocked", "refused"};

const char *gate_plan_decision_name(enum gate_plan_decision d)
{
    return (size_t)d < GATE_ARRAY_SIZE(decision_names) ? decision_names[d] : "?";
}

char *gate_plan_canonical(const struct gate_target *t, const struct gate_plan_item *items, size_t n,
                          enum gate_risk max_risk, enum gate_risk auto_max,
                          enum gate_risk confirm_max, long long large_rows, bool honor_suppressions)
{
    struct gate_buf b = {0};

    gate_buf_adds(&b, "prisma-gate plan 2\n");
    gate_buf_printf(&b, "target %s %d %s %s\n", t->host ? t->host : "", t->port,
                    t->database ? t->database : "", t->schema ? t->schema : "public");
    for (size_t i = 0; i < n; i++)
        gate_buf_printf(&b, "migration %s %s %s\n", items[i].name, items[i].checksum,
                        gate_risk_name(items[i].risk));
    gate_buf_printf(&b, "max_risk %s\n", gate_risk_name(max_risk));
    gate_buf_printf(&b, "policy %s %s %lld\n", gate_risk_name(auto_max),
                    gate_risk_name(confirm_max), large_rows);
    gate_buf_printf(&b, "suppressions %s\n", honor_suppressions ? "honored" : "counted");
    return gate_buf_detach(&b);
}

/* ------------------------------------------------------------ state */

/*
 * A table (or type) as the pending migrations leave it, statement by
 * statement: where it comes from (the target, or created by the plan)
 * and whether the plan may have written rows into it.
 */
enum live_origin {
    LIVE_TARGET = 0,  /* the target's table tschema.tname (if the target has it) */
    LIVE_PLAN,        /* created by a pending statement */
    LIVE_PLAN_IF_NEW, /* CREATE ... IF NOT EXISTS: the plan's unless the target has it */
};

struct live_rel {
    const char *schema; /* current name */
    const char *name;
    const char *tschema; /* the target's name for it (LIVE_TARGET, LIVE_PLAN_IF_NEW) */
    const char *tname;
    enum live_origin origin;
    bool type;    /* an enum or composite type, not a table */
    bool filled;  /* a pending statement may have written rows into it */
    bool dropped; /* dropped by a pending statement */
};

/* A finding and what its table was when its statement ran. */
struct rating {
    struct gate_migration *m;
    struct gate_finding *f;
    struct live_rel at; /* a copy: the state before the statement */
    bool exact;         /* the statement names the table itself (not the table of an index) */
};

struct plan_state {
    struct gate_run *run;
    struct gate_run_plan *p;
    const struct gate_plan_opts *opts;
    struct gate_local_migrations lm; /* the migrations on disk (migrations.h) */
    struct gate_hist_db hdb;
    struct gate_hist_result res;
    size_t capproblems;
    size_t captables;
    struct live_rel *live; /* tables and types as the pending migrations leave them */
    size_t nlive, caplive;
    bool taint_all;         /* a pending statement may have written into any table */
    struct rating *ratings; /* findings to rate against the target */
    size_t nratings, capratings;
    enum gate_risk *base; /* per pending migration: its statements' risk */
    size_t nbase, capbase;
    struct gate_hmap table_index; /* "schema\0name" -> index into p->tables + 1 (num) */
};

static void problem(struct plan_state *st, const char *fmt, ...) GATE_PRINTF(2, 3);

static void problem(struct plan_state *st, const char *fmt, ...)
{
    va_list ap;
    char buf[1024];

    va_start(ap, fmt);
    (void)vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    GATE_ARENA_GROW(&st->run->arena, st->p->problems, st->capproblems, st->p->nproblems,
                    st->p->nproblems + 1);
    st->p->problems[st->p->nproblems++] = gate_arena_strdup(&st->run->arena, buf);
}

static void release(struct plan_state *st)
{
    free(st->live);
    free(st->ratings);
    free(st->base);
    gate_hmap_release(&st->table_index);
    gate_hist_result_release(&st->res);
    gate_hist_db_release(&st->hdb);
    gate_local_migrations_release(&st->lm);
}

static enum gate_code read_locals(struct plan_state *st, const char *dir, struct gate_err *err)
{
    const struct gate_local_migrations *lm = &st->lm;
    long bad;

    if (gate_local_migrations_load(dir, &st->lm, err))
        return err->code;
    if (lm->missing) {
        gate_run_add_check(st->run, "migrations.directory", GATE_STATUS_WARN,
                           gate_arena_printf(&st->run->arena,
                                             "no migrations directory '%s': nothing to deploy "
                                             "(run in the project root, or use -C DIR or "
                                             "--migrations DIR)",
                                             dir));
        return GATE_OK;
    }
    bad = gate_local_migrations_first_error(lm);
    if (bad >= 0) {
        if (!lm->list.items[bad].has_sql)
            return gate_fail(err, lm->code[bad], "%s (Prisma fails on it with P3015)",
                             lm->error[bad]);
        return gate_fail(err, lm->code[bad], "%s", lm->error[bad]);
    }
    gate_run_add_check(st->run, "migrations.directory", GATE_STATUS_PASS,
                       gate_arena_printf(&st->run->arena, "%zu migration%s in %s", lm->n,
                                         lm->n == 1 ? "" : "s", dir));
    return GATE_OK;
}

/* migration_lock.toml names another provider (P3019): a problem. */
static bool lock_mismatch(struct plan_state *st)
{
    const struct gate_lock_check *c = &st->lm.lock;

    if (!gate_lock_refused(c))
        return false;
    problem(st, "%s names provider `%s`, not `postgresql`: Prisma refuses to deploy (P3019); %s",
            c->path, c->provider, gate_prisma_error("P3019")->guidance);
    return true;
}

/* ------------------------------------------------------------ tables */

/* The key of table schema.name in the plan's table index. */
static void table_key(struct gate_buf *b, const char *schema, const char *name)
{
    gate_buf_reset(b);
    gate_buf_adds(b, schema);
    gate_buf_addc(b, '\0');
    gate_buf_adds(b, name);
}

/* Index (into p->tables) of table schema.name, or -1: a hashed lookup. */
static long table_index(const struct plan_state *st, const char *schema, const char *name)
{
    struct gate_buf b = {0};
    const struct gate_hmap_entry *e;

    if (!schema || !name)
        return -1;
    table_key(&b, schema, name);
    e = gate_hmap_find(&st->table_index, b.data, b.len);
    gate_buf_release(&b);
    return e ? (long)e->num - 1 : -1;
}

static struct gate_plan_table *find_table(const struct plan_state *st, const char *schema,
                                          const char *name)
{
    long i = table_index(st, schema, name);

    return i >= 0 ? &st->p->tables[i] : NULL;
}

static void note_table(struct plan_state *st, const struct gate_qname *q, bool created)
{
    struct gate_run_plan *p = st->p;
    const char *schema;
    struct gate_plan_table *t;

    if (!q || !q->name || !*q->name)
        return;
    schema = q->schema ? q->schema : st->run->target->schema;
    if (find_table(st, schema, q->name))
        return;
    GATE_ARENA_GROW(&st->run->arena, p->tables, st->captables, p->ntables, p->ntables + 1);
    {
        struct gate_buf b = {0};

        table_key(&b, schema, q->name);
        gate_hmap_upsert(&st->table_index, b.data, b.len, NULL)->num = p->ntables + 1;
        gate_buf_release(&b);
    }
    t = &p->tables[p->ntables++];
    memset(t, 0, sizeof(*t));
    t->schema = gate_arena_strdup(&st->run->arena, schema);
    t->name = gate_arena_strdup(&st->run->arena, q->name);
    t->rows = -1;
    t->bytes = -1;
    t->exists = !created; /* confirmed against the catalog below */
}

/* The relations statement st names (tables, and the table of an index or FK). */
static void note_stmt(struct plan_state *st, const struct gate_stmt *s)
{
    switch (s->kind) {
    case GATE_STMT_CREATE_TABLE:
    case GATE_STMT_CREATE_TABLE_AS:
        note_table(st, &s->rel, true);
        break;
    case GATE_STMT_ALTER_TABLE:
        if (s->obj == GATE_OBJ_TABLE || s->obj == GATE_OBJ_OTHER)
            note_table(st, &s->rel, false);
        for (int i = 0; i < s->ncmds; i++) {
            if (s->cmds[i].cons)
                note_table(st, &s->cmds[i].cons->ref, false);
        }
        break;
    case GATE_STMT_CREATE_INDEX:
    case GATE_STMT_DELETE:
    case GATE_STMT_UPDATE:
    case GATE_STMT_INSERT:
    case GATE_STMT_CLUSTER:
    case GATE_STMT_VACUUM:
        note_table(st, &s->rel, false);
        break;
    case GATE_STMT_RENAME:
        if (s->obj == GATE_OBJ_TABLE || s->obj == GATE_OBJ_COLUMN || s->obj == GATE_OBJ_CONSTRAINT)
            note_table(st, &s->rel, false);
        break;
    case GATE_STMT_DROP:
        if (s->obj == GATE_OBJ_TABLE)
            for (int i = 0; i < s->nobjects; i++)
                note_table(st, &s->objects[i], false);
        break;
    case GATE_STMT_TRUNCATE:
        for (int i = 0; i < s->nobjects; i++)
            note_table(st, &s->objects[i], false);
        break;
    default:
        break;
    }
}

static long long to_ll(const char *s)
{
    char *end;
    long long v;

    if (!s)
        return -1;
    v = strtoll(s, &end, 10);
    return end == s ? -1 : v;
}

/* The plan's table schemas (or names) as one quoted text[] literal: '{"a","b"}'. */
static void array_literal(struct gate_buf *sql, const struct gate_run_plan *p, bool schemas)
{
    struct gate_buf a = {0};
    char *q;

    gate_buf_addc(&a, '{');
    for (size_t i = 0; i < p->ntables; i++) {
        const char *v = schemas ? p->tables[i].schema : p->tables[i].name;

        if (i)
            gate_buf_addc(&a, ',');
        gate_buf_addc(&a, '"');
        for (; *v; v++) {
            if (*v == '"' || *v == '\\')
                gate_buf_addc(&a, '\\');
            gate_buf_addc(&a, *v);
        }
        gate_buf_addc(&a, '"');
    }
    gate_buf_addc(&a, '}');
    q = gate_db_quote_literal(gate_buf_str(&a));
    gate_buf_adds(sql, q);
    free(q);
    gate_buf_release(&a);
}

/*
 * Sizes of the noted tables: one catalog query for the whole plan. Rows:
 * the planner's estimate (reltuples, kept current by autovacuum/ANALYZE);
 * n_live_tup only for a table never analyzed (reltuples -1), as it can
 * double-count rows inserted in the session that ran ANALYZE.
 */
static enum gate_code measure_tables(struct plan_state *st, struct gate_db *db,
                                     struct gate_err *err)
{
    struct gate_run_plan *p = st->p;
    struct gate_buf sql = {0};
    struct gate_db_result *r = NULL;
    enum gate_code rc;

    if (!p->ntables)
        return GATE_OK;
    /* the size functions lock each table: never wait long for one an ALTER holds */
    gate_buf_adds(&sql, "SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '30s'; "
                        "SELECT n.nspname, c.relname, "
                        "(CASE WHEN c.reltuples >= 0 THEN c.reltuples "
                        "ELSE COALESCE(s.n_live_tup, 0) END)::bigint, "
                        "pg_total_relation_size(c.oid), c.relkind IN ('r', 'p'), "
                        "c.relrowsecurity "
                        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
                        "JOIN unnest(");
    /*
     * The names go in as two array literals, one value each for the
     * parser: an IN list of (schema, name) rows grows the parse tree with
     * every table, and 10,000 of them overflow PostgreSQL's stack.
     */
    array_literal(&sql, p, true);
    gate_buf_adds(&sql, "::text[], ");
    array_literal(&sql, p, false);
    gate_buf_adds(&sql, "::text[]) AS w(s, n) ON w.s = n.nspname AND w.n = c.relname");
    rc = gate_db_exec(db, gate_buf_str(&sql), &r, err);
    gate_buf_release(&sql);
    if (rc)
        return rc;
    for (size_t i = 0; i < p->ntables; i++)
        p->tables[i].exists = false;
    for (int i = 0; r && i < gate_db_result_rows(r); i++) {
        struct gate_plan_table *t =
            find_table(st, gate_db_result_value(r, i, 0), gate_db_result_value(r, i, 1));

        if (!t)
            continue;
        if (!gate_db_result_value(r, i, 4) || strcmp(gate_db_result_value(r, i, 4), "t") != 0) {
            t->other = true; /* a view, sequence, index ...: not measured, never "absent" */
            continue;
        }
        t->exists = true;
        /* row-level security may hide rows from this role: never probed for emptiness */
        t->rls = !gate_db_result_value(r, i, 5) || strcmp(gate_db_result_value(r, i, 5), "f") != 0;
        t->rows = to_ll(gate_db_result_value(r, i, 2));
        t->bytes = to_ll(gate_db_result_value(r, i, 3));
        t->large = t->rows > p->large_table_rows;
    }
    gate_db_result_free(r);
    return GATE_OK;
}

/* Keep the lowest index of table schema.name (s, n: len bytes each) in *best. */
static void table_candidate(const struct plan_state *st, const char *s, size_t slen, const char *n,
                            size_t nlen, long *best)
{
    char *schema = gate_xstrndup(s, slen);
    char *name = gate_xstrndup(n, nlen);
    long i = table_index(st, schema, name);

    if (i >= 0 && (*best < 0 || i < *best))
        *best = i;
    free(schema);
    free(name);
}

/*
 * The finding's table (x, s.x, "x" or "s"."x") among the measured ones:
 * every reading of the text is looked up, and the first noted table that
 * any reading names wins.
 */
static const struct gate_plan_table *table_of(const struct plan_state *st, const char *quoted)
{
    const char *here = st->run->target->schema;
    size_t len;
    long best = -1;

    if (!quoted)
        return NULL;
    len = strlen(quoted);
    /* x and "x": a table of the target's schema */
    table_candidate(st, here, strlen(here), quoted, len, &best);
    if (len >= 2 && quoted[0] == '"' && quoted[len - 1] == '"')
        table_candidate(st, here, strlen(here), quoted + 1, len - 2, &best);
    for (size_t i = 0; i < len; i++) {
        if (quoted[i] != '.')
            continue;
        /* s.x */
        table_candidate(st, quoted, i, quoted + i + 1, len - i - 1, &best);
        /* "s"."x" */
        if (i >= 2 && i + 2 < len && quoted[0] == '"' && quoted[i - 1] == '"' &&
            quoted[i + 1] == '"' && quoted[len - 1] == '"')
            table_candidate(st, quoted + 1, i - 2, quoted + i + 2, len - i - 3, &best);
    }
    return best >= 0 ? &st->p->tables[best] : NULL;
}

/* ------------------------------------------------------------ rating */

/*
 * Risk at plan time is rated against what the target holds, statement by
 * statement (live_apply below walks the pending migrations in order):
 *
 *   - a table (or type) created earlier in this plan, or one the target
 *     does not have, is new: no rows to lose, no lock anyone waits on,
 *     no running release that uses it. Its lock, rewrite, data-loss,
 *     data-dependent and breaking findings are rated low.
 *   - a table the target has and holds no row (checked exactly:
 *     SELECT EXISTS (SELECT 1 FROM it), never an estimate) has nothing to
 *     lose, lock for long or rewrite: its lock, rewrite, data-loss and
 *     data-dependent findings are rated low; the running release still
 *     uses it, so dropping it or one of its columns, changing a column's
 *     type or removing an enum value stays high, and breaking findings
 *     keep their risk.
 *   - a table the plan may have written rows into before the finding's
 *     statement keeps the risk lint gives: INSERT, COPY or MERGE into it,
 *     CREATE TABLE ... AS, ATTACH PARTITION of a table with rows (also
 *     inside DO blocks and function bodies); a CALL, a top-level SELECT, a
 *     MERGE or a DO block whose SQL the gate cannot read (EXECUTE of a
 *     computed string) counts as writing into every table.
 *   - a table the target has with more than risk.large_table_rows rows
 *     (estimate) gets its lock and rewrite findings raised a level.
 */

static const char *target_schema(const struct plan_state *st, const char *schema)
{
    return schema ? schema : st->run->target->schema;
}

/* The newest entry named q (dropped ones included), or NULL. */
static struct live_rel *live_lookup(struct plan_state *st, const struct gate_qname *q, bool type)
{
    const char *schema = target_schema(st, q->schema);

    for (size_t i = st->nlive; i-- > 0;) {
        struct live_rel *r = &st->live[i];

        if (r->type == type && !strcmp(r->name, q->name) && !strcmp(r->schema, schema))
            return r;
    }
    return NULL;
}

static struct live_rel *live_add(struct plan_state *st, const struct gate_qname *q, bool type,
                                 enum live_origin origin)
{
    struct live_rel *r;

    GATE_GROW(st->live, st->caplive, st->nlive + 1);
    r = &st->live[st->nlive++];
    memset(r, 0, sizeof(*r));
    r->schema = gate_arena_strdup(&st->run->arena, target_schema(st, q->schema));
    r->name = gate_arena_strdup(&st->run->arena, q->name);
    r->tschema = r->schema;
    r->tname = r->name;
    r->origin = origin;
    r->type = type;
    r->filled = origin == LIVE_TARGET && st->taint_all;
    return r;
}

/* The table q as the plan has it now: the target's when the plan has not touched the name. */
static struct live_rel *live_get(struct plan_state *st, const struct gate_qname *q, bool type)
{
    struct live_rel *r;

    if (!q || !q->name || !*q->name)
        return NULL;
    r = live_lookup(st, q, type);
    if (!r)
        r = live_add(st, q, type, LIVE_TARGET);
    return r->dropped ? NULL : r;
}

static void live_taint_all(struct plan_state *st)
{
    st->taint_all = true;
    for (size_t i = 0; i < st->nlive; i++)
        st->live[i].filled = true;
}

static void live_fill(struct plan_state *st, const struct gate_qname *q)
{
    struct live_rel *r = live_get(st, q, false);

    if (r)
        r->filled = true;
}

static void live_create(struct plan_state *st, const struct gate_stmt *s, bool type, bool filled)
{
    struct live_rel *r;

    if (!s->rel.name || s->temp)
        return;
    r = live_lookup(st, &s->rel, type);
    if (s->missing_ok && r && !r->dropped)
        return; /* IF NOT EXISTS on a table the plan already has: nothing happens */
    r = live_add(st, &s->rel, type, s->missing_ok && !r ? LIVE_PLAN_IF_NEW : LIVE_PLAN);
    r->filled = filled;
}

static void live_rename(struct plan_state *st, const struct gate_stmt *s, bool type)
{
    struct live_rel *r = s->newname ? live_get(st, &s->rel, type) : NULL;
    size_t idx;

    if (!r)
        return;
    idx = (size_t)(r - st->live);
    live_add(st, &s->rel, type, LIVE_TARGET)->dropped = true; /* the old name is gone */
    st->live[idx].name = gate_arena_strdup(&st->run->arena, s->newname);
}

/* Statement s of file (index idx) runs: what it does to the plan's tables. */
static void live_apply(struct plan_state *st, const struct gate_sql_file *file, int idx)
{
    const struct gate_stmt *s = &file->stmts[idx];
    bool in_function = s->depth > 0 && s->parent >= 0 && s->parent < file->nstmts &&
                       file->stmts[s->parent].kind == GATE_STMT_CREATE_FUNCTION;

    switch (s->kind) {
    case GATE_STMT_INSERT:
    case GATE_STMT_COPY:
        live_fill(st, &s->rel); /* in a function body too: it may run later in the plan */
        return;
    default:
        break;
    }
    if (in_function)
        return; /* DDL in a function body runs when the function is called */
    switch (s->kind) {
    case GATE_STMT_CALL:
        live_taint_all(st);
        break;
    case GATE_STMT_SELECT:
        if (!s->depth)
            live_taint_all(st); /* a top-level SELECT runs functions: they may write */
        break;
    case GATE_STMT_DO:
        if (s->opaque)
            live_taint_all(st);
        break;
    case GATE_STMT_OTHER:
        if (s->node && !strcmp(s->node, "MergeStmt"))
            live_taint_all(st);
        break;
    case GATE_STMT_CREATE_TABLE:
        live_create(st, s, false, false);
        break;
    case GATE_STMT_CREATE_TABLE_AS:
        live_create(st, s, false, true);
        break;
    case GATE_STMT_CREATE_ENUM:
    case GATE_STMT_CREATE_TYPE:
        live_create(st, s, true, false);
        break;
    case GATE_STMT_DROP:
        for (int i = 0; i < s->nobjects; i++) {
            struct live_rel *r = NULL;

            if (s->obj == GATE_OBJ_TABLE || s->obj == GATE_OBJ_VIEW || s->obj == GATE_OBJ_MATVIEW)
                r = live_get(st, &s->objects[i], false);
            else if (s->obj == GATE_OBJ_TYPE)
                r = live_get(st, &s->objects[i], true);
            if (r)
                r->dropped = true;
        }
        break;
    case GATE_STMT_RENAME:
        if (s->obj == GATE_OBJ_TABLE || s->obj == GATE_OBJ_VIEW || s->obj == GATE_OBJ_MATVIEW)
            live_rename(st, s, false);
        else if (s->obj == GATE_OBJ_TYPE)
            live_rename(st, s, true);
        break;
    case GATE_STMT_ALTER_TABLE:
        for (int i = 0; i < s->ncmds; i++) {
            const struct gate_alter_cmd *c = &s->cmds[i];
            struct gate_qname child = {s->rel.schema, c->name};
            struct live_rel *part, *parent;
            bool empty_part;

            if (c->kind != GATE_ALTER_ATTACH_PARTITION)
                continue;
            part = c->name ? live_get(st, &child, false) : NULL;
            empty_part = part && part->origin == LIVE_PLAN && !part->filled;
            parent = live_get(st, &s->rel, false);
            if (parent && !empty_part)
                parent->filled = true;
        }
        break;
    default:
        break;
    }
}

/*
 * The name a finding's table string refers to, qualified as its statement
 * wrote it. Returns true when the statement names that table itself;
 * false when the schema is a guess (the target's), e.g. the table of an
 * index the statement drops.
 */
static bool finding_qname(struct plan_state *st, const struct gate_stmt *s, const char *table,
                          struct gate_qname *q)
{
    const char *e;

    q->schema = NULL;
    q->name = table;
    if (s->rel.name && !strcmp(s->rel.name, table)) {
        *q = s->rel;
        return true;
    }
    for (int i = 0; i < s->nobjects; i++) {
        if (s->objects[i].name && !strcmp(s->objects[i].name, table)) {
            *q = s->objects[i];
            return true;
        }
    }
    if (table[0] != '"') /* "t" or "s"."t", as gate_lint_qname writes it */
        return false;
    e = strchr(table + 1, '"');
    if (!e)
        return false;
    if (e[1] == '.' && e[2] == '"' && strchr(e + 3, '"')) {
        q->schema = gate_arena_strndup(&st->run->arena, table + 1, (size_t)(e - table - 1));
        q->name =
            gate_arena_strndup(&st->run->arena, e + 3, (size_t)(strchr(e + 3, '"') - (e + 3)));
        return true;
    }
    q->name = gate_arena_strndup(&st->run->arena, table + 1, (size_t)(e - table - 1));
    return false;
}

/* Does statement s name an object in a schema other than the target's? */
static bool other_schema(const struct plan_state *st, const struct gate_stmt *s)
{
    const char *here = st->run->target->schema;

    if (s->rel.schema && strcmp(s->rel.schema, here) != 0)
        return true;
    for (int i = 0; i < s->nobjects; i++) {
        if (s->objects[i].schema && strcmp(s->objects[i].schema, here) != 0)
            return true;
    }
    return false;
}

/*
 * enum-value-removal (reported at the CREATE TYPE of Prisma's enum swap)
 * names one table but covers every column retyped to the new enum later
 * in the file: rate it only when that is one table, or when each of them
 * is created earlier in the plan and not filled.
 */
static bool enum_swap_ratable(struct plan_state *st, const struct gate_sql_file *file, int idx)
{
    const struct gate_stmt *cr = &file->stmts[idx];
    const char *first = NULL;
    bool several = false, all_new = true;

    for (int k = idx + 1; k < file->nstmts; k++) {
        const struct gate_stmt *s = &file->stmts[k];

        if (s->kind != GATE_STMT_ALTER_TABLE || !s->rel.name)
            continue;
        for (int c = 0; c < s->ncmds; c++) {
            const struct gate_alter_cmd *cmd = &s->cmds[c];
            struct live_rel *r;

            if (cmd->kind != GATE_ALTER_COLUMN_TYPE || !cmd->newtype.name || !cr->rel.name ||
                strcmp(cmd->newtype.name, cr->rel.name) != 0)
                continue;
            r = live_lookup(st, &s->rel, false);
            if (!r || r->dropped || r->origin != LIVE_PLAN || r->filled)
                all_new = false;
            if (!first)
                first = s->rel.name;
            else if (strcmp(first, s->rel.name) != 0)
                several = true;
        }
    }
    return !several || all_new;
}

/* Remember finding f of statement s, with its table as the plan has it before s runs. */
static void rating_add(struct plan_state *st, struct gate_migration *m, struct gate_finding *f,
                       const struct gate_sql_file *file, int idx)
{
    const struct gate_stmt *s = &file->stmts[idx];
    struct gate_qname q;
    struct live_rel *r;
    struct rating *x;
    bool type = false, exact = true;

    if (s->depth > 0 && s->parent >= 0 && s->parent < file->nstmts &&
        file->stmts[s->parent].kind == GATE_STMT_CREATE_FUNCTION)
        return; /* runs when the function is called, against tables as they are then */
    if (!strcmp(f->rule, "enum-value-removal") && !enum_swap_ratable(st, file, idx))
        return;
    if (s->kind == GATE_STMT_TRUNCATE && s->cascade)
        return; /* also empties every table that references it, new or not */
    if (f->category != GATE_CAT_LOCK && f->category != GATE_CAT_REWRITE &&
        f->category != GATE_CAT_DATA_LOSS && f->category != GATE_CAT_DATA_DEPENDENT &&
        f->category != GATE_CAT_BREAKING)
        return;
    if (f->table) {
        exact = finding_qname(st, s, f->table, &q);
        if (!exact && other_schema(st, s))
            return; /* the table may be in that schema: do not guess */
    } else if (s->kind == GATE_STMT_RENAME && s->obj == GATE_OBJ_TYPE && s->rel.name) {
        q = s->rel;
        type = true;
    } else {
        return;
    }
    r = live_get(st, &q, type);
    if (!r)
        return;
    GATE_GROW(st->ratings, st->capratings, st->nratings + 1);
    x = &st->ratings[st->nratings++];
    x->m = m;
    x->f = f;
    x->at = *r;
    x->exact = exact;
    if (!type && x->at.origin != LIVE_PLAN) {
        struct gate_qname tq = {x->at.tschema, x->at.tname};

        note_table(st, &tq, false); /* measured with the plan's other tables */
    }
}

/* Walk one pending migration: its findings against the state before their statement. */
static void rate_file(struct plan_state *st, struct gate_migration *m,
                      const struct gate_sql_file *file)
{
    enum gate_risk base = GATE_RISK_NONE;

    for (int i = 0; i < file->nstmts; i++) {
        enum gate_risk b = gate_lint_stmt_risk(&file->stmts[i]);

        if (b > base)
            base = b;
        for (size_t k = 0; k < m->nfindings; k++) {
            if (m->findings[k].stmt == i)
                rating_add(st, m, &m->findings[k], file, i);
        }
        live_apply(st, file, i);
    }
    GATE_GROW(st->base, st->capbase, st->nbase + 1);
    st->base[st->nbase++] = base;
}

/* Emptiness of the target tables that a rating could soften: exact, one probe each. */
static void probe_empty(struct plan_state *st, struct gate_db *db)
{
    for (size_t i = 0; i < st->nratings; i++) {
        const struct rating *x = &st->ratings[i];
        struct gate_plan_table *t;
        struct gate_db_result *r = NULL;
        struct gate_err err = {0};
        char *qs, *qn, *sql;

        if (x->at.type || x->at.filled || x->at.origin == LIVE_PLAN ||
            x->f->risk <= GATE_RISK_LOW || x->f->category == GATE_CAT_BREAKING)
            continue;
        t = find_table(st, x->at.tschema, x->at.tname);
        if (!t || !t->exists || t->probed || t->rls)
            continue;
        t->probed = true;
        qs = gate_db_quote_ident(t->schema);
        qn = gate_db_quote_ident(t->name);
        sql = gate_xasprintf("SET LOCAL lock_timeout = '2s'; SET LOCAL statement_timeout = '10s'; "
                             "SELECT EXISTS (SELECT 1 FROM %s.%s)",
                             qs, qn);
        /* a failure (lock held, no privilege) leaves it "not known empty": full risk */
        if (gate_db_exec(db, sql, &r, &err) == GATE_OK && r && gate_db_result_rows(r) == 1 &&
            gate_db_result_value(r, 0, 0) && !strcmp(gate_db_result_value(r, 0, 0), "f"))
            t->empty = true;
        else if (err.code)
            t->probed = false;
        gate_db_result_free(r);
        free(sql);
        free(qs);
        free(qn);
    }
}

/* The rules whose hazard stays on an empty table: the running release still uses its shape. */
static bool shape_rule(const char *rule)
{
    static const char *const rules[] = {"ban-drop-table", "ban-drop-column", "changing-column-type",
                                        "enum-value-removal"};

    for (size_t i = 0; i < GATE_ARRAY_SIZE(rules); i++) {
        if (!strcmp(rule, rules[i]))
            return true;
    }
    return false;
}

static bool policy_sets_severity(const struct plan_state *st, const char *rule)
{
    const struct gate_policy *pol = st->opts->pol;

    for (size_t i = 0; i < pol->lint.nrules; i++) {
        if (!strcmp(pol->lint.rules[i].id, rule))
            return pol->lint.rules[i].has_severity;
    }
    return false;
}

/* Rate f at risk to (lower or higher than lint's), saying why. */
static void rerate(struct plan_state *st, struct gate_finding *f, enum gate_risk to,
                   const char *why)
{
    struct gate_run *run = st->run;
    bool up = to > f->risk;

    if (!f->rerated) {
        f->rerated = true;
        f->lint_risk = f->risk;
    }
    f->risk = to;
    f->risk_reason = gate_arena_strdup(&run->arena, why);
    if (up)
        f->message = gate_arena_printf(&run->arena, "%s (raised to %s: %s)", f->message,
                                       gate_risk_name(to), why);
    else
        f->message = gate_arena_printf(&run->arena, "%s (rated %s at plan time: %s)", f->message,
                                       gate_risk_name(to), why);
    if (!policy_sets_severity(st, f->rule)) {
        if (up && f->severity < GATE_SEV_ERROR && f->risk >= run->fail_on)
            f->severity = GATE_SEV_ERROR;
        else if (!up && f->severity == GATE_SEV_ERROR && f->risk < run->fail_on)
            f->severity = GATE_SEV_WARNING;
    }
}

static void raise_one(struct plan_state *st, struct gate_finding *f,
                      const struct gate_plan_table *t)
{
    char why[1024];

    if (f->category != GATE_CAT_LOCK && f->category != GATE_CAT_REWRITE)
        return;
    if (!t || !t->large || f->risk >= GATE_RISK_CRITICAL)
        return;
    (void)snprintf(why, sizeof(why), "%s has about %lld rows, above risk.large_table_rows %lld",
                   f->table, t->rows, st->p->large_table_rows);
    rerate(st, f, (enum gate_risk)(f->risk + 1), why);
    st->p->raised++;
}

static void soften(struct plan_state *st, struct gate_finding *f, enum gate_risk to,
                   const char *why)
{
    if (to >= f->risk)
        return;
    rerate(st, f, to, why);
    st->p->softened++;
}

/*
 * A finding that fails only when the table has rows ("fails if the table
 * has rows") gets the target's live count: "(now: about 201 rows)", or
 * "(now: empty)" when probed empty.
 */
static void row_fact(struct plan_state *st, struct gate_finding *f, const struct gate_plan_table *t)
{
    if (!strstr(f->message, "fails if the table has rows"))
        return;
    if (t->probed && t->empty)
        f->message = gate_arena_printf(&st->run->arena, "%s (the target's \"%s\" is empty now)",
                                       f->message, t->name);
    else if (t->rows >= 0)
        f->message =
            gate_arena_printf(&st->run->arena, "%s (the target's \"%s\" has about %lld row%s now)",
                              f->message, t->name, t->rows, t->rows == 1 ? "" : "s");
}

static void rate_one(struct plan_state *st, const struct rating *x)
{
    struct gate_finding *f = x->f;
    const struct gate_plan_table *t = NULL;
    enum live_origin origin = x->at.origin;
    char why[1024];

    if (!x->at.type && origin != LIVE_PLAN) {
        t = find_table(st, x->at.tschema, x->at.tname);
        if (origin == LIVE_PLAN_IF_NEW)
            origin = t && (t->exists || t->other) ? LIVE_TARGET : LIVE_PLAN;
    }
    if (t && t->exists && !t->other && origin != LIVE_PLAN)
        row_fact(st, f, t);
    if (x->at.filled) {
        if (origin == LIVE_TARGET)
            raise_one(st, f, t);
        return;
    }
    if (origin == LIVE_PLAN) {
        (void)snprintf(why, sizeof(why),
                       x->at.type ? "type \"%s\" is created earlier in this plan: the running "
                                    "release does not use it"
                                  : "table \"%s\" is created earlier in this plan: it holds no "
                                    "rows and the running release does not use it",
                       x->at.name);
        soften(st, f, GATE_RISK_LOW, why);
    } else if (x->at.type || !t) {
        return; /* a type of the target, or a table that was not measured: lint's risk */
    } else if (!t->exists && !t->other && x->exact) {
        (void)snprintf(why, sizeof(why),
                       "the target has no table \"%s\": it holds no rows and the running "
                       "release does not use it",
                       x->at.tname);
        soften(st, f, GATE_RISK_LOW, why);
    } else if (t->exists && t->probed && t->empty) {
        bool shape = shape_rule(f->rule);

        if (f->category == GATE_CAT_BREAKING)
            return;
        (void)snprintf(why, sizeof(why),
                       shape ? "the target's \"%s\" table is empty: no rows to lose or rewrite, "
                               "but the running release still uses it"
                             : "the target's \"%s\" table is empty: no rows to lose, lock for "
                               "long or rewrite",
                       x->at.tname);
        soften(st, f, shape ? GATE_RISK_HIGH : GATE_RISK_LOW, why);
    } else if (t->exists) {
        raise_one(st, f, t);
    }
}

static bool rated(const struct plan_state *st, const struct gate_finding *f)
{
    for (size_t i = 0; i < st->nratings; i++) {
        if (st->ratings[i].f == f)
            return true;
    }
    return false;
}

/*
 * Every finding rated against the target; findings the walk could not tie
 * to a table keep lint's risk, raised for a large table as before.
 */
static void rate_findings(struct plan_state *st)
{
    struct gate_run *run = st->run;

    for (size_t i = 0; i < st->nratings; i++)
        rate_one(st, &st->ratings[i]);
    for (size_t i = 0; i < run->nmigrations; i++) {
        struct gate_migration *m = run->migrations[i];

        for (size_t k = 0; k < m->nfindings; k++) {
            struct gate_finding *f = &m->findings[k];

            if (!rated(st, f))
                raise_one(st, f, table_of(st, f->table));
        }
    }
}

/* ------------------------------------------------------------ lint */

/*
 * The major version in the server's server_version ("15.18", "10.23",
 * "17beta1", "9.6.24" is 9); 0 when it does not start with a number.
 */
static int server_major(const char *v)
{
    int n = 0;

    if (!v)
        return 0;
    for (; *v >= '0' && *v <= '9' && n < 1000; v++)
        n = n * 10 + (*v - '0');
    return n;
}

static void lint_pending(struct plan_state *st)
{
    struct gate_run *run = st->run;
    const struct gate_policy *pol = st->opts->pol;
    struct gate_lint_opts lo = {0};
    struct gate_linter *l;

    lo.fail_on = run->fail_on;
    lo.hygiene_on_generated = pol->lint.hygiene_on_generated;
    lo.rules = pol->lint.rules;
    lo.nrules = pol->lint.nrules;
    /* the server the migrations will run on, not the policy's expectation */
    lo.pg_version = server_major(st->p->server_version);
    if (!lo.pg_version)
        lo.pg_version = pol->postgres.version;
    l = gate_linter_new(&lo);
    for (size_t i = 0; i < st->res.n; i++) {
        const struct gate_hist_entry *e = &st->res.entries[i];
        const struct gate_migration_dir *d;
        struct gate_sql_file file;
        struct gate_err err = {0};
        struct gate_migration *m;

        if (e->local < 0)
            continue;
        d = &st->lm.list.items[e->local];
        if (e->state != GATE_MSTATE_PENDING) {
            struct gate_migration dummy;

            if (e->state == GATE_MSTATE_FAILED)
                continue; /* what it did is unknown: do not replay it */
            memset(&dummy, 0, sizeof(dummy));
            gate_lint_source(l, run, &dummy, st->lm.data[e->local], st->lm.lens[e->local], true);
            continue;
        }
        m = gate_run_add_migration(run, e->name, d->sql_path);
        m->state = GATE_MSTATE_PENDING;
        memcpy(m->checksum, st->lm.locals[e->local].sums.sum[0], sizeof(m->checksum));
        if (e->only_rolled_back)
            m->note = gate_arena_printf(&run->arena,
                                        "rolled back before (%zu attempt%s): deploy applies it "
                                        "again",
                                        e->nrows, e->nrows == 1 ? "" : "s");
        else if (e->out_of_order)
            m->note = "sorts before a migration the database already has: deploy applies it "
                      "out of order";
        memset(&file, 0, sizeof(file));
        if (gate_sql_parse(st->lm.data[e->local], st->lm.lens[e->local], &file, &err) != GATE_OK) {
            gate_lint_failed(l, run, m, err.msg, false);
            live_taint_all(st); /* what it does is unknown */
            GATE_GROW(st->base, st->capbase, st->nbase + 1);
            st->base[st->nbase++] = GATE_RISK_NONE;
        } else {
            for (int k = 0; k < file.nstmts; k++)
                note_stmt(st, &file.stmts[k]);
            gate_lint_parsed(l, run, m, st->lm.data[e->local], st->lm.lens[e->local], &file, false);
            rate_file(st, m, &file);
        }
        gate_sql_file_release(&file);
    }
    gate_linter_free(l);
}

/* ------------------------------------------------------------ history */

static void history_problems(struct plan_state *st)
{
    const struct gate_hist_db *hdb = &st->hdb;

    if (!hdb->has_table && hdb->other_tables)
        problem(st,
                "the database has %ld table%s (%s) but no _prisma_migrations: Prisma refuses "
                "to deploy (P3005); baseline it first (https://pris.ly/d/migrate-baseline)",
                hdb->other_tables, hdb->other_tables == 1 ? "" : "s",
                hdb->other_sample ? hdb->other_sample : "?");
    for (size_t i = 0; i < st->res.n; i++) {
        const struct gate_hist_entry *e = &st->res.entries[i];

        switch (e->state) {
        case GATE_MSTATE_FAILED: {
            char *prisma = gate_policy_prisma_cmd(st->opts->pol);

            problem(st,
                    "migration %s failed earlier and is not resolved: Prisma refuses to deploy "
                    "(P3009); run `%s migrate resolve --rolled-back %s` once what it "
                    "changed is undone, or `--applied %s` if it was finished by hand",
                    e->name, prisma, gate_shell_quote(&st->run->arena, e->name),
                    gate_shell_quote(&st->run->arena, e->name));
            free(prisma);
            break;
        }
        case GATE_MSTATE_MODIFIED:
            problem(st,
                    "migration %s was edited after it was applied: restore the applied version "
                    "and put the change into a new migration",
                    e->name);
            break;
        case GATE_MSTATE_MISSING_LOCALLY:
            problem(st,
                    "migration %s is in the database but not on disk: deploy from a checkout "
                    "that has it",
                    e->name);
            break;
        default:
            break;
        }
    }
}

/*
 * What `prisma migrate deploy` would use (prisma_cli.h): with something
 * pending, a folder, schema or config that can differ from the plan
 * refuses it; with nothing pending (Prisma is not run) it is a warning.
 * So does a hostaddr= in the target's URL that is not an address its host
 * name resolves to. Also the target's identity as the server reports it.
 */
static void prisma_problems(struct plan_state *st, struct gate_db *db,
                            const struct gate_db_url *url, const char *dir)
{
    struct gate_run *run = st->run;
    struct gate_prisma_use *u = gate_arena_alloc(&run->arena, sizeof(*u));
    struct gate_db_identity id;
    struct gate_err err = {0};

    /* hostaddr= reaches a server Prisma (which ignores it) may not: as deploy refuses it */
    if (gate_db_url_check_hostaddr(url, &err)) {
        if (st->p->pending)
            problem(st, "%s: %s", st->opts->url_env ? st->opts->url_env : "the target's URL",
                    err.msg);
        else
            gate_run_add_check(run, "deploy.database", GATE_STATUS_WARN, err.msg);
        gate_err_clear(&err);
    }
    gate_prisma_resolve(st->opts->pol, dir, &run->arena, u);
    st->p->prisma = u;
    for (size_t i = 0; i < u->nproblems; i++) {
        if (st->p->pending)
            problem(st, "%s", u->problems[i]);
        else
            gate_run_add_check(run, "prisma.migrations", GATE_STATUS_WARN, u->problems[i]);
    }
    for (size_t i = 0; i < u->nnotes; i++)
        gate_run_add_check(run, "prisma.config", GATE_STATUS_WARN, u->notes[i]);
    if (!u->nproblems && u->migrations)
        gate_run_add_check(run, "prisma.migrations", GATE_STATUS_PASS,
                           gate_arena_printf(&run->arena,
                                             "Prisma will use the planned folder %s (%s)%s%s", dir,
                                             u->migrations_from, u->config ? "; config " : "",
                                             u->config ? u->config : ""));
    if (!gate_db_identity(db, &id, &err)) {
        run->target->system_identifier = gate_arena_strdup(&run->arena, id.system_identifier);
        run->target->server_port = id.port;
        run->target->server_database = gate_arena_strdup(&run->arena, id.database);
        run->target->server_addr = gate_arena_strdup(&run->arena, id.addr);
    }
}

void gate_plan_set_target(struct gate_run *run, const struct gate_plan_opts *opts,
                          const struct gate_db_url *url)
{
    struct gate_target *t = gate_arena_alloc(&run->arena, sizeof(*t));

    t->name = opts->target_name ? gate_arena_strdup(&run->arena, opts->target_name) : NULL;
    t->url_env = opts->url_env ? gate_arena_strdup(&run->arena, opts->url_env) : NULL;
    t->host = gate_arena_strdup(&run->arena, url->host);
    t->port = url->port;
    t->database = gate_arena_strdup(&run->arena, url->database);
    t->schema = gate_arena_strdup(&run->arena, gate_db_url_schema(url));
    t->user = gate_arena_strdup(&run->arena, url->user);
    run->target = t;
}

static void decide(struct plan_state *st)
{
    struct gate_run *run = st->run;
    struct gate_run_plan *p = st->p;
    struct gate_plan_item *items = gate_xcalloc(run->nmigrations + 1, sizeof(*items));
    char *canon;

    enum gate_risk honored_max = GATE_RISK_NONE;

    p->max_risk = GATE_RISK_NONE;
    for (size_t i = 0; i < run->nmigrations; i++) {
        struct gate_migration *m = run->migrations[i];
        enum gate_risk base = i < st->nbase ? st->base[i] : m->risk;
        enum gate_risk honored = gate_plan_migration_risk(m, base, true);

        m->risk = gate_plan_migration_risk(m, base, p->honor_suppressions);
        for (size_t k = 0; k < m->nfindings && !p->honor_suppressions; k++) {
            if (m->findings[k].suppressed && m->findings[k].risk > GATE_RISK_NONE)
                p->suppressed_counted++;
        }
        items[i].name = m->name;
        items[i].checksum = m->checksum;
        items[i].risk = m->risk;
        if (m->risk > p->max_risk)
            p->max_risk = m->risk;
        if (honored > honored_max)
            honored_max = honored;
    }
    run->max_risk = p->max_risk;
    canon = gate_plan_canonical(run->target, items, run->nmigrations, p->max_risk, p->auto_max_risk,
                                p->confirm_max_risk, p->large_table_rows, p->honor_suppressions);
    free(items);
    p->canonical = gate_arena_strdup(&run->arena, canon);
    memcpy(p->digest, "sha256:", 7);
    gate_sha256_hex(canon, strlen(canon), p->digest + 7);
    free(canon);

    p->decision = gate_plan_decide(p->max_risk, p->auto_max_risk, p->confirm_max_risk, p->pending,
                                   p->nproblems);
    p->requires_confirmation = p->decision == GATE_PLAN_CONFIRM;
    {
        struct gate_plan_facts facts = {0};
        char *reason;

        facts.max_risk = p->max_risk;
        facts.auto_max = p->auto_max_risk;
        facts.confirm_max = p->confirm_max_risk;
        facts.honored_max = honored_max;
        facts.pending = p->pending;
        facts.nproblems = p->nproblems;
        facts.first_problem = p->nproblems ? p->problems[0] : NULL;
        facts.signed_tokens = p->signed_tokens;
        reason = gate_plan_reason(p->decision, &facts);
        p->reason = gate_arena_strdup(&run->arena, reason);
        free(reason);
    }
}

char *gate_plan_reason(enum gate_plan_decision d, const struct gate_plan_facts *f)
{
    struct gate_buf b = {0};

    if (d == GATE_PLAN_REFUSED) {
        gate_buf_printf(&b, "the migration history is not deployable: %s",
                        f->first_problem ? f->first_problem : "?");
    } else if (d == GATE_PLAN_NOTHING) {
        gate_buf_adds(&b, "nothing to deploy: every migration is applied");
    } else if (d == GATE_PLAN_AUTO) {
        gate_buf_printf(&b,
                        "max risk %s is within deploy.auto_max_risk (%s): deploys without a "
                        "token",
                        gate_risk_name(f->max_risk), gate_risk_name(f->auto_max));
    } else if (d == GATE_PLAN_CONFIRM) {
        gate_buf_printf(&b,
                        "max risk %s is above deploy.auto_max_risk (%s) and within "
                        "deploy.confirm_max_risk (%s): deploys with a %s confirmation token for "
                        "this plan",
                        gate_risk_name(f->max_risk), gate_risk_name(f->auto_max),
                        gate_risk_name(f->confirm_max), f->signed_tokens ? "signed" : "valid");
    } else {
        gate_buf_printf(&b,
                        "max risk %s is above deploy.confirm_max_risk (%s): the policy blocks "
                        "this deploy, even with a token",
                        gate_risk_name(f->max_risk), gate_risk_name(f->confirm_max));
    }
    if (f->pending && !f->nproblems && f->honored_max < f->max_risk)
        gate_buf_printf(&b,
                        " (suppressed findings count: without them the max risk is %s; "
                        "deploy.honor_suppressions is false)",
                        gate_risk_name(f->honored_max));
    return gate_buf_detach(&b);
}

enum gate_risk gate_plan_migration_risk(const struct gate_migration *m, enum gate_risk base,
                                        bool honor_suppressions)
{
    enum gate_risk risk = base;

    for (size_t k = 0; k < m->nfindings; k++) {
        const struct gate_finding *f = &m->findings[k];

        if ((!f->suppressed || !honor_suppressions) && f->risk > risk)
            risk = f->risk;
    }
    return risk;
}

enum gate_plan_decision gate_plan_decide(enum gate_risk max_risk, enum gate_risk auto_max,
                                         enum gate_risk confirm_max, size_t pending,
                                         size_t nproblems)
{
    if (nproblems)
        return GATE_PLAN_REFUSED;
    if (!pending)
        return GATE_PLAN_NOTHING;
    if (max_risk <= auto_max)
        return GATE_PLAN_AUTO;
    if (max_risk <= confirm_max)
        return GATE_PLAN_CONFIRM;
    return GATE_PLAN_BLOCKED;
}

enum gate_code gate_plan_compute(struct gate_run *run, const struct gate_plan_opts *opts,
                                 const struct gate_db_url *url, struct gate_db *db,
                                 struct gate_err *err)
{
    struct plan_state st;
    const struct gate_policy *pol = opts->pol;
    const char *dir = opts->migrations_dir ? opts->migrations_dir : pol->project.migrations;
    struct gate_run_plan *p;
    bool mismatch;
    enum gate_code rc;

    memset(&st, 0, sizeof(st));
    st.run = run;
    st.opts = opts;
    p = gate_arena_alloc(&run->arena, sizeof(*p));
    memset(p, 0, sizeof(*p));
    st.p = p;
    run->plan = p;
    p->auto_max_risk = pol->deploy.auto_max_risk;
    p->confirm_max_risk = pol->deploy.confirm_max_risk;
    p->large_table_rows = pol->risk.large_table_rows;
    p->honor_suppressions = pol->deploy.honor_suppressions;
    p->signed_tokens = pol->deploy.secret_env && *pol->deploy.secret_env;
    p->token_env = pol->deploy.token_env;
    p->migrations_dir = gate_arena_strdup(&run->arena, dir);
    p->server_version = gate_arena_strdup(&run->arena, gate_db_server_version(db));
    gate_plan_set_target(run, opts, url);

    rc = read_locals(&st, dir, err);
    if (rc)
        goto out;
    mismatch = lock_mismatch(&st);
    rc = gate_history_read(db, run->target->schema, &st.hdb, err);
    if (rc)
        goto out;
    gate_history_classify(st.lm.locals, st.lm.n, &st.hdb, mismatch, &st.res);
    p->applied = st.res.napplied;
    p->pending = st.res.npending;
    history_problems(&st);
    prisma_problems(&st, db, url, dir);
    gate_run_add_check(run, "history.read", GATE_STATUS_PASS,
                       gate_arena_printf(&run->arena,
                                         "%s: %zu applied, %zu pending, %zu failed, %zu edited, "
                                         "%zu missing locally",
                                         st.hdb.has_table ? "_prisma_migrations read"
                                                          : "no _prisma_migrations yet",
                                         st.res.napplied, st.res.npending, st.res.nfailed,
                                         st.res.nmodified, st.res.nmissing));
    if (p->pending)
        lint_pending(&st);
    rc = measure_tables(&st, db, err);
    if (rc)
        goto out;
    probe_empty(&st, db);
    rate_findings(&st);
    decide(&st);
out:
    release(&st);
    if (rc)
        run->plan = NULL; /* no half-computed plan in the reports: the error says it */
    return rc;
}
