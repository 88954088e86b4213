/* SPDX-License-Identifier: MIT */
/*
 * history.c - Prisma's migration history, compared exactly as Prisma
 * compares it: checksums (schema-connector checksum.rs), the lock file
 * reader (migrations_directory.rs), the migrations table
 * (sql_migration_persistence.rs) and the per-migration diagnosis
 * (diagnose_migration_history.rs, apply_migrations.rs).
 */
#include "gate/compat.h"
#include "gate/history.h"
#include "gate/buf.h"
#include "gate/digest.h"
#include "gate/migrations.h"
#include "gate/suggest.h"
#include "gate/utf8.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- checksums */

/* s with every occurrence of from replaced by to (Rust str::replace). */
static char *replace_all(const char *s, size_t len, const char *from, const char *to,
                         size_t *outlen)
{
    struct gate_buf b = {0};
    size_t fl = strlen(from), tl = strlen(to), i = 0, start = 0;

    while (i + fl <= len) {
        if (!memcmp(s + i, from, fl)) {
            gate_buf_add(&b, s + start, i - start);
            gate_buf_add(&b, to, tl);
            i += fl;
            start = i;
        } else {
            i++;
        }
    }
    gate_buf_add(&b, s + start, len - start);
    *outlen = b.len;
    if (!b.data) {
        b.data = gate_xstrdup("");
        *outlen = 0;
    }
    return gate_buf_detach(&b);
}

static bool has_crlf(const char *s, size_t len)
{
    for (const char *p = s; (p = memchr(p, '\r', len - (size_t)(p - s))); p++) {
        if ((size_t)(p - s) + 1 < len && p[1] == '\n')
            return true;
        if ((size_t)(p - s) + 1 >= len)
            break;
    }
    return false;
}

/* sum[0] (variants false) or sum[1] and sum[2] (variants true) of data. */
static void compute(const char *data, size_t len, struct gate_checksums *out, bool variants)
{
    size_t flen = 0, vlen = 0;
    char *fixed = gate_utf8_fix(data, len, &flen);
    const char *script = fixed ? fixed : data;
    size_t slen = fixed ? flen : len;
    char *v;

    if (!variants) {
        gate_sha256_hex(script, slen, out->sum[0]);
        free(fixed);
        return;
    }
    if (has_crlf(script, slen)) {
        v = replace_all(script, slen, "\r\n", "\n", &vlen);
        gate_sha256_hex(v, vlen, out->sum[1]);
        free(v);
    } else {
        memcpy(out->sum[1], out->sum[0], sizeof(out->sum[1]));
    }
    if (memchr(script, '\n', slen)) {
        v = replace_all(script, slen, "\n", "\r\n", &vlen);
        gate_sha256_hex(v, vlen, out->sum[2]);
        free(v);
    } else {
        memcpy(out->sum[2], out->sum[0], sizeof(out->sum[2]));
    }
    free(fixed);
    out->variants = true;
    out->data = NULL;
}

void gate_history_checksums(const char *data, size_t len, struct gate_checksums *out)
{
    memset(out, 0, sizeof(*out));
    compute(data, len, out, false);
    compute(data, len, out, true);
}

void gate_history_checksums_lazy(const char *data, size_t len, struct gate_checksums *out)
{
    memset(out, 0, sizeof(*out));
    compute(data, len, out, false);
    out->data = data;
    out->len = len;
}

/* {byte:x} for each byte: the padded rendering without the leading zero of bytes < 0x10. */
static void unpadded(const char padded[65], char out[65])
{
    size_t k = 0;

    for (size_t i = 0; i < 64; i += 2) {
        if (padded[i] != '0')
            out[k++] = padded[i];
        out[k++] = padded[i + 1];
    }
    out[k] = '\0';
}

bool gate_history_checksum_matches(struct gate_checksums *c, const char *stored)
{
    size_t n = stored ? strlen(stored) : 0;

    if (!n)
        return false; /* "" never equals a 64-character rendering */
    for (int i = 0; i < 3; i++) {
        if (i == 1 && !c->variants) {
            if (!c->data)
                return false;
            compute(c->data, c->len, c, true);
        }
        if (n != 64) {
            char old[65];

            unpadded(c->sum[i], old);
            if (!strcmp(old, stored))
                return true;
        } else if (!strcmp(c->sum[i], stored)) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------- lock file */

char *gate_lock_provider(const char *data, size_t len)
{
    size_t flen = 0;
    char *fixed = gate_utf8_fix(data, len, &flen);
    const char *s = fixed ? fixed : data;
    size_t n = fixed ? flen : len, i = 0;
    char *found = NULL;

    /* Rust str::lines: split at LF, drop one CR before it; no empty last line */
    while (i < n && !found) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n;
        size_t lend = end;
        const char *line = s + i;

        if (nl && lend > i && s[lend - 1] == '\r')
            lend--;
        if (lend - i >= 8 && !memcmp(line, "provider", 8)) {
            const char *v = line, *e = s + lend;

            while ((size_t)(e - v) >= 11 && !memcmp(v, "provider = ", 11))
                v += 11;
            while (v < e && *v == '"')
                v++;
            while (e > v && e[-1] == '"')
                e--;
            found = gate_xstrndup(v, (size_t)(e - v));
        }
        i = nl ? end + 1 : n;
    }
    free(fixed);
    return found ? found : gate_xstrdup(GATE_LOCK_NO_PROVIDER);
}

/* ------------------------------------------------------------ the table */

enum gate_mstate gate_hist_row_state(const struct gate_hist_row *r)
{
    if (r->rolled_back_at)
        return GATE_MSTATE_ROLLED_BACK;
    return r->finished_at ? GATE_MSTATE_APPLIED : GATE_MSTATE_FAILED;
}

/* The columns Prisma selects, the types that can hold its values, and their OIDs. */
static const struct {
    const char *name;
    const char *types[4];
    unsigned oids[4];
} wanted[] = {
    {"id", {"character varying", "text", "uuid", "character"}, {1043, 25, 2950, 1042}},
    {"checksum", {"character varying", "text", "character", NULL}, {1043, 25, 1042, 0}},
    {"finished_at",
     {"timestamp with time zone", "timestamp without time zone", NULL, NULL},
     {1184, 1114, 0, 0}},
    {"migration_name", {"character varying", "text", "character", NULL}, {1043, 25, 1042, 0}},
    {"logs", {"text", "character varying", NULL, NULL}, {25, 1043, 0, 0}},
    {"rolled_back_at",
     {"timestamp with time zone", "timestamp without time zone", NULL, NULL},
     {1184, 1114, 0, 0}},
    {"started_at",
     {"timestamp with time zone", "timestamp without time zone", NULL, NULL},
     {1184, 1114, 0, 0}},
    {"applied_steps_count", {"integer", "smallint", "bigint", NULL}, {23, 21, 20, 0}},
};

enum { COL_ID, COL_CHECKSUM, COL_FINISHED, COL_NAME, COL_LOGS, COL_ROLLED, COL_STARTED, COL_STEPS };

static bool type_ok(size_t w, const char *type, size_t tlen)
{
    const char *paren = memchr(type, '(', tlen);
    size_t base = paren ? (size_t)(paren - type) : tlen;

    for (size_t k = 0; k < 4 && wanted[w].types[k]; k++) {
        if (strlen(wanted[w].types[k]) == base && !memcmp(wanted[w].types[k], type, base))
            return true;
    }
    return false;
}

/*
 * cols: "name<US>type<RS>name<US>type..." from pg_attribute. Fails when a
 * column Prisma reads is missing or cannot hold its values.
 */
static enum gate_code check_columns(const char *schema, const char *cols, struct gate_hist_db *out,
                                    struct gate_err *err)
{
    bool seen[GATE_ARRAY_SIZE(wanted)] = {false};
    struct gate_buf bad = {0}, extra = {0};
    const char *p = cols ? cols : "";
    enum gate_code rc = GATE_OK;

    while (*p) {
        const char *rs = strchr(p, '\x1e');
        const char *end = rs ? rs : p + strlen(p);
        const char *us = memchr(p, '\x1f', (size_t)(end - p));
        size_t nlen = us ? (size_t)(us - p) : (size_t)(end - p);
        bool known = false;

        for (size_t w = 0; w < GATE_ARRAY_SIZE(wanted); w++) {
            if (strlen(wanted[w].name) != nlen || memcmp(wanted[w].name, p, nlen) != 0)
                continue;
            known = true;
            seen[w] = true;
            if (us && !type_ok(w, us + 1, (size_t)(end - us - 1)))
                gate_buf_printf(&bad, "%s%s is %.*s", bad.len ? ", " : "", wanted[w].name,
                                (int)(end - us - 1), us + 1);
        }
        if (!known)
            gate_buf_printf(&extra, "%s%.*s", extra.len ? ", " : "", (int)nlen, p);
        p = rs ? rs + 1 : end;
    }
    for (size_t w = 0; w < GATE_ARRAY_SIZE(wanted); w++) {
        if (!seen[w])
            gate_buf_printf(&bad, "%s%s is missing", bad.len ? ", " : "", wanted[w].name);
    }
    if (bad.len)
        rc = gate_fail(err, GATE_E_DB,
                       "\"%s\"._prisma_migrations is not Prisma's migrations table (%s); "
                       "expected the columns id, checksum, finished_at, migration_name, logs, "
                       "rolled_back_at, started_at, applied_steps_count",
                       schema, bad.data);
    free(out->extra_columns);
    out->extra_columns = extra.len ? gate_buf_detach(&extra) : NULL;
    gate_buf_release(&bad);
    gate_buf_release(&extra);
    return rc;
}

static char *dup_or_null(const char *s)
{
    return s ? gate_xstrdup(s) : NULL;
}

/*
 * A timestamp as PostgreSQL prints it (DateStyle ISO, TimeZone UTC:
 * "2026-11-25 18:03:22.685+00") as ISO 8601 with microseconds
 * ("2026-11-25T18:03:22.685000Z"). Anything else is kept as it is.
 */
static char *iso_time(const char *v)
{
    char out[40];
    size_t n, k, frac = 0;

    if (!v)
        return NULL;
    n = strlen(v);
    if (n < 19 || v[10] != ' ' || v[13] != ':' || v[16] != ':')
        return gate_xstrdup(v);
    memcpy(out, v, 19);
    out[10] = 'T';
    k = 19;
    out[k++] = '.';
    if (v[19] == '.') {
        for (size_t i = 20; i < n && v[i] >= '0' && v[i] <= '9' && frac < 6; i++, frac++)
            out[k++] = v[i];
    }
    while (frac++ < 6)
        out[k++] = '0';
    out[k++] = 'Z';
    out[k] = '\0';
    return gate_xstrdup(out);
}

#define BEGIN_READ                                  \
 "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;" \
 "SET LOCAL statement_timeout = '30s';"             \
 "SET LOCAL TimeZone = 'UTC';"                      \
 "SET LOCAL DateStyle = 'ISO, YMD';"

/*
 * The catalog: does the schema exist, which ordinary tables does it hold
 * (the P3005 rule of sql_migration_persistence.rs::initialize: PostGIS's
 * own tables excluded), and the columns of _prisma_migrations.
 */
static enum gate_code read_catalog(struct gate_db *db, const char *schema, struct gate_hist_db *out,
                                   struct gate_err *err)
{
    char *lit = gate_db_quote_literal(schema);
    char *sql;
    struct gate_db_result *r = NULL;
    enum gate_code rc;

    sql = gate_xasprintf(
        "ROLLBACK;" BEGIN_READ
        "WITH ns AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = %s),"
        " others AS (SELECT c.relname FROM pg_catalog.pg_class c JOIN ns ON c.relnamespace = ns.oid"
        "  WHERE c.relkind = 'r' AND c.relname <> '_prisma_migrations' AND lower(c.relname) NOT IN"
        "  ('spatial_ref_sys', 'geometry_columns', 'geography_columns', 'raster_columns',"
        "   'raster_overviews')),"
        " mig AS (SELECT c.oid FROM pg_catalog.pg_class c JOIN ns ON c.relnamespace = ns.oid"
        "  WHERE c.relname = '_prisma_migrations' AND c.relkind IN ('r', 'p', 'v', 'm', 'f'))"
        " SELECT (SELECT count(*) FROM ns), (SELECT count(*) FROM others),"
        " (SELECT string_agg(quote_ident(relname), ', ' ORDER BY relname)"
        "  FROM (SELECT relname FROM others ORDER BY relname LIMIT 5) s),"
        " (SELECT count(*) FROM mig),"
        " (SELECT string_agg(a.attname || chr(31) || pg_catalog.format_type(a.atttypid,"
        "  a.atttypmod), chr(30) ORDER BY a.attnum) FROM pg_catalog.pg_attribute a JOIN mig"
        "  ON a.attrelid = mig.oid WHERE a.attnum > 0 AND NOT a.attisdropped);"
        "COMMIT",
        lit);
    rc = gate_db_exec(db, sql, &r, err);
    free(sql);
    free(lit);
    if (rc)
        return rc;
    if (gate_db_result_rows(r) != 1 || gate_db_result_cols(r) != 5) {
        gate_db_result_free(r);
        return gate_fail(err, GATE_E_DB, "unexpected answer from the catalog query");
    }
    out->schema_exists = strcmp(gate_db_result_value(r, 0, 0), "0") != 0;
    out->other_tables = strtol(gate_db_result_value(r, 0, 1), NULL, 10);
    free(out->other_sample);
    out->other_sample = dup_or_null(gate_db_result_value(r, 0, 2));
    out->has_table = strcmp(gate_db_result_value(r, 0, 3), "0") != 0;
    if (out->has_table)
        rc = check_columns(schema, gate_db_result_value(r, 0, 4), out, err);
    gate_db_result_free(r);
    return rc;
}

/* Map the result's columns to Prisma's; false when one is missing or of another type. */
static bool map_columns(const struct gate_db_result *r, int idx[GATE_ARRAY_SIZE(wanted)],
                        struct gate_hist_db *out)
{
    struct gate_buf extra = {0};
    bool ok = true;

    for (size_t w = 0; w < GATE_ARRAY_SIZE(wanted); w++)
        idx[w] = -1;
    for (int c = 0; c < gate_db_result_cols(r); c++) {
        const char *name = gate_db_result_colname(r, c);
        unsigned oid = gate_db_result_coltype(r, c);
        bool known = false;

        for (size_t w = 0; w < GATE_ARRAY_SIZE(wanted); w++) {
            bool type_found = false;

            if (strcmp(name, wanted[w].name) != 0)
                continue;
            known = true;
            idx[w] = c;
            for (size_t k = 0; k < 4 && wanted[w].oids[k]; k++) {
                if (wanted[w].oids[k] == oid)
                    type_found = true;
            }
            if (!type_found)
                ok = false;
        }
        if (!known)
            gate_buf_printf(&extra, "%s%s", extra.len ? ", " : "", name);
    }
    for (size_t w = 0; w < GATE_ARRAY_SIZE(wanted); w++) {
        if (idx[w] < 0)
            ok = false;
    }
    free(out->extra_columns);
    out->extra_columns = extra.len ? gate_buf_detach(&extra) : NULL;
    gate_buf_release(&extra);
    return ok;
}

/*
 * The common case in one round trip: every row, as Prisma reads them
 * (sql_migration_persistence.rs::list_migrations: ORDER BY started_at).
 */
char *gate_history_sql(const char *schema)
{
    char *ident = gate_db_quote_ident(schema);
    char *sql = gate_xasprintf(BEGIN_READ "SELECT * FROM %s._prisma_migrations ORDER BY "
                                          "started_at ASC LIMIT %d;COMMIT",
                               ident, GATE_HIST_MAX_ROWS + 1);

    free(ident);
    return sql;
}

static enum gate_code history_rows(struct gate_db *db, const char *schema, struct gate_db_result *r,
                                   struct gate_hist_db *out, struct gate_err *err);

enum gate_code gate_history_read(struct gate_db *db, const char *schema, struct gate_hist_db *out,
                                 struct gate_err *err)
{
    char *sql = gate_history_sql(schema);
    struct gate_db_result *r = NULL;
    struct gate_err qerr = {0};
    enum gate_code rc;

    memset(out, 0, sizeof(*out));
    out->server_version = gate_xstrdup(gate_db_server_version(db));
    rc = gate_db_exec(db, sql, &r, &qerr);
    free(sql);
    if (rc) {
        const char *state = gate_db_last_sqlstate(db);

        /* no table (42P01), no schema (3F000), no started_at (42703): ask the catalog */
        if (strcmp(state, "42P01") != 0 && strcmp(state, "3F000") != 0 &&
            strcmp(state, "42703") != 0)
            return gate_fail(err, qerr.code, "%s", qerr.msg);
        rc = read_catalog(db, schema, out, err);
        if (!rc && out->has_table) /* the catalog saw nothing wrong: report the query's error */
            rc = gate_fail(err, qerr.code, "%s", qerr.msg);
        return rc;
    }
    return history_rows(db, schema, r, out, err);
}

enum gate_code gate_history_from_result(struct gate_db *db, const char *schema,
                                        struct gate_db_result *r, struct gate_hist_db *out,
                                        struct gate_err *err)
{
    memset(out, 0, sizeof(*out));
    out->server_version = gate_xstrdup(gate_db_server_version(db));
    return history_rows(db, schema, r, out, err);
}

/* The rows of gate_history_sql's query (r, freed here) into out. */
static enum gate_code history_rows(struct gate_db *db, const char *schema, struct gate_db_result *r,
                                   struct gate_hist_db *out, struct gate_err *err)
{
    enum gate_code rc;
    int idx[GATE_ARRAY_SIZE(wanted)];
    long rows;

    if (!r || !map_columns(r, idx, out)) {
        gate_db_result_free(r);
        rc = read_catalog(db, schema, out, err);
        if (!rc)
            rc = gate_fail(err, GATE_E_DB,
                           "\"%s\"._prisma_migrations has columns of types Prisma "
                           "cannot read",
                           schema);
        return rc;
    }
    out->schema_exists = true;
    out->has_table = true;
    rows = gate_db_result_rows(r);
    if (rows > GATE_HIST_MAX_ROWS) {
        gate_db_result_free(r);
        return gate_fail(err, GATE_E_LIMIT, "\"%s\"._prisma_migrations holds more than %d rows",
                         schema, GATE_HIST_MAX_ROWS);
    }
    out->rows = gate_xcalloc(rows ? (size_t)rows : 1, sizeof(*out->rows));
    for (int i = 0; i < rows; i++) {
        struct gate_hist_row *row = &out->rows[out->nrows++];
        const char *v;

        v = gate_db_result_value(r, i, idx[COL_ID]);
        row->id = gate_xstrdup(v ? v : "");
        v = gate_db_result_value(r, i, idx[COL_CHECKSUM]);
        row->checksum = gate_xstrdup(v ? v : "");
        v = gate_db_result_value(r, i, idx[COL_NAME]);
        row->name = gate_xstrdup(v ? v : "");
        row->started_at = iso_time(gate_db_result_value(r, i, idx[COL_STARTED]));
        row->finished_at = iso_time(gate_db_result_value(r, i, idx[COL_FINISHED]));
        row->rolled_back_at = iso_time(gate_db_result_value(r, i, idx[COL_ROLLED]));
        v = gate_db_result_value(r, i, idx[COL_STEPS]);
        row->applied_steps_count = v ? (int)strtol(v, NULL, 10) : 0;
    }
    gate_db_result_free(r);
    return GATE_OK;
}

void gate_hist_db_release(struct gate_hist_db *h)
{
    for (size_t i = 0; i < h->nrows; i++) {
        struct gate_hist_row *r = &h->rows[i];

        free(r->id);
        free(r->checksum);
        free(r->name);
        free(r->started_at);
        free(r->finished_at);
        free(r->rolled_back_at);
    }
    free(h->rows);
    free(h->other_sample);
    free(h->server_version);
    free(h->extra_columns);
    memset(h, 0, sizeof(*h));
}

/* -------------------------------------------------------- classification */

struct row_ref {
    const char *name;
    size_t idx;
};

static int cmp_ref(const void *a, const void *b)
{
    const struct row_ref *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    if (c)
        return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* First ref with this name in the sorted refs, or n. */
static size_t find_name(const struct row_ref *refs, size_t n, const char *name)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(refs[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && !strcmp(refs[lo].name, name) ? lo : n;
}

/* Fill e's rows from refs[at..] (all rows of one name, in started_at order). */
static void take_rows(struct gate_hist_entry *e, const struct gate_hist_db *db,
                      const struct row_ref *refs, size_t nrefs, size_t at)
{
    size_t k = at;

    e->applied_row = -1;
    e->failed_row = -1;
    while (k < nrefs && !strcmp(refs[k].name, e->name))
        k++;
    e->nrows = k - at;
    if (!e->nrows)
        return;
    e->rows = gate_xcalloc(e->nrows, sizeof(*e->rows));
    e->only_rolled_back = true;
    for (size_t i = 0; i < e->nrows; i++) {
        size_t r = refs[at + i].idx;
        enum gate_mstate st = gate_hist_row_state(&db->rows[r]);

        e->rows[i] = r;
        if (st == GATE_MSTATE_APPLIED)
            e->applied_row = (long)r;
        else if (st == GATE_MSTATE_FAILED && e->failed_row < 0)
            e->failed_row = (long)r;
        if (st != GATE_MSTATE_ROLLED_BACK)
            e->only_rolled_back = false;
    }
}

static int cmp_entry(const void *a, const void *b)
{
    const struct gate_hist_entry *x = a, *y = b;

    return gate_migration_name_cmp(x->name, y->name);
}

/* MigrateStatus.ts: what `prisma migrate status` prints first, and its exit status. */
static void prisma_status(const struct gate_hist_db *db, bool lock_mismatch,
                          struct gate_hist_result *out, size_t fs_not_in_db, size_t db_not_in_fs,
                          bool p3015)
{
    out->prisma_exit = 1;
    if (lock_mismatch) {
        out->prisma_says = "Error: P3019 (the provider in migration_lock.toml does not match)";
    } else if (p3015) {
        out->prisma_says = "Error: P3015 (a migration folder has no readable migration.sql)";
    } else if (fs_not_in_db && !db_not_in_fs) {
        out->prisma_says = fs_not_in_db > 1 ? "Following migrations have not yet been applied"
                                            : "Following migration have not yet been applied";
    } else if (fs_not_in_db) {
        out->prisma_says = "Your local migration history and the migrations table from your "
                           "database are different";
    } else if (!db->has_table) {
        out->prisma_says = "The current database is not managed by Prisma Migrate.";
    } else if (out->nfailed_rows) {
        out->prisma_says = out->nfailed_rows > 1 ? "Following migrations have failed"
                                                 : "Following migration have failed";
    } else {
        out->prisma_exit = 0;
        out->prisma_says = "Database schema is up to date!";
    }
}

void gate_history_classify(struct gate_hist_local *locals, size_t nlocals,
                           const struct gate_hist_db *db, bool lock_mismatch,
                           struct gate_hist_result *out)
{
    struct row_ref *refs;
    bool *matched;
    size_t nrefs = db ? db->nrows : 0, cap, fs_not_in_db = 0, db_not_in_fs = 0;
    long last_in_db = -1;
    bool p3015 = false;

    memset(out, 0, sizeof(*out));
    refs = gate_xcalloc(nrefs ? nrefs : 1, sizeof(*refs));
    for (size_t i = 0; i < nrefs; i++) {
        refs[i].name = db->rows[i].name;
        refs[i].idx = i;
        if (gate_hist_row_state(&db->rows[i]) == GATE_MSTATE_FAILED)
            out->nfailed_rows++;
    }
    qsort(refs, nrefs, sizeof(*refs), cmp_ref);
    matched = gate_xcalloc(nrefs ? nrefs : 1, sizeof(*matched));
    cap = nlocals + nrefs;
    out->entries = gate_xcalloc(cap ? cap : 1, sizeof(*out->entries));

    for (size_t i = 0; i < nlocals; i++) {
        struct gate_hist_entry *e = &out->entries[out->n++];
        struct gate_hist_local *l = &locals[i];

        e->name = l->name;
        e->local = (long)i;
        if (!db) {
            e->applied_row = e->failed_row = -1;
            e->state = GATE_MSTATE_UNKNOWN;
            continue;
        }
        {
            size_t at = find_name(refs, nrefs, l->name);

            take_rows(e, db, refs, nrefs, at);
            for (size_t k = 0; k < e->nrows; k++)
                matched[at + k] = true;
        }
        if (!e->nrows) {
            fs_not_in_db++;
            e->state = GATE_MSTATE_PENDING;
            continue;
        }
        if (!l->readable) {
            p3015 = true;
            e->state = e->failed_row >= 0 ? GATE_MSTATE_FAILED : GATE_MSTATE_UNKNOWN;
            continue;
        }
        /* diagnose_migration_history: the FIRST row by name, whatever its state */
        e->prisma_edited = !gate_history_checksum_matches(&l->sums, db->rows[e->rows[0]].checksum);
        if (e->failed_row >= 0)
            e->state = GATE_MSTATE_FAILED;
        else if (e->applied_row >= 0)
            e->state = gate_history_checksum_matches(&l->sums, db->rows[e->applied_row].checksum)
                           ? GATE_MSTATE_APPLIED
                           : GATE_MSTATE_MODIFIED;
        else
            e->state = GATE_MSTATE_PENDING; /* only rolled-back rows: deploy re-applies it */
        if (e->state != GATE_MSTATE_PENDING)
            last_in_db = (long)i;
    }
    /* pending migrations that sort before one the database already has */
    for (long i = 0; i < last_in_db; i++) {
        if (out->entries[i].state == GATE_MSTATE_PENDING)
            out->entries[i].out_of_order = true;
    }
    /* rows whose name is not on disk: one entry per name */
    if (db) {
        struct gate_hist_entry *dbonly = out->entries + out->n;
        size_t ndbonly = 0;

        for (size_t k = 0; k < nrefs;) {
            size_t next = k;

            while (next < nrefs && !strcmp(refs[next].name, refs[k].name))
                next++;
            if (!matched[k]) {
                struct gate_hist_entry *e = &dbonly[ndbonly++];

                e->name = refs[k].name;
                e->local = -1;
                take_rows(e, db, refs, nrefs, k);
                e->state = e->failed_row >= 0 ? GATE_MSTATE_FAILED : GATE_MSTATE_MISSING_LOCALLY;
                db_not_in_fs += e->nrows;
            }
            k = next;
        }
        if (ndbonly) {
            /* merge by name: locals are in Prisma's order already */
            struct gate_hist_entry *merged = gate_xcalloc(out->n + ndbonly, sizeof(*merged));
            size_t a = 0, b = 0, m = 0;

            qsort(dbonly, ndbonly, sizeof(*dbonly), cmp_entry);
            while (a < out->n || b < ndbonly) {
                if (b >= ndbonly || (a < out->n && gate_migration_name_cmp(out->entries[a].name,
                                                                           dbonly[b].name) <= 0))
                    merged[m++] = out->entries[a++];
                else
                    merged[m++] = dbonly[b++];
            }
            free(out->entries);
            out->entries = merged;
            out->n = m;
        }
    }
    for (size_t i = 0; i < out->n; i++) {
        switch (out->entries[i].state) {
        case GATE_MSTATE_APPLIED:
            out->napplied++;
            break;
        case GATE_MSTATE_PENDING:
            out->npending++;
            break;
        case GATE_MSTATE_FAILED:
            out->nfailed++;
            break;
        case GATE_MSTATE_MODIFIED:
            out->nmodified++;
            break;
        case GATE_MSTATE_MISSING_LOCALLY:
            out->nmissing++;
            break;
        default:
            out->nunknown++;
            break;
        }
    }
    if (db)
        prisma_status(db, lock_mismatch, out, fs_not_in_db, db_not_in_fs, p3015);
    else
        out->prisma_exit = 1;
    free(matched);
    free(refs);
}

void gate_hist_result_release(struct gate_hist_result *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->entries[i].rows);
    free(r->entries);
    memset(r, 0, sizeof(*r));
}

enum gate_code gate_history_schema_typo(struct gate_db *db, const char *schema,
                                        struct gate_err *err)
{
    struct gate_db_result *r = NULL;
    struct gate_err qerr = {0};
    const char **with = NULL, **all = NULL;
    size_t nwith = 0, nall = 0;
    const char *hit;
    bool holds = false;
    enum gate_code rc = GATE_OK;
    int rows;

    /* the user's schemas, and which of them hold _prisma_migrations */
    if (gate_db_exec(db,
                     BEGIN_READ "SELECT n.nspname, EXISTS (SELECT 1 FROM pg_catalog.pg_class c "
                                "WHERE c.relnamespace = n.oid AND c.relname = "
                                "'_prisma_migrations') FROM pg_catalog.pg_namespace n WHERE "
                                "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' "
                                "ORDER BY 1 LIMIT 1000;COMMIT",
                     &r, &qerr))
        return GATE_OK; /* no hint: the caller's own message stands */
    rows = gate_db_result_rows(r);
    if (rows > 0) {
        with = gate_xcalloc((size_t)rows, sizeof(*with));
        all = gate_xcalloc((size_t)rows, sizeof(*all));
    }
    for (int i = 0; i < rows; i++) {
        const char *name = gate_db_result_value(r, i, 0);

        if (!strcmp(name, schema))
            goto out; /* it exists after all */
        all[nall++] = name;
        if (!strcmp(gate_db_result_value(r, i, 1), "t"))
            with[nwith++] = name;
    }
    hit = gate_suggest(schema, with, nwith);
    holds = hit;
    if (!hit)
        hit = gate_suggest(schema, all, nall);
    if (hit)
        rc = gate_fail(err, GATE_E_DB,
                       "schema %s does not exist; did you mean %s?%s (the URL's ?schema= names "
                       "the schema Prisma migrates: fix it, or the gate and Prisma would treat "
                       "the database as empty and apply every migration to a new schema)",
                       schema, hit, holds ? " (it holds _prisma_migrations)" : "");
out:
    free(with);
    free(all);
    gate_db_result_free(r);
    return rc;
}

enum gate_code gate_history_count_tables(struct gate_db *db, const char *schema,
                                         struct gate_hist_db *out, struct gate_err *err)
{
    struct gate_hist_db c;
    enum gate_code rc;

    memset(&c, 0, sizeof(c));
    rc = read_catalog(db, schema, &c, err);
    if (!rc) {
        out->other_tables = c.other_tables;
        free(out->other_sample);
        out->other_sample = c.other_sample;
        c.other_sample = NULL;
    }
    gate_hist_db_release(&c);
    return rc;
}
