/* SPDX-License-Identifier: MIT */
/*
 * http.h - HTTP GETs for the health checks; the only module that includes
 * libcurl. Several requests run concurrently on one libcurl multi handle,
 * driven by the caller's loop (gate_http_start / gate_http_next), so a
 * caller can retry one request while others are still in flight.
 *
 * Rules every request follows:
 *   - http and https only, for the URL and for every redirect (at most 5);
 *     a redirect elsewhere (a file: or ftp: URL, ...) fails the request;
 *   - a URL with credentials (user:password@) is refused before any
 *     request, and messages never show them;
 *   - one timeout for the whole request (connect included);
 *   - the response body is kept up to GATE_HTTP_MAX_BODY bytes; a larger
 *     one fails the request with GATE_E_LIMIT;
 *   - every message names the URL.
 */
#ifndef GATE_HTTP_H
#define GATE_HTTP_H

#include "gate/compat.h"
#include "gate/err.h"

/* Largest response body kept (a cap, not OOM). */
#define GATE_HTTP_MAX_BODY ((size_t)1024 * 1024)

/* Default whole-request timeout when a request sets none. */
#define GATE_HTTP_DEFAULT_TIMEOUT_MS 30000

/*
 * One GET. The caller sets url and timeout_ms; the rest is the result,
 * valid once gate_http_next() has returned the request.
 * A zeroed struct with url set is ready to start.
 */
struct gate_http_req {
    const char *url;      /* borrowed until the request is finished */
    long long timeout_ms; /* whole request; <= 0: GATE_HTTP_DEFAULT_TIMEOUT_MS */
    void *user;           /* the caller's, untouched */

    /* result */
    enum gate_code code; /* GATE_OK: a response was received (any status) */
    bool reached;        /* the server answered (status set), even if code is not OK */
    bool refused;        /* a rule was broken (redirect elsewhere, too many redirects,
                            body too big, bad URL): asking again will not help */
    int status;          /* HTTP status of the last response, 0 when none */
    char *body;          /* owned, NUL-terminated; NULL when no body */
    size_t body_len;
    long long elapsed_ms; /* start to finish */
    struct gate_err err;  /* why, when code is not GATE_OK; names the URL */

    /* private */
    void *handle_;
    char errbuf_[256]; /* libcurl's CURLOPT_ERRORBUFFER (CURL_ERROR_SIZE) */
    size_t body_cap_;
    bool too_big_;
    long long started_ms_;
};

/* A set of concurrent requests (opaque). */
struct gate_http;

/*
 * libcurl is not linked: it is loaded on first use (dl.h), and its global
 * set-up (curl_global_init) runs right after, once per process. That is
 * this function; gate_http_url_check() and gate_http_new() call it. As
 * curl_global_init() must not run while another thread runs, a command
 * that starts threads before its first request calls it first (deploy;
 * health starts none). Fails with GATE_E_HTTP: libcurl cannot be loaded
 * (dl.h's message, naming the package) or initialised; every later call
 * fails the same way.
 */
enum gate_code gate_http_global_init(struct gate_err *err);

/* Global teardown, from main.c once every request is done; nothing when libcurl was never set up.
 */
void gate_http_global_cleanup(void);

/*
 * Check that url is http:// or https:// with a host and no credentials.
 * GATE_E_USAGE with a message (credentials shown as ***) when it is not;
 * GATE_E_HTTP when libcurl cannot be loaded (gate_http_global_init).
 */
enum gate_code gate_http_url_check(const char *url, struct gate_err *err);

/* A copy of url safe to print: user:password@ replaced by ***@; the caller frees. */
char *gate_http_url_redact(const char *url);

/*
 * A new set into *out; gate_http_free() releases it (and every request
 * still in flight). Fails only when libcurl cannot be loaded
 * (gate_http_global_init); *out is then NULL.
 */
enum gate_code gate_http_new(struct gate_http **out, struct gate_err *err);
void gate_http_free(struct gate_http *h);

/*
 * Start req (its result fields are reset). On failure to start (bad URL,
 * libcurl refusal) the request is finished at once: it is returned by the
 * next gate_http_next() with code and err set. Never fails as a whole.
 */
void gate_http_start(struct gate_http *h, struct gate_http_req *req);

/* Requests started and not yet returned by gate_http_next(). */
size_t gate_http_pending(const struct gate_http *h);

/*
 * Drive the transfers, waiting up to wait_ms (0: do not wait) for one to
 * finish. Returns a finished request (each exactly once), or NULL when
 * none finished in that time.
 */
struct gate_http_req *gate_http_next(struct gate_http *h, long long wait_ms);

/* Free what a finished request holds (its body); the request may be started again. */
void gate_http_req_release(struct gate_http_req *req);

#endif
