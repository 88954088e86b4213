/* SPDX-License-Identifier: MIT */
/*
 * fuzz_http_status.c - libFuzzer harness for the health verdict
 * (gate_health_verdict, health.c): an HTTP response -> pass or fail and
 * the message, as a health check judges each answer it gets.
 *
 * The input is the response as a server sends it; two headers, which
 * no real server sends, let the input choose the check:
 *
 *   HTTP/1.1 200 OK
 *   X-Expect-Status: 204              the status the check expects (else 200)
 *   X-Expect: database.connected=true an expected JSON value, as --expect
 *                                     writes it (gate_health_expect_parse)
 *   Content-Type: application/json    any other header: skipped
 *                                     (lines end in LF or CRLF)
 *   {"database": {"connected": true}} the body: everything after the blank line
 *
 * Input that does not start with "HTTP/" is a body answered with 200
 * and judged against each expectation of a fixed set in turn, so any
 * JSON document (the golden JSON reports) seeds this target too.
 *
 * Aborts when the verdict is neither pass nor fail, when a status other
 * than the expected one passes, or when the message is empty.
 */
#include "gate/compat.h"
#include "gate/health.h"
#include "gate/arena.h"
#include "gate/err.h"
#include "gate/policy.h"
#include "gate/run.h"

#include "fuzz.h"

#include <string.h>
#include <strings.h>

#define MAX_EXPECT 16

/* A health endpoint's fields, then the JSON report's (the golden .json files seed this target). */
static const char *const fixed_expect[] = {
    "status=healthy",
    "database.connected=true",
    "uptime=1.5e3",
    "error=null",
    "verdict=pass",
    "exit_code=1",
    "tool.name=\"prisma-gate\"",
    "migrations.0.statements=2",
    "migrations.0.findings.0.suppressed=false",
    "migrations.0.findings.0.suppression_reason=null",
};

static void judge(const struct gate_health_check *c, int status, const char *body, size_t len)
{
    char msg[512];
    enum gate_status v = gate_health_verdict(c, status, body, len, msg, sizeof(msg));

    if ((v != GATE_STATUS_PASS && v != GATE_STATUS_FAIL) ||
        (v == GATE_STATUS_PASS && status != c->expect_status) || !*msg) {
        fuzz_fail("verdict %d on HTTP %d (expected %d): '%s'", (int)v, status, c->expect_status,
                  msg);
    }
}

/* Next line of [*p, end) without its LF or CRLF; false at the end. */
static bool next_line(const char **p, const char *end, const char **line, size_t *n)
{
    const char *nl;

    if (*p >= end)
        return false;
    nl = memchr(*p, '\n', (size_t)(end - *p));
    *line = *p;
    *n = (nl ? nl : end) - *p;
    *p = nl ? nl + 1 : end;
    if (*n && (*line)[*n - 1] == '\r')
        (*n)--;
    return true;
}

/* The value of header line[0..n) when it is named name (case-insensitive), else NULL. */
static const char *header(const char *line, size_t n, const char *name, size_t *vlen)
{
    size_t k = strlen(name);
    const char *v;

    if (n <= k || strncasecmp(line, name, k) || line[k] != ':')
        return NULL;
    v = line + k + 1;
    while (v < line + n && (*v == ' ' || *v == '\t'))
        v++;
    *vlen = (size_t)(line + n - v);
    return v;
}

/* 0-999999999 from the leading digits of s[0..n); -1 when there are none. */
static int number(const char *s, size_t n)
{
    int v = 0;
    size_t i = 0;

    for (; i < n && i < 9 && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (s[i] - '0');
    return i ? v : -1;
}

/* A body as http.c hands it over: NUL-terminated, NULL when there is none. */
static char *body_copy(const char *s, size_t n, bool present)
{
    char *b;

    if (!present)
        return NULL;
    b = malloc(n + 1);
    if (!b)
        fuzz_fail("out of memory");
    memcpy(b, s, n);
    b[n] = '\0';
    return b;
}

static void response(const char *p, const char *end, struct gate_health_check *c,
                     struct gate_arena *arena)
{
    struct gate_health_expect expect[MAX_EXPECT];
    const char *line;
    size_t n;
    int status = 0;
    bool blank = false;
    char *body;

    (void)next_line(&p, end, &line, &n);
    {
        const char *sp = memchr(line, ' ', n);

        if (sp)
            status = number(sp + 1, n - (size_t)(sp + 1 - line));
    }
    if (status < 0)
        status = 0;
    c->expect = expect;
    while (next_line(&p, end, &line, &n)) {
        const char *v;
        size_t vl;

        if (!n) {
            blank = true;
            break;
        }
        v = header(line, n, "X-Expect-Status", &vl);
        if (v) {
            c->expect_status = number(v, vl);
            continue;
        }
        v = header(line, n, "X-Expect", &vl);
        if (v && c->nexpect < MAX_EXPECT) {
            struct gate_err err = {0};
            char *spec = gate_arena_strndup(arena, v, vl);

            if (!gate_health_expect_parse(spec, &expect[c->nexpect], arena, &err))
                c->nexpect++;
        }
    }
    body = body_copy(p, (size_t)(end - p), blank && p < end);
    judge(c, status, body, body ? (size_t)(end - p) : 0);
    free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct gate_arena arena = {0};
    struct gate_health_check c = {0};
    struct gate_health_expect e;
    struct gate_err err = {0};
    char *body;

    c.name = "api";
    c.url = "http://127.0.0.1:3000/health";
    c.expect_status = 200;
    if (size >= 5 && !memcmp(in, "HTTP/", 5)) {
        response(in, in + size, &c, &arena);
        gate_arena_release(&arena);
        return 0;
    }
    body = body_copy(in, size, true);
    judge(&c, 200, body, size);
    c.expect = &e;
    c.nexpect = 1;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(fixed_expect); i++) {
        if (gate_health_expect_parse(fixed_expect[i], &e, &arena, &err))
            fuzz_fail("%s", err.msg);
        judge(&c, 200, body, size);
    }
    free(body);
    gate_arena_release(&arena);
    return 0;
}
