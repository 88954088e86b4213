/* SPDX-License-Identifier: MIT */
/*
 * db.c - the libpq wrapper: Prisma connection URLs, connecting with a
 * timeout, simple-protocol queries, and scrubbing secrets out of every
 * message libpq or the server produces.
 *
 * URLs are parsed here rather than handed to libpq: libpq rejects the
 * query parameters Prisma adds (schema, connection_limit, ...), reads
 * some parameters differently (Prisma's sslcert is a CA file), and echoes
 * parts of a URL it cannot parse. Connections are made with
 * PQconnectdbParams and discrete keywords, so libpq never sees the URL.
 */
#include "gate/compat.h"
#include "gate/db.h"
#include "gate/buf.h"
#include "gate/clock.h"
#include "gate/dl.h"
#include "gate/msg.h"
#include "gate/prisma_errors.h"
#include "gate/secrets.h"
#include "gate/stop.h"
#include "gate/xalloc.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libpq-fe.h>

/*
 * libpq is loaded on first use (dl.h): by gate_db_connect(), and by
 * gate_db_url_parse() when a URL has a parameter that only libpq can
 * say it knows. Everything else takes a connection or a result.
 */
#define PQ_FUNCS(X, t)      \
 X(t, PQbackendPID)         \
 X(t, PQclear)              \
 X(t, PQconndefaults)       \
 X(t, PQconnectdbParams)    \
 X(t, PQconninfoFree)       \
 X(t, PQerrorMessage)       \
 X(t, PQfinish)             \
 X(t, PQfname)              \
 X(t, PQfreeCancel)         \
 X(t, PQftype)              \
 X(t, PQgetCancel)          \
 X(t, PQgetResult)          \
 X(t, PQisBusy)             \
 X(t, PQconsumeInput)       \
 X(t, PQsocket)             \
 X(t, PQcancel)             \
 X(t, PQgetisnull)          \
 X(t, PQgetvalue)           \
 X(t, PQnfields)            \
 X(t, PQntuples)            \
 X(t, PQparameterStatus)    \
 X(t, PQresultErrorField)   \
 X(t, PQresultErrorMessage) \
 X(t, PQresultStatus)       \
 X(t, PQsendQuery)          \
 X(t, PQserverVersion)      \
 X(t, PQsetNoticeProcessor) \
 X(t, PQstatus)             \
 X(t, PQtransactionStatus)
GATE_DL_TABLE(pq, PQ_FUNCS);
static struct gate_dl libpq = {
    .name = "libpq",
    .sonames = (const char *const[]){GATE_LIBPQ_SONAMES, NULL},
    .need = "to connect to the database",
    .package = GATE_LIBPQ_PACKAGE,
    .code = GATE_E_DB,
    GATE_DL_SYMS(pq),
};

struct gate_db {
    PGconn *conn;
    const struct gate_db_url *url;
    char *where;      /* "database 'x' on host:port" for messages */
    char sqlstate[6]; /* of the last failed query */
    bool cancel;      /* armed for gate_db_cancel_on_stop */
    /*
     * gate_db_send: its results still on the connection (sent), and those
     * read ahead of gate_db_next because another query needed the
     * connection (held[next..nheld)).
     */
    bool sent;
    PGresult **held;
    size_t nheld, next;
};

struct gate_db_result {
    PGresult *res;
};

/* ------------------------------------------------------------------ URLs */

/* Parameters Prisma (quaint) reads and libpq must not see as they are. */
static const char *const prisma_only[] = {
    "schema",
    "connection_limit",
    "pool_timeout",
    "pgbouncer",
    "socket_timeout",
    "statement_cache_size",
    "sslaccept",
    "max_connection_lifetime",
    "max_idle_connection_lifetime",
    "sslidentity",
    "sslpassword",
    "sslcert",
};

/*
 * libpq keywords Prisma ignores in a URL and that would change whom we
 * connect as or to: dropped, so both tools reach the same database.
 */
static const char *const identity_params[] = {"user", "password", "dbname", "port", "service"};

static bool in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(s, list[i]))
            return true;
    }
    return false;
}

static void add_secret(struct gate_db_url *u, const char *s)
{
    if (!s || !*s)
        return;
    for (size_t i = 0; i < u->nsecrets; i++) {
        if (!strcmp(u->secrets[i], s))
            return;
    }
    u->secrets = gate_xrealloc(u->secrets, (u->nsecrets + 1) * sizeof(*u->secrets));
    u->secrets[u->nsecrets++] = gate_xstrdup(s);
}

static void secret_part(void *ctx, const char *part)
{
    add_secret(ctx, part);
}

static void add_param(struct gate_db_url *u, const char *k, const char *v)
{
    for (size_t i = 0; i < u->nparams; i++) {
        if (!strcmp(u->params[2 * i], k)) { /* last one wins, as in Prisma */
            free(u->params[2 * i + 1]);
            u->params[2 * i + 1] = gate_xstrdup(v);
            return;
        }
    }
    u->params = gate_xrealloc(u->params, (u->nparams + 1) * 2 * sizeof(*u->params));
    u->params[2 * u->nparams] = gate_xstrdup(k);
    u->params[2 * u->nparams + 1] = gate_xstrdup(v);
    u->nparams++;
}

static void add_ignored(struct gate_db_url *u, const char *k)
{
    u->ignored = gate_xrealloc(u->ignored, (u->nignored + 1) * sizeof(*u->ignored));
    u->ignored[u->nignored++] = gate_xstrdup(k);
}

static bool libpq_knows(const char *k)
{
    PQconninfoOption *opts = pq.PQconndefaults();
    bool found = false;

    if (!opts)
        return false;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!strcmp(o->keyword, k)) {
            found = true;
            break;
        }
    }
    pq.PQconninfoFree(opts);
    return found;
}

/* Parse a non-negative integer of at most 9 digits; -1 otherwise. */
static long small_uint(const char *s)
{
    long v = 0;

    if (!*s)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || p - s >= 9)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

static enum gate_code query_param(struct gate_db_url *u, const char *k, const char *v,
                                  char **sslcert, struct gate_err *err)
{
    if (!strcmp(k, "schema")) {
        free(u->schema);
        u->schema = gate_xstrdup(v);
    } else if (!strcmp(k, "pgbouncer")) {
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
            return gate_fail(err, GATE_E_USAGE,
                             "invalid pgbouncer=%s in the database URL (true or false)", v);
        u->pgbouncer = !strcmp(v, "true");
    } else if (!strcmp(k, "connect_timeout")) {
        long t = small_uint(v);

        if (t < 0)
            return gate_fail(err, GATE_E_USAGE,
                             "invalid connect_timeout in the database URL (seconds expected)");
        u->connect_timeout = (int)t;
    } else if (!strcmp(k, "host")) {
        free(u->host);
        u->host = gate_xstrdup(v);
    } else if (!strcmp(k, "sslcert")) {
        /* Prisma: the CA certificate that verifies the server */
        free(*sslcert);
        *sslcert = gate_xstrdup(v);
    } else if (!strcmp(k, "sslpassword") || !strcmp(k, "password")) {
        add_secret(u, v);
        add_ignored(u, k);
    } else if (in_list(k, prisma_only, GATE_ARRAY_SIZE(prisma_only))) {
        if (strcmp(k, "sslaccept") != 0)
            add_ignored(u, k);
    } else if (in_list(k, identity_params, GATE_ARRAY_SIZE(identity_params))) {
        add_ignored(u, k);
    } else {
        if (gate_dl_load(&libpq, err))
            return GATE_E_DB;
        if (libpq_knows(k))
            add_param(u, k, v);
        else
            add_ignored(u, k);
    }
    return GATE_OK;
}

enum gate_code gate_db_url_parse(const char *url, struct gate_db_url *out, struct gate_err *err)
{
    const char *p, *auth, *auth_end, *at = NULL, *hp, *path_end;
    char *sslcert = NULL;
    bool strict = false;
    enum gate_code rc = GATE_OK;
    size_t scheme_len;

    memset(out, 0, sizeof(*out));
    out->port = 5432;
    out->connect_timeout = GATE_DB_CONNECT_TIMEOUT;
    p = strstr(url, "://");
    scheme_len = p ? (size_t)(p - url) : 0;
    if (!p || !((scheme_len == 10 && !strncmp(url, "postgresql", 10)) ||
                (scheme_len == 8 && !strncmp(url, "postgres", 8)))) {
        bool plain = p && scheme_len < 20;

        for (size_t i = 0; plain && i < scheme_len; i++)
            plain = isalnum((unsigned char)url[i]) || url[i] == '+' || url[i] == '-';
        if (plain)
            return gate_fail(err, GATE_E_USAGE,
                             "the database URL is not a PostgreSQL URL (scheme '%.*s'; expected "
                             "postgresql://USER:PASSWORD@HOST:PORT/DATABASE)",
                             (int)scheme_len, url);
        return gate_fail(err, GATE_E_USAGE,
                         "the database URL is not a PostgreSQL URL (expected "
                         "postgresql://USER:PASSWORD@HOST:PORT/DATABASE)");
    }
    /* mask before parsing: what lies between "://" and the last '@' is secret, whatever it holds */
    add_secret(out, url);
    gate_url_secret_parts(url, secret_part, out);
    auth = p + 3;
    auth_end = auth + strcspn(auth, "/?#");
    {
        const char *last_at = gate_url_last_at(url);

        if (last_at && last_at > auth_end) {
            /* libpq and Prisma would read part of the password as the host or port: never shown */
            rc = gate_fail(err, GATE_E_USAGE,
                           "the database URL has an '@' after its host part: a user name or "
                           "password holding an unencoded '/', '?' or '#' (percent-encode them: "
                           "%%2F, %%3F, %%23; an '@' as %%40)");
            goto fail;
        }
    }
    for (const char *q = auth; q < auth_end; q++) {
        if (*q == '@')
            at = q; /* the last '@' ends the userinfo */
    }
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));

        if (colon) {
            out->user = gate_url_decode(auth, (size_t)(colon - auth), false);
            out->password_raw = gate_xstrndup(colon + 1, (size_t)(at - colon - 1));
            out->password = gate_url_decode(colon + 1, (size_t)(at - colon - 1), false);
            add_secret(out, out->password);
            add_secret(out, out->password_raw);
        } else {
            out->user = gate_url_decode(auth, (size_t)(at - auth), false);
        }
        hp = at + 1;
    } else {
        out->user = gate_xstrdup("");
        hp = auth;
    }
    /* host[:port] or [v6]:port */
    {
        const char *host_end, *port = NULL;

        if (*hp == '[') {
            const char *rb = memchr(hp, ']', (size_t)(auth_end - hp));

            if (!rb) {
                rc = gate_fail(err, GATE_E_USAGE,
                               "invalid host in the database URL (unterminated '[')");
                goto fail;
            }
            out->host = gate_xstrndup(hp + 1, (size_t)(rb - hp - 1));
            host_end = rb + 1;
            if (host_end < auth_end && *host_end == ':')
                port = host_end + 1;
            else if (host_end != auth_end) {
                rc = gate_fail(err, GATE_E_USAGE, "invalid host in the database URL");
                goto fail;
            }
        } else {
            const char *colon = NULL;

            for (const char *q = hp; q < auth_end; q++) {
                if (*q == ':')
                    colon = q;
            }
            host_end = colon ? colon : auth_end;
            port = colon ? colon + 1 : NULL;
            out->host = gate_url_decode(hp, (size_t)(host_end - hp), false);
        }
        if (port && port < auth_end) {
            char buf[16];
            size_t n = (size_t)(auth_end - port);
            long v;

            if (n >= sizeof(buf)) {
                rc = gate_fail(err, GATE_E_USAGE, "invalid port in the database URL");
                goto fail;
            }
            memcpy(buf, port, n);
            buf[n] = '\0';
            v = small_uint(buf);
            if (v < 0 || v > 65535) {
                rc = gate_fail(err, GATE_E_USAGE, "invalid port '%s' in the database URL (0-65535)",
                               buf);
                goto fail;
            }
            out->port = (int)v;
        }
        if (!*out->host) {
            free(out->host);
            out->host = gate_xstrdup("localhost");
        }
    }
    /* /database */
    path_end = auth_end + strcspn(auth_end, "?#");
    if (*auth_end == '/') {
        const char *seg = auth_end + 1;
        const char *seg_end = seg + strcspn(seg, "/?#");

        out->database = gate_url_decode(seg, (size_t)(seg_end - seg), false);
    }
    if (!out->database || !*out->database) {
        free(out->database);
        out->database = gate_xstrdup("postgres");
    }
    /* ?k=v&... */
    if (*path_end == '?') {
        const char *q = path_end + 1;
        const char *end = q + strcspn(q, "#");

        while (q < end) {
            const char *amp = memchr(q, '&', (size_t)(end - q));
            const char *pe = amp ? amp : end;
            const char *eq = memchr(q, '=', (size_t)(pe - q));
            char *k, *v;

            if (pe == q) {
                q = pe + 1;
                continue;
            }
            k = gate_url_decode(q, (size_t)((eq ? eq : pe) - q), true);
            v = eq ? gate_url_decode(eq + 1, (size_t)(pe - eq - 1), true) : gate_xstrdup("");
            if (!strcmp(k, "sslaccept"))
                strict = strcmp(v, "accept_invalid_certs") != 0;
            rc = query_param(out, k, v, &sslcert, err);
            free(k);
            free(v);
            if (rc)
                goto fail;
            q = pe + 1;
        }
    }
    if (sslcert) {
        const char *mode = NULL;

        add_param(out, "sslrootcert", sslcert);
        for (size_t i = 0; i < out->nparams; i++) {
            if (!strcmp(out->params[2 * i], "sslmode"))
                mode = out->params[2 * i + 1];
        }
        /* Prisma verifies the server against sslcert when sslaccept=strict */
        if (strict && mode && !strcmp(mode, "require"))
            add_param(out, "sslmode", "verify-full");
        free(sslcert);
    }
    return GATE_OK;
fail:
    free(sslcert);
    gate_db_scrub(err->msg, sizeof(err->msg), out->secrets, out->nsecrets);
    gate_db_url_release(out);
    return rc;
}

void gate_db_url_release(struct gate_db_url *u)
{
    free(u->host);
    free(u->database);
    free(u->user);
    free(u->password);
    free(u->password_raw);
    free(u->schema);
    for (size_t i = 0; i < 2 * u->nparams; i++)
        free(u->params[i]);
    free(u->params);
    for (size_t i = 0; i < u->nignored; i++)
        free(u->ignored[i]);
    free(u->ignored);
    for (size_t i = 0; i < u->nsecrets; i++)
        free(u->secrets[i]);
    free(u->secrets);
    memset(u, 0, sizeof(*u));
}

static char **strv_copy(char *const *v, size_t n)
{
    char **out = gate_xcalloc(n ? n : 1, sizeof(*out));

    for (size_t i = 0; i < n; i++)
        out[i] = gate_xstrdup(v[i]);
    return out;
}

void gate_db_url_copy(const struct gate_db_url *src, const char *database, struct gate_db_url *out)
{
    memset(out, 0, sizeof(*out));
    out->host = gate_xstrdup(src->host);
    out->port = src->port;
    out->database = gate_xstrdup(database ? database : src->database);
    out->user = src->user ? gate_xstrdup(src->user) : NULL;
    out->password = src->password ? gate_xstrdup(src->password) : NULL;
    out->password_raw = src->password_raw ? gate_xstrdup(src->password_raw) : NULL;
    out->schema = src->schema ? gate_xstrdup(src->schema) : NULL;
    out->pgbouncer = src->pgbouncer;
    out->connect_timeout = src->connect_timeout;
    out->params = strv_copy(src->params, 2 * src->nparams);
    out->nparams = src->nparams;
    out->ignored = strv_copy(src->ignored, src->nignored);
    out->nignored = src->nignored;
    out->secrets = strv_copy(src->secrets, src->nsecrets);
    out->nsecrets = src->nsecrets;
}

const char *gate_db_url_schema(const struct gate_db_url *u)
{
    return u->schema ? u->schema : "public";
}

/* -------------------------------------------------------------- scrubbing */

/*
 * A secret shorter than this is masked only as a whole word (not next to a
 * letter or digit): a one-letter password would otherwise mask that letter
 * in every word of libpq's message.
 */
#define SHORT_SECRET 4

static bool word_edge(char c)
{
    return !isalnum((unsigned char)c);
}

void gate_db_scrub(char *msg, size_t size, char *const *secrets, size_t nsecrets)
{
    static const char mask[] = "****";
    struct gate_buf out = {0};
    const char *p;
    size_t n;

    if (!msg || !size)
        return;
    msg[size - 1] = '\0';
    /* left to right, the longest secret at each place: a URL before the password in it */
    for (p = msg; *p;) {
        size_t best = 0;

        for (size_t i = 0; i < nsecrets; i++) {
            size_t len = secrets[i] ? strlen(secrets[i]) : 0;

            if (!len || len <= best || strncmp(p, secrets[i], len) != 0)
                continue;
            if (len < SHORT_SECRET && ((p > msg && !word_edge(p[-1])) || !word_edge(p[len])))
                continue;
            best = len;
        }
        if (best) {
            gate_buf_adds(&out, mask); /* the mask is never scanned again */
            p += best;
        } else {
            gate_buf_addc(&out, *p++);
        }
    }
    n = out.len < size - 1 ? out.len : size - 1;
    if (n)
        memcpy(msg, out.data, n);
    msg[n] = '\0';
    gate_buf_release(&out);
}

/*
 * Collapse libpq's multi-line text into one line: a line break becomes
 * "; " (or " " after a colon); no trailing dot or blank.
 */
static void one_line(const char *in, char *out, size_t size)
{
    const char *p = in ? in : "";
    size_t k = 0;

    while (*p && k + 1 < size) {
        bool nl = false;

        if (!isspace((unsigned char)*p)) {
            out[k++] = *p++;
            continue;
        }
        while (*p && isspace((unsigned char)*p)) {
            if (*p == '\n' || *p == '\r')
                nl = true;
            p++;
        }
        if (!*p || !k)
            continue;
        if (nl && out[k - 1] == '.')
            out[k - 1] = ';';
        else if (nl && out[k - 1] != ':' && out[k - 1] != ';' && k + 2 < size)
            out[k++] = ';';
        if (k + 1 < size)
            out[k++] = ' ';
    }
    while (k && (out[k - 1] == '.' || out[k - 1] == ' ' || out[k - 1] == ';'))
        k--;
    out[k] = '\0';
}

/* ---------------------------------------------------------- connections */

static void notice(void *arg, const char *message)
{
    const struct gate_db *db = arg;
    char buf[512];

    one_line(message, buf, sizeof(buf));
    gate_db_scrub(buf, sizeof(buf), db->url->secrets, db->url->nsecrets);
    gate_verbosef("server notice: %s", buf);
}

/* Escape a value for libpq's `options` (spaces and backslashes). */
static void options_escape(struct gate_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '\\')
            gate_buf_addc(b, '\\');
        gate_buf_addc(b, *s);
    }
}

enum gate_code gate_db_load(struct gate_err *err)
{
    return gate_dl_load(&libpq, err) ? GATE_E_DB : GATE_OK;
}

enum gate_code gate_db_connect(const struct gate_db_url *u, struct gate_db **out,
                               struct gate_err *err)
{
    const char *keys[64], *vals[64];
    char port[16], timeout[16];
    char *search_path = NULL;
    struct gate_buf options = {0};
    const char *user_options = NULL, *appname = NULL;
    struct gate_db *db;
    size_t n = 0;

    *out = NULL;
    if (gate_dl_load(&libpq, err))
        return GATE_E_DB;
    (void)snprintf(port, sizeof(port), "%d", u->port);
    (void)snprintf(timeout, sizeof(timeout), "%d", u->connect_timeout);
    for (size_t i = 0; i < u->nparams; i++) {
        if (!strcmp(u->params[2 * i], "options"))
            user_options = u->params[2 * i + 1];
        else if (!strcmp(u->params[2 * i], "application_name"))
            appname = u->params[2 * i + 1];
    }
    if (user_options)
        gate_buf_adds(&options, user_options);
    if (u->schema && !u->pgbouncer) {
        /* quaint: search_path = "<schema>" as a startup parameter */
        search_path = gate_db_quote_ident(u->schema);
        gate_buf_adds(&options, options.len ? " -c search_path=" : "-c search_path=");
        options_escape(&options, search_path);
    }
    keys[n] = "host";
    vals[n++] = u->host;
    keys[n] = "port";
    vals[n++] = port;
    keys[n] = "dbname";
    vals[n++] = u->database;
    if (u->user && *u->user) {
        keys[n] = "user";
        vals[n++] = u->user;
    }
    if (u->password) {
        keys[n] = "password";
        vals[n++] = u->password;
    }
    keys[n] = "connect_timeout";
    vals[n++] = timeout;
    keys[n] = "client_encoding";
    vals[n++] = "UTF8";
    keys[n] = "application_name";
    vals[n++] = appname ? appname : "prisma-gate";
    if (options.len) {
        keys[n] = "options";
        vals[n++] = options.data;
    }
    for (size_t i = 0; i < u->nparams && n + 1 < GATE_ARRAY_SIZE(keys); i++) {
        const char *k = u->params[2 * i];

        if (!strcmp(k, "options") || !strcmp(k, "application_name") ||
            !strcmp(k, "client_encoding") || !strcmp(k, "host") || !strcmp(k, "connect_timeout"))
            continue;
        keys[n] = k;
        vals[n++] = u->params[2 * i + 1];
    }
    keys[n] = NULL;
    vals[n] = NULL;

    db = gate_xcalloc(1, sizeof(*db));
    db->url = u;
    db->where = gate_xasprintf("database '%s' on %s:%d", u->database, u->host, u->port);
    db->conn = pq.PQconnectdbParams(keys, vals, 0);
    gate_buf_release(&options);
    free(search_path);
    if (!db->conn || pq.PQstatus(db->conn) != CONNECTION_OK) {
        char msg[400];
        const struct gate_prisma_error *code;

        one_line(db->conn ? pq.PQerrorMessage(db->conn) : "out of memory", msg, sizeof(msg));
        gate_db_scrub(msg, sizeof(msg), u->secrets, u->nsecrets);
        code = gate_prisma_error_of_libpq(msg);
        gate_fail(err, GATE_E_DB, "cannot connect to %s as user '%s': %s%s%s%s%s%s", db->where,
                  u->user && *u->user ? u->user : "(default)", msg, code ? " (Prisma: " : "",
                  code ? code->code : "", code ? ": " : "", code ? code->meaning : "",
                  code ? ")" : "");
        gate_db_scrub(err->msg, sizeof(err->msg), u->secrets, u->nsecrets);
        gate_db_close(db);
        return GATE_E_DB;
    }
    pq.PQsetNoticeProcessor(db->conn, notice, db);
    if (u->schema && u->pgbouncer) {
        /* quaint with pgbouncer: SET search_path after connecting */
        char *q = gate_db_quote_ident(u->schema);
        char *sql = gate_xasprintf("SET search_path = %s", q);
        struct gate_db_result *r = NULL;
        enum gate_code rc = gate_db_exec(db, sql, &r, err);

        free(q);
        free(sql);
        gate_db_result_free(r);
        if (rc) {
            gate_db_close(db);
            return rc;
        }
    }
    *out = db;
    return GATE_OK;
}

static void held_release(struct gate_db *db)
{
    while (db->next < db->nheld)
        pq.PQclear(db->held[db->next++]);
    free(db->held);
    db->held = NULL;
    db->nheld = db->next = 0;
}

void gate_db_close(struct gate_db *db)
{
    if (!db)
        return;
    if (db->cancel)
        gate_db_cancel_on_stop(NULL);
    held_release(db);
    if (db->conn)
        pq.PQfinish(db->conn);
    free(db->where);
    free(db);
}

int gate_db_server_version_num(const struct gate_db *db)
{
    return pq.PQserverVersion(db->conn);
}

const char *gate_db_server_version(const struct gate_db *db)
{
    const char *v = pq.PQparameterStatus(db->conn, "server_version");

    return v ? v : "?";
}

/* --------------------------------------------------------------- queries */

static void result_error(struct gate_db *db, const PGresult *res, struct gate_err *err)
{
    const char *state = pq.PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *primary = pq.PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    char msg[400];

    (void)snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "");
    one_line(primary ? primary : pq.PQresultErrorMessage(res), msg, sizeof(msg));
    gate_db_scrub(msg, sizeof(msg), db->url->secrets, db->url->nsecrets);
    gate_fail(err, GATE_E_DB, "query failed on %s: %s%s%s%s", db->where, msg,
              state ? " (SQLSTATE " : "", state ? state : "", state ? ")" : "");
    gate_db_scrub(err->msg, sizeof(err->msg), db->url->secrets, db->url->nsecrets);
}

/* A libpq failure outside a result (send, lost connection) as "WHAT on DB: message", scrubbed. */
static enum gate_code conn_error(struct gate_db *db, const char *what, struct gate_err *err)
{
    char msg[400];

    one_line(pq.PQerrorMessage(db->conn), msg, sizeof(msg));
    gate_db_scrub(msg, sizeof(msg), db->url->secrets, db->url->nsecrets);
    return gate_fail(err, GATE_E_DB, "%s %s: %s", what, db->where, msg);
}

/*
 * Another query needs the connection while gate_db_send's results are
 * still on it: read them all now and hold them for gate_db_next. When
 * the sent query failed inside its own transaction, that transaction is
 * rolled back, so that the other query runs (its owner's rollback, later,
 * finds none: a warning only).
 */
static void hold(struct gate_db *db)
{
    PGresult *res;
    size_t cap = db->nheld;

    if (!db->sent)
        return;
    while ((res = pq.PQgetResult(db->conn))) {
        if (db->nheld == cap) {
            cap = cap ? 2 * cap : 16;
            db->held = gate_xrealloc(db->held, cap * sizeof(*db->held));
        }
        db->held[db->nheld++] = res;
    }
    db->sent = false;
    if (pq.PQtransactionStatus(db->conn) == PQTRANS_INERROR && pq.PQsendQuery(db->conn, "ROLLBACK"))
        while ((res = pq.PQgetResult(db->conn)))
            pq.PQclear(res);
}

enum gate_code gate_db_send(struct gate_db *db, const char *sql, struct gate_err *err)
{
    if (db->sent || db->next < db->nheld)
        GATE_BUG("db: gate_db_send while the results of the last one are not all read");
    held_release(db);
    db->sqlstate[0] = '\0';
    if (!pq.PQsendQuery(db->conn, sql))
        return conn_error(db, "query failed on", err);
    db->sent = true;
    return GATE_OK;
}

/* The next result of gate_db_send's query: held, or from the connection; NULL: no more. */
static PGresult *next_result(struct gate_db *db)
{
    PGresult *res = NULL;

    if (db->next < db->nheld)
        return db->held[db->next++];
    held_release(db);
    if (db->sent && !(res = pq.PQgetResult(db->conn)))
        db->sent = false;
    return res;
}

enum gate_code gate_db_next(struct gate_db *db, struct gate_db_result **out, struct gate_err *err)
{
    PGresult *res;

    *out = NULL;
    while ((res = next_result(db))) {
        ExecStatusType st = pq.PQresultStatus(res);

        if (st == PGRES_TUPLES_OK) {
            *out = gate_xcalloc(1, sizeof(**out));
            (*out)->res = res;
            return GATE_OK;
        }
        if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) {
            result_error(db, res, err);
            pq.PQclear(res);
            while ((res = next_result(db))) /* nothing runs after a failed statement */
                pq.PQclear(res);
            return GATE_E_DB;
        }
        pq.PQclear(res);
    }
    if (pq.PQstatus(db->conn) != CONNECTION_OK)
        return conn_error(db, "lost the connection to", err);
    return GATE_OK;
}

enum gate_code gate_db_exec(struct gate_db *db, const char *sql, struct gate_db_result **out,
                            struct gate_err *err)
{
    PGresult *res, *keep = NULL;
    bool failed = false;

    *out = NULL;
    hold(db);
    db->sqlstate[0] = '\0';
    if (!pq.PQsendQuery(db->conn, sql))
        return conn_error(db, "query failed on", err);
    while ((res = pq.PQgetResult(db->conn))) {
        ExecStatusType st = pq.PQresultStatus(res);

        if (st == PGRES_TUPLES_OK && !failed) {
            pq.PQclear(keep);
            keep = res;
            continue;
        }
        if ((st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR) &&
            !failed) {
            failed = st != PGRES_NONFATAL_ERROR;
            if (failed)
                result_error(db, res, err);
        }
        pq.PQclear(res);
    }
    if (failed) {
        pq.PQclear(keep);
        return GATE_E_DB;
    }
    if (pq.PQstatus(db->conn) != CONNECTION_OK) {
        pq.PQclear(keep);
        return conn_error(db, "lost the connection to", err);
    }
    if (keep) {
        *out = gate_xcalloc(1, sizeof(**out));
        (*out)->res = keep;
    }
    return GATE_OK;
}

enum gate_code gate_db_exec_each(struct gate_db *db, const char *sql, struct gate_db_result **out,
                                 int max, int *n, struct gate_err *err)
{
    PGresult *res;
    bool failed = false;

    *n = 0;
    hold(db);
    db->sqlstate[0] = '\0';
    if (!pq.PQsendQuery(db->conn, sql))
        return conn_error(db, "query failed on", err);
    while ((res = pq.PQgetResult(db->conn))) {
        ExecStatusType st = pq.PQresultStatus(res);

        if (st == PGRES_TUPLES_OK && !failed && *n < max) {
            out[*n] = gate_xcalloc(1, sizeof(**out));
            out[(*n)++]->res = res;
            continue;
        }
        if (st == PGRES_TUPLES_OK && !failed) {
            failed = true;
            gate_fail(err, GATE_E_DB, "query on %s: more than %d results", db->where, max);
        } else if ((st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) && !failed) {
            failed = true;
            result_error(db, res, err);
        }
        pq.PQclear(res);
    }
    if (!failed && pq.PQstatus(db->conn) != CONNECTION_OK) {
        (void)conn_error(db, "lost the connection to", err);
        failed = true;
    }
    if (!failed)
        return GATE_OK;
    while (*n > 0)
        gate_db_result_free(out[--*n]);
    return GATE_E_DB;
}

static void error_field(struct gate_db *db, const PGresult *res, int field, char *out, size_t size)
{
    const char *v = pq.PQresultErrorField(res, field);

    one_line(v ? v : "", out, size);
    gate_db_scrub(out, size, db->url->secrets, db->url->nsecrets);
}

/*
 * Wait for the running query's results until deadline (gate_clock_ms
 * ms); past it, ask the server to cancel the query (once) and go on
 * waiting for its answer, which then is the cancel's error (57014).
 * Returns when PQgetResult will not block, or the connection failed.
 */
static void wait_until(struct gate_db *db, long long deadline)
{
    bool cancelled = false;
    int fd = pq.PQsocket(db->conn);

    while (fd >= 0 && pq.PQisBusy(db->conn)) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        long long left = deadline - gate_clock_ms();
        int wait = -1;

        if (!cancelled && left <= 0) {
            PGcancel *c = pq.PQgetCancel(db->conn);
            char errbuf[256];

            if (c) {
                (void)pq.PQcancel(c, errbuf, (int)sizeof(errbuf));
                pq.PQfreeCancel(c);
            }
            cancelled = true;
        }
        if (!cancelled)
            wait = left > INT_MAX ? INT_MAX : (int)left;
        if (poll(&pfd, 1, wait) < 0 && errno != EINTR)
            return;
        if (pfd.revents && !pq.PQconsumeInput(db->conn))
            return;
    }
}

enum gate_code gate_db_exec_script(struct gate_db *db, const char *sql, struct gate_db_error *e,
                                   struct gate_err *err)
{
    return gate_db_exec_script_until(db, sql, 0, e, err);
}

enum gate_code gate_db_exec_script_until(struct gate_db *db, const char *sql, long long deadline_ms,
                                         struct gate_db_error *e, struct gate_err *err)
{
    PGresult *res;
    bool failed = false;

    memset(e, 0, sizeof(*e));
    hold(db);
    db->sqlstate[0] = '\0';
    if (!pq.PQsendQuery(db->conn, sql)) {
        char msg[400];

        one_line(pq.PQerrorMessage(db->conn), msg, sizeof(msg));
        gate_db_scrub(msg, sizeof(msg), db->url->secrets, db->url->nsecrets);
        return gate_fail(err, GATE_E_DB, "query failed on %s: %s", db->where, msg);
    }
    for (;;) {
        ExecStatusType st;

        if (deadline_ms)
            wait_until(db, deadline_ms);
        res = pq.PQgetResult(db->conn);
        if (!res)
            break;
        st = pq.PQresultStatus(res);
        if (failed) {
            pq.PQclear(res);
            continue;
        }
        if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) {
            const char *pos = pq.PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
            const char *state = pq.PQresultErrorField(res, PG_DIAG_SQLSTATE);

            failed = true;
            result_error(db, res, err);
            e->failed = state ? true : false;
            (void)snprintf(e->sqlstate, sizeof(e->sqlstate), "%s", state ? state : "");
            error_field(db, res, PG_DIAG_MESSAGE_PRIMARY, e->message, sizeof(e->message));
            if (!e->message[0]) {
                one_line(pq.PQresultErrorMessage(res), e->message, sizeof(e->message));
                gate_db_scrub(e->message, sizeof(e->message), db->url->secrets, db->url->nsecrets);
            }
            error_field(db, res, PG_DIAG_MESSAGE_DETAIL, e->detail, sizeof(e->detail));
            error_field(db, res, PG_DIAG_MESSAGE_HINT, e->hint, sizeof(e->hint));
            error_field(db, res, PG_DIAG_CONTEXT, e->context, sizeof(e->context));
            e->position = pos ? (int)small_uint(pos) : 0;
            if (e->position < 0)
                e->position = 0;
        } else if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            e->done++;
        }
        pq.PQclear(res);
    }
    if (failed)
        return GATE_E_DB;
    if (pq.PQstatus(db->conn) != CONNECTION_OK) {
        char msg[400];

        one_line(pq.PQerrorMessage(db->conn), msg, sizeof(msg));
        gate_db_scrub(msg, sizeof(msg), db->url->secrets, db->url->nsecrets);
        return gate_fail(err, GATE_E_DB, "lost the connection to %s: %s", db->where, msg);
    }
    return GATE_OK;
}

void gate_db_result_free(struct gate_db_result *r)
{
    if (!r)
        return;
    pq.PQclear(r->res);
    free(r);
}

int gate_db_result_rows(const struct gate_db_result *r)
{
    return r ? pq.PQntuples(r->res) : 0;
}

int gate_db_result_cols(const struct gate_db_result *r)
{
    return r ? pq.PQnfields(r->res) : 0;
}

const char *gate_db_result_value(const struct gate_db_result *r, int row, int col)
{
    if (!r || row < 0 || col < 0 || row >= pq.PQntuples(r->res) || col >= pq.PQnfields(r->res) ||
        pq.PQgetisnull(r->res, row, col))
        return NULL;
    return pq.PQgetvalue(r->res, row, col);
}

const char *gate_db_result_colname(const struct gate_db_result *r, int col)
{
    return r && col >= 0 && col < pq.PQnfields(r->res) ? pq.PQfname(r->res, col) : NULL;
}

unsigned gate_db_result_coltype(const struct gate_db_result *r, int col)
{
    return r && col >= 0 && col < pq.PQnfields(r->res) ? (unsigned)pq.PQftype(r->res, col) : 0;
}

const char *gate_db_last_sqlstate(const struct gate_db *db)
{
    return db->sqlstate;
}

char *gate_db_quote_literal(const char *s)
{
    struct gate_buf b = {0};
    bool backslash = strchr(s, '\\') ? true : false;

    /* E'' keeps the meaning whatever standard_conforming_strings says */
    gate_buf_adds(&b, backslash ? "E'" : "'");
    for (; *s; s++) {
        if (*s == '\'' || (*s == '\\' && backslash))
            gate_buf_addc(&b, *s);
        gate_buf_addc(&b, *s);
    }
    gate_buf_addc(&b, '\'');
    return gate_buf_detach(&b);
}

char *gate_db_quote_ident(const char *s)
{
    struct gate_buf b = {0};

    gate_buf_addc(&b, '"');
    for (; *s; s++) {
        if (*s == '"')
            gate_buf_addc(&b, '"');
        gate_buf_addc(&b, *s);
    }
    gate_buf_addc(&b, '"');
    return gate_buf_detach(&b);
}

/* -------------------------------------------------------------- identity */

enum gate_code gate_db_identity(struct gate_db *db, struct gate_db_identity *out,
                                struct gate_err *err)
{
    struct gate_db_result *r = NULL;
    enum gate_code rc;
    const char *v;

    memset(out, 0, sizeof(*out));
    rc = gate_db_exec(db,
                      "SELECT (SELECT system_identifier FROM pg_control_system())::text, "
                      "current_setting('port'), current_database(), "
                      "COALESCE(host(inet_server_addr()), '')",
                      &r, err);
    if (rc)
        return rc;
    if (!r || gate_db_result_rows(r) != 1) {
        gate_db_result_free(r);
        return gate_fail(err, GATE_E_DB, "cannot read the server's identity on %s", db->where);
    }
    v = gate_db_result_value(r, 0, 0);
    (void)snprintf(out->system_identifier, sizeof(out->system_identifier), "%s", v ? v : "");
    v = gate_db_result_value(r, 0, 1);
    out->port = v ? (int)small_uint(v) : 0;
    v = gate_db_result_value(r, 0, 2);
    (void)snprintf(out->database, sizeof(out->database), "%s", v ? v : "");
    v = gate_db_result_value(r, 0, 3);
    (void)snprintf(out->addr, sizeof(out->addr), "%s", v ? v : "");
    gate_db_result_free(r);
    return GATE_OK;
}

bool gate_db_same_database(const struct gate_db_identity *a, const struct gate_db_identity *b)
{
    return *a->system_identifier && !strcmp(a->system_identifier, b->system_identifier) &&
           a->port == b->port && !strcmp(a->database, b->database);
}

/* addr in its canonical text form (inet_ntop of inet_pton), or "" when it is not one. */
static void canon_addr(const char *addr, char *out, size_t size)
{
    unsigned char buf[sizeof(struct in6_addr)];

    *out = '\0';
    if (inet_pton(AF_INET, addr, buf) == 1)
        (void)inet_ntop(AF_INET, buf, out, (socklen_t)size);
    else if (inet_pton(AF_INET6, addr, buf) == 1)
        (void)inet_ntop(AF_INET6, buf, out, (socklen_t)size);
}

enum gate_code gate_db_url_check_hostaddr(const struct gate_db_url *u, struct gate_err *err)
{
    const char *hostaddr = NULL;
    char want[INET6_ADDRSTRLEN + 1];
    struct addrinfo hints, *res = NULL;
    bool found = false;
    int e;

    for (size_t i = 0; i < u->nparams; i++) {
        if (!strcmp(u->params[2 * i], "hostaddr"))
            hostaddr = u->params[2 * i + 1];
    }
    if (!hostaddr || !*hostaddr)
        return GATE_OK;
    canon_addr(hostaddr, want, sizeof(want));
    if (!*want || strchr(hostaddr, ','))
        return gate_fail(err, GATE_E_USAGE,
                         "the database URL has hostaddr=%s, which is not one IP address: Prisma "
                         "ignores hostaddr and connects to the host name %s; remove hostaddr",
                         hostaddr, u->host);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    e = getaddrinfo(u->host, NULL, &hints, &res);
    for (const struct addrinfo *ai = e ? NULL : res; ai && !found; ai = ai->ai_next) {
        char got[INET6_ADDRSTRLEN + 1];
        const void *p =
            ai->ai_family == AF_INET
                ? (const void *)&((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr
                : (const void *)&((const struct sockaddr_in6 *)(const void *)ai->ai_addr)
                      ->sin6_addr;

        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
            continue;
        if (inet_ntop(ai->ai_family, p, got, (socklen_t)sizeof(got)) && !strcmp(got, want))
            found = true;
    }
    if (res)
        freeaddrinfo(res);
    if (found)
        return GATE_OK;
    return gate_fail(err, GATE_E_USAGE,
                     "the database URL has hostaddr=%s, but its host name %s %s: libpq (and the "
                     "gate) connect to %s while Prisma ignores hostaddr and connects to what %s "
                     "resolves to, so the two could reach different servers; remove hostaddr, or "
                     "make it one of the addresses the host name resolves to",
                     hostaddr, u->host, e ? "does not resolve" : "does not resolve to it", hostaddr,
                     u->host);
}

/* ------------------------------------------------------ stop and recovery */

static PGcancel *volatile stop_cancel;
static struct gate_db *stop_db;

/* In the signal handler (stop.h): PQcancel is async-signal-safe with a local buffer. */
static void cancel_now(void)
{
    PGcancel *c = stop_cancel;
    char errbuf[256];

    if (c)
        (void)pq.PQcancel(c, errbuf, (int)sizeof(errbuf));
}

void gate_db_cancel_on_stop(struct gate_db *db)
{
    PGcancel *old = stop_cancel;

    gate_stop_set_hook(NULL);
    stop_cancel = NULL;
    if (old)
        pq.PQfreeCancel(old);
    if (stop_db)
        stop_db->cancel = false;
    stop_db = NULL;
    if (!db || !db->conn)
        return;
    stop_cancel = pq.PQgetCancel(db->conn);
    if (!stop_cancel)
        return;
    stop_db = db;
    db->cancel = true;
    gate_stop_set_hook(cancel_now);
}

bool gate_db_alive(const struct gate_db *db)
{
    return db && db->conn && pq.PQstatus(db->conn) == CONNECTION_OK;
}

enum gate_code gate_db_reconnect(const struct gate_db_url *u, int tries, long long delay_ms,
                                 struct gate_db **out, struct gate_err *err)
{
    enum gate_code rc = GATE_E_DB;

    *out = NULL;
    for (int i = 0; i < tries; i++) {
        gate_err_clear(err);
        rc = gate_db_connect(u, out, err);
        if (!rc || gate_stop_signal())
            return rc;
        gate_sleep_ms(delay_ms);
    }
    return rc;
}

/*
 * Wait up to wait_ms until none of pids is left in pg_stat_activity; *left
 * is how many still were. The first polls are 1 ms apart (a closed
 * session's backend is usually gone within a few), then up to 100 ms.
 */
static enum gate_code wait_gone(struct gate_db *db, const char *pid_list, size_t n,
                                long long wait_ms, size_t *left, struct gate_err *err)
{
    char *sql = gate_xasprintf("SELECT count(*) FROM pg_stat_activity WHERE pid IN (%s)", pid_list);
    long long step_ms = 1;
    long long t0 = gate_clock_ms();
    enum gate_code rc;

    for (;;) {
        struct gate_db_result *r = NULL;

        rc = gate_db_exec(db, sql, &r, err);
        if (rc)
            break;
        *left = r && gate_db_result_rows(r) == 1
                    ? (size_t)strtoul(gate_db_result_value(r, 0, 0), NULL, 10)
                    : n;
        gate_db_result_free(r);
        if (!*left)
            break;
        if (gate_clock_ms() - t0 >= wait_ms)
            break;
        gate_sleep_ms(step_ms);
        if (step_ms < 100)
            step_ms = step_ms * 2 > 100 ? 100 : step_ms * 2;
    }
    free(sql);
    return rc;
}

enum gate_code gate_db_terminate(struct gate_db *db, const long *pids, size_t n, long long wait_ms,
                                 size_t *left, struct gate_err *err)
{
    struct gate_buf list = {0};
    char *sql;
    struct gate_db_result *r = NULL;
    enum gate_code rc;

    *left = n;
    if (!n)
        return GATE_OK;
    for (size_t i = 0; i < n; i++)
        gate_buf_printf(&list, "%s%ld", i ? "," : "", pids[i]);
    sql = gate_xasprintf("SELECT count(*) FILTER (WHERE NOT pg_terminate_backend(pid)) "
                         "FROM pg_stat_activity WHERE pid IN (%s) AND pid <> pg_backend_pid()",
                         gate_buf_str(&list));
    rc = gate_db_exec(db, sql, &r, err);
    free(sql);
    gate_db_result_free(r);
    /* pg_terminate_backend only signals: wait until the backends are gone */
    if (!rc)
        rc = wait_gone(db, gate_buf_str(&list), n, wait_ms, left, err);
    gate_buf_release(&list);
    return rc;
}

bool gate_db_close_wait(struct gate_db *db, struct gate_db *observer, long long wait_ms)
{
    struct gate_err err = {0};
    char pid[32];
    size_t left = 1;
    int p;

    if (!db)
        return true;
    p = db->conn && pq.PQstatus(db->conn) == CONNECTION_OK ? pq.PQbackendPID(db->conn) : 0;
    gate_db_close(db);
    if (p <= 0 || !observer || !gate_db_alive(observer))
        return p <= 0;
    (void)snprintf(pid, sizeof(pid), "%d", p);
    return !wait_gone(observer, pid, 1, wait_ms, &left, &err) && !left;
}
