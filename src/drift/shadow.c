/* SPDX-License-Identifier: MIT */
/*
 * drift/shadow.c - the shadow database's lifecycle and the replay cache
 * (shadow.h; docs/internals/drift.md). Speaks SQL to PostgreSQL through
 * db.h only: CREATE DATABASE (optionally TEMPLATE a cache database),
 * DROP DATABASE ... WITH (FORCE), pg_database and its comments.
 */
#include "gate/compat.h"
#include "gate/shadow.h"
#include "gate/clock.h"
#include "gate/introspect.h"
#include "gate/digest.h"
#include "gate/msg.h"
#include "gate/progress.h"
#include "gate/stop.h"
#include "gate/xalloc.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct gate_shadow {
    enum gate_drift_shadow mode;
    bool reset;
    int cache;
    long long timeout_ms;
    const char *command;
    const char *env; /* the shadow URL's variable (url mode) */

    const struct gate_db_url *target_url; /* borrowed */
    struct gate_db *target_db;            /* borrowed */

    /*
     * The way into the server where temporary databases are created:
     * create mode: the target's connection (borrowed); url mode with a
     * cache: the configured shadow's (owned).
     */
    struct gate_db_url door_url;
    struct gate_db *door;
    bool door_owned;

    struct gate_db_url url; /* the shadow's */
    struct gate_db *db;     /* the connection to it */
    char name[128];         /* its database name */
    char *schema;           /* where the migrations are replayed */
    bool temporary;         /* created by this run: dropped by close */
    bool checked_empty;     /* url mode: found empty (or reset): emptied again by close */
    bool on_cache;          /* db is a cache database itself, read-only: never dropped, emptied */
    bool schema_was_there;  /* url mode: the schema in use existed before the run */
    bool replayed;
    struct gate_shadow_prefetch *prefetch; /* borrowed: opts.prefetch */
    void (*building)(void *ctx);
    void *building_ctx;

    /*
     * Snapshots (drift: opts.snapshot_arena): the model of the cache
     * database that holds the whole set, kept in its comment. model is
     * the one read from it (then db is NULL: nothing to connect to);
     * keep_name the cache that has none yet, which
     * gate_shadow_keep_model writes it to.
     */
    struct gate_arena *snap_arena;
    struct gate_dbmodel model;
    bool have_model;
    /*
     * A snapshot whose header fits but whose text is not read yet (the
     * listing reads only the head): its model's SHA-256 (snap_sum), and
     * the cache that holds it (name).
     */
    bool have_header;
    char snap_sum[65];
    char snap_settings[65];
    char keep_name[64];
    size_t keep_k;
    char set_digest[65]; /* the full digest of the whole set */
};

/*
 * How long a closed shadow session's backend may take to leave before a
 * DROP DATABASE or a CREATE DATABASE ... TEMPLATE of its database (which
 * would otherwise find it exiting and sleep 100 ms; it is usually gone
 * within a few milliseconds).
 */
#define GONE_WAIT_MS 1000

/* ------------------------------------------------------------- helpers */

static enum gate_code exec(struct gate_db *db, const char *sql, struct gate_err *err)
{
    struct gate_db_result *r = NULL;
    enum gate_code rc = gate_db_exec(db, sql, &r, err);

    gate_db_result_free(r);
    return rc;
}

static enum gate_code execf(struct gate_db *db, struct gate_err *err, const char *fmt, ...)
    GATE_PRINTF(3, 4);
static enum gate_code execf(struct gate_db *db, struct gate_err *err, const char *fmt, ...)
{
    va_list ap;
    char *sql;
    enum gate_code rc;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return gate_fail(err, GATE_E_INTERNAL, "cannot format a query");
    sql = gate_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    (void)vsnprintf(sql, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rc = exec(db, sql, err);
    free(sql);
    return rc;
}

/* 16 random hex digits (/dev/urandom; time and pid without it). */
static void random_hex(char out[17])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[8];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    bool ok = false;

    if (fd >= 0) {
        ok = read(fd, b, sizeof(b)) == (ssize_t)sizeof(b);
        (void)close(fd);
    }
    if (!ok) {
        struct timespec ts;
        unsigned long long v;

        (void)clock_gettime(CLOCK_REALTIME, &ts);
        v = (unsigned long long)ts.tv_nsec ^ ((unsigned long long)ts.tv_sec << 20) ^
            ((unsigned long long)getpid() << 40);
        for (size_t i = 0; i < sizeof(b); i++)
            b[i] = (unsigned char)(v >> (8 * i));
    }
    for (size_t i = 0; i < sizeof(b); i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[16] = '\0';
}

static long long wall_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool has_prefix(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p));
}

/* ------------------------------------------------------------ emptiness */

/*
 * What a shadow may not hold: objects of a non-system schema that are not
 * an extension's members, schemas besides public and the one in use,
 * extensions besides plpgsql. what_is_there_a, the schema in use as a
 * literal, then what_is_there_b.
 */
static const char what_is_there_a[] =
    "WITH ns AS (SELECT oid, nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', "
    "'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT "
    "LIKE 'pg\\_toast\\_temp\\_%'), "
    "ext AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e') "
    "SELECT x FROM ("
    "SELECT 'schema ' || quote_ident(n.nspname) AS x FROM ns n WHERE n.nspname <> 'public' AND "
    "n.nspname <> ";
static const char what_is_there_b[] =
    " AND (n.oid) NOT IN (SELECT objid FROM ext WHERE classid = 'pg_namespace'::regclass) "
    "UNION ALL "
    "SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' WHEN 'S' "
    "THEN 'sequence ' WHEN 'f' THEN 'foreign table ' ELSE 'table ' END || c.oid::regclass::text "
    "FROM pg_class c JOIN ns n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', "
    "'m', 'S', 'f') AND c.oid NOT IN (SELECT objid FROM ext WHERE classid = "
    "'pg_class'::regclass) "
    "UNION ALL "
    "SELECT 'type ' || t.oid::regtype::text FROM pg_type t JOIN ns n ON n.oid = t.typnamespace "
    "WHERE (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT c.relkind FROM "
    "pg_class c WHERE c.oid = t.typrelid) = 'c')) AND t.oid NOT IN (SELECT objid FROM ext WHERE "
    "classid = 'pg_type'::regclass) "
    "UNION ALL "
    "SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p JOIN ns n ON n.oid = "
    "p.pronamespace WHERE p.oid NOT IN (SELECT objid FROM ext WHERE classid = "
    "'pg_proc'::regclass) "
    "UNION ALL "
    "SELECT 'extension ' || quote_ident(e.extname) FROM pg_extension e WHERE e.extname <> "
    "'plpgsql'"
    ") s LIMIT 6";

/*
 * What the database holds besides empty schemas public and schema ("" when
 * empty): up to five objects, comma-separated. malloc'd.
 */
static enum gate_code contents(struct gate_db *db, const char *schema, char **out,
                               struct gate_err *err)
{
    struct gate_db_result *r = NULL;
    struct gate_buf b = {0};
    char *lit = gate_db_quote_literal(schema);
    char *sql;
    enum gate_code rc;
    int n;

    *out = NULL;
    sql = gate_xasprintf("%s%s%s", what_is_there_a, lit, what_is_there_b);
    rc = gate_db_exec(db, sql, &r, err);
    free(sql);
    free(lit);
    if (rc)
        return GATE_E_DB;
    n = gate_db_result_rows(r);
    for (int i = 0; i < n && i < 5; i++) {
        const char *v = gate_db_result_value(r, i, 0);

        if (b.len)
            gate_buf_adds(&b, ", ");
        gate_buf_adds(&b, v ? v : "?");
    }
    if (n > 5)
        gate_buf_adds(&b, ", ...");
    gate_db_result_free(r);
    *out = b.len ? gate_buf_detach(&b) : gate_xstrdup("");
    gate_buf_release(&b);
    return GATE_OK;
}

/*
 * Prisma's reset of a shadow (postgres.rs::reset): DROP SCHEMA "s"
 * CASCADE; CREATE SCHEMA "s"; DROP TABLE _prisma_migrations (errors
 * ignored).
 */
static enum gate_code reset_shadow(struct gate_shadow *sh, struct gate_err *err)
{
    char *q = gate_db_quote_ident(sh->schema);
    struct gate_err ignore = {0};
    enum gate_code rc;

    gate_verbosef("shadow: resetting schema %s of database '%s' (drift.reset_shadow)", q, sh->name);
    rc = execf(sh->db, err, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", q, q);
    if (!rc)
        (void)execf(sh->db, &ignore, "DROP TABLE IF EXISTS %s.\"_prisma_migrations\"", q);
    free(q);
    return rc;
}

/* --------------------------------------------------------------- open */

static void shadow_free(struct gate_shadow *sh)
{
    if (!sh)
        return;
    if (sh->db && sh->db != sh->door)
        gate_db_close(sh->db);
    if (sh->door_owned)
        gate_db_close(sh->door);
    gate_db_url_release(&sh->url);
    gate_db_url_release(&sh->door_url);
    free(sh->schema);
    free(sh);
}

/* The shadow is not the target: the same server and database by the server's own word. */
static enum gate_code not_the_target(struct gate_shadow *sh, struct gate_err *err)
{
    struct gate_db_identity a, b;
    struct gate_err ierr = {0};

    if (!sh->target_db) {
        if (sh->reset)
            return gate_fail(err, GATE_E_USAGE,
                             "drift.reset_shadow is true but the target's URL is not available: "
                             "the shadow %s names cannot be proven not to be the target, so it "
                             "is not reset",
                             sh->env);
        gate_verbosef("shadow: the target's URL is not available; %s is not compared with it",
                      sh->env);
        return GATE_OK;
    }
    if (gate_db_identity(sh->target_db, &a, &ierr) || gate_db_identity(sh->db, &b, &ierr))
        return gate_fail(err, GATE_E_DB,
                         "cannot tell whether the shadow database (%s) is the target itself, so "
                         "it is not used: %s",
                         sh->env, ierr.msg);
    if (gate_db_same_database(&a, &b))
        return gate_fail(err, GATE_E_USAGE,
                         "%s points at the target's own database '%s' (same server, system "
                         "identifier %s, port %d): a shadow must be a separate, empty database "
                         "(migrations are replayed into it, and drift.reset_shadow drops its "
                         "schema); name another database, or use drift.shadow: create",
                         sh->env, b.database, b.system_identifier, b.port);
    return GATE_OK;
}

static enum gate_code open_url(struct gate_shadow *sh, const struct gate_policy_target *t,
                               struct gate_err *err)
{
    const char *val;
    char *what = NULL;
    enum gate_code rc;

    if (!t || !t->shadow_url_env)
        return gate_fail(err, GATE_E_USAGE,
                         "no shadow database: the target%s%s names no shadow_url_env and "
                         "drift.shadow is not 'create' (set targets.NAME.shadow_url_env, or "
                         "drift.shadow: create for a temporary database on the target's server)",
                         t && t->name ? " " : "", t && t->name ? t->name : "");
    sh->env = t->shadow_url_env;
    val = getenv(t->shadow_url_env);
    if (!val || !*val)
        return gate_fail(err, GATE_E_USAGE,
                         "%s is not set: %s reads the shadow database's URL from it (an empty "
                         "scratch database, never the target)",
                         t->shadow_url_env, sh->command);
    if (gate_db_url_parse(val, &sh->url, err))
        return err ? err->code : GATE_E_USAGE;
    (void)snprintf(sh->name, sizeof(sh->name), "%s", sh->url.database);
    if (has_prefix(sh->url.database, GATE_SHADOW_CACHE_PREFIX) ||
        has_prefix(sh->url.database, GATE_SHADOW_PREFIX))
        return gate_fail(err, GATE_E_USAGE,
                         "%s names database '%s', which prisma-gate itself creates (%s) and "
                         "drops or prunes: it is never used as a configured shadow",
                         sh->env, sh->url.database,
                         has_prefix(sh->url.database, GATE_SHADOW_PREFIX) ? "a temporary shadow"
                                                                          : "a replay cache");
    if (!sh->url.schema && sh->target_url && sh->target_url->schema)
        sh->url.schema = gate_xstrdup(sh->target_url->schema);
    sh->schema = gate_xstrdup(gate_db_url_schema(&sh->url));
    if (gate_db_connect(&sh->url, &sh->db, err))
        return GATE_E_DB;
    rc = not_the_target(sh, err);
    if (rc)
        return rc;
    if (contents(sh->db, sh->schema, &what, err))
        return GATE_E_DB;
    if (*what && sh->reset) {
        free(what);
        what = NULL;
        if (reset_shadow(sh, err) || contents(sh->db, sh->schema, &what, err))
            return GATE_E_DB;
        if (*what) {
            rc = gate_fail(err, GATE_E_USAGE,
                           "the shadow database '%s' (%s) still holds %s after the reset: "
                           "drift.reset_shadow resets only schema '%s', as Prisma does; empty "
                           "the rest by hand or name another database",
                           sh->name, sh->env, what, sh->schema);
            free(what);
            return rc;
        }
    } else if (*what) {
        rc = gate_fail(err, GATE_E_USAGE,
                       "the shadow database '%s' (%s) is not empty: it holds %s. A shadow must "
                       "be empty (the migrations are replayed into it); empty it, name another "
                       "database, or set drift.reset_shadow: true to reset it as Prisma does "
                       "(DROP SCHEMA \"%s\" CASCADE)",
                       sh->name, sh->env, what, sh->schema);
        free(what);
        return rc;
    }
    free(what);
    sh->checked_empty = true;
    {
        struct gate_db_result *r = NULL;
        char *lit = gate_db_quote_literal(sh->schema);
        char *sql = gate_xasprintf("SELECT 1 FROM pg_namespace WHERE nspname = %s", lit);

        rc = gate_db_exec(sh->db, sql, &r, err);
        sh->schema_was_there = gate_db_result_rows(r) > 0;
        gate_db_result_free(r);
        free(sql);
        free(lit);
        if (rc)
            return rc;
    }
    if (sh->cache > 0) {
        /*
         * the replay runs in a temporary database on this server; this one
         * is the way in, connected with a URL of its own (a connection
         * keeps its URL's address, and sh->url is replaced later)
         */
        gate_db_close(sh->db);
        sh->db = NULL;
        gate_db_url_copy(&sh->url, NULL, &sh->door_url);
        if (gate_db_connect(&sh->door_url, &sh->door, err))
            return GATE_E_DB;
        sh->door_owned = true;
        sh->db = sh->door;
    }
    return GATE_OK;
}

static enum gate_code open_create(struct gate_shadow *sh, struct gate_err *err)
{
    if (!sh->target_url || !sh->target_db)
        return gate_fail(err, GATE_E_USAGE,
                         "drift.shadow: create makes a temporary database on the target's "
                         "server, but the target's URL is not available");
    gate_db_url_copy(sh->target_url, NULL, &sh->door_url);
    sh->door = sh->target_db;
    sh->schema = gate_xstrdup(gate_db_url_schema(sh->target_url));
    return GATE_OK;
}

enum gate_code gate_shadow_open(const struct gate_shadow_opts *o, struct gate_shadow **out,
                                struct gate_err *err)
{
    struct gate_shadow *sh = gate_xcalloc(1, sizeof(*sh));
    struct gate_policy defaults;
    const struct gate_policy *pol = o->pol;
    enum gate_code rc;

    *out = NULL;
    if (!pol) {
        gate_policy_defaults(&defaults);
        pol = &defaults;
    }
    sh->mode = pol->drift.shadow;
    sh->reset = pol->drift.reset_shadow;
    sh->cache = pol->drift.cache;
    sh->timeout_ms = pol->drift.timeout_ms;
    sh->command = o->command ? o->command : "prisma-gate";
    sh->target_url = o->target_url;
    sh->target_db = o->target_db;
    sh->snap_arena = o->snapshot_arena;
    sh->prefetch = o->prefetch;
    sh->building = o->building;
    sh->building_ctx = o->building_ctx;
    gate_stop_install();
    rc = sh->mode == GATE_DRIFT_SHADOW_CREATE ? open_create(sh, err) : open_url(sh, o->target, err);
    if (rc) {
        shadow_free(sh);
        return rc;
    }
    *out = sh;
    return GATE_OK;
}

/* ---------------------------------------------------------------- cache */

/* gate_shadow_cache_names, and the whole set's full digest in last (65 bytes) when not NULL. */
static void cache_chain(const char *schema, const struct gate_replay_set *set, char (*names)[64],
                        char *last)
{
    char d[65];
    struct gate_buf b = {0};

    gate_buf_adds(&b, "prisma-gate replay cache v1\n");
    gate_buf_adds(&b, schema);
    gate_sha256_hex(b.data, b.len, d);
    for (size_t k = 0; k < set->n; k++) {
        b.len = 0;
        gate_buf_adds(&b, d);
        gate_buf_addc(&b, '\n');
        gate_buf_adds(&b, set->items[k].checksum);
        gate_sha256_hex(b.data, b.len, d);
        (void)snprintf(names[k], 64, "%s%.16s", GATE_SHADOW_CACHE_PREFIX, d);
    }
    if (last)
        memcpy(last, d, 65);
    gate_buf_release(&b);
}

void gate_shadow_cache_names(const char *schema, const struct gate_replay_set *set,
                             char (*names)[64])
{
    cache_chain(schema, set, names, NULL);
}

struct cache_db {
    char *name;
    long long used; /* wall ms from the comment, 0 unknown */
};

static void cache_list_free(struct cache_db *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(c[i].name);
    free(c);
}

/*
 * SETTINGS_SQL: see "snapshots" below. The settings as one line; their
 * SHA-256 (settings_digest) is taken here rather than by the server
 * (sha256(), convert_to() and encode() are three more functions a new
 * backend would look up for one short string).
 */
#define SETTINGS_SQL                                                                   \
 "concat_ws(' ', current_setting('server_version_num'), current_setting('DateStyle')," \
 " current_setting('IntervalStyle'), current_setting('extra_float_digits'),"           \
 " current_setting('quote_all_identifiers'),"                                          \
 " current_setting('standard_conforming_strings'), current_setting('bytea_output'),"   \
 " current_setting('TimeZone'))"

/* The hex SHA-256 of SETTINGS_SQL's line v (malloc'd; NULL for NULL). */
static char *settings_digest(const char *v)
{
    char d[65];

    if (!v)
        return NULL;
    gate_sha256_hex(v, strlen(v), d);
    return gate_xstrdup(d);
}

/*
 * The first characters of a comment that hold its recency line and its
 * snapshot's header line ("snapshot DIGEST VERSION SETTINGS SHA256"): the
 * listing reads only those; the model's text, hundreds of kilobytes, is
 * read when the run needs it (gate_shadow_snapshot_model).
 */
#define SNAPSHOT_HEAD 1024

/* The cache listing's SQL (cache_list_full). */
static char *listing_sql(const char *full)
{
    char *lit = gate_db_quote_literal(full ? full : "");
    /* pg_shdescription itself (1262: pg_database), not shobj_description(), a SQL function */
    char *sql = gate_xasprintf(
        "SELECT d.datname, split_part(substr(COALESCE(s.description, ''), 1, %d), E'\\n', 1), "
        "CASE WHEN d.datname = %s THEN substr(s.description, 1, %d) END, %s FROM pg_database d "
        "LEFT JOIN pg_shdescription s ON s.objoid = d.oid AND s.classoid = 1262 "
        "WHERE d.datname LIKE 'prisma\\_gate\\_cache\\_%%'",
        SNAPSHOT_HEAD, lit, SNAPSHOT_HEAD, full ? SETTINGS_SQL : "NULL");

    free(lit);
    return sql;
}

/*
 * The replay cache databases on the door's server: the first line of each
 * comment (the recency). With full (a cache's name), the same round trip
 * also reads the head of that database's comment (SNAPSHOT_HEAD) into
 * *comment and the digest of the session's SETTINGS_SQL into *settings
 * (malloc'd, NULL: none). drift may have asked it already (opts.prefetch).
 */
static enum gate_code cache_list_full(struct gate_shadow *sh, struct cache_db **out, size_t *n,
                                      const char *full, char **comment, char **settings,
                                      struct gate_err *err)
{
    struct gate_db_result *r = NULL;
    struct gate_shadow_prefetch *pre = sh->prefetch;
    int rows;

    *out = NULL;
    *n = 0;
    if (comment)
        *comment = NULL;
    if (settings)
        *settings = NULL;
    if (pre && pre->listing && full && !strcmp(full, pre->name)) {
        r = pre->listing; /* drift asked it already, with the target's history */
        pre->listing = NULL;
    } else {
        char *sql = listing_sql(full);
        enum gate_code rc = gate_db_exec(sh->door, sql, &r, err);

        free(sql);
        if (rc)
            return GATE_E_DB;
        if (!r)
            GATE_BUG("shadow: the cache listing returned no result");
    }
    rows = gate_db_result_rows(r);
    *out = gate_xcalloc(rows > 0 ? (size_t)rows : 1, sizeof(**out));
    for (int i = 0; i < rows; i++) {
        const char *name = gate_db_result_value(r, i, 0);
        const char *c = gate_db_result_value(r, i, 1);
        const char *u = c ? strstr(c, "used=") : NULL;
        const char *whole = gate_db_result_value(r, i, 2);
        const char *set = gate_db_result_value(r, i, 3);

        (*out)[*n].name = gate_xstrdup(name ? name : "");
        (*out)[*n].used = u ? strtoll(u + 5, NULL, 10) : 0;
        (*n)++;
        if (whole && comment && !*comment)
            *comment = gate_xstrdup(whole);
        if (set && settings && !*settings)
            *settings = settings_digest(set);
    }
    gate_db_result_free(r);
    return GATE_OK;
}

char *gate_shadow_prefetch_sql(const char *schema, const struct gate_replay_set *guess,
                               char name[64])
{
    char(*names)[64];

    name[0] = '\0';
    if (!guess->n)
        return NULL;
    names = gate_xcalloc(guess->n, sizeof(*names));
    cache_chain(schema, guess, names, NULL);
    memcpy(name, names[guess->n - 1], 64);
    free(names);
    return listing_sql(name);
}

static enum gate_code cache_list(struct gate_shadow *sh, struct cache_db **out, size_t *n,
                                 struct gate_err *err)
{
    return cache_list_full(sh, out, n, NULL, NULL, NULL, err);
}

static void cache_touch(struct gate_shadow *sh, const char *name, size_t k, const char *snapshot);

/*
 * Write the cache's comment: its first line says when it was last used
 * (pruning reads it); snapshot, when not NULL, follows on the next lines
 * (a comment rewritten without one loses the snapshot it had).
 */
static void cache_touch(struct gate_shadow *sh, const char *name, size_t k, const char *snapshot)
{
    char *q = gate_db_quote_ident(name);
    char *lit;
    char *text;
    struct gate_err ignore = {0};

    text = gate_xasprintf("prisma-gate replay cache; used=%lld; migrations=%zu; schema=%s%s%s",
                          wall_ms(), k, sh->schema, snapshot ? "\n" : "", snapshot ? snapshot : "");
    lit = gate_db_quote_literal(text);
    if (execf(sh->door, &ignore, "COMMENT ON DATABASE %s IS %s", q, lit))
        gate_verbosef("shadow: cannot write the comment of replay cache '%s': %s", name,
                      ignore.msg);
    free(lit);
    free(text);
    free(q);
}

/* ------------------------------------------------------------ snapshots */

/*
 * SETTINGS_SQL (above) is what the door's session says about how the
 * catalog prints things: the server's version and the settings that
 * change the text of defaults, definitions and names. A snapshot is used
 * only under the same ones.
 */

/*
 * The snapshot block of a comment: "snapshot DIGEST VERSION SETTINGS
 * SHA256\n" then the model's text (gate_dbmodel_serialize). DIGEST is the
 * whole set's digest (64 hex), VERSION gate_introspect_version(),
 * SETTINGS the first 16 hex of SETTINGS_SQL, SHA256 the text's.
 */
static char *snapshot_block(const char *digest, const char *settings, const char *text)
{
    char sum[65];

    gate_sha256_hex(text, strlen(text), sum);
    return gate_xasprintf("snapshot %s %s %.16s %s\n%s", digest, gate_introspect_version(),
                          settings, sum, text);
}

static bool use_cache_as_is(struct gate_shadow *sh, const char *name);

/*
 * The comment c checked against the snapshot this run can use; the
 * model's text (what follows the header line) in *body when the comment
 * holds it whole. NULL, or why not.
 */
static const char *snapshot_fits(struct gate_shadow *sh, const char *c, const char *settings,
                                 const char **block, const char **body)
{
    char want[256];
    const char *b = c ? strstr(c, "\nsnapshot ") : NULL;
    const char *nl;

    if (!b || !settings)
        return "it has none";
    b++;
    nl = strchr(b, '\n');
    (void)snprintf(want, sizeof(want), "snapshot %s %s %.16s ", sh->set_digest,
                   gate_introspect_version(), settings);
    if (!nl || strncmp(b, want, strlen(want)) != 0 || (size_t)(nl - b) != strlen(want) + 64)
        return "it was taken for another set, by another introspection or under other settings";
    memcpy(sh->snap_sum, b + strlen(want), 64);
    sh->snap_sum[64] = '\0';
    *block = b;
    *body = nl + 1;
    return NULL;
}

/* The model from a whole snapshot's text, checked against its checksum. NULL, or why not. */
static const char *snapshot_model(struct gate_shadow *sh, const char *body, struct gate_err *err)
{
    char sum[65];

    gate_sha256_hex(body, strlen(body), sum);
    if (strcmp(sum, sh->snap_sum) != 0)
        return "its text does not match its checksum";
    if (gate_dbmodel_parse(body, strlen(body), sh->snap_arena, &sh->model, err))
        return err->msg;
    sh->have_model = true;
    return NULL;
}

/* The whole comment of cache name (malloc'd; NULL when it cannot be read). */
static char *cache_comment(struct gate_shadow *sh, const char *name)
{
    struct gate_db_result *r = NULL;
    struct gate_err err = {0};
    char *lit = gate_db_quote_literal(name);
    char *sql = gate_xasprintf("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                               "WHERE datname = %s",
                               lit);
    const char *v;
    char *c = NULL;

    if (!gate_db_exec(sh->door, sql, &r, &err) && (v = gate_db_result_value(r, 0, 0)))
        c = gate_xstrdup(v);
    gate_db_result_free(r);
    free(sql);
    free(lit);
    return c;
}

/*
 * Take the snapshot of cache name (which holds the whole set) when it
 * fits: head is the head of its comment (the listing's). Its text is read
 * now only when the comment is rewritten (the cache was not the most
 * recently used: the recency line changes, the snapshot is kept as read);
 * else later, when the run needs the model (gate_shadow_snapshot_model).
 * False, with why in verbose output, when there is none or it does not
 * fit: another set, another introspection, other settings, a text that
 * is not what its checksum says, or not a whole model.
 */
static bool load_snapshot(struct gate_shadow *sh, const char *name, size_t k, bool newest,
                          const char *head, const char *settings)
{
    struct gate_err err = {0};
    const char *block, *body, *why;
    char *whole = NULL;

    why = snapshot_fits(sh, head, settings, &block, &body);
    if (!why && !newest) {
        whole = cache_comment(sh, name);
        why = snapshot_fits(sh, whole, settings, &block, &body);
        if (!why)
            why = snapshot_model(sh, body, &err);
        if (!why)
            cache_touch(sh, name, k, block); /* the recency, the snapshot kept as read */
    }
    if (why) {
        gate_verbosef("shadow: replay cache '%s': snapshot not used: %s", name, why);
        free(whole);
        return false;
    }
    sh->have_header = !sh->have_model;
    (void)snprintf(sh->snap_settings, sizeof(sh->snap_settings), "%s", settings);
    sh->keep_k = k;
    free(whole);
    return true;
}

const char *gate_shadow_snapshot_sum(const struct gate_shadow *sh)
{
    return sh && sh->have_header ? sh->snap_sum : NULL;
}

enum gate_code gate_shadow_snapshot_model(struct gate_shadow *sh, struct gate_err *err)
{
    struct gate_err perr = {0};
    const char *block, *body, *why;
    char *whole;
    char name[sizeof(sh->name)];

    if (!sh->have_header)
        return GATE_OK;
    (void)snprintf(name, sizeof(name), "%s", sh->name); /* use_cache_as_is writes sh->name */
    sh->have_header = false;
    whole = cache_comment(sh, sh->name);
    why = snapshot_fits(sh, whole, sh->snap_settings, &block, &body);
    if (!why)
        why = snapshot_model(sh, body, &perr);
    free(whole);
    if (!why)
        return GATE_OK;
    /* changed since the listing (another run rewrote it): read the cache database itself */
    gate_verbosef("shadow: replay cache '%s': snapshot not used: %s", name, why);
    if (!use_cache_as_is(sh, name))
        return gate_fail(err, GATE_E_DB,
                         "replay cache '%s' changed while this run read it (another run?): run "
                         "drift again",
                         name);
    (void)snprintf(sh->keep_name, sizeof(sh->keep_name), "%.63s", name);
    return GATE_OK;
}

const struct gate_dbmodel *gate_shadow_model(const struct gate_shadow *sh)
{
    return sh && sh->have_model ? &sh->model : NULL;
}

void gate_shadow_keep_model(struct gate_shadow *sh, const struct gate_dbmodel *m)
{
    struct gate_db_result *r = NULL;
    struct gate_err err = {0};
    char *text, *block;
    char *settings = NULL;

    if (!sh || !sh->snap_arena || !sh->keep_name[0] || !sh->door)
        return;
    if (gate_db_exec(sh->door, "SELECT " SETTINGS_SQL, &r, &err) || gate_db_result_rows(r) != 1 ||
        !(settings = settings_digest(gate_db_result_value(r, 0, 0)))) {
        gate_verbosef("shadow: no snapshot kept for replay cache '%s': %s", sh->keep_name, err.msg);
        gate_db_result_free(r);
        return;
    }
    text = gate_dbmodel_serialize(m);
    block = snapshot_block(sh->set_digest, settings, text);
    cache_touch(sh, sh->keep_name, sh->keep_k, block);
    gate_verbosef("shadow: kept the model of replay cache '%s' as its snapshot (%zu objects, %zu "
                  "bytes)",
                  sh->keep_name, m->n, strlen(block));
    free(block);
    free(text);
    free(settings);
    gate_db_result_free(r);
}

static int cmp_used_desc(const void *a, const void *b)
{
    const struct cache_db *x = a, *y = b;

    return x->used < y->used ? 1 : x->used > y->used ? -1 : strcmp(x->name, y->name);
}

/* Drop cache databases beyond drift.cache, least recently used first. */
static void cache_prune(struct gate_shadow *sh)
{
    struct cache_db *c = NULL;
    size_t n = 0;
    struct gate_err err = {0};

    if (cache_list(sh, &c, &n, &err)) {
        gate_verbosef("shadow: cannot list the replay cache: %s", err.msg);
        return;
    }
    qsort(c, n, sizeof(*c), cmp_used_desc);
    for (size_t i = (size_t)sh->cache; i < n; i++) {
        char *q = gate_db_quote_ident(c[i].name);

        gate_err_clear(&err);
        /* no FORCE: a cache another run is copying right now stays */
        if (execf(sh->door, &err, "DROP DATABASE IF EXISTS %s", q))
            gate_verbosef("shadow: cannot prune replay cache '%s': %s", c[i].name, err.msg);
        else
            gate_verbosef("shadow: pruned replay cache '%s' (drift.cache: %d)", c[i].name,
                          sh->cache);
        free(q);
    }
    cache_list_free(c, n);
}

/* ------------------------------------------------------------- replay */

/* CREATE DATABASE name [TEMPLATE tpl] through the door (cancelled by a stop signal). */
static enum gate_code create_db(struct gate_shadow *sh, const char *name, const char *tpl,
                                struct gate_err *err)
{
    char *q = gate_db_quote_ident(name);
    char *t = tpl ? gate_db_quote_ident(tpl) : NULL;
    enum gate_code rc;

    gate_db_cancel_on_stop(sh->door);
    rc = execf(sh->door, err, "CREATE DATABASE %s%s%s", q, t ? " TEMPLATE " : "", t ? t : "");
    gate_db_cancel_on_stop(NULL);
    free(q);
    free(t);
    return rc;
}

static enum gate_code connect_shadow(struct gate_shadow *sh, struct gate_err *err)
{
    return gate_db_connect(&sh->url, &sh->db, err);
}

/* Create the temporary shadow, from the template tpl when not NULL. */
static enum gate_code create_temporary(struct gate_shadow *sh, const char *tpl,
                                       struct gate_err *err)
{
    char hex[17];
    char sig[32];
    int stop = gate_stop_signal();

    if (stop)
        return gate_fail(err, GATE_E_DB, "stopped by %s before the shadow database was created",
                         gate_signal_name(stop, sig, sizeof(sig)));
    random_hex(hex);
    (void)snprintf(sh->name, sizeof(sh->name), "%s%s", GATE_SHADOW_PREFIX, hex);
    if (create_db(sh, sh->name, tpl, err)) {
        const char *state = gate_db_last_sqlstate(sh->door);

        if (!strcmp(state, "42501")) {
            const char *role = sh->door_url.user && *sh->door_url.user ? sh->door_url.user : NULL;

            gate_err_clear(err); /* the server's "permission denied", said with its fix */
            return gate_fail(err, GATE_E_DB,
                             "drift.shadow: create needs a role that may create databases: "
                             "cannot create the temporary shadow database '%s' on %s:%d, %s%s%s "
                             "has no CREATEDB (ALTER ROLE %s%s%s CREATEDB; or name an empty "
                             "scratch database with the target's shadow_url_env)",
                             sh->name, sh->door_url.host, sh->door_url.port, role ? "role '" : "",
                             role ? role : "the role", role ? "'" : "", role ? "\"" : "",
                             role ? role : "...", role ? "\"" : "");
        }
        return GATE_E_DB;
    }
    sh->temporary = true;
    gate_verbosef("shadow: created temporary database '%s'%s%s", sh->name,
                  tpl ? " from replay cache " : "", tpl ? tpl : "");
    gate_db_url_release(&sh->url);
    gate_db_url_copy(&sh->door_url, sh->name, &sh->url);
    if (!sh->url.schema && sh->target_url && sh->target_url->schema)
        sh->url.schema = gate_xstrdup(sh->target_url->schema);
    if (connect_shadow(sh, err))
        return GATE_E_DB;
    if (!tpl && strcmp(sh->schema, "public") != 0) {
        /* a new database has only public: Prisma creates the schema in use before it replays */
        char *q = gate_db_quote_ident(sh->schema);
        enum gate_code rc = execf(sh->db, err, "CREATE SCHEMA IF NOT EXISTS %s", q);

        free(q);
        return rc;
    }
    return GATE_OK;
}

/*
 * The whole set is cached: connect to the cache database itself, in a
 * read-only session, instead of copying it (the copy and its drop are most
 * of a warm run). False when it cannot be reached (the caller copies).
 */
static bool use_cache_as_is(struct gate_shadow *sh, const char *name)
{
    struct gate_err err = {0};
    struct gate_db *db = NULL;

    gate_db_url_release(&sh->url);
    gate_db_url_copy(&sh->door_url, name, &sh->url);
    if (!sh->url.schema && sh->target_url && sh->target_url->schema)
        sh->url.schema = gate_xstrdup(sh->target_url->schema);
    if (gate_db_connect(&sh->url, &db, &err) ||
        exec(db, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", &err)) {
        gate_verbosef("shadow: cannot use replay cache '%s' as it is (%s); copying it", name,
                      err.msg);
        gate_db_close(db);
        return false;
    }
    if (sh->db && sh->db != sh->door)
        gate_db_close(sh->db);
    sh->db = db;
    sh->on_cache = true;
    (void)snprintf(sh->name, sizeof(sh->name), "%s", name);
    return true;
}

/*
 * The schema in use exists before the first migration runs, as Prisma makes
 * it on the target (a fresh database has only public; with ?schema=tenant
 * the first CREATE TABLE would find no schema to create in).
 */
static enum gate_code ensure_schema(struct gate_shadow *sh, struct gate_err *err)
{
    char *q = gate_db_quote_ident(sh->schema);
    enum gate_code rc = execf(sh->db, err, "CREATE SCHEMA IF NOT EXISTS %s", q);

    free(q);
    return rc;
}

/* Keep the shadow as it is now as cache database name (the connection is reopened). */
static void cache_save(struct gate_shadow *sh, const char *name, size_t k,
                       struct gate_replay_result *res)
{
    struct gate_err err = {0};

    /* the copy needs the template without sessions: see its backend gone first */
    (void)gate_db_close_wait(sh->db, sh->door, GONE_WAIT_MS);
    sh->db = NULL;
    if (create_db(sh, name, sh->name, &err)) {
        if (strcmp(gate_db_last_sqlstate(sh->door), "42P04") != 0)
            gate_warnf("replay cache: cannot save '%s': %s", name, err.msg);
    } else {
        (void)snprintf(res->cache_saved, sizeof(res->cache_saved), "%s", name);
        gate_verbosef("shadow: saved replay cache '%s' (%zu migrations)", name, k);
    }
    cache_touch(sh, name, k, NULL);
}

enum gate_code gate_shadow_replay(struct gate_shadow *sh, const struct gate_replay_set *set,
                                  size_t cache_at, struct gate_replay_result *res,
                                  struct gate_err *err)
{
    struct gate_replay_opts ro = {0};
    struct gate_progress progress;
    char(*names)[64] = NULL;
    size_t from = 0;
    long long t0 = gate_clock_ms();
    enum gate_code rc = GATE_OK;
    bool cache = sh->cache > 0;
    bool newest = false; /* the cache found is the most recently used one */
    size_t nc = 0;       /* cache databases listed */
    char *snap_comment = NULL, *snap_settings = NULL;

    if (sh->replayed)
        GATE_BUG("gate_shadow_replay called twice on one shadow");
    sh->replayed = true;
    res->total = set->n;
    if (!cache_at || cache_at > set->n)
        cache_at = set->n;
    if (sh->timeout_ms > 0)
        ro.deadline_ms = t0 + sh->timeout_ms;
    if (cache && set->n) {
        struct cache_db *c = NULL;

        names = gate_xcalloc(set->n, sizeof(*names));
        cache_chain(sh->schema, set, names, sh->set_digest);
        /* the whole set's snapshot, if it is there, in the same round trip */
        if (cache_list_full(sh, &c, &nc, sh->snap_arena ? names[set->n - 1] : NULL, &snap_comment,
                            &snap_settings, err))
            rc = GATE_E_DB;
        for (size_t k = set->n; k > 0 && !rc && !from; k--) {
            for (size_t i = 0; i < nc && !from; i++) {
                if (!strcmp(c[i].name, names[k - 1])) {
                    from = k;
                    newest = c[i].used > 0;
                    for (size_t j = 0; j < nc; j++)
                        newest = newest && (j == i || c[j].used < c[i].used);
                }
            }
        }
        cache_list_free(c, nc);
    }
    if (!rc && cache && from && from == set->n && sh->snap_arena &&
        load_snapshot(sh, names[from - 1], from, newest, snap_comment, snap_settings)) {
        /* its model is all a drift needs: no connection to it at all */
        (void)snprintf(res->cache_hit, sizeof(res->cache_hit), "%s", names[from - 1]);
        (void)snprintf(sh->name, sizeof(sh->name), "%s", names[from - 1]);
        res->from_cache = from;
        sh->on_cache = true;
        gate_verbosef("shadow: all %zu migrations are in replay cache '%s': its snapshot is the "
                      "shadow's model, the database is not opened",
                      from, names[from - 1]);
        if (nc > (size_t)sh->cache)
            cache_prune(sh); /* else this run made nothing that could be too many */
        free(snap_comment);
        free(snap_settings);
        free(names);
        res->ms = gate_clock_ms() - t0;
        return GATE_OK;
    }
    if (!rc && sh->building)
        sh->building(sh->building_ctx); /* the shadow is built, copied or opened */
    if (!rc && cache && from && from == set->n && use_cache_as_is(sh, names[from - 1])) {
        (void)snprintf(res->cache_hit, sizeof(res->cache_hit), "%s", names[from - 1]);
        res->from_cache = from;
        cache_touch(sh, names[from - 1], from, NULL);
        (void)snprintf(sh->keep_name, sizeof(sh->keep_name), "%s", names[from - 1]);
        sh->keep_k = from;
        gate_verbosef("shadow: all %zu migrations are in replay cache '%s': used as the shadow, "
                      "read-only, without a copy",
                      from, names[from - 1]);
        cache_prune(sh);
        free(snap_comment);
        free(snap_settings);
        free(names);
        res->ms = gate_clock_ms() - t0;
        return GATE_OK;
    }
    if (!rc && (sh->mode == GATE_DRIFT_SHADOW_CREATE || cache)) {
        if (from) {
            struct gate_err terr = {0};

            if (create_temporary(sh, names[from - 1], &terr)) {
                if (sh->temporary || gate_stop_signal()) {
                    rc = gate_fail(err, terr.code, "%s", terr.msg);
                } else {
                    gate_verbosef("shadow: cannot start from replay cache '%s' (%s); replaying "
                                  "everything",
                                  names[from - 1], terr.msg);
                    from = 0;
                }
            } else {
                (void)snprintf(res->cache_hit, sizeof(res->cache_hit), "%s", names[from - 1]);
                res->from_cache = from;
                cache_touch(sh, names[from - 1], from, NULL);
            }
        }
        if (!rc && !from && !sh->temporary) {
            struct gate_err terr = {0};

            if (create_temporary(sh, NULL, &terr)) {
                if (sh->mode == GATE_DRIFT_SHADOW_URL && !sh->temporary && !gate_stop_signal()) {
                    /* url mode: the configured shadow (checked empty) still works, uncached */
                    gate_warnf("replay cache off: %s", terr.msg);
                    cache = false;
                    sh->door = NULL;
                    sh->door_owned = false;
                    (void)snprintf(sh->name, sizeof(sh->name), "%s", sh->url.database);
                } else {
                    rc = gate_fail(err, terr.code, "%s", terr.msg);
                }
            }
        }
    }
    if (!rc && from)
        gate_verbosef("shadow: %zu of %zu migrations from replay cache '%s'; replaying %zu", from,
                      set->n, res->cache_hit, set->n - from);
    if (!rc && !from && !sh->temporary)
        rc = ensure_schema(sh, err); /* a temporary one got it when it was created */
    if (!rc && from < set->n) {
        gate_progress_begin(&progress, "%s: replaying %zu migrations into the shadow database",
                            sh->command, set->n - from);
        ro.label = sh->command;
        ro.progress = &progress;
    }
    if (!rc && cache && from < cache_at) {
        rc = gate_replay_run(sh->db, set, from, cache_at, &ro, res, err);
        if (!rc && !res->failed) {
            cache_save(sh, names[cache_at - 1], cache_at, res);
            if (cache_at == set->n && res->cache_saved[0]) {
                (void)snprintf(sh->keep_name, sizeof(sh->keep_name), "%s", res->cache_saved);
                sh->keep_k = cache_at;
            }
        }
        if (!rc && !res->failed && !sh->db)
            rc = connect_shadow(sh, err);
        from = cache_at;
    }
    if (!rc && !res->failed && from < set->n)
        rc = gate_replay_run(sh->db, set, from, set->n, &ro, res, err);
    if (ro.progress)
        gate_progress_end(ro.progress, NULL);
    if (cache && !rc)
        cache_prune(sh);
    free(snap_comment);
    free(snap_settings);
    free(names);
    res->ms = gate_clock_ms() - t0;
    return rc;
}

/* ------------------------------------------------------------ accessors */

struct gate_db *gate_shadow_db(struct gate_shadow *sh)
{
    return sh->replayed ? sh->db : NULL;
}

const struct gate_db_url *gate_shadow_url(const struct gate_shadow *sh)
{
    return &sh->url;
}

const char *gate_shadow_schema(const struct gate_shadow *sh)
{
    return sh->schema;
}

const char *gate_shadow_database(const struct gate_shadow *sh)
{
    return sh->name;
}

bool gate_shadow_is_temporary(const struct gate_shadow *sh)
{
    return sh->temporary;
}

/* ---------------------------------------------------------------- close */

/*
 * A configured shadow was empty when this run began and holds only what
 * the replay made: leave it empty for the next run (which refuses a
 * non-empty one), the way Prisma resets a shadow: every schema the replay
 * made is dropped, public and the schema in use are dropped and made
 * again, extensions (but plpgsql) are dropped.
 */
static enum gate_code empty_again(struct gate_shadow *sh, struct gate_err *err)
{
    struct gate_db *db = sh->db;
    struct gate_db *fresh = NULL;
    struct gate_db_result *r = NULL;
    enum gate_code rc = GATE_OK;
    int n;

    if (!gate_db_alive(db)) {
        if (gate_db_connect(&sh->url, &fresh, err))
            return GATE_E_DB;
        db = fresh;
    }
    {
        char *lit = gate_db_quote_literal(sh->schema_was_there ? sh->schema : "public");
        char *sql = gate_xasprintf(
            "SELECT nspname, nspname IN ('public', %s) FROM pg_namespace WHERE nspname NOT IN "
            "('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE "
            "'pg\\_temp\\_%%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%%' UNION SELECT "
            "extname, NULL FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 2 NULLS FIRST",
            lit);

        rc = gate_db_exec(db, sql, &r, err);
        free(sql);
        free(lit);
        if (rc) {
            gate_db_close(fresh);
            return GATE_E_DB;
        }
    }
    n = gate_db_result_rows(r);
    for (int i = 0; i < n && !rc; i++) {
        const char *name = gate_db_result_value(r, i, 0);
        const char *keep = gate_db_result_value(r, i, 1);
        char *q = gate_db_quote_ident(name ? name : "");

        if (!keep)
            rc = execf(db, err, "DROP EXTENSION IF EXISTS %s CASCADE", q);
        else if (!strcmp(keep, "t"))
            rc = execf(db, err, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", q, q);
        else
            rc = execf(db, err, "DROP SCHEMA IF EXISTS %s CASCADE", q);
        free(q);
    }
    gate_db_result_free(r);
    if (!rc && sh->schema_was_there && strcmp(sh->schema, "public") != 0) {
        char *q = gate_db_quote_ident(sh->schema);

        rc = execf(db, err, "CREATE SCHEMA IF NOT EXISTS %s", q);
        free(q);
    }
    gate_db_close(fresh);
    return rc;
}

/* DROP DATABASE ... WITH (FORCE); without FORCE before PostgreSQL 13. */
static enum gate_code drop_db(struct gate_db *door, const char *name, struct gate_err *err)
{
    char *q = gate_db_quote_ident(name);
    struct gate_err ferr = {0};
    enum gate_code rc = execf(door, &ferr, "DROP DATABASE IF EXISTS %s WITH (FORCE)", q);

    if (rc && !strcmp(gate_db_last_sqlstate(door), "42601"))
        rc = execf(door, err, "DROP DATABASE IF EXISTS %s", q);
    else if (rc)
        (void)gate_fail(err, ferr.code, "%s", ferr.msg);
    free(q);
    return rc;
}

enum gate_code gate_shadow_close(struct gate_shadow *sh, struct gate_err *err)
{
    enum gate_code rc = GATE_OK;

    if (!sh)
        return GATE_OK;
    if (!sh->temporary && !sh->on_cache && sh->checked_empty && sh->replayed && sh->db) {
        struct gate_err eerr = {0};

        if (empty_again(sh, &eerr))
            rc = gate_fail(err, GATE_E_DB,
                           "cannot empty the shadow database '%s' again after the replay: %s; "
                           "the next run refuses it until it is emptied (or "
                           "drift.reset_shadow: true)",
                           sh->name, eerr.msg);
        else
            gate_verbosef("shadow: emptied database '%s' again", sh->name);
    }
    if (sh->db && sh->db != sh->door) {
        if (sh->temporary) /* DROP then finds no session of ours to wait for */
            (void)gate_db_close_wait(sh->db, sh->door, GONE_WAIT_MS);
        else
            gate_db_close(sh->db);
    }
    sh->db = NULL;
    if (sh->temporary) {
        struct gate_db *door = sh->door;
        struct gate_db *fresh = NULL;
        struct gate_err derr = {0};

        if (!gate_db_alive(door)) {
            /* the way in went away (a stop cancelled it, the server restarted): once more */
            if (gate_db_reconnect(&sh->door_url, 3, 500, &fresh, &derr) == GATE_OK)
                door = fresh;
        }
        if (door && gate_db_alive(door) && !drop_db(door, sh->name, &derr)) {
            gate_verbosef("shadow: dropped temporary database '%s'", sh->name);
        } else {
            rc = gate_fail(err, GATE_E_DB,
                           "cannot drop the temporary shadow database '%s' on %s:%d: %s; drop it "
                           "by hand: DROP DATABASE \"%s\" WITH (FORCE)",
                           sh->name, sh->door_url.host, sh->door_url.port,
                           derr.msg[0] ? derr.msg : "no connection", sh->name);
        }
        gate_db_close(fresh);
    }
    shadow_free(sh);
    return rc;
}
