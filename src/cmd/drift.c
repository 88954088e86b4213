/* SPDX-License-Identifier: MIT */
/*
 * cmd/drift.c - `prisma-gate drift`: does the target database still hold
 * the schema its migrations make? The applied migrations are replayed
 * into a shadow database as Prisma replays them (shadow.h, replay.h),
 * both databases are introspected through pg_catalog (introspect.h) and
 * compared object by object (drift.h); the history of the target
 * (`_prisma_migrations` against the folders on disk, history.h) adds the
 * migrations edited after they were applied, missing locally, failed or
 * rolled back. Pending migrations are listed, not counted as drift.
 *
 * Read-only on the target (one REPEATABLE READ READ ONLY transaction per
 * read). Exit: 0 no drift, 1 drift (or a migration that does not
 * replay), 2 usage, 3 could not evaluate (target or shadow unreachable,
 * no shadow configured, replay stopped or timed out).
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/cmd_common.h"
#include "gate/db.h"
#include "gate/digest.h"
#include "gate/drift.h"
#include "gate/fs.h"
#include "gate/history.h"
#include "gate/introspect.h"
#include "gate/migrations.h"
#include "gate/msg.h"
#include "gate/plan.h"
#include "gate/policy.h"
#include "gate/replay.h"
#include "gate/shadow.h"
#include "gate/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * A worker thread that connects to the target while the main thread reads
 * the migration files (loading libpq and the server starting a backend
 * are most of a warm run's start), and that, when the shadow must be
 * built, reads the target's catalog on that connection beside the replay.
 *
 * With the replay cache on a temporary shadow (drift.shadow: create), a
 * nightly run usually finds the whole set cached with its snapshot: then
 * everything is read on one connection, the worker's, handed to the main
 * thread (a second backend costs the server more than the two reads
 * gain by running side by side), and the catalog is read on it after the
 * cache's listing. Otherwise the main thread has a connection of its own
 * and the worker reads the catalog as soon as it is connected.
 */
struct live_job {
    const struct gate_db_url *url; /* borrowed, read-only */
    const char *schema;
    bool connect_only;       /* hand the connection over (db), read nothing */
    struct gate_db *db;      /* connect_only: the connection, for the main thread */
    struct gate_arena arena; /* the model's; absorbed into the run's */
    struct gate_dbmodel model;
    struct gate_err err;
    enum gate_code rc;
    bool connected; /* rc, if any, is the read's, not the connection's */
    pthread_t thread;
    bool started;
};

struct drift {
    struct gate_run *run;
    struct gate_run_drift *d;
    const char *dir;
    const char *schema_file;
    const struct gate_policy *pol;
    const struct gate_policy_target *target;
    struct gate_db_url url;
    struct gate_db *db;
    struct gate_hist_db hdb;
    struct gate_migration_list list;
    struct gate_hist_local *locals;
    char **data;
    size_t *lens;
    size_t nlocals;
    struct gate_hist_result res;
    struct gate_replay_set set;
    struct gate_replay_result rres;
    struct gate_shadow *sh;
    struct live_job live;
    /*
     * One connection (struct live_job): the history, the shadow's first
     * query (pre, for the set guessed) and the target's introspection go
     * in one round trip; intro_sent: its results are still to be read.
     */
    char *pre_sql;
    struct gate_shadow_prefetch pre;
    bool intro_sent;
};

static enum gate_exit unavailable(struct drift *dr, const char *msg)
{
    gate_errorf("%s", msg);
    dr->d->error = gate_arena_strdup(&dr->run->arena, msg);
    dr->run->verdict = GATE_VERDICT_ERROR;
    return GATE_EXIT_UNAVAILABLE;
}

static void set_target(struct drift *dr)
{
    struct gate_arena *a = &dr->run->arena;
    struct gate_target *t = gate_arena_alloc(a, sizeof(*t));

    t->name = dr->target->name ? gate_arena_strdup(a, dr->target->name) : NULL;
    t->url_env = gate_arena_strdup(a, dr->target->url_env);
    t->host = gate_arena_strdup(a, dr->url.host);
    t->port = dr->url.port;
    t->database = gate_arena_strdup(a, dr->url.database);
    t->schema = gate_arena_strdup(a, gate_db_url_schema(&dr->url));
    t->user = gate_arena_strdup(a, dr->url.user);
    dr->run->target = t;
}

/* The folders on disk with their checksums, for the history comparison. */
static const char *read_locals(struct drift *dr)
{
    struct gate_err err = {0};

    if (gate_path_kind(dr->dir) == GATE_PATH_MISSING)
        return NULL;
    if (gate_migrations_list(dr->dir, &dr->list, &err))
        return gate_arena_strdup(&dr->run->arena, err.msg);
    dr->nlocals = dr->list.n;
    dr->locals = gate_xcalloc(dr->nlocals + 1, sizeof(*dr->locals));
    dr->data = gate_xcalloc(dr->nlocals + 1, sizeof(*dr->data));
    dr->lens = gate_xcalloc(dr->nlocals + 1, sizeof(*dr->lens));
    for (size_t i = 0; i < dr->list.n; i++) {
        const struct gate_migration_dir *m = &dr->list.items[i];
        size_t len = 0;

        dr->locals[i].name = m->name;
        if (!m->has_sql)
            return gate_arena_printf(&dr->run->arena,
                                     "migration folder '%s' has no migration.sql (Prisma fails "
                                     "on it with P3015)",
                                     m->dir);
        gate_err_clear(&err);
        if (gate_read_file(m->sql_path, (size_t)GATE_MAX_SQL_FILE, &dr->data[i], &len, &err))
            return gate_arena_strdup(&dr->run->arena, err.msg);
        dr->lens[i] = len;
        gate_history_checksums_lazy(dr->data[i], len, &dr->locals[i].sums);
        dr->locals[i].readable = true;
    }
    return NULL;
}

/* History drift as items; pending migrations listed apart. */
static void history_items(struct drift *dr)
{
    struct gate_arena *a = &dr->run->arena;

    dr->d->pending = gate_arena_alloc(a, (dr->res.n + 1) * sizeof(*dr->d->pending));
    for (size_t i = 0; i < dr->res.n; i++) {
        const struct gate_hist_entry *e = &dr->res.entries[i];
        const char *change = NULL, *before = NULL, *after = NULL, *note = NULL;
        struct gate_drift_item *it;

        if (e->state == GATE_MSTATE_PENDING && !e->only_rolled_back) {
            dr->d->pending[dr->d->npending++] = gate_arena_strdup(a, e->name);
            continue;
        }
        if (e->state == GATE_MSTATE_MODIFIED) {
            const struct gate_hist_row *r =
                e->applied_row >= 0 ? &dr->hdb.rows[e->applied_row] : NULL;

            change = "edited";
            before = r ? gate_arena_printf(a, "checksum %s", r->checksum) : NULL;
            after = e->local >= 0
                        ? gate_arena_printf(a, "checksum %s", dr->locals[e->local].sums.sum[0])
                        : NULL;
            note = "migration.sql was changed after it was applied: restore the applied text "
                   "from version control, and put the change in a new migration";
        } else if (e->state == GATE_MSTATE_MISSING_LOCALLY) {
            change = "missing locally";
            after = "applied to the database, no folder on disk";
            note = "restore the folder from version control (the branch that applied it)";
        } else if (e->state == GATE_MSTATE_FAILED) {
            change = "failed";
            after = "a failed row in _prisma_migrations";
            note = "see `prisma-gate status` for the resolve steps";
        } else if (e->only_rolled_back) {
            change = "rolled back";
            after = "only rolled-back rows in _prisma_migrations; deploy applies it again";
            note = "see `prisma-gate status`";
        } else {
            continue;
        }
        it = gate_drift_add(dr->d, a);
        it->kind = "migration";
        it->name = gate_arena_strdup(a, e->name);
        it->change = change;
        it->before = before;
        it->after = after;
        it->remedy_kind = "none";
        it->note = note;
    }
}

static void *live_work(void *arg)
{
    struct live_job *j = arg;
    struct gate_db *db = NULL;

    j->rc = gate_db_connect(j->url, &db, &j->err);
    j->connected = !j->rc;
    if (j->connect_only) {
        j->db = db;
        return NULL;
    }
    if (!j->rc)
        j->rc = gate_introspect(db, &j->schema, 1, &j->arena, &j->model, &j->err);
    gate_db_close(db);
    return NULL;
}

/* Start the worker: the target's introspection beside the rest, or (connect_only) a connection. */
static void live_start(struct drift *dr, bool connect_only)
{
    dr->live.url = &dr->url;
    dr->live.schema = gate_db_url_schema(&dr->url);
    dr->live.connect_only = connect_only;
    dr->live.started = pthread_create(&dr->live.thread, NULL, live_work, &dr->live) == 0;
}

/* gate_shadow_opts.building: the shadow is built, so read the target beside it. */
static void live_building(void *ctx)
{
    struct drift *dr = ctx;

    if (!dr->live.started && !dr->intro_sent)
        live_start(dr, false);
}

/*
 * The main thread's connection: the worker's (connect_only), or its own.
 * A worker that could not connect says why; it is not tried again here.
 */
static enum gate_code main_connect(struct drift *dr, struct gate_err *err)
{
    if (dr->live.started && dr->live.connect_only) {
        (void)pthread_join(dr->live.thread, NULL);
        dr->live.started = false;
        if (dr->live.rc) {
            *err = dr->live.err;
            return dr->live.rc;
        }
        dr->db = dr->live.db;
        dr->live.db = NULL;
        return GATE_OK;
    }
    return gate_db_connect(&dr->url, &dr->db, err);
}

/*
 * The target's model: the worker's (its arena handed to the run's), or,
 * when it could not start or reach the target, read here on the main
 * connection.
 */
static enum gate_code live_model(struct drift *dr, struct gate_dbmodel *out, struct gate_err *err)
{
    const char *schema = gate_db_url_schema(&dr->url);

    if (dr->intro_sent) { /* sent with the history: its results follow */
        struct gate_db_result *r[GATE_INTROSPECT_QUERIES + 1] = {NULL};
        int n = 0;
        enum gate_code rc = GATE_OK;

        dr->intro_sent = false;
        while (!rc && n < (int)GATE_ARRAY_SIZE(r) && !(rc = gate_db_next(dr->db, &r[n], err)) &&
               r[n])
            n++;
        if (rc || n == (int)GATE_ARRAY_SIZE(r)) {
            while (n > 0)
                gate_db_result_free(r[--n]);
            if (!rc)
                GATE_BUG("drift: the introspection returned too many results");
            return gate_introspect_failed(dr->db, rc, err);
        }
        return gate_introspect_load(dr->db, r, n, &dr->run->arena, out, err);
    }
    if (dr->live.started) {
        (void)pthread_join(dr->live.thread, NULL);
        dr->live.started = false;
        gate_arena_absorb(&dr->run->arena, &dr->live.arena);
        if (!dr->live.rc) {
            *out = dr->live.model;
            return GATE_OK;
        }
        if (dr->live.connected) { /* the read itself failed: it would fail again */
            *err = dr->live.err;
            return dr->live.rc;
        }
        gate_verbosef("introspection of the target on a second connection failed (%s); reading "
                      "it on the first",
                      dr->live.err.msg);
    }
    return gate_introspect(dr->db, &schema, 1, &dr->run->arena, out, err);
}

/*
 * A snapshot whose text is not read yet (shadow.h): the target's model
 * read (into *live), and true when it serializes to the snapshot's
 * digest, the text the shadow's model was kept as (the same schema on
 * both sides, nothing to rename): then the models are the same and the
 * snapshot's text need not be read. False with err set when the target
 * could not be read.
 */
static bool same_as_snapshot(struct drift *dr, const char *shadow_schema, const char *schema,
                             struct gate_dbmodel *live, struct gate_err *err)
{
    const char *sum = gate_shadow_snapshot_sum(dr->sh);
    char *text;
    char d[65];

    memset(live, 0, sizeof(*live));
    if (!sum || strcmp(shadow_schema, schema) != 0)
        return false;
    if (live_model(dr, live, err))
        return false;
    text = gate_dbmodel_serialize(live);
    gate_sha256_hex(text, strlen(text), d);
    free(text);
    if (strcmp(d, sum) != 0)
        return false;
    gate_verbosef("shadow: the target's model is the snapshot's (SHA-256 %.16s...): its text is "
                  "not read",
                  d);
    return true;
}

static enum gate_exit compare(struct drift *dr, struct gate_cli *cli)
{
    struct gate_arena *a = &dr->run->arena;
    struct gate_err err = {0};
    struct gate_shadow_opts o = {0};
    struct gate_dbmodel mig, live;
    const char *schema = gate_db_url_schema(&dr->url);
    const char *shadow_schema;
    struct gate_drift_ctx ctx = {0};
    char *prisma;

    /* the files read for the history, not read again */
    if (gate_replay_set_applied_read(&dr->list, dr->data, dr->lens, &dr->hdb, &dr->set, &err))
        return unavailable(dr, err.msg);
    o.pol = cli->pol;
    o.target = dr->target;
    o.target_url = &dr->url;
    o.target_db = dr->db;
    o.command = "drift";
    o.snapshot_arena = a;
    o.building = live_building;
    o.building_ctx = dr;
    o.prefetch = &dr->pre;
    if (gate_shadow_open(&o, &dr->sh, &err))
        return unavailable(dr, err.msg);
    if (gate_shadow_replay(dr->sh, &dr->set, 0, &dr->rres, &err))
        return unavailable(dr, err.msg);
    dr->d->replayed = dr->rres.from_cache + dr->rres.replayed;
    dr->d->shadow = gate_arena_printf(
        a, "%s database \"%s\"%s%s", gate_shadow_is_temporary(dr->sh) ? "temporary" : "shadow",
        gate_shadow_database(dr->sh), dr->rres.cache_hit[0] ? ", from cache " : "",
        dr->rres.cache_hit);
    if (dr->rres.failed) {
        char *text = gate_replay_failure_text(&dr->rres.failure);
        struct gate_drift_item *it = gate_drift_add(dr->d, a);

        it->kind = "migration";
        it->name = gate_arena_strdup(a, dr->rres.failure.migration);
        it->change = "does not replay";
        it->after = gate_arena_strdup(a, text);
        it->remedy_kind = "none";
        it->note = "the migrations do not build the schema any more: fix the migration (see "
                   "the statement and PostgreSQL's message)";
        gate_errorf("%s", text);
        free(text);
        return GATE_EXIT_CLOSED;
    }
    shadow_schema = gate_shadow_schema(dr->sh);
    if (same_as_snapshot(dr, shadow_schema, schema, &live, &err)) {
        mig = live; /* the snapshot's text is the target's: the same model */
        mig.queries = 0;
    } else {
        if (err.msg[0])
            return unavailable(dr, err.msg);
        if (gate_shadow_snapshot_model(dr->sh, &err))
            return unavailable(dr, err.msg);
        if (gate_shadow_model(dr->sh)) {
            mig = *gate_shadow_model(dr->sh); /* the replay cache's snapshot of it */
        } else {
            if (gate_introspect(gate_shadow_db(dr->sh), &shadow_schema, 1, a, &mig, &err))
                return unavailable(dr, err.msg);
            gate_shadow_keep_model(dr->sh, &mig);
        }
        gate_dbmodel_rename_schema(&mig, shadow_schema, schema, a);
        if (!live.objs && live_model(dr, &live, &err))
            return unavailable(dr, err.msg);
    }
    gate_verbosef("introspected %zu objects in the shadow, %zu in the target (%d queries)", mig.n,
                  live.n, mig.queries + live.queries);

    prisma = gate_policy_prisma_cmd(cli->pol);
    ctx.prisma = gate_arena_strdup(a, prisma);
    free(prisma);
    ctx.schema_file = dr->schema_file;
    ctx.migrations_dir = dr->dir;
    ctx.url_env = dr->target->url_env;
    ctx.shadow_url_env = dr->target->shadow_url_env;
    gate_drift_diff(&mig, &live, &ctx, a, dr->d);
    return GATE_EXIT_OK;
}

/*
 * One connection for the run unless the shadow must be built (see struct
 * live_job): a replay cache in temporary databases on the target's server,
 * whose listing (and snapshot) is read on the target's connection.
 */
static bool one_connection(const struct gate_policy *pol)
{
    struct gate_policy defaults;

    if (!pol) {
        gate_policy_defaults(&defaults);
        pol = &defaults;
    }
    return pol->drift.shadow == GATE_DRIFT_SHADOW_CREATE && pol->drift.cache > 0;
}

/*
 * The set a nightly run expects to find applied: every local migration,
 * in order. Its cache listing goes with the history (dr->pre_sql); when
 * the history says otherwise the shadow lists the caches itself.
 */
static void guess_set(struct drift *dr)
{
    struct gate_replay_set guess = {0};
    struct gate_err err = {0};
    bool ok = dr->nlocals > 0;

    for (size_t i = 0; i < dr->nlocals && ok; i++)
        ok = dr->data[i] &&
             !gate_replay_set_add(&guess, dr->list.items[i].name, dr->list.items[i].sql_path,
                                  dr->data[i], dr->lens[i], &err);
    if (ok)
        dr->pre_sql = gate_shadow_prefetch_sql(gate_db_url_schema(&dr->url), &guess, dr->pre.name);
    gate_replay_set_release(&guess);
}

/* End the transaction a failed statement of the one round trip left open. */
static void rollback(struct gate_db *db)
{
    struct gate_db_result *r = NULL;
    struct gate_err ignored = {0};

    (void)gate_db_exec(db, "ROLLBACK", &r, &ignored);
    gate_db_result_free(r);
}

/*
 * The history, with (one connection) the shadow's first query and the
 * target's introspection in the same round trip: the server reads the
 * catalog while this thread compares the history and reads the
 * snapshot. When the history's query fails, everything is asked again
 * one by one (gate_history_read reads a missing table from the catalog).
 */

static enum gate_code read_history(struct drift *dr, bool one, struct gate_err *err)
{
    const char *schema = gate_db_url_schema(&dr->url);
    struct gate_db_result *r = NULL;
    struct gate_err ignored = {0};
    char *hist, *intro, *sql;
    enum gate_code rc;

    if (!one)
        return gate_history_read(dr->db, schema, &dr->hdb, err);
    hist = gate_history_sql(schema);
    intro = gate_introspect_sql(&schema, 1, gate_db_server_version_num(dr->db));
    /*
     * each part its own transaction: statements outside one would join
     * the next BEGIN (one string is one implicit transaction until then)
     */
    sql = gate_xasprintf("%s;%s%s%s%s", hist, dr->pre_sql ? "BEGIN READ ONLY;" : "",
                         dr->pre_sql ? dr->pre_sql : "", dr->pre_sql ? ";COMMIT;" : "", intro);
    free(hist);
    free(intro);
    rc = gate_db_send(dr->db, sql, err);
    free(sql);
    if (rc)
        return rc;
    if (gate_db_next(dr->db, &r, &ignored) || !r) {
        rollback(dr->db); /* nothing ran after the failed statement */
        return gate_history_read(dr->db, schema, &dr->hdb, err);
    }
    if (dr->pre_sql && (gate_db_next(dr->db, &dr->pre.listing, &ignored) || !dr->pre.listing)) {
        /* not asked (nor the introspection): the shadow asks again, the catalog is read later */
        gate_db_result_free(dr->pre.listing);
        dr->pre.listing = NULL;
        rollback(dr->db);
    } else {
        dr->intro_sent = true;
    }
    return gate_history_from_result(dr->db, schema, r, &dr->hdb, err);
}

static enum gate_exit evaluate(struct drift *dr, struct gate_cli *cli)
{
    struct gate_err err = {0};
    const char *msg;
    enum gate_exit rc;
    bool one = one_connection(cli->pol);

    /*
     * The worker loads libpq and connects while this thread reads the
     * migration files; then this thread's connection (libpq loads once).
     */
    if (one && gate_db_load(&err))
        return unavailable(dr, err.msg);
    live_start(dr, one);
    msg = read_locals(dr);
    if (msg)
        return unavailable(dr, msg);
    if (one)
        guess_set(dr);
    if (main_connect(dr, &err))
        return unavailable(dr, err.msg);
    if (read_history(dr, one, &err))
        return unavailable(dr, err.msg);
    gate_history_classify(dr->locals, dr->nlocals, &dr->hdb, false, &dr->res);
    history_items(dr);
    rc = compare(dr, cli);
    if (dr->sh && gate_shadow_close(dr->sh, &err)) {
        dr->sh = NULL;
        return unavailable(dr, err.msg);
    }
    dr->sh = NULL;
    return rc;
}

static void release(struct drift *dr)
{
    struct gate_err err = {0};

    if (dr->live.started) {
        /* an early exit: wait for the worker, which uses dr->url */
        (void)pthread_join(dr->live.thread, NULL);
        dr->live.started = false;
    }
    gate_db_close(dr->live.db); /* connected for a main thread that stopped early */
    free(dr->pre_sql);
    gate_db_result_free(dr->pre.listing);
    gate_arena_release(&dr->live.arena);
    if (dr->sh && gate_shadow_close(dr->sh, &err))
        gate_errorf("%s", err.msg);
    gate_replay_result_release(&dr->rres);
    gate_replay_set_release(&dr->set);
    gate_hist_result_release(&dr->res);
    gate_hist_db_release(&dr->hdb);
    gate_db_close(dr->db);
    gate_db_url_release(&dr->url);
    for (size_t i = 0; i < dr->nlocals; i++)
        free(dr->data[i]);
    free(dr->data);
    free(dr->lens);
    free(dr->locals);
    gate_migration_list_release(&dr->list);
}

enum gate_exit gate_cmd_drift(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    struct drift dr = {0};
    enum gate_exit rc;

    (void)out;
    if (cli->nargs) {
        gate_errorf("drift takes no arguments (use -t TARGET, --migrations DIR or -C DIR), got "
                    "'%s'",
                    cli->args[0]);
        return GATE_EXIT_USAGE;
    }
    rc = gate_cmd_resolve_paths(cli, run, &dr.dir, &dr.schema_file, NULL);
    if (rc)
        return rc;
    rc = gate_target_resolve(cli->pol, cli->target, cli->command, &dr.target, &dr.url);
    if (rc)
        return rc;
    dr.run = run;
    dr.pol = cli->pol;
    dr.d = gate_arena_alloc(&run->arena, sizeof(*dr.d));
    run->drift = dr.d;
    set_target(&dr);

    rc = evaluate(&dr, cli);
    gate_drift_finish(dr.d);
    release(&dr);
    if (rc == GATE_EXIT_UNAVAILABLE) {
        dr.d->digest[0] = '\0'; /* no digest for what could not be compared */
        return rc;
    }
    if (rc == GATE_EXIT_CLOSED || gate_drift_found(dr.d)) {
        run->verdict = GATE_VERDICT_FAIL;
        return GATE_EXIT_CLOSED;
    }
    run->verdict = GATE_VERDICT_PASS;
    return GATE_EXIT_OK;
}
