/* SPDX-License-Identifier: MIT */
/*
 * cmd/status.c - `prisma-gate status`: the migrations on disk against the
 * target database's `_prisma_migrations`, compared exactly as Prisma
 * compares them, plus what Prisma's own `migrate status` does not report
 * (migrations edited after they were applied, migrations missing
 * locally, migrations whose only rows are rolled back).
 *
 * The target is the policy's, chosen as plan and deploy choose it
 * (gate_target_resolve: -t NAME, default_target, the only target, else
 * DATABASE_URL; its url_env; require_tls). Read-only: one READ ONLY
 * transaction, no advisory lock, no write. Exit: 0 clean, 1 not clean, 2
 * usage (unknown target, no or bad URL, a URL without the TLS the target
 * requires), 3 could not evaluate (database unreachable or refusing TLS,
 * table not Prisma's, unreadable migration).
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/clock.h"
#include "gate/cmd_common.h"
#include "gate/db.h"
#include "gate/fs.h"
#include "gate/history.h"
#include "gate/migrations.h"
#include "gate/msg.h"
#include "gate/plan.h"
#include "gate/policy.h"
#include "gate/prisma_errors.h"
#include "gate/shell.h"
#include "gate/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The database side, run on a worker thread while the files are read. */
struct db_job {
    const struct gate_db_url *url;
    struct gate_db *db;
    struct gate_hist_db hdb;
    bool connected;
    enum gate_code rc;
    struct gate_err err;
    double connect_ms;
};

struct status {
    struct gate_run *run;
    const char *prisma; /* the policy's Prisma argv as a shell line, for next steps */
    const char *schema; /* the schema resolved (NULL: none found) */
    struct gate_run_history *h;
    const char *dir;
    struct gate_local_migrations lm; /* the migrations on disk (migrations.h) */
    struct gate_hist_local *locals;  /* lm.locals */
    size_t nlocals;                  /* lm.n */
    char **read_errors;              /* per local, NULL when readable */
    bool unavailable;                /* exit 3 */
    bool lock_mismatch;
    struct gate_db_url url;
    const struct gate_policy_target *target; /* the policy's (gate_target_resolve) */
    struct db_job job;
    struct gate_hist_db hdb;
    bool have_hdb;
    struct gate_hist_result res;
    size_t next_cap;
};

static void next_step(struct status *st, const char *fmt, ...) GATE_PRINTF(2, 3);

static void next_step(struct status *st, const char *fmt, ...)
{
    va_list ap;
    char buf[1024];

    if (st->h->nnext >= st->next_cap)
        GATE_BUG("status: too many next steps");
    va_start(ap, fmt);
    (void)vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    st->h->next[st->h->nnext++] = gate_arena_strdup(&st->run->arena, buf);
}

/* Room for every step: at most four per migration (error, resolve x2, restore or baseline). */
static void reserve_next(struct status *st, size_t nmigrations)
{
    GATE_ARENA_GROW(&st->run->arena, st->h->next, st->next_cap, st->h->nnext, 4 * nmigrations + 64);
}

static struct gate_check *check(struct status *st, const char *id, enum gate_status s,
                                const char *fmt, ...) GATE_PRINTF(4, 5);

static struct gate_check *check(struct status *st, const char *id, enum gate_status s,
                                const char *fmt, ...)
{
    va_list ap;
    char buf[2048];

    va_start(ap, fmt);
    (void)vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return gate_run_add_check(st->run, id, s, buf);
}

/* "2026-11-25T17:00:01.123456Z" -> "2026-11-25 17:00:01.123456 UTC" (chrono's Display). */
static void prisma_time(const char *iso, char *out, size_t size)
{
    size_t n;

    if (!iso) {
        (void)snprintf(out, size, "?");
        return;
    }
    (void)snprintf(out, size, "%.10s %s", iso, strlen(iso) > 11 ? iso + 11 : "");
    n = strlen(out);
    if (n && out[n - 1] == 'Z')
        out[--n] = '\0';
    /* chrono prints the fraction with 0, 3, 6 or 9 digits, whichever is exact */
    if (n > 7 && out[n - 7] == '.') {
        if (!strcmp(out + n - 6, "000000"))
            out[n - 7] = '\0';
        else if (!strcmp(out + n - 3, "000"))
            out[n - 3] = '\0';
    }
    n = strlen(out);
    (void)snprintf(out + n, size - n, " UTC");
}

/* A name or path quoted for a shell command line, as Prisma quotes them. */
static const char *q(struct status *st, const char *s)
{
    return gate_shell_quote(&st->run->arena, s);
}

static const char *short_sum(const char *s)
{
    return s && *s ? s : "(empty)";
}

/* ------------------------------------------------------------ on disk */

static void read_locals(struct status *st)
{
    struct gate_err err = {0};

    if (gate_local_migrations_load(st->dir, &st->lm, &err)) {
        check(st, "migrations.directory", GATE_STATUS_ERROR, "%s", err.msg);
        gate_errorf("%s", err.msg);
        st->unavailable = true;
        return;
    }
    if (st->lm.missing) {
        check(st, "migrations.directory", GATE_STATUS_WARN,
              "no migrations directory '%s': Prisma sees no migrations (run in the project "
              "root, or use -C DIR or --migrations DIR)",
              st->dir);
        return;
    }
    st->nlocals = st->lm.n;
    st->locals = st->lm.locals;
    st->read_errors = gate_xcalloc(st->nlocals ? st->nlocals : 1, sizeof(*st->read_errors));
    for (size_t i = 0; i < st->nlocals; i++) {
        if (st->lm.error[i])
            st->read_errors[i] =
                gate_xasprintf("%s (Prisma fails on it with P3015)", st->lm.error[i]);
    }
    for (size_t i = 0; i < st->nlocals; i++) {
        if (st->read_errors[i]) {
            gate_errorf("%s", st->read_errors[i]);
            st->unavailable = true;
        }
    }
    for (size_t i = 0; i < st->lm.list.nskipped; i++)
        gate_verbosef("%s: skipping '%s' (Prisma reads only real subdirectories)", st->dir,
                      st->lm.list.skipped[i]);
    check(st, "migrations.directory", st->unavailable ? GATE_STATUS_ERROR : GATE_STATUS_PASS,
          "%zu migration%s in %s%s", st->nlocals, st->nlocals == 1 ? "" : "s", st->dir,
          st->unavailable ? "; some cannot be read (see the migrations' errors)" : "");
}

static void check_lock(struct status *st)
{
    const struct gate_lock_check *c = &st->lm.lock;

    if (c->state == GATE_LOCK_NO_DIR) {
        check(st, "migrations.lock-file", GATE_STATUS_SKIP, "no migrations directory");
        return;
    }
    /* Prisma treats a lock file it cannot read as absent */
    if (c->state == GATE_LOCK_MISSING || c->state == GATE_LOCK_UNREADABLE) {
        check(st, "migrations.lock-file", GATE_STATUS_WARN,
              "no readable %s: Prisma skips its provider check (P3019); `prisma migrate dev` "
              "writes it, commit it with the migrations",
              c->path);
        gate_warnf("no readable %s (Prisma skips its provider check)", c->path);
        return;
    }
    if (gate_lock_refused(c)) {
        st->lock_mismatch = true;
        check(st, "migrations.lock-file", GATE_STATUS_FAIL,
              "%s: the datasource provider `postgresql` does not match the one specified in "
              "the migration_lock.toml, `%s`: Prisma refuses every migrate command with P3019",
              c->path, c->provider);
        next_step(st, "fix %s: %s (Prisma read `%s`; P3019)", c->path,
                  gate_prisma_error("P3019")->guidance, c->provider);
    } else {
        check(st, "migrations.lock-file", GATE_STATUS_PASS, "%s: provider = \"postgresql\"",
              c->path);
    }
}

/* ------------------------------------------------------------ database */

/* Connect and read the history; touches nothing but job (runs on a thread). */
static void *db_work(void *arg)
{
    struct db_job *job = arg;
    double t0 = gate_clock_msf();

    job->rc = gate_db_connect(job->url, &job->db, &job->err);
    job->connect_ms = gate_clock_msf() - t0;
    if (job->rc)
        return NULL;
    job->connected = true;
    job->rc = gate_history_read(job->db, gate_db_url_schema(job->url), &job->hdb, &job->err);
    if (!job->rc && !job->hdb.schema_exists) /* ?schema=pubic: fail closed, name public */
        job->rc = gate_history_schema_typo(job->db, gate_db_url_schema(job->url), &job->err);
    return NULL;
}

/* The job's outcome as checks, on the main thread; false when the history was not read. */
static bool db_result(struct status *st)
{
    struct db_job *job = &st->job;

    if (!job->connected) {
        check(st, "db.connection", GATE_STATUS_ERROR, "%s", job->err.msg);
        gate_errorf("%s", job->err.msg);
        return false;
    }
    gate_verbosef("connected in %.1f ms", job->connect_ms);
    st->h->server_version = gate_arena_strdup(&st->run->arena, gate_db_server_version(job->db));
    check(st, "db.connection", GATE_STATUS_PASS,
          "connected to database '%s' on %s:%d as user '%s' (PostgreSQL %s), read-only",
          st->url.database, st->url.host, st->url.port, *st->url.user ? st->url.user : "(default)",
          st->h->server_version);
    st->hdb = job->hdb;
    memset(&job->hdb, 0, sizeof(job->hdb));
    st->have_hdb = true;
    if (job->rc) {
        check(st, "history.table", GATE_STATUS_ERROR, "%s", job->err.msg);
        gate_errorf("%s", job->err.msg);
        return false;
    }
    return true;
}

/* ------------------------------------------------------------ the run */

static void fill_migrations(struct status *st)
{
    struct gate_run *run = st->run;
    const struct gate_hist_db *hdb = st->have_hdb ? &st->hdb : NULL;
    const char *last_at = NULL;

    for (size_t i = 0; i < st->res.n; i++) {
        const struct gate_hist_entry *e = &st->res.entries[i];
        const struct gate_migration_dir *d = e->local >= 0 ? &st->lm.list.items[e->local] : NULL;
        struct gate_migration *m = gate_run_add_migration(run, e->name, d ? d->sql_path : NULL);
        const struct gate_hist_row *cmp = NULL;

        m->has_history = true;
        m->local = d ? true : false;
        m->state = e->state;
        m->prisma_edited = e->prisma_edited;
        m->out_of_order = e->out_of_order;
        if (d && st->locals[e->local].readable)
            memcpy(m->checksum, st->locals[e->local].sums.sum[0], sizeof(m->checksum));
        if (d && st->read_errors[e->local])
            m->error = gate_arena_strdup(&run->arena, st->read_errors[e->local]);
        if (e->nrows && hdb) {
            m->rows = gate_arena_alloc(&run->arena, e->nrows * sizeof(*m->rows));
            m->nrows = e->nrows;
            for (size_t k = 0; k < e->nrows; k++) {
                const struct gate_hist_row *r = &hdb->rows[e->rows[k]];
                struct gate_mrow *o = &m->rows[k];

                o->id = gate_arena_strdup(&run->arena, r->id);
                o->checksum = gate_arena_strdup(&run->arena, r->checksum);
                o->started_at = gate_arena_strdup(&run->arena, r->started_at);
                o->finished_at = gate_arena_strdup(&run->arena, r->finished_at);
                o->rolled_back_at = gate_arena_strdup(&run->arena, r->rolled_back_at);
                o->applied_steps_count = r->applied_steps_count;
                o->state = gate_hist_row_state(r);
            }
            if (e->applied_row >= 0)
                cmp = &hdb->rows[e->applied_row];
            else if (e->failed_row >= 0)
                cmp = &hdb->rows[e->failed_row];
            else
                cmp = &hdb->rows[e->rows[e->nrows - 1]];
            m->db_checksum = gate_arena_strdup(&run->arena, cmp->checksum);
            if (e->applied_row >= 0) {
                m->applied_at = gate_arena_strdup(&run->arena, cmp->finished_at);
                if (m->local && (!last_at || strcmp(cmp->finished_at, last_at) >= 0)) {
                    last_at = m->applied_at;
                    st->h->last_applied = m->name;
                    st->h->last_applied_at = m->applied_at;
                }
            }
        }
        switch (e->state) {
        case GATE_MSTATE_PENDING:
            if (e->only_rolled_back)
                m->note = gate_arena_printf(&run->arena,
                                            "rolled back (%zu attempt%s): `prisma migrate "
                                            "deploy` applies it again",
                                            e->nrows, e->nrows == 1 ? "" : "s");
            else if (e->out_of_order)
                m->note = gate_arena_strdup(&run->arena,
                                            "sorts before a migration the database already has: "
                                            "deploy applies it anyway, out of order");
            break;
        case GATE_MSTATE_FAILED: {
            char when[64];

            prisma_time(hdb && e->failed_row >= 0 ? hdb->rows[e->failed_row].started_at : NULL,
                        when, sizeof(when));
            m->note =
                gate_arena_printf(&run->arena,
                                  "the `%s` migration started at %s failed: deploy "
                                  "refuses to run (P3009) until it is resolved%s",
                                  e->name, when, m->local ? "" : " (its folder is not on disk)");
            break;
        }
        case GATE_MSTATE_MODIFIED:
            m->note = gate_arena_printf(&run->arena,
                                        "edited after it was applied: the file's checksum is "
                                        "%.12s..., the database recorded %.12s...",
                                        m->checksum, short_sum(m->db_checksum));
            break;
        case GATE_MSTATE_MISSING_LOCALLY:
            m->note = gate_arena_printf(&run->arena,
                                        "in _prisma_migrations, but %s/%s does not "
                                        "exist",
                                        st->dir, e->name);
            break;
        case GATE_MSTATE_APPLIED:
            if (e->prisma_edited && hdb && e->nrows)
                m->note = gate_arena_printf(
                    &run->arena,
                    "Prisma's engine lists it as edited: its first row (%s) has checksum %s; "
                    "`prisma migrate dev` would ask for a reset",
                    gate_mstate_name(gate_hist_row_state(&hdb->rows[e->rows[0]])),
                    short_sum(hdb->rows[e->rows[0]].checksum));
            break;
        default:
            break;
        }
    }
}

/* Names of the migrations in state s, comma-separated (at most 10). */
static const char *names_in(struct status *st, enum gate_mstate s,
                            bool (*pred)(const struct gate_migration *))
{
    struct gate_run *run = st->run;
    char buf[1500];
    size_t n = 0, len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        if (m->state != s || (pred && !pred(m)))
            continue;
        if (n < 10 && len < sizeof(buf) - 1)
            len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", n ? ", " : "", m->name);
        n++;
    }
    if (n > 10 && len < sizeof(buf) - 1)
        (void)snprintf(buf + len, sizeof(buf) - len, " and %zu more", n - 10);
    return gate_arena_strdup(&run->arena, buf);
}

static bool is_local(const struct gate_migration *m)
{
    return m->local;
}

static bool is_dbonly(const struct gate_migration *m)
{
    return !m->local;
}

static bool is_out_of_order(const struct gate_migration *m)
{
    return m->out_of_order;
}

static bool is_prisma_edited(const struct gate_migration *m)
{
    return m->prisma_edited;
}

static void history_checks(struct status *st)
{
    const struct gate_hist_result *r = &st->res;
    const struct gate_hist_db *hdb = &st->hdb;
    struct gate_run_history *h = st->h;
    const char *schema = gate_db_url_schema(&st->url);

    h->table = hdb->has_table;
    h->rows = hdb->nrows;
    h->prisma_exit = r->prisma_exit;
    h->prisma_says = r->prisma_says;
    if (hdb->has_table) {
        h->strategy = "migrate";
        check(st, "history.table", GATE_STATUS_PASS,
              "\"%s\"._prisma_migrations holds %zu row%s%s%s", schema, hdb->nrows,
              hdb->nrows == 1 ? "" : "s", hdb->extra_columns ? "; columns Prisma ignores: " : "",
              hdb->extra_columns ? hdb->extra_columns : "");
    } else if (hdb->other_tables) {
        h->strategy = "unmanaged";
        check(st, "history.table", GATE_STATUS_FAIL,
              "schema \"%s\" has %ld table%s (%s%s) but no _prisma_migrations: the database "
              "was set up without Prisma Migrate (db push, SQL or another tool); `prisma "
              "migrate deploy` refuses it with P3005 until it is baselined",
              schema, hdb->other_tables, hdb->other_tables == 1 ? "" : "s", hdb->other_sample,
              hdb->other_tables > 5 ? ", ..." : "");
    } else if (st->nlocals) {
        h->strategy = "empty";
        check(st, "history.table", GATE_STATUS_WARN,
              "%s: no _prisma_migrations and no tables yet; `prisma migrate deploy` creates the "
              "table and applies every migration",
              hdb->schema_exists ? "empty database"
                                 : gate_arena_printf(&st->run->arena,
                                                     "schema \"%s\" does not exist yet (Prisma "
                                                     "creates it)",
                                                     schema));
    } else {
        h->strategy = "empty";
        check(st, "history.table", GATE_STATUS_FAIL,
              "the database is not managed by Prisma Migrate: no _prisma_migrations and no "
              "migrations in %s",
              st->dir);
    }

    if (r->nfailed)
        check(st, "history.failed", GATE_STATUS_FAIL,
              "%zu failed migration%s (%s): `prisma migrate deploy` refuses to run (P3009) "
              "until %s resolved",
              r->nfailed, r->nfailed == 1 ? "" : "s", names_in(st, GATE_MSTATE_FAILED, NULL),
              r->nfailed == 1 ? "it is" : "they are");
    else
        check(st, "history.failed", GATE_STATUS_PASS, "no failed migration");

    if (r->nmodified)
        check(st, "history.modified", GATE_STATUS_FAIL,
              "%zu migration%s edited after %s applied (%s); Prisma's `migrate status` does not "
              "report this",
              r->nmodified, r->nmodified == 1 ? "" : "s",
              r->nmodified == 1 ? "it was" : "they were", names_in(st, GATE_MSTATE_MODIFIED, NULL));
    else if (names_in(st, GATE_MSTATE_APPLIED, is_prisma_edited)[0])
        check(st, "history.modified", GATE_STATUS_WARN,
              "no migration differs from what was applied, but Prisma's engine lists %s as "
              "edited (an earlier, rolled-back attempt had another checksum): `prisma migrate "
              "dev` would ask to reset the database",
              names_in(st, GATE_MSTATE_APPLIED, is_prisma_edited));
    else
        check(st, "history.modified", GATE_STATUS_PASS, "no applied migration was edited");

    if (r->nmissing || names_in(st, GATE_MSTATE_FAILED, is_dbonly)[0])
        check(st, "history.missing-locally", GATE_STATUS_FAIL,
              "in the database but not in %s: %s%s%s; Prisma's `migrate status` does not report "
              "this",
              st->dir, names_in(st, GATE_MSTATE_MISSING_LOCALLY, NULL),
              r->nmissing && names_in(st, GATE_MSTATE_FAILED, is_dbonly)[0] ? ", " : "",
              names_in(st, GATE_MSTATE_FAILED, is_dbonly));
    else
        check(st, "history.missing-locally", GATE_STATUS_PASS,
              "every migration in the database is on disk");

    if (r->npending)
        check(st, "history.pending", GATE_STATUS_FAIL, "%zu migration%s not applied: %s",
              r->npending, r->npending == 1 ? "" : "s",
              names_in(st, GATE_MSTATE_PENDING, is_local));
    else
        check(st, "history.pending", GATE_STATUS_PASS, "every local migration is applied");

    if (names_in(st, GATE_MSTATE_PENDING, is_out_of_order)[0])
        check(st, "history.order", GATE_STATUS_WARN,
              "pending but older than a migration the database already has: %s "
              "(`prisma migrate deploy` applies %s out of order)",
              names_in(st, GATE_MSTATE_PENDING, is_out_of_order), r->npending == 1 ? "it" : "them");
    else
        check(st, "history.order", GATE_STATUS_PASS, "no pending migration is out of order");
}

/* The policy's project.prisma as one shell line ("npx prisma" by default), in a. */
static const char *prisma_line(struct gate_arena *a, const struct gate_policy *pol)
{
    char *line = gate_policy_prisma_cmd(pol);
    const char *s = gate_arena_strdup(a, line);

    free(line);
    return s;
}

static void next_steps(struct status *st)
{
    struct gate_run *run = st->run;
    const struct gate_hist_db *hdb = &st->hdb;
    bool blocked = false;

    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        if (m->error && m->local)
            next_step(st, "restore %s: %s", m->path, m->error);
    }
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        if (m->state != GATE_MSTATE_FAILED)
            continue;
        blocked = true;
        if (m->local) {
            next_step(st,
                      "%s migrate resolve --rolled-back %s   # if what it changed "
                      "before failing is undone (deploy then applies it again)",
                      st->prisma, q(st, m->name));
            next_step(st,
                      "%s migrate resolve --applied %s   # or instead: if it was "
                      "finished by hand",
                      st->prisma, q(st, m->name));
        } else {
            next_step(st,
                      "%s migrate resolve --rolled-back %s   # its folder is not on "
                      "disk, so only --rolled-back works (or restore the folder first)",
                      st->prisma, q(st, m->name));
        }
    }
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        if (m->state == GATE_MSTATE_MODIFIED)
            next_step(st,
                      "restore %s to the version that was applied (sha256 %s), e.g. from "
                      "version control, and put the change into a new migration",
                      m->path, short_sum(m->db_checksum));
        else if (m->state == GATE_MSTATE_MISSING_LOCALLY)
            next_step(st,
                      "restore the folder %s/%s from version control (the database has "
                      "applied it)",
                      st->dir, m->name);
    }
    if (!hdb->has_table && hdb->other_tables && st->nlocals) {
        next_step(st, "baseline: for each migration whose changes the database already has, in "
                      "this order, mark it applied (the SQL is not run):");
        for (size_t i = 0; i < st->nlocals; i++)
            next_step(st, "%s migrate resolve --applied %s", st->prisma, q(st, st->locals[i].name));
        next_step(st,
                  "then %s migrate deploy   # applies the migrations not marked "
                  "(https://pris.ly/d/migrate-baseline)",
                  st->prisma);
        return;
    }
    if (!hdb->has_table && hdb->other_tables) {
        next_step(st,
                  "baseline: create %s/0_init/migration.sql with `%s migrate diff --from-empty "
                  "--to-schema-datamodel %s --script`, then %s migrate resolve --applied '0_init'",
                  st->dir, st->prisma, st->schema ? st->schema : "prisma/schema.prisma",
                  st->prisma);
        return;
    }
    if (st->res.npending)
        next_step(st, "%s%s migrate deploy   # applies %zu pending migration%s%s",
                  blocked ? "then " : "", st->prisma, st->res.npending,
                  st->res.npending == 1 ? "" : "s",
                  hdb->has_table ? "" : " and creates _prisma_migrations");
    else if (!hdb->has_table && !st->nlocals)
        next_step(st,
                  "create the first migration with `%s migrate dev`, or baseline an existing "
                  "database (https://pris.ly/d/migrate-baseline)",
                  st->prisma);
}

static void set_target(struct status *st)
{
    struct gate_target *t = gate_arena_alloc(&st->run->arena, sizeof(*t));

    t->name = st->target->name ? gate_arena_strdup(&st->run->arena, st->target->name) : NULL;
    t->url_env = gate_arena_strdup(&st->run->arena, st->target->url_env);
    t->host = gate_arena_strdup(&st->run->arena, st->url.host);
    t->port = st->url.port;
    t->database = gate_arena_strdup(&st->run->arena, st->url.database);
    t->schema = gate_arena_strdup(&st->run->arena, gate_db_url_schema(&st->url));
    t->user = gate_arena_strdup(&st->run->arena, st->url.user);
    st->run->target = t;
    for (size_t i = 0; i < st->url.nignored; i++)
        gate_verbosef("%s: parameter '%s' is not used for this connection", t->url_env,
                      st->url.ignored[i]);
}

static void release(struct status *st)
{
    gate_hist_result_release(&st->res);
    gate_hist_db_release(&st->hdb);
    gate_hist_db_release(&st->job.hdb);
    gate_db_close(st->job.db);
    gate_db_url_release(&st->url);
    for (size_t i = 0; i < st->nlocals; i++)
        free(st->read_errors[i]);
    free(st->read_errors);
    gate_local_migrations_release(&st->lm);
}

enum gate_exit gate_cmd_status(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    struct status st = {0};
    pthread_t worker;
    bool reached, clean, threaded;
    enum gate_exit rc;
    const char *dir, *schema, *dir_from;

    (void)out;
    if (cli->nargs) {
        gate_errorf("status takes no arguments (use --migrations DIR or -C DIR), got '%s'",
                    cli->args[0]);
        return GATE_EXIT_USAGE;
    }
    /* the schema and migrations folder every command resolves the same way */
    rc = gate_cmd_resolve_paths(cli, run, &dir, &schema, &dir_from);
    if (rc)
        return rc;
    gate_verbosef("migrations %s (%s)", dir, dir_from);
    rc = gate_target_resolve(cli->pol, cli->target, cli->command, &st.target, &st.url);
    if (rc)
        return rc;
    st.run = run;
    st.dir = dir;
    st.schema = schema;
    st.prisma = prisma_line(&run->arena, cli->pol);
    st.h = gate_arena_alloc(&run->arena, sizeof(*st.h));
    st.h->strategy = "unknown";
    st.h->prisma_exit = -1;
    st.h->migrations_dir = gate_arena_strdup(&run->arena, st.dir);
    run->history = st.h;
    set_target(&st);

    /* the database round trips overlap with reading and hashing the files */
    st.job.url = &st.url;
    threaded = pthread_create(&worker, NULL, db_work, &st.job) == 0;
    read_locals(&st);
    st.h->local_migrations = st.nlocals;
    st.h->last_local =
        st.nlocals ? gate_arena_strdup(&run->arena, st.locals[st.nlocals - 1].name) : NULL;
    reserve_next(&st, st.nlocals);
    check_lock(&st);
    if (threaded)
        (void)pthread_join(worker, NULL);
    else
        (void)db_work(&st.job);
    reached = db_result(&st);
    if (reached) {
        gate_history_classify(st.locals, st.nlocals, &st.hdb, st.lock_mismatch, &st.res);
        reserve_next(&st, st.res.n);
        fill_migrations(&st);
        history_checks(&st);
        next_steps(&st);
    } else {
        gate_history_classify(st.locals, st.nlocals, NULL, st.lock_mismatch, &st.res);
        fill_migrations(&st);
        st.unavailable = true;
    }

    clean = reached && !st.unavailable && !st.lock_mismatch && st.hdb.has_table &&
            st.res.napplied == st.nlocals && st.res.n == st.nlocals;
    if (st.unavailable) {
        run->verdict = GATE_VERDICT_ERROR;
        rc = GATE_EXIT_UNAVAILABLE;
    } else if (clean) {
        run->verdict = GATE_VERDICT_PASS;
        rc = GATE_EXIT_OK;
    } else {
        run->verdict = GATE_VERDICT_FAIL;
        rc = GATE_EXIT_CLOSED;
    }
    release(&st);
    return rc;
}
