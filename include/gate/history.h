/* SPDX-License-Identifier: MIT */
/*
 * history.h - Prisma's migration history: the `_prisma_migrations` table,
 * migration checksums, `migration_lock.toml`, and how Prisma compares the
 * migrations on disk with the rows in the database
 * (docs/internals/prisma-migrate.md 1-5; prisma-engines schema-connector checksum.rs,
 * migrations_directory.rs, diagnose_migration_history.rs).
 *
 * The text Prisma hashes (invalid UTF-8 replaced as Node does) is utf8.h's
 * gate_utf8_fix.
 *
 * Reading the history is read-only: one REPEATABLE READ READ ONLY
 * transaction, no advisory lock, no write.
 */
#ifndef GATE_HISTORY_H
#define GATE_HISTORY_H

#include "gate/compat.h"
#include "gate/db.h"
#include "gate/err.h"
#include "gate/run.h"

/* ------------------------------------------------------------ checksums */

/*
 * The checksums of one migration.sql as Prisma matches them: of the
 * script, of the script with every CRLF turned into LF, and of the
 * script with every LF turned into CRLF (an existing CRLF becomes
 * CR CR LF, exactly as Rust's str::replace does). Lowercase, zero-padded
 * hex SHA-256. sum[0] is what Prisma writes into `checksum`.
 */
struct gate_checksums {
    char sum[3][65];
    bool variants;    /* sum[1] and sum[2] are computed */
    const char *data; /* the file, borrowed, for the lazy variants (NULL: computed) */
    size_t len;
};

/* All three checksums of data[0..len) now. */
void gate_history_checksums(const char *data, size_t len, struct gate_checksums *out);

/*
 * sum[0] now; the two variants only when a match needs them (Prisma
 * computes them lazily too). data must stay valid until the last
 * gate_history_checksum_matches call on out.
 */
void gate_history_checksums_lazy(const char *data, size_t len, struct gate_checksums *out);

/*
 * Prisma's script_matches_checksum: stored equals one of the three
 * checksums; when stored is non-empty and not 64 characters long, each
 * is rendered without per-byte zero padding first (legacy checksums,
 * prisma-engines#1887). An empty stored checksum never matches. May
 * compute the variants (see gate_history_checksums_lazy).
 */
bool gate_history_checksum_matches(struct gate_checksums *c, const char *stored);

/* ------------------------------------------------------------ lock file */

/* Prisma's placeholder when the lock file has no provider line. */
#define GATE_LOCK_NO_PROVIDER "<PROVIDER NOT FOUND>"

/*
 * The provider migration_lock.toml names, read exactly as Prisma's
 * read_provider_from_lock_file does: the first line (Rust str::lines)
 * starting with "provider", every leading "provider = " removed, then
 * every leading and trailing '"'. GATE_LOCK_NO_PROVIDER when no line
 * starts with "provider". malloc'd.
 */
char *gate_lock_provider(const char *data, size_t len);

/* ------------------------------------------------------------ the table */

/* One `_prisma_migrations` row. Timestamps are ISO 8601 UTC with microseconds. */
struct gate_hist_row {
    char *id;
    char *checksum;       /* "" when NULL */
    char *name;           /* migration_name, "" when NULL */
    char *started_at;     /* NULL when NULL */
    char *finished_at;    /* NULL when NULL */
    char *rolled_back_at; /* NULL when NULL */
    int applied_steps_count;
};

/* applied (finished, not rolled back), failed (neither) or rolled-back. */
enum gate_mstate gate_hist_row_state(const struct gate_hist_row *r);

/* Cap on the rows read (GATE_E_LIMIT beyond it). */
#define GATE_HIST_MAX_ROWS 200000

/* What the target database holds, in the Prisma schema. */
struct gate_hist_db {
    bool schema_exists;         /* the schema named by ?schema= (or public) exists */
    bool has_table;             /* _prisma_migrations exists in it */
    long other_tables;          /* ordinary tables besides it, PostGIS's excluded (P3005 rule) */
    char *other_sample;         /* up to five of their names, comma-separated; NULL when none */
    char *server_version;       /* "15.18" */
    char *extra_columns;        /* columns Prisma does not know, comma-separated; NULL when none */
    struct gate_hist_row *rows; /* ORDER BY started_at, as Prisma reads them */
    size_t nrows;
};

/*
 * Read `_prisma_migrations` in the schema through db, read-only (one
 * REPEATABLE READ READ ONLY transaction) and without a lock: one round
 * trip when the table exists; when it does not, a catalog query for the
 * schema's tables (the P3005 rule). Fails with GATE_E_DB on a query
 * error, or when the table lacks a column Prisma needs or has one of an
 * incompatible type (the message names them), GATE_E_LIMIT beyond
 * GATE_HIST_MAX_ROWS rows. out is zeroed first; release it with
 * gate_hist_db_release in any case.
 */
enum gate_code gate_history_read(struct gate_db *db, const char *schema, struct gate_hist_db *out,
                                 struct gate_err *err);

/*
 * gate_history_read in two halves, for a caller that sends the query with
 * others in one round trip (drift): the query's text (its own READ ONLY
 * transaction; malloc'd), and out from its result r (freed here), as
 * gate_history_read reads it. When the query failed, call
 * gate_history_read instead (a missing table is read from the catalog).
 */
char *gate_history_sql(const char *schema);
enum gate_code gate_history_from_result(struct gate_db *db, const char *schema,
                                        struct gate_db_result *r, struct gate_hist_db *out,
                                        struct gate_err *err);

/*
 * The schema's ordinary tables besides _prisma_migrations (PostGIS's
 * excluded, as out->other_tables counts them), when gate_history_read
 * found the table and so did not count them: sets out->other_tables and
 * out->other_sample. Fails with GATE_E_DB on a query error.
 */
enum gate_code gate_history_count_tables(struct gate_db *db, const char *schema,
                                         struct gate_hist_db *out, struct gate_err *err);
void gate_hist_db_release(struct gate_hist_db *h);

/* ------------------------------------------------------- classification */

/* A migration on disk. */
struct gate_hist_local {
    const char *name;
    bool readable; /* migration.sql could be read */
    struct gate_checksums sums;
};

/* One migration, on disk and/or in the database. */
struct gate_hist_entry {
    const char *name;       /* borrowed from the local or the row */
    long local;             /* index of the local migration, -1: only in the database */
    enum gate_mstate state; /* pending applied failed modified missing-locally unknown */
    size_t *rows;           /* indices of its rows, in started_at order (malloc'd) */
    size_t nrows;
    long applied_row;      /* the row deploy relies on (last applied), -1 none */
    long failed_row;       /* first failed row, -1 none */
    bool only_rolled_back; /* has rows, all rolled back: deploy applies it again */
    bool prisma_edited;    /* Prisma lists it in editedMigrationNames (its first row) */
    bool out_of_order;     /* pending, but sorts before a migration already in the DB */
};

struct gate_hist_result {
    struct gate_hist_entry *entries; /* local ones in Prisma's order, DB-only ones merged in
                                        by name (malloc'd) */
    size_t n;
    size_t napplied, npending, nfailed, nmodified, nmissing, nunknown;
    size_t nfailed_rows;     /* rows in the failed state (P3009 even when not on disk) */
    int prisma_exit;         /* what `prisma migrate status` exits with on the same input */
    const char *prisma_says; /* ... and the first line it prints (static text) */
};

/*
 * Compare the local migrations (in Prisma's order) with the database's
 * rows exactly as Prisma does; lock_mismatch: migration_lock.toml names
 * another provider (P3019). db may be NULL when the database could not
 * be read (every state is then unknown). out is zeroed first.
 */
void gate_history_classify(struct gate_hist_local *locals, size_t nlocals,
                           const struct gate_hist_db *db, bool lock_mismatch,
                           struct gate_hist_result *out);
void gate_hist_result_release(struct gate_hist_result *r);

/*
 * The URL's schema does not exist (gate_hist_db.schema_exists false):
 * GATE_E_DB "schema pubic does not exist; did you mean public?" when a
 * schema of the database is close enough to be what was meant (one that
 * holds _prisma_migrations first), else GATE_OK (a new schema Prisma
 * would create). A failed catalog query is GATE_OK: no hint.
 */
enum gate_code gate_history_schema_typo(struct gate_db *db, const char *schema,
                                        struct gate_err *err);

#endif
