/* SPDX-License-Identifier: MIT */
/*
 * replay.h - migrations replayed as Prisma replays them
 * (docs/internals/drift.md, "Replay"): each migration.sql is sent as ONE
 * simple-protocol query, exactly the text Prisma reads (the file as
 * Node's UTF-8 decoder reads it), with no BEGIN/COMMIT of our own, so
 * PostgreSQL runs a plain file as one implicit transaction. A failure
 * is reported the way Prisma's P3006 carries it, plus where: the
 * migration, the failing statement, its line, PostgreSQL's message,
 * SQLSTATE and position mapped to line:column of migration.sql.
 *
 * The replay sets:
 *   all local migrations  - gate_replay_set_local (test apply)
 *   the applied set       - gate_replay_set_applied: the on-disk
 *                           migrations that have a finished, not
 *                           rolled-back row in _prisma_migrations, in
 *                           Prisma's order (drift; what `migrate dev`
 *                           replays before it compares)
 */
#ifndef GATE_REPLAY_H
#define GATE_REPLAY_H

#include "gate/compat.h"
#include "gate/db.h"
#include "gate/err.h"
#include "gate/history.h"

/* One migration to replay. */
struct gate_replay_mig {
    char *name;        /* the directory name (malloc'd, owned by the set) */
    char *path;        /* migration.sql as messages name it (owned) */
    char *sql;         /* the text sent: the file as Prisma reads it (owned, NUL-terminated) */
    size_t len;        /* bytes of sql */
    char checksum[65]; /* SHA-256 of sql, lowercase hex: Prisma's checksum */
};

/* An ordered list of migrations. Zero is an empty set. */
struct gate_replay_set {
    struct gate_replay_mig *items;
    size_t n;
    size_t cap;
};

/*
 * Append a migration: copies name, path and data[0..len) (turned into
 * the text Prisma sends: invalid UTF-8 becomes U+FFFD) and computes its
 * checksum. A NUL byte inside data is GATE_E_SQL (libpq cannot send it).
 */
enum gate_code gate_replay_set_add(struct gate_replay_set *s, const char *name, const char *path,
                                   const char *data, size_t len, struct gate_err *err);
void gate_replay_set_release(struct gate_replay_set *s);

/*
 * Every local migration of dir, in Prisma's order (migrations.h). A
 * folder without a readable migration.sql is GATE_E_IO (Prisma: P3015);
 * a missing dir is an empty set. out is zeroed first; release it in any
 * case.
 */
enum gate_code gate_replay_set_local(const char *dir, struct gate_replay_set *out,
                                     struct gate_err *err);

/*
 * The applied set: the local migrations of dir that have a row with
 * finished_at set and rolled_back_at NULL in hdb (history.h), in
 * Prisma's order (gate_history_classify decides). An edited migration is
 * replayed as it is on disk, as Prisma does. Rows with no folder are
 * left out (they are history drift, not schema). out is zeroed first.
 */
enum gate_code gate_replay_set_applied(const char *dir, const struct gate_hist_db *hdb,
                                       struct gate_replay_set *out, struct gate_err *err);

/*
 * gate_replay_set_applied over a listing and its files already read (the
 * caller's: drift reads them once for the history): data[i] is the
 * migration.sql of list->items[i] (lens[i] bytes), NULL when it has none
 * or could not be read (then the reason is read again, for the message).
 */
struct gate_migration_list;
enum gate_code gate_replay_set_applied_read(const struct gate_migration_list *list,
                                            char *const *data, const size_t *lens,
                                            const struct gate_hist_db *hdb,
                                            struct gate_replay_set *out, struct gate_err *err);

/* Why a migration did not apply. */
struct gate_replay_failure {
    const char *migration; /* its name (borrowed from the set) */
    const char *path;      /* its migration.sql (borrowed from the set) */
    char *statement;       /* the failing statement's text (capped), NULL: unknown */
    int stmt_line;         /* 1-based line where that statement starts, 0: unknown */
    int line, column;      /* where PostgreSQL points (its position), else the statement's
                              start; 0: unknown */
    int position;          /* PostgreSQL's position: 1-based characters into the file, 0: none */
    char sqlstate[6];      /* "" when none */
    char *message;         /* PostgreSQL's primary message */
    char *detail;          /* DETAIL, NULL when none */
    char *hint;            /* HINT, NULL when none */
    char *context;         /* CONTEXT (PL/pgSQL line ...), NULL when none */
};
void gate_replay_failure_release(struct gate_replay_failure *f);

/* How a replay went. Zero is the state before. */
struct gate_replay_result {
    size_t total;         /* migrations in the set */
    size_t from_cache;    /* of them, already in the shadow (a cached prefix) */
    size_t replayed;      /* run by this replay (from_cache + replayed = applied ones) */
    char cache_hit[64];   /* the cache database the shadow was copied from, "" none */
    char cache_saved[64]; /* the cache database written by this run, "" none */
    long long ms;         /* wall time of the replay (and the cache copies) */
    bool failed;          /* a migration did not apply: failure says which */
    struct gate_replay_failure failure;
};
void gate_replay_result_release(struct gate_replay_result *r);

/* Options of one replay run. */
struct gate_progress; /* progress.h */

struct gate_replay_opts {
    long long deadline_ms;          /* CLOCK_MONOTONIC milliseconds to stop at (gate_clock_ms()
                                       + timeout), 0: none */
    struct gate_progress *progress; /* begun by the caller: "LABEL: replaying i/n
                                       migrations" per migration; NULL: none */
    const char *label;              /* the command ("drift", "check"); NULL: "replay" */
};

/*
 * Replay set->items[from .. to) into db, one simple-protocol query per
 * migration (the stop hook cancels the running one: stop.h, db.h). A
 * migration that fails is GATE_OK with res->failed and res->failure
 * filled (the rest is not run). GATE_E_DB when the connection is lost,
 * the run is stopped by a signal ("stopped by SIGTERM") or passes the
 * deadline ("timed out after ..."): nothing could be evaluated.
 * res->replayed counts the migrations that applied. Each one is named
 * in verbose output ("replay: NAME (k/n)"). The session's
 * synchronous_commit is turned off first: a shadow is scratch, its commits
 * need not wait for the disk, and what the migrations do is the same.
 */
enum gate_code gate_replay_run(struct gate_db *db, const struct gate_replay_set *set, size_t from,
                               size_t to, const struct gate_replay_opts *o,
                               struct gate_replay_result *res, struct gate_err *err);

/*
 * Locate a failure in migration text sql[0..len): fill f's statement,
 * stmt_line, line and column from PostgreSQL's position (1-based
 * characters, 0: none) or, without one, from the number of statements
 * that completed before the failure (done). Pure: used by
 * gate_replay_run and by the unit tests.
 */
void gate_replay_locate(const char *sql, size_t len, int position, int done,
                        struct gate_replay_failure *f);

/*
 * The failure as one line: "migration NAME failed to apply at
 * PATH:LINE:COL: MESSAGE (SQLSTATE X)" plus detail and hint. malloc'd.
 */
char *gate_replay_failure_text(const struct gate_replay_failure *f);

#endif
