/* SPDX-License-Identifier: MIT */
/*
 * cmd/health.c - `prisma-gate health`: run the policy's health checks
 * (or ad-hoc ones given with --url) and report each. The same checks
 * `deploy` runs after a verified deploy (health.c).
 *
 * Exit: 0 every check passed; 1 a check failed (an answer, but the wrong
 * status or JSON values, a redirect to another protocol, a body over
 * 1 MiB); 3 a check could not be evaluated (no answer: connection
 * refused, DNS, TLS, timeout) - 3 wins over 1, as in lint; 2 usage (no
 * checks, a bad flag or URL, an invalid policy) and nothing was asked.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/health.h"
#include "gate/http.h"
#include "gate/msg.h"
#include "gate/policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Defaults of an ad-hoc --url check: those of a policy health entry. */
#define ADHOC_STATUS     200
#define ADHOC_TIMEOUT_MS 5000
#define ADHOC_RETRIES    3
#define ADHOC_BACKOFF_MS 2000

static bool parse_int(const char *s, long lo, long hi, int *out)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (!*s || !end || *end || errno || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

/* The --url checks, all with the same expectations. */
static enum gate_exit adhoc_checks(struct gate_cli *cli, struct gate_run *run,
                                   struct gate_health_check **out, size_t *n)
{
    struct gate_health_check proto = {0};
    struct gate_health_check *checks;
    struct gate_err err = {0};

    proto.expect_status = ADHOC_STATUS;
    proto.timeout_ms = ADHOC_TIMEOUT_MS;
    proto.retries = ADHOC_RETRIES;
    proto.backoff_ms = ADHOC_BACKOFF_MS;
    if (cli->expect_status && !parse_int(cli->expect_status, 100, 599, &proto.expect_status)) {
        gate_errorf("invalid --expect-status '%s' (an HTTP status, 100 to 599)",
                    cli->expect_status);
        return GATE_EXIT_USAGE;
    }
    if (cli->retries && !parse_int(cli->retries, 0, 100, &proto.retries)) {
        gate_errorf("invalid --retries '%s' (attempts after the first, 0 to 100)", cli->retries);
        return GATE_EXIT_USAGE;
    }
    if (cli->timeout &&
        (!gate_duration_parse(cli->timeout, &proto.timeout_ms) || proto.timeout_ms <= 0)) {
        gate_errorf("invalid --timeout '%s' (a duration such as 5s or 500ms)", cli->timeout);
        return GATE_EXIT_USAGE;
    }
    if (cli->backoff && !gate_duration_parse(cli->backoff, &proto.backoff_ms)) {
        gate_errorf("invalid --backoff '%s' (a duration such as 2s or 250ms)", cli->backoff);
        return GATE_EXIT_USAGE;
    }
    if (cli->nexpects) {
        proto.expect = gate_arena_alloc(&run->arena, (size_t)cli->nexpects * sizeof(*proto.expect));
        for (int i = 0; i < cli->nexpects; i++) {
            if (gate_health_expect_parse(cli->expects[i], &proto.expect[i], &run->arena, &err)) {
                gate_errorf("%s", err.msg);
                return GATE_EXIT_USAGE;
            }
        }
        proto.nexpect = (size_t)cli->nexpects;
    }
    checks = gate_arena_alloc(&run->arena, (size_t)cli->nurls * sizeof(*checks));
    for (int i = 0; i < cli->nurls; i++) {
        checks[i] = proto;
        checks[i].url = cli->urls[i];
        checks[i].name = cli->urls[i];
    }
    *out = checks;
    *n = (size_t)cli->nurls;
    return GATE_EXIT_OK;
}

/* The policy's health: list (main.c loaded the policy: cli->pol). */
static enum gate_exit policy_checks(struct gate_cli *cli, struct gate_health_check **out, size_t *n)
{
    const struct gate_policy *pol = cli->pol;

    if (!pol || !pol->nhealth) {
        gate_errorf("no health checks: %s has no 'health:' list (add one, or give --url URL)",
                    pol && pol->path ? pol->path : "the built-in policy (no prisma-gate.yml)");
        return GATE_EXIT_USAGE;
    }
    *out = pol->health;
    *n = pol->nhealth;
    return GATE_EXIT_OK;
}

enum gate_exit gate_cmd_health(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    struct gate_health_check *checks = NULL;
    size_t n = 0;
    enum gate_exit rc;
    bool failed = false, unavailable = false;

    (void)out;
    if (cli->nargs) {
        gate_errorf("health takes no arguments (got '%s'; an ad-hoc check is --url URL)",
                    cli->args[0]);
        return GATE_EXIT_USAGE;
    }
    if (cli->nurls) {
        rc = adhoc_checks(cli, run, &checks, &n);
    } else if (cli->nexpects || cli->expect_status || cli->timeout || cli->retries ||
               cli->backoff) {
        gate_errorf("--expect, --expect-status, --timeout, --retries and --backoff apply to "
                    "--url checks; the policy's checks take theirs from the policy");
        return GATE_EXIT_USAGE;
    } else {
        rc = policy_checks(cli, &checks, &n);
    }
    if (rc)
        return rc;
    {
        struct gate_err err = {0};

        /* libcurl, loaded and set up before any request (no thread runs yet) */
        if (gate_http_global_init(&err)) {
            gate_errorf("%s", err.msg);
            return GATE_EXIT_UNAVAILABLE;
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct gate_err err = {0};

        if (gate_http_url_check(checks[i].url, &err)) {
            if (checks[i].name && strcmp(checks[i].name, checks[i].url) != 0)
                gate_errorf("health check '%s': %s", checks[i].name, err.msg);
            else
                gate_errorf("%s", err.msg);
            return err.code == GATE_E_USAGE ? GATE_EXIT_USAGE : GATE_EXIT_UNAVAILABLE;
        }
    }
    gate_verbosef("health: %zu check%s, concurrently", n, n == 1 ? "" : "s");
    (void)gate_health_run(run, checks, n);
    for (size_t i = 0; i < run->nhealth; i++) {
        if (run->health[i].status == GATE_STATUS_ERROR)
            unavailable = true;
        else if (run->health[i].status != GATE_STATUS_PASS)
            failed = true;
        if (run->health[i].status != GATE_STATUS_PASS)
            gate_verbosef("health check '%s': %s", run->health[i].name, run->health[i].message);
    }
    if (unavailable) {
        run->verdict = GATE_VERDICT_ERROR;
        return GATE_EXIT_UNAVAILABLE;
    }
    if (failed) {
        run->verdict = GATE_VERDICT_FAIL;
        return GATE_EXIT_CLOSED;
    }
    run->verdict = GATE_VERDICT_PASS;
    return GATE_EXIT_OK;
}
