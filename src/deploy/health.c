/* SPDX-License-Identifier: MIT */
/*
 * health.c - post-deploy health checks: every check's GETs run
 * concurrently on one http.c set; a check that does not pass is retried
 * after an exponential backoff until it passes or its retries are used
 * up. An answer is judged on its status and on expected JSON values at
 * dotted paths. Each attempt's outcome is progress (progress.h): "health
 * api: attempt 3/10, HTTP 503, next in 2 s". This module decides; http.c
 * talks HTTP.
 */
#include "gate/compat.h"
#include "gate/health.h"
#include "gate/clock.h"
#include "gate/http.h"
#include "gate/json.h"
#include "gate/progress.h"
#include "gate/stop.h"
#include "gate/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

long long gate_health_backoff_ms(long long backoff_ms, int k)
{
    long long cap =
        backoff_ms > GATE_HEALTH_MAX_BACKOFF_MS ? backoff_ms : GATE_HEALTH_MAX_BACKOFF_MS;
    long long d = backoff_ms;

    if (backoff_ms <= 0)
        return 0;
    for (int i = 1; i < k && d < cap; i++)
        d *= 2;
    return d < cap ? d : cap;
}

/* A JSON value as a short one-line text for messages. */
static void show_value(const struct gate_json *v, char *buf, size_t n)
{
    char *s = gate_json_dump_compact(v);

    if (strlen(s) > 60)
        (void)snprintf(buf, n, "%.57s...", s);
    else
        (void)snprintf(buf, n, "%s", s);
    free(s);
}

static const char *type_name(const struct gate_json *v)
{
    if (gate_json_is_string(v))
        return "a string";
    if (gate_json_is_number(v))
        return "a number";
    if (gate_json_is_bool(v))
        return "a boolean";
    if (gate_json_is_null(v))
        return "null";
    if (gate_json_is_object(v))
        return "an object";
    return "an array";
}

static bool number_equal(const struct gate_json *v, const char *want)
{
    char *end = NULL;

    if (gate_json_is_integer(v)) {
        long long w;

        errno = 0;
        w = strtoll(want, &end, 10);
        if (end && !*end && end != want && !errno)
            return w == gate_json_int_value(v);
    }
    errno = 0;
    {
        double d = strtod(want, &end);

        if (!end || *end || end == want || errno)
            return false;
        return !isless(d, gate_json_number_value(v)) && !isgreater(d, gate_json_number_value(v));
    }
}

/* One expectation against the parsed body; false with why on a mismatch. */
static bool match_one(const struct gate_json *root, const struct gate_health_expect *e, char *why,
                      size_t whylen)
{
    const struct gate_json *v = gate_json_path(root, e->path);
    char seen[80];
    bool ok;

    if (!v) {
        (void)snprintf(why, whylen, "%s is missing from the response, expected %s%s%s", e->path,
                       e->kind == GATE_EXPECT_STRING ? "\"" : "", e->value,
                       e->kind == GATE_EXPECT_STRING ? "\"" : "");
        return false;
    }
    switch (e->kind) {
    case GATE_EXPECT_STRING:
        ok = gate_json_is_string(v) && !strcmp(gate_json_str_value(v), e->value);
        break;
    case GATE_EXPECT_NUMBER:
        ok = gate_json_is_number(v) && number_equal(v, e->value);
        break;
    case GATE_EXPECT_BOOL:
        ok = gate_json_is_bool(v) && gate_json_bool_value(v) == !strcmp(e->value, "true");
        break;
    case GATE_EXPECT_NULL:
    default:
        ok = gate_json_is_null(v);
        break;
    }
    if (ok)
        return true;
    show_value(v, seen, sizeof(seen));
    if (e->kind == GATE_EXPECT_STRING)
        (void)snprintf(why, whylen, "%s is %s, expected \"%s\"", e->path, seen, e->value);
    else
        (void)snprintf(why, whylen, "%s is %s, expected %s", e->path, seen, e->value);
    if ((e->kind == GATE_EXPECT_STRING && !gate_json_is_string(v)) ||
        (e->kind == GATE_EXPECT_NUMBER && !gate_json_is_number(v)) ||
        (e->kind == GATE_EXPECT_BOOL && !gate_json_is_bool(v))) {
        size_t l = strlen(why);

        (void)snprintf(why + l, whylen - l, " (%s)", type_name(v));
    }
    return false;
}

bool gate_health_match(const char *body, size_t len, const struct gate_health_expect *expect,
                       size_t n, char *why, size_t whylen)
{
    struct gate_json *root = NULL;
    struct gate_err err = {0};
    bool ok = true;

    if (!n)
        return true;
    if (gate_json_parse(body ? body : "", body ? len : 0, "body", &root, &err)) {
        const char *p = strstr(err.msg, ": invalid JSON: ");

        if (p && !strncmp(err.msg, "body:", 5))
            (void)snprintf(why, whylen, "the body is not JSON (at %.*s: %s)",
                           (int)(p - err.msg - 5), err.msg + 5, p + 16);
        else
            (void)snprintf(why, whylen, "the body is not JSON (%s)", err.msg);
        return false;
    }
    for (size_t i = 0; i < n && ok; i++)
        ok = match_one(root, &expect[i], why, whylen);
    gate_json_free(root);
    return ok;
}

enum gate_code gate_health_expect_parse(const char *spec, struct gate_health_expect *e,
                                        struct gate_arena *arena, struct gate_err *err)
{
    const char *eq = strchr(spec, '=');
    const char *v;
    size_t vl;
    char *end = NULL;

    if (!eq || eq == spec)
        return gate_fail(err, GATE_E_USAGE,
                         "--expect '%s': write PATH=VALUE, e.g. database.connected=true", spec);
    memset(e, 0, sizeof(*e));
    e->path = gate_arena_strndup(arena, spec, (size_t)(eq - spec));
    v = eq + 1;
    vl = strlen(v);
    if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
        e->kind = GATE_EXPECT_STRING;
        e->value = gate_arena_strndup(arena, v + 1, vl - 2);
        return GATE_OK;
    }
    e->value = gate_arena_strdup(arena, v);
    if (!strcmp(v, "true") || !strcmp(v, "false")) {
        e->kind = GATE_EXPECT_BOOL;
    } else if (!strcmp(v, "null")) {
        e->kind = GATE_EXPECT_NULL;
    } else {
        errno = 0;
        (void)strtod(v, &end);
        e->kind = *v && end && !*end && !errno ? GATE_EXPECT_NUMBER : GATE_EXPECT_STRING;
    }
    return GATE_OK;
}

/* ---- running the checks ------------------------------------------------- */

struct hstate {
    const struct gate_health_check *c;
    struct gate_http_req req;
    int attempts;
    bool in_flight;
    bool done;
    bool permanent;     /* retrying cannot help */
    long long next_at;  /* monotonic ms of the next attempt */
    long long first_ms; /* start of the first attempt */
    long long verdict_ms;
    enum gate_status status; /* of the last attempt */
    int http_status;
    char msg[512];
};

/* A short one-line excerpt of a body for messages. */
static void excerpt(const char *body, size_t len, char *buf, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < len && k + 4 < n && i < 100; i++) {
        unsigned char ch = (unsigned char)body[i];
        char c = body[i];

        if (ch < 0x20 || ch == 0x7f)
            c = ' ';
        buf[k++] = c;
    }
    if (len > 100 && k + 4 < n) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
}

enum gate_status gate_health_verdict(const struct gate_health_check *c, int status,
                                     const char *body, size_t len, char *msg, size_t msglen)
{
    char why[400];

    if (status != c->expect_status) {
        char ex[128];

        excerpt(body ? body : "", len, ex, sizeof(ex));
        (void)snprintf(msg, msglen, "GET '%s': HTTP %d, expected %d%s%s", c->url, status,
                       c->expect_status, *ex ? ": " : "", ex);
        return GATE_STATUS_FAIL;
    }
    if (!gate_health_match(body, len, c->expect, c->nexpect, why, sizeof(why))) {
        (void)snprintf(msg, msglen, "GET '%s': HTTP %d, but %s", c->url, status, why);
        return GATE_STATUS_FAIL;
    }
    if (c->nexpect)
        (void)snprintf(msg, msglen, "GET '%s': HTTP %d, %zu JSON value%s as expected", c->url,
                       status, c->nexpect, c->nexpect == 1 ? "" : "s");
    else
        (void)snprintf(msg, msglen, "GET '%s': HTTP %d as expected", c->url, status);
    return GATE_STATUS_PASS;
}

/* Judge the finished attempt of s. */
static void judge(struct hstate *s)
{
    const struct gate_http_req *r = &s->req;

    s->http_status = r->status;
    s->permanent = false;
    if (r->code != GATE_OK) {
        /* a rule broken (credentials, scheme, redirect elsewhere, body too big): final */
        s->permanent = r->code == GATE_E_USAGE || r->code == GATE_E_LIMIT || r->refused;
        s->status = s->permanent && r->code != GATE_E_USAGE ? GATE_STATUS_FAIL : GATE_STATUS_ERROR;
        (void)snprintf(s->msg, sizeof(s->msg), "%s", r->err.msg);
        return;
    }
    s->status = gate_health_verdict(s->c, r->status, r->body, r->body_len, s->msg, sizeof(s->msg));
}

static void start(struct gate_http *h, struct hstate *s)
{
    s->req.url = s->c->url;
    s->req.timeout_ms = s->c->timeout_ms;
    s->req.user = s;
    if (!s->attempts)
        s->first_ms = gate_clock_ms();
    s->attempts++;
    s->in_flight = true;
    gate_http_start(h, &s->req);
}

/* What the attempt got, for progress: "HTTP 503", or the error's text. */
static const char *got(const struct hstate *s, char *buf, size_t n)
{
    if (s->req.code == GATE_OK && s->status == GATE_STATUS_PASS)
        (void)snprintf(buf, n, "HTTP %d, passed", s->http_status);
    else if (s->req.code == GATE_OK && s->http_status != s->c->expect_status)
        (void)snprintf(buf, n, "HTTP %d", s->http_status);
    else if (s->req.code == GATE_OK)
        (void)snprintf(buf, n, "HTTP %d, not the expected body", s->http_status);
    else
        (void)snprintf(buf, n, "%.200s", s->req.err.msg);
    return buf;
}

static void finished(struct hstate *s, long long now, struct gate_progress *p)
{
    char *url = s->c->name ? NULL : gate_http_url_redact(s->c->url);
    const char *name = s->c->name ? s->c->name : url;
    char what[256];

    s->in_flight = false;
    judge(s);
    if (s->status == GATE_STATUS_PASS || s->permanent || s->attempts > s->c->retries) {
        s->done = true;
        s->verdict_ms = now;
        if (s->req.code == GATE_E_USAGE)
            s->attempts = 0; /* no request was made */
        else
            gate_progress_step(p, "health %s: attempt %d/%d, %s", name, s->attempts,
                               s->c->retries + 1, got(s, what, sizeof(what)));
    } else {
        long long wait = gate_health_backoff_ms(s->c->backoff_ms, s->attempts);

        s->next_at = now + wait;
        if (wait >= 1000 || !wait)
            gate_progress_step(p, "health %s: attempt %d/%d, %s, next in %lld s", name, s->attempts,
                               s->c->retries + 1, got(s, what, sizeof(what)), (wait + 500) / 1000);
        else
            gate_progress_step(p, "health %s: attempt %d/%d, %s, next in %lld ms", name,
                               s->attempts, s->c->retries + 1, got(s, what, sizeof(what)), wait);
    }
    free(url);
    gate_http_req_release(&s->req);
}

static struct gate_health_result *add_result(struct gate_run *run)
{
    struct gate_health_result *r;

    GATE_GROW(run->health, run->caphealth, run->nhealth + 1);
    r = &run->health[run->nhealth++];
    memset(r, 0, sizeof(*r));
    return r;
}

size_t gate_health_run(struct gate_run *run, const struct gate_health_check *checks, size_t n)
{
    struct hstate *st;
    struct gate_http *h;
    struct gate_err err = {0};
    struct gate_progress p;
    size_t left = n, bad = 0;

    if (!n)
        return 0;
    gate_progress_begin(&p, "health checks (%zu)", n);
    st = gate_xcalloc(n, sizeof(*st));
    for (size_t i = 0; i < n; i++)
        st[i].c = &checks[i];
    if (gate_http_new(&h, &err)) {
        /* no libcurl: every check could not be evaluated, no request was made */
        for (size_t i = 0; i < n; i++) {
            st[i].status = GATE_STATUS_ERROR;
            (void)snprintf(st[i].msg, sizeof(st[i].msg), "%s", err.msg);
        }
        left = 0;
    }
    while (left) {
        long long now = gate_clock_ms();
        long long wait = 1000;
        struct gate_http_req *done;

        if (gate_stop_signal()) {
            /* a stop signal (stop.h): what is not decided yet is not evaluated */
            for (size_t i = 0; i < n; i++) {
                if (st[i].done)
                    continue;
                st[i].status = GATE_STATUS_ERROR;
                if (!st[i].attempts)
                    st[i].first_ms = now;
                st[i].verdict_ms = now;
                (void)snprintf(st[i].msg, sizeof(st[i].msg),
                               "not finished: prisma-gate was stopped by a signal");
                if (st[i].in_flight)
                    gate_http_req_release(&st[i].req); /* its handle goes with h */
            }
            break;
        }

        for (size_t i = 0; i < n; i++) {
            struct hstate *s = &st[i];

            if (s->done || s->in_flight)
                continue;
            if (s->next_at <= now)
                start(h, s);
            else if (s->next_at - now < wait)
                wait = s->next_at - now;
        }
        gate_progress_tick(&p);
        done = gate_http_next(h, wait > 250 ? 250 : wait);
        while (done) {
            struct hstate *s = done->user;

            finished(s, gate_clock_ms(), &p);
            if (s->done)
                left--;
            done = gate_http_next(h, 0);
        }
    }
    gate_progress_end(&p, NULL);
    for (size_t i = 0; i < n; i++) {
        struct hstate *s = &st[i];
        struct gate_health_result *r = add_result(run);
        char *url = gate_http_url_redact(s->c->url);

        r->name = gate_arena_strdup(&run->arena, s->c->name ? s->c->name : url);
        r->url = gate_arena_strdup(&run->arena, url);
        free(url);
        r->status = s->status;
        r->http_status = s->http_status;
        r->attempts = s->attempts;
        r->elapsed_ms = s->attempts ? s->verdict_ms - s->first_ms : 0;
        if (s->attempts > 1)
            r->message =
                gate_arena_printf(&run->arena, "%s (after %d attempts)", s->msg, s->attempts);
        else
            r->message = gate_arena_strdup(&run->arena, s->msg);
        if (s->status != GATE_STATUS_PASS)
            bad++;
    }
    gate_http_free(h);
    free(st);
    return bad;
}
