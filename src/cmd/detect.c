/* SPDX-License-Identifier: MIT */
/*
 * cmd/detect.c - `prisma-gate detect`: the seed's "Database Setup
 * Analysis". Describes how the project manages its database:
 *
 *  - strategy: migrate (a migrations folder, or a database whose
 *    _prisma_migrations has rows) or db push (tables but no history, no
 *    migrations folder); a database with tables, no history and a
 *    migrations folder needs a baseline (Prisma's P3005);
 *  - targets: the database URLs in the environment (the datasource's
 *    url/directUrl/shadowDatabaseUrl env() names, DATABASE_URL and every
 *    *DATABASE_URL variable), each as host:port/database - never the
 *    password - and a warning when two of them resolve to the same
 *    database (a single shared database), with separation advice;
 *  - migration count, first and last migration.
 *
 * Without a database URL it reports the repository's facts only. With
 * one, it reads the main target's history read-only (history.h).
 * Exit: 0 described (warnings included); 2 no schema found; 3 the
 * database could not be read.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/cmd_common.h"
#include "gate/db.h"
#include "gate/fs.h"
#include "gate/history.h"
#include "gate/migrations.h"
#include "gate/msg.h"
#include "gate/policy.h"
#include "gate/project.h"
#include "gate/xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern char **environ;

#define DEFAULT_URL_ENV "DATABASE_URL"

static const char advice_text[] =
    "separate the environments: give development, staging and production each their own "
    "database and their own DATABASE_URL; keep the production URL only in the deployment's "
    "secret store; point shadowDatabaseUrl (prisma migrate dev) at a database of its own; and "
    "change production only with `prisma migrate deploy`, never with `migrate dev` or `db push`";

struct detect {
    struct gate_run *run;
    struct gate_run_setup *s;
    size_t cap;
    bool error;
};

static struct gate_check *check(struct detect *d, const char *id, enum gate_status st,
                                const char *fmt, ...) GATE_PRINTF(4, 5);

static struct gate_check *check(struct detect *d, const char *id, enum gate_status st,
                                const char *fmt, ...)
{
    char buf[2048];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (st == GATE_STATUS_ERROR) {
        d->error = true;
        gate_errorf("%s: %s", id, buf);
    }
    return gate_run_add_check(d->run, id, st, buf);
}

/* ---------------------------------------------------------------- targets */

static bool has_target(const struct detect *d, const char *env)
{
    for (size_t i = 0; i < d->s->ntargets; i++) {
        if (!strcmp(d->s->targets[i].env, env))
            return true;
    }
    return false;
}

static void add_target(struct detect *d, const char *env, const char *role, const char *name)
{
    struct gate_arena *a = &d->run->arena;
    struct gate_setup_target *t;
    struct gate_db_url u;
    struct gate_err err = {0};
    const char *val = getenv(env);

    if (!val || !*val || has_target(d, env))
        return;
    GATE_ARENA_GROW(a, d->s->targets, d->cap, d->s->ntargets, d->s->ntargets + 1);
    t = &d->s->targets[d->s->ntargets++];
    t->env = gate_arena_strdup(a, env);
    t->role = role;
    t->name = name ? gate_arena_strdup(a, name) : NULL;
    if (gate_db_url_parse(val, &u, &err)) {
        t->error = gate_arena_strdup(a, err.msg);
        return;
    }
    t->host = gate_arena_strdup(a, u.host);
    t->port = u.port;
    t->database = gate_arena_strdup(a, u.database);
    t->schema = gate_arena_strdup(a, gate_db_url_schema(&u));
    t->user = gate_arena_strdup(a, u.user);
    gate_db_url_release(&u);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every set variable named *DATABASE_URL (sorted), as targets (shadow when named so). */
static void env_targets(struct detect *d)
{
    char **names = NULL;
    size_t n = 0, cap = 0;

    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        size_t len = eq ? (size_t)(eq - *e) : strlen(*e);

        if (len >= 12 && !strncmp(*e + len - 12, "DATABASE_URL", 12)) {
            GATE_GROW(names, cap, n + 1);
            names[n++] = gate_xstrndup(*e, len);
        }
    }
    if (n > 1)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        add_target(d, names[i], strstr(names[i], "SHADOW") ? "shadow" : "target", NULL);
        free(names[i]);
    }
    free(names);
}

/* Hosts that are this machine compare equal. */
static const char *host_key(const char *h)
{
    if (!strcasecmp(h, "localhost") || !strcmp(h, "::1") || !strncmp(h, "127.", 4))
        return "localhost";
    return h;
}

static bool same_db(const struct gate_setup_target *a, const struct gate_setup_target *b)
{
    return a->host && b->host && !strcasecmp(host_key(a->host), host_key(b->host)) &&
           a->port == b->port && !strcmp(a->database, b->database);
}

static void compare_targets(struct detect *d)
{
    struct gate_run_setup *s = d->s;
    bool shadow_clash = false, shared = false, any_shadow = false;

    for (size_t i = 0; i < s->ntargets; i++) {
        struct gate_setup_target *t = &s->targets[i];

        if (!strcmp(t->role, "shadow"))
            any_shadow = true;
        if (t->error)
            check(d, "setup.targets", GATE_STATUS_WARN, "%s cannot be read: %s", t->env, t->error);
        for (size_t k = 0; k < i && !t->same_as; k++) {
            const struct gate_setup_target *o = &s->targets[k];
            bool direct = !strcmp(t->role, "direct") || !strcmp(o->role, "direct");
            bool shadow = !strcmp(t->role, "shadow") || !strcmp(o->role, "shadow");

            if (!same_db(t, o))
                continue;
            t->same_as = o->env;
            if (shadow) {
                shadow_clash = true;
                check(d, "setup.shadow-database", GATE_STATUS_WARN,
                      "%s and %s resolve to the same database (%s:%d/%s): `prisma migrate dev` "
                      "drops and recreates everything in its shadow database, so it would wipe "
                      "the other one; give the shadow database its own database",
                      o->env, t->env, t->host, t->port, t->database);
            } else if (!direct) {
                shared = true;
                check(d, "setup.shared-database", GATE_STATUS_WARN,
                      "single shared database: %s and %s resolve to the same database "
                      "(%s:%d/%s%s%s): a change tried in one environment lands in the other; "
                      "%s",
                      o->env, t->env, t->host, t->port, t->database,
                      strcmp(o->schema, t->schema) ? ", separated only by schema: " : "",
                      strcmp(o->schema, t->schema) ? t->schema : "", advice_text);
            }
        }
    }
    s->shared = shared;
    if (shared)
        s->advice = advice_text;
    if (!shared && s->ntargets > 1)
        check(d, "setup.shared-database", GATE_STATUS_PASS,
              "the %zu database URLs resolve to different databases (or are one database "
              "reached directly and through a pooler)",
              s->ntargets);
    if (any_shadow && !shadow_clash)
        check(d, "setup.shadow-database", GATE_STATUS_PASS,
              "the shadow database is a database of its own");
}

/* ----------------------------------------------------------------- history */

/* Read the main target's history (read-only); false when it could not be read. */
static void read_db(struct detect *d, const char *env)
{
    struct gate_run_setup *s = d->s;
    const char *val = getenv(env);
    struct gate_db_url u;
    struct gate_db *db = NULL;
    struct gate_hist_db h;
    struct gate_err err = {0};

    if (!val || !*val) {
        check(d, "db.connection", GATE_STATUS_SKIP,
              "%s is not set: the repository's facts only (set it to include the database)", env);
        return;
    }
    if (gate_db_url_parse(val, &u, &err)) {
        check(d, "db.connection", GATE_STATUS_ERROR, "%s: %s", env, err.msg);
        return;
    }
    if (gate_db_connect(&u, &db, &err)) {
        check(d, "db.connection", GATE_STATUS_ERROR, "%s: %s", env, err.msg);
        gate_db_url_release(&u);
        return;
    }
    memset(&h, 0, sizeof(h));
    if (gate_history_read(db, gate_db_url_schema(&u), &h, &err) ||
        (!h.schema_exists && gate_history_schema_typo(db, gate_db_url_schema(&u), &err)) ||
        (h.has_table && gate_history_count_tables(db, gate_db_url_schema(&u), &h, &err))) {
        check(d, "db.connection", GATE_STATUS_ERROR, "%s: %s", env, err.msg);
    } else {
        s->db_checked = true;
        s->db_env = gate_arena_strdup(&d->run->arena, env);
        s->db_has_history = h.has_table;
        s->db_history_rows = h.nrows;
        s->db_tables = h.other_tables;
        check(d, "db.connection", GATE_STATUS_PASS,
              "%s: %s:%d/%s (schema %s), PostgreSQL %s: %s, %ld other table%s", env, u.host, u.port,
              u.database, gate_db_url_schema(&u), h.server_version ? h.server_version : "?",
              h.has_table ? "_prisma_migrations present" : "no _prisma_migrations", h.other_tables,
              h.other_tables == 1 ? "" : "s");
    }
    gate_hist_db_release(&h);
    gate_db_close(db);
    gate_db_url_release(&u);
}

/* ---------------------------------------------------------------- strategy */

static const char *timestamp_of(struct gate_arena *a, const char *name)
{
    for (int i = 0; i < 14; i++) {
        if (!isdigit((unsigned char)name[i]))
            return NULL;
    }
    return gate_arena_printf(a, "%.4s-%.2s-%.2s %.2s:%.2s:%.2s UTC", name, name + 4, name + 6,
                             name + 8, name + 10, name + 12);
}

static void strategy(struct detect *d)
{
    struct gate_run_setup *s = d->s;
    struct gate_arena *a = &d->run->arena;
    size_t n = s->migrations;

    if (s->db_checked && s->db_has_history) {
        s->strategy = "migrate";
        s->strategy_why = gate_arena_printf(
            a, "the database's _prisma_migrations holds %zu row%s%s", s->db_history_rows,
            s->db_history_rows == 1 ? "" : "s",
            n ? "" : ", but there is no migrations folder here (missing locally?)");
    } else if (s->db_checked && s->db_tables > 0) {
        if (n) {
            s->strategy = "migrate";
            s->strategy_why = gate_arena_printf(
                a,
                "a migrations folder with %zu migration%s, but the database has %ld table%s and "
                "no _prisma_migrations (made with db push or by hand): baseline it before "
                "`prisma migrate deploy` (P3005)",
                n, n == 1 ? "" : "s", s->db_tables, s->db_tables == 1 ? "" : "s");
            check(d, "setup.baseline", GATE_STATUS_WARN,
                  "%s has %ld table%s but no _prisma_migrations: `prisma migrate deploy` fails "
                  "with P3005 until the database is baselined (`prisma migrate resolve "
                  "--applied <migration>` for each migration it already has; `prisma-gate "
                  "status` lists the steps)",
                  s->db_env, s->db_tables, s->db_tables == 1 ? "" : "s");
        } else {
            s->strategy = "db push";
            s->strategy_why = gate_arena_printf(
                a,
                "the database has %ld table%s, no _prisma_migrations, and there is no "
                "migrations folder",
                s->db_tables, s->db_tables == 1 ? "" : "s");
        }
    } else if (n) {
        s->strategy = "migrate";
        s->strategy_why =
            gate_arena_printf(a, "a migrations folder with %zu migration%s%s", n, n == 1 ? "" : "s",
                              s->db_checked ? "; the database is empty" : "");
    } else {
        s->strategy = "db push";
        s->strategy_why = gate_arena_strdup(
            a, s->db_checked ? "no migrations folder and an empty database: nothing is applied "
                               "yet (prisma db push, or prisma migrate dev to start migrations)"
                             : "no migrations folder: the schema is applied with `prisma db "
                               "push` (or not at all)");
    }
    check(d, "setup.strategy", GATE_STATUS_PASS, "%s: %s", s->strategy, s->strategy_why);
}

enum gate_exit gate_cmd_detect(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    struct gate_project proj;
    struct gate_err err = {0};
    struct detect d = {0};
    struct gate_run_setup *s;
    struct gate_arena *a = &run->arena;
    const struct gate_schema_block *ds = NULL;
    const char *main_env = DEFAULT_URL_ENV;
    const struct gate_policy *pol = cli->pol;
    const char *val;
    enum gate_exit rc;

    (void)out;
    rc = gate_cmd_resolve_project(cli, pol, false, run, &proj);
    if (rc)
        return rc;
    s = gate_arena_alloc(a, sizeof(*s));
    run->setup = s;
    d.run = run;
    d.s = s;
    s->schema = gate_arena_strdup(a, proj.schema);
    s->schema_from = gate_arena_strdup(a, proj.schema_from);
    s->migrations_dir = gate_arena_strdup(a, proj.migrations);
    if (gate_project_load(&proj, &err)) {
        check(&d, "setup.schema", GATE_STATUS_ERROR, "%s", err.msg);
    } else {
        ds = gate_schema_find(&proj.parsed, GATE_SB_DATASOURCE, NULL);
        if (gate_schema_lock_provider(&proj.parsed))
            s->provider = gate_arena_strdup(a, gate_schema_lock_provider(&proj.parsed));
        check(&d, "setup.schema", GATE_STATUS_PASS, "%s (%s): %zu file%s, datasource %s",
              proj.schema, proj.schema_from, proj.nfiles, proj.nfiles == 1 ? "" : "s",
              s->provider ? s->provider : "(none)");
    }
    if (gate_path_kind(proj.migrations) == GATE_PATH_DIR) {
        struct gate_migration_list list;

        s->migrations_dir_exists = true;
        if (gate_migrations_list(proj.migrations, &list, &err)) {
            check(&d, "setup.migrations", GATE_STATUS_ERROR, "%s", err.msg);
        } else {
            s->migrations = list.n;
            s->lock_file = list.has_lock;
            if (list.n) {
                s->first_migration = gate_arena_strdup(a, list.items[0].name);
                s->last_migration = gate_arena_strdup(a, list.items[list.n - 1].name);
                s->last_migration_at = timestamp_of(a, s->last_migration);
                check(&d, "setup.migrations", GATE_STATUS_PASS,
                      "%zu migration%s in %s; last %s%s%s%s", list.n, list.n == 1 ? "" : "s",
                      proj.migrations, s->last_migration, s->last_migration_at ? " (" : "",
                      s->last_migration_at ? s->last_migration_at : "",
                      s->last_migration_at ? ")" : "");
            } else {
                check(&d, "setup.migrations", GATE_STATUS_PASS, "%s holds no migration",
                      proj.migrations);
            }
        }
        gate_migration_list_release(&list);
    } else {
        check(&d, "setup.migrations", GATE_STATUS_PASS, "no migrations folder (%s)",
              proj.migrations);
    }

    /*
     * targets: the policy's (in its order), then the datasource's env()
     * names, then every *DATABASE_URL variable
     */
    if (pol && pol->path && pol->ntargets) {
        const struct gate_policy_target *t = gate_policy_target(pol, cli->target, &err);

        if (t)
            main_env = t->url_env;
        gate_err_clear(&err);
        for (size_t i = 0; i < pol->ntargets; i++) {
            add_target(&d, pol->targets[i].url_env, "target", pol->targets[i].name);
            if (pol->targets[i].shadow_url_env)
                add_target(&d, pol->targets[i].shadow_url_env, "shadow", pol->targets[i].name);
        }
    } else if (ds && ds->url_env) {
        main_env = ds->url_env;
    }
    add_target(&d, main_env, "target", NULL);
    if (ds && ds->url_env)
        add_target(&d, ds->url_env, "target", NULL);
    if (ds && ds->direct_env)
        add_target(&d, ds->direct_env, "direct", NULL);
    if (ds && ds->shadow_env)
        add_target(&d, ds->shadow_env, "shadow", NULL);
    add_target(&d, DEFAULT_URL_ENV, "target", NULL);
    env_targets(&d);
    if (!s->ntargets)
        check(&d, "setup.targets", GATE_STATUS_SKIP,
              "no database URL in the environment (%s%s): the repository's facts only", main_env,
              strcmp(main_env, DEFAULT_URL_ENV) ? ", DATABASE_URL" : "");
    else
        check(&d, "setup.targets", GATE_STATUS_PASS, "%zu database URL%s in the environment",
              s->ntargets, s->ntargets == 1 ? "" : "s");
    compare_targets(&d);
    val = getenv(main_env);
    if (val && *val)
        read_db(&d, main_env);
    strategy(&d);
    gate_project_release(&proj);
    if (d.error) {
        run->verdict = GATE_VERDICT_ERROR;
        return GATE_EXIT_UNAVAILABLE;
    }
    run->verdict = GATE_VERDICT_PASS;
    return GATE_EXIT_OK;
}
