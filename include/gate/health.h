/* SPDX-License-Identifier: MIT */
/*
 * health.h - post-deploy health checks (the policy's `health:` list):
 * HTTP(S) GETs, run concurrently, each with a timeout, retries with
 * backoff, an expected status and expected JSON values at dotted paths.
 * Used by `prisma-gate health` and by `deploy` after a verified deploy.
 * The HTTP transport is http.c (libcurl); this module decides.
 */
#ifndef GATE_HEALTH_H
#define GATE_HEALTH_H

#include "gate/compat.h"
#include "gate/err.h"
#include "gate/policy.h"
#include "gate/run.h"

/* The outcome of one health check, kept in the run model (run->health). */
struct gate_health_result {
    const char *name;
    const char *url;         /* as configured (never holds credentials) */
    enum gate_status status; /* pass | fail | error (could not evaluate) */
    int http_status;         /* last response's status, 0 when none */
    int attempts;            /* requests made */
    long long elapsed_ms;    /* first request to verdict */
    const char *message;     /* why it failed / what was seen */
};

/*
 * Run checks[0..n) concurrently and append one result per check to
 * run->health (in policy order). Returns the number of checks that did
 * not pass. Never fails as a whole: an unreachable endpoint is a result
 * with status error, a wrong answer a result with status fail (and when
 * libcurl cannot be loaded, every check is an error that says so).
 */
size_t gate_health_run(struct gate_run *run, const struct gate_health_check *checks, size_t n);

/*
 * Longest wait between two attempts of one check: the exponential
 * backoff stops growing here (unless the policy's backoff is larger).
 */
#define GATE_HEALTH_MAX_BACKOFF_MS 30000LL

/*
 * The wait before retry k (1-based: k = 1 follows the first attempt) of a
 * check whose policy says backoff: exponential, backoff * 2^(k-1), capped
 * at max(backoff, GATE_HEALTH_MAX_BACKOFF_MS). 0 when backoff <= 0.
 */
long long gate_health_backoff_ms(long long backoff_ms, int k);

/*
 * Check body[0..len) against expect[0..n): the body must be JSON and
 * every dotted path must hold its value (strings equal, numbers equal as
 * numbers, true/false, null; the JSON type must match). true when all
 * match; otherwise false with the first mismatch described in why
 * ("database.connected is false, expected true").
 */
bool gate_health_match(const char *body, size_t len, const struct gate_health_expect *expect,
                       size_t n, char *why, size_t whylen);

/*
 * The verdict on one response to check c: HTTP status and body[0..len)
 * (body NULL: none) against c->expect_status and c->expect. Returns
 * GATE_STATUS_PASS or GATE_STATUS_FAIL, never anything else, and always
 * writes what was seen to msg (NUL-terminated, cut at msglen), naming
 * c->url. Pure: no I/O; c and body are only read.
 */
enum gate_status gate_health_verdict(const struct gate_health_check *c, int status,
                                     const char *body, size_t len, char *msg, size_t msglen);

/*
 * Parse a command-line expectation "PATH=VALUE" into e (strings in
 * arena): VALUE true/false is a bool, null is null, a number is a number,
 * "quoted" is that string, anything else a string. GATE_E_USAGE when it
 * has no '=' or an empty path.
 */
enum gate_code gate_health_expect_parse(const char *spec, struct gate_health_expect *e,
                                        struct gate_arena *arena, struct gate_err *err);

#endif
