/* SPDX-License-Identifier: MIT */
/*
 * db.h - PostgreSQL access (the only module that speaks libpq).
 *
 * A target is a Prisma connection URL (postgresql:// or postgres://),
 * read the way Prisma's quaint reads it: host from the `host` query
 * parameter, else the URL, else "localhost"; port 5432 by default;
 * database "postgres" by default; `?schema=` sets search_path exactly as
 * Prisma does (startup parameter, or a SET after connecting when
 * `pgbouncer=true`). Prisma-only parameters (schema, connection_limit,
 * pool_timeout, pgbouncer, socket_timeout, statement_cache_size, ...) are
 * interpreted or dropped; Prisma's `sslcert` (a CA file) becomes libpq's
 * `sslrootcert`; every other parameter libpq knows (sslmode, sslrootcert,
 * target_session_attrs, ...) is passed through unchanged.
 *
 * libpq is not linked: it is loaded on first use (dl.h), by
 * gate_db_connect() and by gate_db_url_parse() for a parameter only
 * libpq can say it knows. When it cannot be loaded they fail with
 * GATE_E_DB and a message that names the package to install (libpq5).
 *
 * Secrets: the password (and sslpassword) never appears in a message.
 * Every message that carries libpq or server text is scrubbed of the
 * password, its URL-encoded form and the URL itself before it leaves
 * this module.
 */
#ifndef GATE_DB_H
#define GATE_DB_H

#include "gate/compat.h"
#include "gate/err.h"

/* Prisma's default connect_timeout (seconds). */
#define GATE_DB_CONNECT_TIMEOUT 5

/* A parsed connection URL. Every string is malloc'd and owned. */
struct gate_db_url {
    char *host;          /* never NULL: Prisma's host (IPv6 without brackets) */
    int port;            /* 5432 when the URL has none */
    char *database;      /* percent-decoded; "postgres" when the URL has none */
    char *user;          /* percent-decoded; "" when the URL has none */
    char *password;      /* percent-decoded; NULL when none. Never print it. */
    char *password_raw;  /* as written in the URL (still encoded); NULL when none */
    char *schema;        /* ?schema=, NULL when absent (Prisma then uses "public") */
    bool pgbouncer;      /* ?pgbouncer=true */
    int connect_timeout; /* seconds; 0 = wait forever */
    char **params;       /* libpq keyword/value pairs passed through: k0 v0 k1 v1 ... */
    size_t nparams;      /* number of pairs */
    char **ignored;      /* names of parameters neither Prisma's nor libpq's, or dropped */
    size_t nignored;
    char **secrets; /* strings scrubbed from every message (password, URL ...) */
    size_t nsecrets;
};

/*
 * Parse a Prisma PostgreSQL URL into out (zeroed first). Fails with
 * GATE_E_USAGE and a message that never quotes the URL or the password,
 * or GATE_E_DB when libpq is needed and cannot be loaded. On failure out
 * holds nothing that needs releasing.
 */
enum gate_code gate_db_url_parse(const char *url, struct gate_db_url *out, struct gate_err *err);
void gate_db_url_release(struct gate_db_url *u);

/*
 * A deep copy of src into out (zeroed first), with the database replaced
 * by database when it is not NULL (a shadow on the same server: the
 * other parameters, ?schema= included, are kept as Prisma keeps them).
 */
void gate_db_url_copy(const struct gate_db_url *src, const char *database, struct gate_db_url *out);

/* The schema Prisma treats as the target's: ?schema= or "public". Borrowed. */
const char *gate_db_url_schema(const struct gate_db_url *u);

/*
 * Replace, in place, every occurrence of each secret in msg (a
 * NUL-terminated string in a buffer of size bytes) with "****", the
 * longest secret first where several start at one place. A secret of
 * fewer than 4 characters is replaced only as a whole word (not next to a
 * letter or digit). Empty secrets are skipped. The result is cut to the
 * buffer and always NUL-terminated.
 */
void gate_db_scrub(char *msg, size_t size, char *const *secrets, size_t nsecrets);

/* A live connection. */
struct gate_db;

/*
 * Load libpq now (gate_db_connect does it otherwise), so that a caller
 * that connects on another thread can work while the server starts the
 * connection's backend rather than while libpq loads (both are CPU work).
 * Fails as gate_db_connect does when libpq cannot be loaded.
 */
enum gate_code gate_db_load(struct gate_err *err);

/*
 * Connect (libpq, blocking, with u->connect_timeout). On failure returns
 * GATE_E_DB with a scrubbed message that names host, port, database and
 * user (never the password), plus Prisma's error code where one applies
 * (P1000 authentication failed, P1001 cannot reach, P1003 no database),
 * or the message of dl.h when libpq cannot be loaded. *out is NULL on
 * failure. u must outlive the connection.
 */
enum gate_code gate_db_connect(const struct gate_db_url *u, struct gate_db **out,
                               struct gate_err *err);
void gate_db_close(struct gate_db *db);

/* 150018 (PQserverVersion: server_version_num). */
int gate_db_server_version_num(const struct gate_db *db);

/* "15.18" (server_version as the server reports it). Borrowed. */
const char *gate_db_server_version(const struct gate_db *db);

/* The result of one query: rows of text values. */
struct gate_db_result;

/*
 * Run sql with the simple query protocol (it may hold several
 * statements). *out is the last result that returned rows (NULL when no
 * statement did). Fails with GATE_E_DB (scrubbed server message with its
 * SQLSTATE) when any statement fails; *out is then NULL.
 */
enum gate_code gate_db_exec(struct gate_db *db, const char *sql, struct gate_db_result **out,
                            struct gate_err *err);
void gate_db_result_free(struct gate_db_result *r);
int gate_db_result_rows(const struct gate_db_result *r);
int gate_db_result_cols(const struct gate_db_result *r);
/* The value at (row, col) as text; NULL for SQL NULL. Borrowed from r. */
const char *gate_db_result_value(const struct gate_db_result *r, int row, int col);

/* The name and type OID of column col (NULL / 0 when out of range). */
const char *gate_db_result_colname(const struct gate_db_result *r, int col);
unsigned gate_db_result_coltype(const struct gate_db_result *r, int col);

/* What the server said about a failed script (gate_db_exec_script). */
struct gate_db_error {
    char sqlstate[6];  /* "" when none */
    char message[400]; /* primary message, one line, scrubbed */
    char detail[400];  /* "" when none */
    char hint[400];    /* "" when none */
    char context[400]; /* CONTEXT ("PL/pgSQL function ... line 3 at ..."), "" when none */
    int position;      /* error position: 1-based characters into the script, 0 none */
    int done;          /* statements of the script that completed before the failure */
    bool failed;       /* the server reported an error (else: the connection failed) */
};

/*
 * Run sql (several statements) with the simple query protocol in one
 * round trip and keep every result that returns rows, in order, in
 * out[0..*n-1] (statements without rows, such as BEGIN, give none).
 * Fails with GATE_E_DB as gate_db_exec does when any statement fails or
 * more than max statements return rows; *n is then 0 and nothing is kept.
 * A failed explicit transaction is left open: the caller rolls it back.
 */
enum gate_code gate_db_exec_each(struct gate_db *db, const char *sql, struct gate_db_result **out,
                                 int max, int *n, struct gate_err *err);

/*
 * gate_db_exec_each in two halves, so that the caller works while the
 * server runs the query: send sql (several statements, simple protocol)
 * and return at once; then gate_db_next gives each result that returns
 * rows, in order, as it arrives (*out, which the caller frees), and
 * *out NULL once there are no more. A failed statement is GATE_E_DB as
 * gate_db_exec says it (nothing after it ran; the next call gives NULL);
 * a failed explicit transaction is left open. Other queries on db may
 * run in between: they first read what is left of the sent one and keep
 * it for gate_db_next (rolling back its transaction if a statement of it
 * failed inside one). One sent query at a time (GATE_BUG otherwise).
 */
enum gate_code gate_db_send(struct gate_db *db, const char *sql, struct gate_err *err);
enum gate_code gate_db_next(struct gate_db *db, struct gate_db_result **out, struct gate_err *err);

/*
 * Run a whole script as ONE simple-protocol query (as Prisma runs a
 * migration: several statements, one implicit transaction unless the
 * script says otherwise), results discarded. On a server error returns
 * GATE_E_DB with e filled (e->failed true) and err as gate_db_exec says
 * it; when the connection fails, e->failed is false. e is zeroed first.
 */
enum gate_code gate_db_exec_script(struct gate_db *db, const char *sql, struct gate_db_error *e,
                                   struct gate_err *err);

/*
 * gate_db_exec_script with a deadline (gate_clock_ms() milliseconds, 0:
 * none) kept by the client: past it the query is cancelled (PQcancel), so
 * it fails with SQLSTATE 57014. No statement_timeout is set, so the
 * deadline costs no round trip of its own.
 */
enum gate_code gate_db_exec_script_until(struct gate_db *db, const char *sql, long long deadline_ms,
                                         struct gate_db_error *e, struct gate_err *err);

/* The SQLSTATE of the last failed gate_db_exec ("" when none). */
const char *gate_db_last_sqlstate(const struct gate_db *db);

/*
 * Which server and database a connection reached, as the server says:
 * pg_control_system()'s system_identifier (one per cluster, shared by
 * its physical replicas), current_setting('port'), current_database(),
 * and inet_server_addr() (the address that answered; "" over a Unix
 * socket). Two connections reach the same database iff system_identifier,
 * port and database match (gate_db_same_database); the URL's text (host
 * spelling, parameters) does not matter.
 */
struct gate_db_identity {
    char system_identifier[32]; /* decimal */
    int port;
    char database[128];
    char addr[64];
};
enum gate_code gate_db_identity(struct gate_db *db, struct gate_db_identity *out,
                                struct gate_err *err);
bool gate_db_same_database(const struct gate_db_identity *a, const struct gate_db_identity *b);

/*
 * libpq connects to the URL's hostaddr= while Prisma ignores it and
 * resolves the host name. GATE_OK when the URL has no hostaddr, or when
 * the host name resolves to that address (Prisma reaches the same
 * server); else GATE_E_USAGE with a message naming host and address.
 */
enum gate_code gate_db_url_check_hostaddr(const struct gate_db_url *u, struct gate_err *err);

/*
 * When a stop signal comes (stop.h), cancel the query db is running
 * (PQcancel from the handler): a blocking wait (a lock, a long read) ends
 * with SQLSTATE 57014. One connection at a time; NULL disarms.
 * gate_db_close disarms its own.
 */
void gate_db_cancel_on_stop(struct gate_db *db);

/* The connection is still up (false after the server went away). */
bool gate_db_alive(const struct gate_db *db);

/*
 * Connect to u again: up to tries attempts, delay_ms apart (bounded; a
 * stop signal ends it early). The last attempt's error when none worked.
 */
enum gate_code gate_db_reconnect(const struct gate_db_url *u, int tries, long long delay_ms,
                                 struct gate_db **out, struct gate_err *err);

/*
 * pg_terminate_backend() each of pids (never db's own backend), then wait
 * up to wait_ms until none is left in pg_stat_activity; *left is how many
 * still were. GATE_E_DB when a query failed (permission: the role must
 * own those sessions, be a superuser or have pg_signal_backend).
 */
enum gate_code gate_db_terminate(struct gate_db *db, const long *pids, size_t n, long long wait_ms,
                                 size_t *left, struct gate_err *err);

/*
 * Close db, then wait up to wait_ms, asking observer (another connection
 * to the same server), until db's backend has left pg_stat_activity. A
 * DROP DATABASE or CREATE DATABASE ... TEMPLATE sent right after a close
 * would otherwise find the exiting backend and sleep PostgreSQL's 100 ms
 * retry step. False when it could not be seen gone (the caller goes on:
 * the server then waits for it as usual).
 */
bool gate_db_close_wait(struct gate_db *db, struct gate_db *observer, long long wait_ms);

/* 'text' quoted as a SQL literal / "name" as an identifier; malloc'd. */
char *gate_db_quote_literal(const char *s);
char *gate_db_quote_ident(const char *s);

#endif
