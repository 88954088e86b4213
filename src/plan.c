/* SPDX-License-Identifier: MIT */
/*
 * plan.c - the deployment plan (plan.h): pending migrations from the
 * status engine's classification, linted with the applied history
 * replayed first, affected tables measured in pg_class and
 * pg_stat_user_tables, large-table lock and rewrite findings raised, the
 * policy's decision and the plan digest.
 */
#include "gate/compat.h"
#include "gate/plan.h"
#include "gate/buf.h"
#include "gate/digest.h"
#include "gate/fs.h"
#include "gate/history.h"
#include "gate/lint.h"
#include "gate/migrations.h"
#include "gate/msg.h"
#include "gate/prisma_cli.h"
#include "gate/sql.h"
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
                          enum gate_risk confirm_max, long long large_rows)
{
    struct gate_buf b = {0};

    gate_buf_adds(&b, "prisma-gate plan 1\n");
    gate_buf_printf(&b, "target %s %d %s %s\n", t->host ? t->host : "", t->port,
                    t->database ? t->database : "", t->schema ? t->schema : "public");
    for (size_t i = 0; i < n; i++)
        gate_buf_printf(&b, "migration %s %s %s\n", items[i].name, items[i].checksum,
                        gate_risk_name(items[i].risk));
    gate_buf_printf(&b, "max_risk %s\n", gate_risk_name(max_risk));
    gate_buf_printf(&b, "policy %s %s %lld\n", gate_risk_name(auto_max),
                    gate_risk_name(confirm_max), large_rows);
    return gate_buf_detach(&b);
}

/* ------------------------------------------------------------ state */

struct plan_state {
    struct gate_run *run;
    struct gate_run_plan *p;
    const struct gate_plan_opts *opts;
    struct gate_migration_list list;
    struct gate_hist_local *locals;
    char **data;
    size_t *lens;
    struct gate_hist_db hdb;
    struct gate_hist_result res;
    size_t capproblems;
    size_t captables;
};

static void problem(struct plan_state *st, const char *fmt, ...) GATE_PRINTF(2, 3);

static void problem(struct plan_state *st, const char *fmt, ...)
{
    va_list ap;
    char buf[1024];

    va_start(ap, fmt);
    (void)vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (st->p->nproblems >= st->capproblems) {
        size_t cap = st->capproblems ? 2 * st->capproblems : 8;
        const char **np = gate_arena_alloc(&st->run->arena, cap * sizeof(*np));

        if (st->p->nproblems)
            memcpy(np, st->p->problems, st->p->nproblems * sizeof(*np));
        st->p->problems = np;
        st->capproblems = cap;
    }
    st->p->problems[st->p->nproblems++] = gate_arena_strdup(&st->run->arena, buf);
}

static void release(struct plan_state *st)
{
    for (size_t i = 0; i < st->list.n && st->data; i++)
        free(st->data[i]);
    free(st->data);
    free(st->lens);
    free(st->locals);
    gate_hist_result_release(&st->res);
    gate_hist_db_release(&st->hdb);
    gate_migration_list_release(&st->list);
}

static enum gate_code read_locals(struct plan_state *st, const char *dir, struct gate_err *err)
{
    size_t n;

    if (gate_path_kind(dir) == GATE_PATH_MISSING) {
        gate_run_add_check(st->run, "migrations.directory", GATE_STATUS_WARN,
                           gate_arena_printf(&st->run->arena,
                                             "no migrations directory '%s': nothing to deploy "
                                             "(run in the project root, or use -C DIR or "
                                             "--migrations DIR)",
                                             dir));
        return GATE_OK;
    }
    if (gate_migrations_list(dir, &st->list, err))
        return err->code;
    n = st->list.n ? st->list.n : 1;
    st->locals = gate_xcalloc(n, sizeof(*st->locals));
    st->data = gate_xcalloc(n, sizeof(*st->data));
    st->lens = gate_xcalloc(n, sizeof(*st->lens));
    for (size_t i = 0; i < st->list.n; i++) {
        const struct gate_migration_dir *d = &st->list.items[i];

        st->locals[i].name = d->name;
        if (!d->has_sql)
            return gate_fail(err, GATE_E_IO,
                             "migration folder '%s' has no migration.sql (Prisma fails on it "
                             "with P3015)",
                             d->dir);
        if (gate_read_file(d->sql_path, (size_t)GATE_MAX_SQL_FILE, &st->data[i], &st->lens[i], err))
            return err->code;
        gate_history_checksums_lazy(st->data[i], st->lens[i], &st->locals[i].sums);
        st->locals[i].readable = true;
    }
    gate_run_add_check(st->run, "migrations.directory", GATE_STATUS_PASS,
                       gate_arena_printf(&st->run->arena, "%zu migration%s in %s", st->list.n,
                                         st->list.n == 1 ? "" : "s", dir));
    return GATE_OK;
}

static bool lock_mismatch(struct plan_state *st, const char *dir)
{
    char *path, *data = NULL, *provider;
    size_t len = 0;
    struct gate_err err = {0};
    bool bad;

    if (gate_path_kind(dir) != GATE_PATH_DIR)
        return false;
    path = gate_path_join(dir, "migration_lock.toml");
    if (gate_read_file(path, (size_t)1024 * 1024, &data, &len, &err)) {
        free(path);
        return false; /* Prisma treats it as absent */
    }
    provider = gate_lock_provider(data, len);
    bad = strcmp(provider, "postgresql") != 0;
    if (bad)
        problem(st,
                "%s names provider `%s`, not `postgresql`: Prisma refuses to deploy (P3019); "
                "fix the file (provider = \"postgresql\")",
                path, provider);
    free(provider);
    free(data);
    free(path);
    return bad;
}

/* ------------------------------------------------------------ tables */

static struct gate_plan_table *find_table(struct gate_run_plan *p, const char *schema,
                                          const char *name)
{
    for (size_t i = 0; i < p->ntables; i++) {
        if (!strcmp(p->tables[i].name, name) && !strcmp(p->tables[i].schema, schema))
            return &p->tables[i];
    }
    return NULL;
}

static void note_table(struct plan_state *st, const struct gate_qname *q, bool created)
{
    struct gate_run_plan *p = st->p;
    const char *schema;
    struct gate_plan_table *t;

    if (!q || !q->name || !*q->name)
        return;
    schema = q->schema ? q->schema : st->run->target->schema;
    if (find_table(p, schema, q->name))
        return;
    if (p->ntables >= st->captables) {
        size_t cap = st->captables ? 2 * st->captables : 16;
        struct gate_plan_table *nt = gate_arena_alloc(&st->run->arena, cap * sizeof(*nt));

        if (p->ntables)
            memcpy(nt, p->tables, p->ntables * sizeof(*nt));
        p->tables = nt;
        st->captables = cap;
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
    gate_buf_adds(&sql, "SELECT n.nspname, c.relname, "
                        "(CASE WHEN c.reltuples >= 0 THEN c.reltuples "
                        "ELSE COALESCE(s.n_live_tup, 0) END)::bigint, "
                        "pg_total_relation_size(c.oid) "
                        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
                        "WHERE c.relkind IN ('r', 'p') AND (n.nspname, c.relname) IN (");
    for (size_t i = 0; i < p->ntables; i++) {
        char *qs = gate_db_quote_literal(p->tables[i].schema);
        char *qn = gate_db_quote_literal(p->tables[i].name);

        gate_buf_printf(&sql, "%s(%s, %s)", i ? ", " : "", qs, qn);
        free(qs);
        free(qn);
    }
    gate_buf_adds(&sql, ")");
    rc = gate_db_exec(db, gate_buf_str(&sql), &r, err);
    gate_buf_release(&sql);
    if (rc)
        return rc;
    for (size_t i = 0; i < p->ntables; i++)
        p->tables[i].exists = false;
    for (int i = 0; r && i < gate_db_result_rows(r); i++) {
        struct gate_plan_table *t =
            find_table(p, gate_db_result_value(r, i, 0), gate_db_result_value(r, i, 1));

        if (!t)
            continue;
        t->exists = true;
        t->rows = to_ll(gate_db_result_value(r, i, 2));
        t->bytes = to_ll(gate_db_result_value(r, i, 3));
        t->large = t->rows > p->large_table_rows;
    }
    gate_db_result_free(r);
    return GATE_OK;
}

/* The finding's table (x, s.x, "x" or "s"."x") among the measured ones. */
static const struct gate_plan_table *table_of(const struct plan_state *st, const char *quoted)
{
    const struct gate_run_plan *p = st->p;

    if (!quoted)
        return NULL;
    for (size_t i = 0; i < p->ntables; i++) {
        const struct gate_plan_table *t = &p->tables[i];
        char a[512], b[512], c[512];
        bool here = !strcmp(t->schema, st->run->target->schema);

        (void)snprintf(a, sizeof(a), "\"%s\"", t->name);
        (void)snprintf(b, sizeof(b), "\"%s\".\"%s\"", t->schema, t->name);
        (void)snprintf(c, sizeof(c), "%s.%s", t->schema, t->name);
        if ((here && (!strcmp(quoted, a) || !strcmp(quoted, t->name))) || !strcmp(quoted, b) ||
            !strcmp(quoted, c))
            return t;
    }
    return NULL;
}

/* Lock and rewrite findings on tables above risk.large_table_rows go up a level. */
static void raise_large(struct plan_state *st)
{
    struct gate_run *run = st->run;

    for (size_t i = 0; i < run->nmigrations; i++) {
        struct gate_migration *m = run->migrations[i];

        for (size_t k = 0; k < m->nfindings; k++) {
            struct gate_finding *f = &m->findings[k];
            const struct gate_plan_table *t;

            if (f->category != GATE_CAT_LOCK && f->category != GATE_CAT_REWRITE)
                continue;
            t = table_of(st, f->table);
            if (!t || !t->large || f->risk >= GATE_RISK_CRITICAL)
                continue;
            f->risk = (enum gate_risk)(f->risk + 1);
            f->message = gate_arena_printf(&run->arena,
                                           "%s (raised to %s: %s has about %lld rows, above "
                                           "risk.large_table_rows %lld)",
                                           f->message, gate_risk_name(f->risk), f->table, t->rows,
                                           st->p->large_table_rows);
            if (f->severity < GATE_SEV_ERROR && f->risk >= run->fail_on)
                f->severity = GATE_SEV_ERROR;
            st->p->raised++;
            if (!f->suppressed && f->risk > m->risk)
                m->risk = f->risk;
        }
    }
}

/* ------------------------------------------------------------ lint */

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
    l = gate_linter_new(&lo);
    for (size_t i = 0; i < st->res.n; i++) {
        const struct gate_hist_entry *e = &st->res.entries[i];
        const struct gate_migration_dir *d;
        struct gate_sql_file file;
        struct gate_err err = {0};
        struct gate_migration *m;

        if (e->local < 0)
            continue;
        d = &st->list.items[e->local];
        if (e->state != GATE_MSTATE_PENDING) {
            struct gate_migration dummy;

            if (e->state == GATE_MSTATE_FAILED)
                continue; /* what it did is unknown: do not replay it */
            memset(&dummy, 0, sizeof(dummy));
            gate_lint_source(l, run, &dummy, st->data[e->local], st->lens[e->local], true);
            continue;
        }
        m = gate_run_add_migration(run, e->name, d->sql_path);
        m->state = GATE_MSTATE_PENDING;
        memcpy(m->checksum, st->locals[e->local].sums.sum[0], sizeof(m->checksum));
        if (e->only_rolled_back)
            m->note = gate_arena_printf(&run->arena,
                                        "rolled back before (%zu attempt%s): deploy applies it "
                                        "again",
                                        e->nrows, e->nrows == 1 ? "" : "s");
        else if (e->out_of_order)
            m->note = "sorts before a migration the database already has: deploy applies it "
                      "out of order";
        memset(&file, 0, sizeof(file));
        if (gate_sql_parse(st->data[e->local], st->lens[e->local], &file, &err) != GATE_OK) {
            gate_lint_failed(l, run, m, err.msg, false);
        } else {
            for (int k = 0; k < file.nstmts; k++)
                note_stmt(st, &file.stmts[k]);
            gate_lint_parsed(l, run, m, st->data[e->local], st->lens[e->local], &file, false);
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
        case GATE_MSTATE_FAILED:
            problem(st,
                    "migration %s failed earlier and is not resolved: Prisma refuses to deploy "
                    "(P3009); run `prisma migrate resolve --rolled-back \"%s\"` once what it "
                    "changed is undone, or `--applied \"%s\"` if it was finished by hand",
                    e->name, e->name, e->name);
            break;
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
 * Also the target's identity as the server reports it.
 */
static void prisma_problems(struct plan_state *st, struct gate_db *db, const char *dir)
{
    struct gate_run *run = st->run;
    struct gate_prisma_use *u = gate_arena_alloc(&run->arena, sizeof(*u));
    struct gate_db_identity id;
    struct gate_err err = {0};

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

static void set_target(struct gate_run *run, const struct gate_plan_opts *opts,
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

    p->max_risk = GATE_RISK_NONE;
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        items[i].name = m->name;
        items[i].checksum = m->checksum;
        items[i].risk = m->risk;
        if (m->risk > p->max_risk)
            p->max_risk = m->risk;
    }
    run->max_risk = p->max_risk;
    canon = gate_plan_canonical(run->target, items, run->nmigrations, p->max_risk, p->auto_max_risk,
                                p->confirm_max_risk, p->large_table_rows);
    free(items);
    p->canonical = gate_arena_strdup(&run->arena, canon);
    memcpy(p->digest, "sha256:", 7);
    gate_sha256_hex(canon, strlen(canon), p->digest + 7);
    free(canon);

    if (p->nproblems) {
        p->decision = GATE_PLAN_REFUSED;
        p->reason = gate_arena_printf(&run->arena, "the migration history is not deployable: %s",
                                      p->problems[0]);
    } else if (!p->pending) {
        p->decision = GATE_PLAN_NOTHING;
        p->reason = "nothing to deploy: every migration is applied";
    } else if (p->max_risk <= p->auto_max_risk) {
        p->decision = GATE_PLAN_AUTO;
        p->reason =
            gate_arena_printf(&run->arena,
                              "max risk %s is within deploy.auto_max_risk (%s): deploys "
                              "without a token",
                              gate_risk_name(p->max_risk), gate_risk_name(p->auto_max_risk));
    } else if (p->max_risk <= p->confirm_max_risk) {
        p->decision = GATE_PLAN_CONFIRM;
        p->requires_confirmation = true;
        p->reason = gate_arena_printf(
            &run->arena,
            "max risk %s is above deploy.auto_max_risk (%s) and within deploy.confirm_max_risk "
            "(%s): deploys with a %s confirmation token for this plan",
            gate_risk_name(p->max_risk), gate_risk_name(p->auto_max_risk),
            gate_risk_name(p->confirm_max_risk), p->signed_tokens ? "signed" : "valid");
    } else {
        p->decision = GATE_PLAN_BLOCKED;
        p->reason =
            gate_arena_printf(&run->arena,
                              "max risk %s is above deploy.confirm_max_risk (%s): the "
                              "policy blocks this deploy, even with a token",
                              gate_risk_name(p->max_risk), gate_risk_name(p->confirm_max_risk));
    }
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
    p->signed_tokens = pol->deploy.secret_env && *pol->deploy.secret_env;
    p->token_env = pol->deploy.token_env;
    p->migrations_dir = gate_arena_strdup(&run->arena, dir);
    p->server_version = gate_arena_strdup(&run->arena, gate_db_server_version(db));
    set_target(run, opts, url);

    rc = read_locals(&st, dir, err);
    if (rc)
        goto out;
    mismatch = lock_mismatch(&st, dir);
    rc = gate_history_read(db, run->target->schema, &st.hdb, err);
    if (rc)
        goto out;
    gate_history_classify(st.locals, st.list.n, &st.hdb, mismatch, &st.res);
    p->applied = st.res.napplied;
    p->pending = st.res.npending;
    history_problems(&st);
    prisma_problems(&st, db, dir);
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
    raise_large(&st);
    decide(&st);
out:
    release(&st);
    return rc;
}
