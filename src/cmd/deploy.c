/* SPDX-License-Identifier: MIT */
/*
 * cmd/deploy.c - `prisma-gate deploy`: the gated `prisma migrate deploy`.
 *
 *   1. take the gate's advisory lock on the target (GATE_PLAN_LOCK_KEY,
 *      not Prisma's 72707369), waiting at most deploy.timeout;
 *   2. recompute the plan under it; the policy decides: automatic up to
 *      deploy.auto_max_risk, with a valid confirmation token up to
 *      deploy.confirm_max_risk, blocked above; refused: nothing is run,
 *      the deploy-later instructions go to stderr and the checklist to
 *      --checklist PATH (exit 1);
 *   3. run the policy's Prisma CLI argv + `migrate deploy` (proc.c: no
 *      shell, own process group, deploy.timeout, output streamed to
 *      stderr and captured); a failure is mapped to Prisma's recovery
 *      guidance (exit 4);
 *   4. verify through libpq that every planned migration is applied with
 *      the checksum planned (exit 5 if not);
 *   5. run the policy's health checks (exit 5 on a failure);
 *   6. the summary: what was applied, the history, next steps.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/clock.h"
#include "gate/db.h"
#include "gate/health.h"
#include "gate/http.h"
#include "gate/lint.h"
#include "gate/fs.h"
#include "gate/history.h"
#include "gate/msg.h"
#include "gate/prisma_errors.h"
#include "gate/plan.h"
#include "gate/policy.h"
#include "gate/project.h"
#include "gate/prisma_cli.h"
#include "gate/proc.h"
#include "gate/progress.h"
#include "gate/report.h"
#include "gate/report_out.h"
#include "gate/stop.h"
#include "gate/token.h"
#include "gate/shell.h"
#include "gate/xalloc.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Output of `prisma migrate deploy` kept for the report and the error mapping. */
#define CAPTURE_MAX ((size_t)256 * 1024)

/* Prisma Migrate's own advisory lock: pg_advisory_lock(72707369), a bigint key. */
#define PRISMA_LOCK_KEY 72707369LL

/* How long to wait for Prisma's server sessions to go once terminated. */
#define SESSION_END_MS 10000

/* After the server went away: connection attempts, one second apart. */
#define RECONNECT_TRIES 20

struct deploy {
    struct gate_cli *cli;
    struct gate_run *run;
    struct gate_run_deploy *d;
    const struct gate_policy *pol;
    struct gate_db_url url;
    struct gate_db *db;
    const char *url_value;
    const char *direct_value; /* what the schema's directUrl variable gets, NULL */
    const char *prisma;       /* the policy's argv as one line, for guidance */
    size_t capguidance;
    char **ids; /* _prisma_migrations row ids before Prisma ran (malloc'd) */
    size_t nids;
    bool ids_read;
    char appname[64];              /* application_name of Prisma's sessions (PGAPPNAME) */
    const char *spawn_ts;          /* the server's clock just before Prisma started, NULL */
    const char *hist_before;       /* _prisma_migrations' fingerprint before, NULL: unknown */
    bool db_gone;                  /* the target could not be reached again: do not retry */
    struct gate_progress progress; /* the stage under way (progress.h) */
    long long polled_ms;           /* when the running migration was last read */
};

static void guide(struct deploy *dp, const char *fmt, ...) GATE_PRINTF(2, 3);

static void guide(struct deploy *dp, const char *fmt, ...)
{
    struct gate_run_deploy *d = dp->d;
    va_list ap;
    char buf[2048];

    va_start(ap, fmt);
    (void)vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    GATE_ARENA_GROW(&dp->run->arena, d->guidance, dp->capguidance, d->nguidance, d->nguidance + 1);
    d->guidance[d->nguidance++] = gate_arena_strdup(&dp->run->arena, buf);
}

/* The resolve steps for the migration Prisma was running when it was stopped, if any. */
static void guide_cut_off(struct deploy *dp)
{
    const char *name = dp->d->failed_migration;

    if (name)
        guide(dp,
              "migration %s was cut off: check what it changed, then %s migrate resolve "
              "--rolled-back %s (or --applied if it completed) before deploying again",
              name, dp->prisma, gate_shell_quote(&dp->run->arena, name));
}

/* ------------------------------------------------------------ lock */

/*
 * "waiting for the gate lock (held by pid N since HH:MM:SS UTC)": who holds
 * it (pg_locks: a bigint advisory key is classid = high 32 bits, objid =
 * low 32 bits, objsubid 1) and since when its session started.
 */
static const char *lock_holder(struct deploy *dp)
{
    struct gate_err err = {0};
    struct gate_db_result *r = NULL;
    const char *what = "waiting for the gate lock";
    char sql[512];

    (void)snprintf(sql, sizeof(sql),
                   "SELECT l.pid, to_char(a.backend_start AT TIME ZONE 'UTC', 'HH24:MI:SS') "
                   "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
                   "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                   "AND l.classid::bigint = %lld AND l.objid::bigint = %lld LIMIT 1",
                   (GATE_PLAN_LOCK_KEY >> 32) & 0xffffffffLL, GATE_PLAN_LOCK_KEY & 0xffffffffLL);
    if (!gate_db_exec(dp->db, sql, &r, &err) && r && gate_db_result_rows(r) == 1) {
        const char *since = gate_db_result_value(r, 0, 1);

        if (!since)
            since = ""; /* the holder's session is not visible to this role */
        what = gate_arena_printf(
            &dp->run->arena, "waiting for the gate lock (held by pid %s%s%s%s)",
            gate_db_result_value(r, 0, 0), *since ? " since " : "", since, *since ? " UTC" : "");
    }
    gate_db_result_free(r);
    return what;
}

static enum gate_exit take_lock(struct deploy *dp)
{
    struct gate_err err = {0};
    struct gate_db_result *r = NULL;
    long long t0 = gate_clock_ms();
    long long wait_ms = dp->pol->deploy.timeout_ms > 0 ? dp->pol->deploy.timeout_ms : 600000;
    char sql[256];
    bool got;
    enum gate_code rc;

    (void)snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock(%lld::bigint)",
                   GATE_PLAN_LOCK_KEY);
    if (gate_db_exec(dp->db, sql, &r, &err)) {
        gate_errorf("cannot take the gate lock: %s", err.msg);
        return GATE_EXIT_UNAVAILABLE;
    }
    got = r && gate_db_result_rows(r) == 1 && !strcmp(gate_db_result_value(r, 0, 0), "t");
    gate_db_result_free(r);
    if (!got) {
        gate_notef("another prisma-gate deploy holds the gate lock on %s:%d/%s; waiting up to "
                   "%lld s (deploy.timeout)",
                   dp->url.host, dp->url.port, dp->url.database, wait_ms / 1000);
        gate_progress_begin(&dp->progress, "waiting for the gate lock");
        gate_progress_step(&dp->progress, "%s", lock_holder(dp));
        /*
         * pg_advisory_lock in slices of at most a second (lock_timeout), so
         * that the wait shows its progress; a stop signal cancels a slice.
         */
        for (;;) {
            long long slice = t0 + wait_ms - gate_clock_ms();
            bool timeout;

            if (gate_stop_signal()) {
                gate_progress_end(&dp->progress, NULL);
                dp->d->lock_wait_ms = gate_clock_ms() - t0;
                return GATE_EXIT_UNAVAILABLE; /* the caller reports the stop */
            }
            if (slice > 1000)
                slice = 1000;
            if (slice < 1)
                slice = 1;
            (void)snprintf(sql, sizeof(sql),
                           "SET lock_timeout = %lld; SELECT pg_advisory_lock(%lld::bigint); "
                           "RESET lock_timeout",
                           slice, GATE_PLAN_LOCK_KEY);
            r = NULL;
            gate_err_clear(&err);
            gate_db_cancel_on_stop(dp->db); /* a stop signal ends the wait */
            rc = gate_db_exec(dp->db, sql, &r, &err);
            gate_db_cancel_on_stop(NULL);
            gate_db_result_free(r);
            if (!rc)
                break;
            timeout = !strcmp(gate_db_last_sqlstate(dp->db), "55P03");
            if (timeout && !gate_stop_signal() && gate_clock_ms() - t0 < wait_ms) {
                gate_progress_tick(&dp->progress);
                continue;
            }
            gate_progress_end(&dp->progress, NULL);
            if (gate_stop_signal()) {
                dp->d->lock_wait_ms = gate_clock_ms() - t0;
                return GATE_EXIT_UNAVAILABLE; /* the caller reports the stop */
            }
            if (timeout) {
                gate_errorf("another prisma-gate deploy held the gate lock for more than %lld s; "
                            "nothing was changed: try again when it is done",
                            wait_ms / 1000);
                dp->d->lock_wait_ms = gate_clock_ms() - t0;
                gate_run_add_check(dp->run, "deploy.lock", GATE_STATUS_ERROR,
                                   "the gate lock was held by another deploy for longer than "
                                   "deploy.timeout; nothing was changed");
            } else {
                gate_errorf("cannot take the gate lock: %s", err.msg);
            }
            return GATE_EXIT_UNAVAILABLE;
        }
        gate_progress_end(&dp->progress, "took the gate lock after %lld s",
                          (gate_clock_ms() - t0 + 500) / 1000);
    }
    dp->d->lock_wait_ms = gate_clock_ms() - t0;
    gate_run_add_check(
        dp->run, "deploy.lock", GATE_STATUS_PASS,
        gate_arena_printf(&dp->run->arena, "gate lock pg_advisory_lock(%lld) taken%s",
                          GATE_PLAN_LOCK_KEY, got ? "" : " after waiting for another deploy"));
    return GATE_EXIT_OK;
}

/* ------------------------------------------------------------ token */

static const char *token_message(enum gate_token_status s, const char *kind, const char *plan,
                                 const char *tdigest, const struct gate_policy *pol,
                                 struct gate_arena *a)
{
    switch (s) {
    case GATE_TOKEN_VALID:
        return gate_arena_printf(a, "%s token for this plan accepted", kind);
    case GATE_TOKEN_ABSENT:
        return gate_arena_printf(a,
                                 "no confirmation token: pass --confirm TOKEN or set %s (make one "
                                 "with `prisma-gate approve`)",
                                 pol->deploy.token_env);
    case GATE_TOKEN_MALFORMED:
        return "the confirmation token is malformed: neither 12+ hex digits of the plan digest "
               "nor a pgt1 token from `prisma-gate approve`";
    case GATE_TOKEN_STALE:
        if (*tdigest)
            return gate_arena_printf(a,
                                     "the token approves another plan (sha256:%.12s...), not this "
                                     "one (%.19s...): the pending migrations, their contents, the "
                                     "target or the policy changed since it was approved; review "
                                     "the new plan and approve it",
                                     tdigest, plan);
        return gate_arena_printf(a,
                                 "the token does not match this plan (%.19s...): it is for "
                                 "another plan, or mistyped; review the plan and use its digest",
                                 plan);
    case GATE_TOKEN_EXPIRED:
        return "the confirmation token has expired: approve the plan again";
    case GATE_TOKEN_FORGED:
        return "the confirmation token's signature does not verify (forged, or signed with "
               "another secret): it is refused";
    case GATE_TOKEN_UNSIGNED:
        return gate_arena_printf(a,
                                 "a plain token is not enough: the policy names "
                                 "deploy.secret_env (%s), so the token must be signed by "
                                 "`prisma-gate approve`",
                                 pol->deploy.secret_env);
    case GATE_TOKEN_TOO_LONG:
        return "the confirmation token is valid for longer than deploy.token_max_age allows: "
               "approve the plan again";
    }
    return "?";
}

/* 0: the token lets the plan deploy; else the exit status (already reported). */
static enum gate_exit check_token(struct deploy *dp)
{
    const struct gate_policy *pol = dp->pol;
    struct gate_run_deploy *d = dp->d;
    const char *token = dp->cli->confirm;
    const char *secret = NULL;
    char tdigest[65];
    const char *kind = "none";
    enum gate_token_status s;

    if (!token || !*token)
        token = pol->deploy.token_env ? getenv(pol->deploy.token_env) : NULL;
    if (pol->deploy.secret_env && *pol->deploy.secret_env) {
        secret = getenv(pol->deploy.secret_env);
        if (!secret || !*secret) {
            gate_errorf("deploy.secret_env names %s, which is not set: deploy cannot check "
                        "signed confirmation tokens without it",
                        pol->deploy.secret_env);
            return GATE_EXIT_USAGE;
        }
    }
    s = gate_token_check(token, dp->run->plan->digest + 7, secret, secret ? strlen(secret) : 0,
                         (long long)time(NULL), pol->deploy.token_max_age_ms / 1000, &kind,
                         tdigest);
    d->token_kind = kind;
    d->token_status = gate_token_status_name(s);
    d->token_message = token_message(s, kind, dp->run->plan->digest, tdigest, pol, &dp->run->arena);
    gate_run_add_check(dp->run, "deploy.token",
                       s == GATE_TOKEN_VALID ? GATE_STATUS_PASS : GATE_STATUS_FAIL,
                       d->token_message);
    return s == GATE_TOKEN_VALID ? GATE_EXIT_OK : GATE_EXIT_CLOSED;
}

/* ------------------------------------------------------------ refusal */

static void deploy_later(struct deploy *dp)
{
    const struct gate_run_plan *p = dp->run->plan;

    switch (p->decision) {
    case GATE_PLAN_REFUSED:
        for (size_t i = 0; i < p->nproblems; i++)
            guide(dp, "%s", p->problems[i]);
        guide(dp, "then run `prisma-gate plan` again and deploy");
        break;
    case GATE_PLAN_BLOCKED:
        guide(dp,
              "the policy blocks risk %s (above deploy.confirm_max_risk %s): split the risky "
              "change into safer steps (see each finding's help), or have the policy owner "
              "raise deploy.confirm_max_risk for this deploy",
              gate_risk_name(p->max_risk), gate_risk_name(p->confirm_max_risk));
        break;
    default:
        guide(dp, "review the plan: prisma-gate plan%s%s", dp->cli->target ? " -t " : "",
              dp->cli->target ? dp->cli->target : "");
        if (p->signed_tokens)
            guide(dp, "approve it (needs %s): TOKEN=$(prisma-gate approve%s%s)",
                  dp->pol->deploy.secret_env, dp->cli->target ? " -t " : "",
                  dp->cli->target ? dp->cli->target : "");
        else
            guide(dp, "the plain token for this plan is its digest's first 12+ hex digits: %.16s",
                  p->digest + 7);
        guide(dp, "deploy it: prisma-gate deploy --confirm TOKEN (or set %s=TOKEN)",
              dp->pol->deploy.token_env);
        guide(dp, "a token approves exactly this plan: if a migration is added or edited, "
                  "approve again");
        break;
    }
}

/* ------------------------------------------------------------ prisma */

/* name=value into env (n used, room for it), replacing an earlier name=. */
static void env_set(char **env, size_t *n, const char *name, const char *value)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < *n; i++) {
        if (!strncmp(env[i], name, len) && env[i][len] == '=') {
            free(env[i]);
            env[i] = gate_xasprintf("%s=%s", name, value);
            return;
        }
    }
    env[(*n)++] = gate_xasprintf("%s=%s", name, value);
}

/*
 * The child's environment: the gate's, with every URL variable Prisma may
 * use pointing at the checked database (check_urls decided the values):
 * DATABASE_URL and the schema's url = env("X") get the target's URL, the
 * schema's directUrl = env("Y") what check_urls accepted.
 */
static char **child_env(struct deploy *dp)
{
    const struct gate_prisma_use *u = dp->run->plan ? dp->run->plan->prisma : NULL;
    size_t n = 0, k = 0;
    char **env;

    while (environ[n])
        n++;
    env = gate_xcalloc(n + 8, sizeof(*env));
    for (size_t i = 0; i < n; i++)
        env[k++] = gate_xstrdup(environ[i]);
    /* the CLI reads the target from DATABASE_URL, whatever variable the policy names */
    env_set(env, &k, "DATABASE_URL", dp->url_value);
    if (u && u->url_env)
        env_set(env, &k, u->url_env, dp->url_value);
    if (u && u->cfg_url_env) /* Prisma 7: the config's datasource.url */
        env_set(env, &k, u->cfg_url_env, dp->url_value);
    if (u && u->direct_env)
        env_set(env, &k, u->direct_env, dp->direct_value ? dp->direct_value : dp->url_value);
    if (u && u->cfg_direct_env) /* Prisma 6 config, engine 'classic' */
        env_set(env, &k, u->cfg_direct_env, dp->direct_value ? dp->direct_value : dp->url_value);
    if (!getenv("CHECKPOINT_DISABLE"))
        env_set(env, &k, "CHECKPOINT_DISABLE", "1");
    if (!getenv("PRISMA_HIDE_UPDATE_MESSAGE"))
        env_set(env, &k, "PRISMA_HIDE_UPDATE_MESSAGE", "1");
    env[k] = NULL;
    return env;
}

static void free_env(char **env)
{
    for (size_t i = 0; env && env[i]; i++)
        free(env[i]);
    free(env);
}

/* The first line of the captured output containing needle, trimmed, or NULL. */
static const char *line_with(struct gate_arena *a, const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    const char *s, *e;

    if (!p)
        return NULL;
    s = p;
    while (s > text && s[-1] != '\n')
        s--;
    e = strchr(p, '\n');
    if (!e)
        e = p + strlen(p);
    return gate_arena_strndup(a, s, (size_t)(e - s));
}

/* The text after "Error: CODE" up to a blank line (the message Prisma prints). */
static const char *message_after(struct gate_arena *a, const char *text, const char *at)
{
    const char *p = strstr(text, at);
    const char *e;

    if (!p)
        return NULL;
    p += strlen(at);
    while (*p == '\n' || *p == ' ' || *p == '\r')
        p++;
    e = strstr(p, "\n\n");
    if (!e)
        e = p + strlen(p);
    if (e - p > 600)
        e = p + 600;
    return gate_arena_strndup(a, p, (size_t)(e - p));
}

/* Line ln is the engine's span trace ("   0: module::fn") or its "at FILE:LINE". */
static bool trace_line(const char *ln, size_t n)
{
    size_t i = 0;

    while (i < n && ln[i] == ' ')
        i++;
    if (n - i >= 3 && !strncmp(ln + i, "at ", 3))
        return true;
    if (i >= n || ln[i] < '0' || ln[i] > '9')
        return false;
    while (i < n && ln[i] >= '0' && ln[i] <= '9')
        i++;
    return i < n && ln[i] == ':';
}

/*
 * Prisma's whole error without a code: the first line starting "Error" and
 * every line after it up to a blank line or the engine's span trace,
 * joined with ": " ("Error: external connector error: No such table:
 * Nope"); at most 600 bytes; NULL when there is no such line.
 */
static const char *whole_error(struct gate_arena *a, const char *text)
{
    const char *p = text;
    struct gate_buf b = {0};
    const char *s;

    while (*p && strncmp(p, "Error", 5)) {
        const char *nl = strchr(p, '\n');

        p = nl ? nl + 1 : p + strlen(p);
    }
    if (!*p)
        return line_with(a, text, "Error");
    while (*p && b.len < 600) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);

        while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
            n--;
        if (!n || trace_line(p, n))
            break;
        if (b.len)
            gate_buf_adds(&b, ": ");
        gate_buf_add(&b, p, n);
        if (!nl)
            break;
        p = nl + 1;
    }
    s = gate_arena_strndup(a, gate_buf_str(&b), b.len < 600 ? b.len : 600);
    gate_buf_release(&b);
    return s;
}

/* A failed row's migration name, read through libpq (NULL when none). */
static const char *failed_row(struct deploy *dp)
{
    struct gate_hist_db h;
    struct gate_err err = {0};
    const char *name = NULL;

    if (!dp->db)
        return NULL;
    if (gate_history_read(dp->db, gate_db_url_schema(&dp->url), &h, &err)) {
        gate_hist_db_release(&h);
        return NULL;
    }
    for (size_t i = 0; i < h.nrows; i++) {
        if (gate_hist_row_state(&h.rows[i]) == GATE_MSTATE_FAILED)
            name = gate_arena_strdup(&dp->run->arena, h.rows[i].name);
    }
    gate_hist_db_release(&h);
    return name;
}

/* The failed migration had its own COMMIT: name what it kept (lint.h). */
static void guide_committed(struct deploy *dp, const char *name)
{
    for (size_t i = 0; i < dp->run->nmigrations; i++) {
        const struct gate_migration *m = dp->run->migrations[i];
        struct gate_err err = {0};
        const char *objs;
        char *src = NULL;
        size_t len = 0;
        int line = 0;

        if (strcmp(m->name, name) || !m->path ||
            gate_read_file(m->path, (size_t)64 << 20, &src, &len, &err))
            continue;
        objs = gate_lint_committed_objects(src, len, &dp->run->arena, &line);
        free(src);
        if (objs)
            guide(dp,
                  "migration %s has its own COMMIT (line %d): unless it failed before that "
                  "line, these objects were left behind by its own COMMIT: %s; drop them "
                  "(or finish the migration by hand) before resolving",
                  name, line, objs);
        return;
    }
}

static void map_failure(struct deploy *dp, const char *out)
{
    struct gate_run_deploy *d = dp->d;
    struct gate_arena *a = &dp->run->arena;
    const struct gate_prisma_error *pe = gate_prisma_error_in_output(out);
    const char *code = NULL;
    const char *failed;

    if (pe) {
        char at[16];

        code = pe->code;
        (void)snprintf(at, sizeof(at), "Error: %s", code);
        d->error_message = message_after(a, out, at);
    } else {
        code = "engine";
        d->error_message = whole_error(a, out);
    }
    d->error_code = code;
    failed = failed_row(dp);
    d->failed_migration = failed;

    if (!strcmp(code, "P1002")) {
        guide(dp, "%s: %s", pe->code, pe->meaning);
        guide(dp, "%s", pe->guidance);
    } else if (!strcmp(code, "P3005")) {
        guide(dp, "%s: %s", pe->code, pe->meaning);
        guide(dp,
              "for each migration the database already has, oldest first: %s migrate resolve "
              "--applied \"NAME\"   (the SQL is not run)",
              dp->prisma);
        guide(dp, "then deploy again: only the migrations not marked are applied");
    } else if (!strcmp(code, "P3009")) {
        guide(dp, "P3009: a failed migration%s%s%s blocks every deploy", failed ? " (" : "",
              failed ? failed : "", failed ? ")" : "");
    } else if (!strcmp(code, "P1001") || !strcmp(code, "P1000") || !strcmp(code, "P1003")) {
        guide(dp, "%s: the Prisma CLI could not use the database (%s); %s, then deploy again", code,
              d->error_message ? d->error_message : "see its output", pe->guidance);
    } else if (pe && pe->guidance) {
        guide(dp, "%s: %s: %s", pe->code, pe->meaning, pe->guidance);
    } else if (!failed && !strcmp(code, "P3018")) {
        guide(dp,
              "P3018: a migration failed to apply (%s); `prisma-gate status` shows which; "
              "undo what it changed, fix it, then %s migrate resolve --rolled-back \"NAME\" "
              "and deploy again",
              d->error_message ? d->error_message : "see its output", dp->prisma);
    } else if (!failed) {
        guide(dp,
              "`prisma migrate deploy` failed without an error code (%s); its output is "
              "above and in the report; check the database and the CLI, then deploy again",
              d->error_message ? d->error_message : "no message");
    }
    if (failed && d->reconnected)
        guide(dp,
              "migration %s was running when the database server went away: the server rolled "
              "back its open transaction (a migration with its own COMMIT, or CREATE INDEX "
              "CONCURRENTLY, may have left part of its work): check what it left",
              failed);
    if (failed && (!strcmp(code, "P3018") || !strcmp(code, "engine") || !strcmp(code, "P3009") ||
                   d->reconnected)) {
        if (!strcmp(code, "engine"))
            guide(dp,
                  "migration %s failed in the database (the engine reported no code; "
                  "Prisma's native engine calls this P3018): the database rolled back "
                  "that migration's implicit transaction, unless the file has its own "
                  "BEGIN/COMMIT",
                  failed);
        else if (!strcmp(code, "P3018"))
            guide(dp, "P3018: migration %s failed to apply", failed);
        guide_committed(dp, failed);
        guide(dp, "`prisma migrate deploy` now refuses to run (P3009) until the failure is "
                  "resolved; `prisma-gate status` shows it as failed");
        guide(dp,
              "if what it changed is undone (or was rolled back): fix the migration, then "
              "%s migrate resolve --rolled-back %s and deploy again",
              dp->prisma, gate_shell_quote(&dp->run->arena, failed));
        guide(dp, "if you finished it by hand instead: %s migrate resolve --applied %s", dp->prisma,
              gate_shell_quote(&dp->run->arena, failed));
    }
}

/* env with PGAPPNAME=name (replacing one already there); env is consumed. */
static char **with_appname(char **env, const char *name)
{
    size_t n = 0, k = 0;
    char **out;

    while (env[n])
        n++;
    out = gate_xcalloc(n + 2, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        if (!strncmp(env[i], "PGAPPNAME=", 10))
            free(env[i]);
        else
            out[k++] = env[i];
    }
    out[k++] = gate_xasprintf("PGAPPNAME=%s", name);
    out[k] = NULL;
    free(env);
    return out;
}

/* One value of a one-row query on dp->db (arena), NULL on failure. */
static const char *query_value(struct deploy *dp, const char *sql)
{
    struct gate_db_result *r = NULL;
    struct gate_err err = {0};
    const char *v = NULL;

    if (dp->db && !gate_db_exec(dp->db, sql, &r, &err) && r && gate_db_result_rows(r) == 1 &&
        gate_db_result_value(r, 0, 0))
        v = gate_arena_strdup(&dp->run->arena, gate_db_result_value(r, 0, 0));
    gate_db_result_free(r);
    return v;
}

/* What _prisma_migrations holds, in one line: "absent" or rows/latest start/finish/rollback. */
static const char *history_fingerprint(struct deploy *dp)
{
    char *q = gate_db_quote_ident(gate_db_url_schema(&dp->url));
    char *lit = gate_db_quote_literal(q);
    char *sql = gate_xasprintf("SELECT to_regclass(%s || '._prisma_migrations') IS NOT NULL", lit);
    const char *v = query_value(dp, sql);

    free(sql);
    if (v && !strcmp(v, "t")) {
        sql =
            gate_xasprintf("SELECT count(*) || '/' || coalesce(max(started_at)::text, '-') || "
                           "'/' || coalesce(max(finished_at)::text, '-') || '/' || "
                           "count(rolled_back_at) || '/' || count(logs) FROM %s._prisma_migrations",
                           q);
        v = query_value(dp, sql);
        free(sql);
    } else if (v) {
        v = "absent";
    }
    free(lit);
    free(q);
    return v;
}

/* The connection to the target, connected again when the server went away (bounded). */
static bool db_usable(struct deploy *dp)
{
    struct gate_err err = {0};
    struct gate_db *db = NULL;

    if (dp->db && query_value(dp, "SELECT 1"))
        return true;
    if (dp->db_gone)
        return false;
    gate_warnf("lost the connection to %s:%d/%s; connecting again to read the migration history "
               "(up to %d s)",
               dp->url.host, dp->url.port, dp->url.database, RECONNECT_TRIES);
    gate_db_close(dp->db);
    dp->db = NULL;
    if (gate_db_reconnect(&dp->url, RECONNECT_TRIES, 1000, &db, &err)) {
        dp->db_gone = true;
        gate_errorf("cannot read the migration history after the deploy: %s", err.msg);
        guide(dp, "the database could not be reached again after the deploy: run `prisma-gate "
                  "status` once it is back to see what was applied");
        return false;
    }
    dp->db = db;
    dp->d->reconnected = true;
    guide(dp, "the connection to the database was lost during the deploy (the server went away, "
              "and the gate lock with it); prisma-gate connected again to read the history");
    return true;
}

/*
 * Prisma's server sessions after its process group is gone: a statement
 * the server is running goes on (and may commit) when its client dies.
 * They are the backends started after Prisma was (the server's clock)
 * that carry our application_name (PGAPPNAME, which node-postgres and
 * libpq honour) or hold Prisma's advisory lock 72707369. Terminated from
 * the gate's connection, then waited for (bounded); the gate lock is held
 * all along.
 */
static void end_sessions(struct deploy *dp)
{
    struct gate_run_deploy *d = dp->d;
    struct gate_arena *a = &dp->run->arena;
    struct gate_db_result *r = NULL;
    struct gate_err err = {0};
    char *app, *ts, *sql;
    long *pids = NULL;
    size_t n = 0, left = 0;

    if (!dp->spawn_ts || !db_usable(dp))
        return;
    app = gate_db_quote_literal(dp->appname);
    ts = gate_db_quote_literal(dp->spawn_ts);
    sql = gate_xasprintf(
        "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
        "datname = current_database() AND backend_start >= %s::timestamptz AND "
        "(application_name = %s OR pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' "
        "AND classid = %lld AND objid = %lld AND objsubid = 1 AND database = (SELECT oid FROM "
        "pg_database WHERE datname = current_database()))) ORDER BY pid",
        ts, app, PRISMA_LOCK_KEY >> 32, PRISMA_LOCK_KEY & 0xffffffffLL);
    free(app);
    free(ts);
    if (gate_db_exec(dp->db, sql, &r, &err)) {
        free(sql);
        gate_errorf("cannot look for Prisma's server sessions: %s", err.msg);
        guide(dp, "check pg_stat_activity on the target for a session of Prisma still running "
                  "a migration, and end it (pg_terminate_backend) before resolving");
        return;
    }
    free(sql);
    n = r ? (size_t)gate_db_result_rows(r) : 0;
    if (n) {
        pids = gate_arena_alloc(a, n * sizeof(*pids));
        for (size_t i = 0; i < n; i++)
            pids[i] = strtol(gate_db_result_value(r, (int)i, 0), NULL, 10);
    }
    gate_db_result_free(r);
    if (!n)
        return;
    if (gate_db_terminate(dp->db, pids, n, SESSION_END_MS, &left, &err) || left) {
        const char *why = err.code ? err.msg : "they were still there after 10 s";

        gate_errorf("could not end Prisma's server session%s: %s", n == 1 ? "" : "s", why);
        gate_run_add_check(dp->run, "deploy.sessions", GATE_STATUS_ERROR,
                           gate_arena_printf(a, "Prisma's server sessions may still run: %s", why));
        guide(dp,
              "Prisma's server session may still be running a migration: end it "
              "(SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
              "application_name = '%s') before resolving",
              dp->appname);
        return;
    }
    d->ended_sessions = pids;
    d->nended_sessions = n;
    for (size_t i = 0; i < n; i++) {
        const char *m = gate_arena_printf(a, "ended Prisma's server session pid %ld", pids[i]);

        gate_notef("%s", m);
        gate_run_add_check(dp->run, "deploy.sessions", GATE_STATUS_PASS, m);
    }
}

/*
 * Progress of `prisma migrate deploy` on a terminal (progress.h): which
 * migration Prisma is applying, read every second from the gate's own
 * session (idle while Prisma runs): the _prisma_migrations row Prisma
 * wrote when it started the migration and has not finished yet. Prisma's
 * output names the migrations only once they are all applied.
 */
static void prisma_tick(void *user)
{
    struct deploy *dp = user;
    struct gate_db_result *r = NULL;
    struct gate_err err = {0};
    long long now = gate_clock_ms();
    char *sql, *q;

    if (dp->progress.mode != GATE_PROGRESS_TTY || !dp->db || now - dp->polled_ms < 1000) {
        gate_progress_tick(&dp->progress);
        return;
    }
    dp->polled_ms = now;
    q = gate_db_quote_ident(gate_db_url_schema(&dp->url));
    sql = gate_xasprintf("SELECT migration_name FROM %s._prisma_migrations WHERE finished_at IS "
                         "NULL AND rolled_back_at IS NULL ORDER BY started_at DESC LIMIT 1",
                         q);
    /* the table may not exist yet (a first deploy): then there is nothing to name */
    if (!gate_db_exec(dp->db, sql, &r, &err) && r && gate_db_result_rows(r) == 1 &&
        gate_db_result_value(r, 0, 0))
        gate_progress_update(&dp->progress, "prisma migrate deploy: running %s",
                             gate_db_result_value(r, 0, 0));
    else
        gate_progress_tick(&dp->progress);
    gate_db_result_free(r);
    free(sql);
    free(q);
}
/*
 * "Could not start": the CLI never reached Prisma, so nothing changed.
 * Decided from evidence only: posix_spawnp failed (ENOENT, EACCES ...),
 * or the command exited 126/127 (a shell's "cannot execute"/"not
 * found"), or it exited non-zero, _prisma_migrations is exactly as
 * before, and its output has none of the lines Prisma's CLI prints once
 * it runs (its config/schema/datasource lines, "N migrations found",
 * "Error: P<code>").
 */
static bool never_reached_prisma(struct deploy *dp, const struct gate_proc_result *r)
{
    static const char *const marks[] = {
        "Prisma schema loaded from", "Loaded Prisma config", "Datasource \"", "migrations found in",
        "migration found in",        "Prisma Schema",        "Error: P",      "prisma:"};
    const char *after;

    if (r->exit_code == 126 || r->exit_code == 127)
        return true;
    if (r->exit_code <= 0)
        return false;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(marks); i++) {
        if (strstr(r->output, marks[i]))
            return false;
    }
    if (!dp->hist_before || !db_usable(dp))
        return false;
    after = history_fingerprint(dp);
    return after && !strcmp(after, dp->hist_before);
}

static enum gate_exit cannot_start(struct deploy *dp, const char *why)
{
    struct gate_run_deploy *d = dp->d;

    d->could_not_start = true;
    d->error_code = "cannot-start";
    d->error_message = gate_arena_strdup(&dp->run->arena, why);
    gate_errorf("the Prisma CLI could not start (%s); nothing was changed", why);
    gate_run_add_check(dp->run, "deploy.prisma", GATE_STATUS_ERROR,
                       gate_arena_printf(&dp->run->arena,
                                         "the Prisma CLI could not start: %s; nothing was changed",
                                         why));
    guide(dp, "install the Prisma CLI in the project (npm install --save-dev prisma, the version "
              "your @prisma/client uses) and make project.prisma in the policy its argv, e.g. "
              "[npx, prisma] (npx must find it installed: the gate never lets it download one)");
    guide(dp, "check it runs: %s --version, from the directory you deploy in", dp->prisma);
    gate_notef("%s", d->guidance[d->nguidance - 2]);
    gate_notef("%s", d->guidance[d->nguidance - 1]);
    return GATE_EXIT_UNAVAILABLE;
}

static enum gate_exit run_prisma(struct deploy *dp)
{
    const struct gate_policy *pol = dp->pol;
    struct gate_run_deploy *d = dp->d;
    struct gate_arena *a = &dp->run->arena;
    struct gate_proc_opts o = {0};
    struct gate_proc_result r;
    struct gate_err err = {0};
    static const char *const cmd[] = {"migrate", "deploy"};
    const char **argv;
    char **env;
    size_t n = 0;
    enum gate_code rc;
    char sigbuf[32];

    /* --schema (and --config) as planned (prisma_cli.h) */
    argv = gate_prisma_argv(pol, dp->run->plan->prisma, cmd, GATE_ARRAY_SIZE(cmd), a, &n);
    d->argv = argv;
    d->argc = n;
    env = child_env(dp);
    env = with_appname(env, dp->appname);
    o.argv = argv;
    o.envp = env;
    o.timeout_ms = pol->deploy.timeout_ms;
    o.capture_max = CAPTURE_MAX;
    o.stream = true;
    o.on_tick = prisma_tick;
    o.user = dp;
    /* what Prisma's sessions and the history look like before it starts */
    dp->spawn_ts = query_value(dp, "SELECT clock_timestamp()::text");
    dp->hist_before = history_fingerprint(dp);
    /* GitHub: the group opens before the note and the stream's fence, closes after both */
    gate_progress_begin(&dp->progress, "prisma migrate deploy");
    gate_notef("running %s migrate deploy (timeout %lld s)", dp->prisma,
               pol->deploy.timeout_ms / 1000);
    gate_progress_update(&dp->progress, "prisma migrate deploy: starting");
    rc = gate_proc_run(&o, &r, &err);
    gate_progress_end(&dp->progress, NULL);
    free_env(env);
    if (rc) {
        d->stage = "prisma";
        if (r.spawn_errno)
            return cannot_start(dp, err.msg);
        gate_errorf("%s; nothing was changed", err.msg);
        gate_run_add_check(dp->run, "deploy.prisma", GATE_STATUS_ERROR, err.msg);
        return GATE_EXIT_UNAVAILABLE;
    }
    d->started = true;
    d->prisma_exit = r.exit_code;
    d->prisma_signal = r.signal;
    d->timed_out = r.timed_out;
    d->interrupted = r.interrupted != 0;
    d->interrupt_signal = r.interrupted;
    d->prisma_ms = r.elapsed_ms;
    {
        /* the last 40 lines for the report */
        const char *s = r.output + r.output_len;
        int lines = 0;

        while (s > r.output && lines <= 40) {
            s--;
            if (*s == '\n')
                lines++;
        }
        d->output_tail = gate_arena_strdup(a, s == r.output ? s : s + 1);
    }
    if (r.pipe_held)
        gate_warnf("a process outside Prisma's process group still held its output open %d s "
                   "after the group was killed: stopped reading it",
                   GATE_PROC_DRAIN_MS / 1000);
    if (r.group_left)
        gate_warnf("a process of Prisma's group %ld was still there %d s after SIGKILL", r.pid,
                   GATE_PROC_DRAIN_MS / 1000);
    /* a client that died mid-statement leaves the statement running on the server */
    if (r.interrupted || r.timed_out || r.signal || r.pipe_held)
        end_sessions(dp);
    if (r.interrupted || r.timed_out) {
        const char *why =
            r.interrupted
                ? gate_arena_printf(a, "prisma-gate received %s",
                                    gate_signal_name(r.interrupted, sigbuf, sizeof(sigbuf)))
                : gate_arena_printf(a, "deploy.timeout (%lld s) passed",
                                    pol->deploy.timeout_ms / 1000);

        if (r.interrupted)
            d->stopped_by =
                gate_arena_strdup(a, gate_signal_name(r.interrupted, sigbuf, sizeof(sigbuf)));
        d->error_code = r.interrupted ? "interrupted" : "timeout";
        d->error_message = gate_arena_printf(
            a, "%s: stopped `prisma migrate deploy` (process group %ld) with SIGTERM%s%s%s", why,
            r.pid, r.killed ? ", then SIGKILL" : "",
            d->nended_sessions ? ", and ended its server session" : "",
            d->nended_sessions > 1 ? "s" : "");
        gate_errorf("%s", d->error_message);
        gate_run_add_check(dp->run, "deploy.prisma", GATE_STATUS_FAIL, d->error_message);
        d->failed_migration = db_usable(dp) ? failed_row(dp) : NULL;
        guide(dp, "the deploy was stopped part-way: run `prisma-gate status` to see what was "
                  "applied");
        if (!d->nended_sessions)
            guide(dp, "a statement the server was already running may still finish or roll "
                      "back on its own: check pg_stat_activity on the target before resolving");
        else
            guide(dp,
                  "Prisma's server session%s ended: the migration's open transaction was "
                  "rolled back (a migration with its own COMMIT, or CREATE INDEX "
                  "CONCURRENTLY, may have left part of its work)",
                  d->nended_sessions == 1 ? " was" : "s were");
        guide_cut_off(dp);
        gate_proc_result_release(&r);
        return GATE_EXIT_DEPLOY_FAILED;
    }
    if (r.signal) {
        const char *name = gate_signal_name(r.signal, sigbuf, sizeof(sigbuf));

        d->error_code = "signal";
        d->error_message =
            gate_arena_printf(a, "`prisma migrate deploy` was killed by %s%s", name,
                              d->nended_sessions ? "; its server session was ended" : "");
        gate_errorf("%s", d->error_message);
        gate_run_add_check(dp->run, "deploy.prisma", GATE_STATUS_FAIL, d->error_message);
        d->failed_migration = db_usable(dp) ? failed_row(dp) : NULL;
        guide(dp, "run `prisma-gate status` to see what was applied before it died");
        guide_cut_off(dp);
        gate_proc_result_release(&r);
        return GATE_EXIT_DEPLOY_FAILED;
    }
    if (r.exit_code != 0 && never_reached_prisma(dp, &r)) {
        const char *line = line_with(a, r.output, "rror");
        enum gate_exit x = cannot_start(
            dp, gate_arena_printf(a, "`%s` exited %d%s%s", dp->prisma, r.exit_code,
                                  line ? ": " : " before Prisma ran", line ? line : ""));

        gate_proc_result_release(&r);
        return x;
    }
    if (r.exit_code != 0) {
        (void)db_usable(dp); /* the server may have gone away: read the history again */
        map_failure(dp, r.output);
        gate_errorf("`prisma migrate deploy` failed (exit %d%s%s)", r.exit_code,
                    d->error_code ? ", " : "", d->error_code ? d->error_code : "");
        gate_run_add_check(dp->run, "deploy.prisma", GATE_STATUS_FAIL,
                           gate_arena_printf(a, "prisma migrate deploy failed (%s): %s",
                                             d->error_code,
                                             d->error_message ? d->error_message : "see output"));
        gate_proc_result_release(&r);
        return GATE_EXIT_DEPLOY_FAILED;
    }
    gate_run_add_check(dp->run, "deploy.prisma", GATE_STATUS_PASS,
                       gate_arena_printf(a, "prisma migrate deploy succeeded in %.1f s",
                                         (double)r.elapsed_ms / 1000.0));
    gate_proc_result_release(&r);
    return GATE_EXIT_OK;
}

/* ------------------------------------------------------------ verify */

static void add_str(struct gate_arena *a, const char ***arr, size_t *n, size_t *cap, const char *s)
{
    GATE_ARENA_GROW(a, *arr, *cap, *n, *n + 1);
    (*arr)[(*n)++] = gate_arena_strdup(a, s);
}

static bool unplanned_rows(struct deploy *dp, const struct gate_hist_db *h);

/*
 * Mark what is applied; with strict, record what is not (exit 5). Rows
 * Prisma wrote for migrations not in the plan are recorded too
 * (unplanned_rows): exit 5 with strict, d->nunplanned for the caller
 * without.
 */
static enum gate_exit verify(struct deploy *dp, bool strict)
{
    struct gate_run *run = dp->run;
    struct gate_run_deploy *d = dp->d;
    struct gate_hist_db h;
    struct gate_err err = {0};
    size_t capa = 0, capp = 0;
    enum gate_code hrc;
    char sql[128];
    struct gate_db_result *lr = NULL;

    if (!db_usable(dp)) {
        if (strict)
            add_str(&run->arena, &d->verify_problems, &d->nverify_problems, &capp,
                    "the database could not be reached to verify the deploy");
        return strict ? GATE_EXIT_VERIFY_FAILED : GATE_EXIT_OK;
    }
    /* a lock on _prisma_migrations cannot hold the read (and the gate) forever */
    (void)snprintf(sql, sizeof(sql), "SET lock_timeout = %lld",
                   dp->pol->deploy.timeout_ms > 0 ? dp->pol->deploy.timeout_ms : 600000);
    (void)gate_db_exec(dp->db, sql, &lr, &err);
    gate_db_result_free(lr);
    gate_err_clear(&err);
    gate_db_cancel_on_stop(dp->db);
    hrc = gate_history_read(dp->db, gate_db_url_schema(&dp->url), &h, &err);
    gate_db_cancel_on_stop(NULL);
    lr = NULL;
    {
        struct gate_err e2 = {0};

        (void)gate_db_exec(dp->db, "RESET lock_timeout", &lr, &e2);
        gate_db_result_free(lr);
    }
    if (hrc) {
        gate_hist_db_release(&h);
        if (strict) {
            add_str(&run->arena, &d->verify_problems, &d->nverify_problems, &capp, err.msg);
            gate_errorf("cannot verify the deploy: %s", err.msg);
        }
        return strict ? GATE_EXIT_VERIFY_FAILED : GATE_EXIT_OK;
    }
    (void)unplanned_rows(dp, &h);
    for (size_t i = 0; i < run->nmigrations; i++) {
        struct gate_migration *m = run->migrations[i];
        const struct gate_hist_row *row = NULL;

        for (size_t k = 0; k < h.nrows; k++) {
            if (!strcmp(h.rows[k].name, m->name) &&
                gate_hist_row_state(&h.rows[k]) == GATE_MSTATE_APPLIED)
                row = &h.rows[k];
        }
        if (row && !strcmp(row->checksum, m->checksum)) {
            m->state = GATE_MSTATE_APPLIED;
            m->applied_at = gate_arena_strdup(&run->arena, row->finished_at);
            m->db_checksum = gate_arena_strdup(&run->arena, row->checksum);
            add_str(&run->arena, &d->applied, &d->napplied, &capa, m->name);
            continue;
        }
        if (!strict) {
            for (size_t k = 0; k < h.nrows; k++) {
                if (!strcmp(h.rows[k].name, m->name) &&
                    gate_hist_row_state(&h.rows[k]) == GATE_MSTATE_FAILED)
                    m->state = GATE_MSTATE_FAILED;
            }
            continue;
        }
        if (row)
            add_str(&run->arena, &d->verify_problems, &d->nverify_problems, &capp,
                    gate_arena_printf(&run->arena,
                                      "%s is applied with checksum %.12s..., but the plan had "
                                      "%.12s...: the file changed between plan and deploy",
                                      m->name, row->checksum, m->checksum));
        else
            add_str(&run->arena, &d->verify_problems, &d->nverify_problems, &capp,
                    gate_arena_printf(&run->arena,
                                      "%s is not applied: _prisma_migrations has no finished "
                                      "row for it",
                                      m->name));
    }
    if (strict) {
        size_t caph = 0;

        for (size_t k = h.nrows; k-- > 0 && d->nhistory < 5;) {
            const struct gate_hist_row *r = &h.rows[k];

            if (gate_hist_row_state(r) == GATE_MSTATE_APPLIED)
                add_str(&run->arena, &d->history, &d->nhistory, &caph,
                        gate_arena_printf(&run->arena, "%s (%s)", r->name, r->finished_at));
        }
    }
    gate_hist_db_release(&h);
    if (!strict)
        return GATE_EXIT_OK;
    if (d->nunplanned && !d->nverify_problems)
        return GATE_EXIT_VERIFY_FAILED; /* unplanned_rows reported it */
    if (d->nverify_problems) {
        for (size_t i = 0; i < d->nverify_problems; i++)
            gate_errorf("verify: %s", d->verify_problems[i]);
        gate_run_add_check(run, "deploy.verify", GATE_STATUS_FAIL,
                           gate_arena_printf(&run->arena,
                                             "%zu planned migration%s did not "
                                             "verify: %s",
                                             d->nverify_problems,
                                             d->nverify_problems == 1 ? "" : "s",
                                             d->verify_problems[0]));
        guide(dp, "compare `prisma-gate status` with the plan: a migration not applied or "
                  "applied with other contents needs a look before anything else is deployed");
        return GATE_EXIT_VERIFY_FAILED;
    }
    d->verified = true;
    gate_run_add_check(run, "deploy.verify", GATE_STATUS_PASS,
                       gate_arena_printf(&run->arena,
                                         "%zu planned migration%s applied with the planned "
                                         "checksum%s",
                                         d->napplied, d->napplied == 1 ? "" : "s",
                                         d->napplied == 1 ? "" : "s"));
    return GATE_EXIT_OK;
}

/* ------------------------------------------------------------ databases */

/* "host:port/db" of a URL (never its password). */
static const char *where_url(struct gate_arena *a, const struct gate_db_url *u)
{
    return gate_arena_printf(a, "%s:%d/%s", u->host, u->port, u->database);
}

/* What the server said, for messages. */
static const char *where_ident(struct gate_arena *a, const struct gate_db_identity *id)
{
    return gate_arena_printf(a, "server %s port %d, database %s, system identifier %s",
                             *id->addr ? id->addr : "(Unix socket)", id->port, id->database,
                             *id->system_identifier ? id->system_identifier : "unknown");
}

/* Refuse before anything runs (exit 1): the message, a check, guidance. */
static enum gate_exit refuse_db(struct deploy *dp, const char *msg)
{
    gate_errorf("deploy refused: %s; nothing was applied", msg);
    gate_run_add_check(dp->run, "deploy.database", GATE_STATUS_FAIL, msg);
    guide(dp, "%s", msg);
    dp->d->stage = "refused";
    return GATE_EXIT_CLOSED;
}

/*
 * The gate holds its advisory lock (GATE_PLAN_LOCK_KEY) on the target:
 * a connection that can take it is not on the target database, whatever
 * its identity says (a copy of the cluster restored elsewhere keeps the
 * system identifier, and may keep the port and the database name).
 */
static bool lock_is_free(struct gate_db *db)
{
    struct gate_db_result *r = NULL;
    struct gate_err err = {0};
    char sql[128];
    bool freed;

    (void)snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock(%lld::bigint)",
                   GATE_PLAN_LOCK_KEY);
    if (gate_db_exec(db, sql, &r, &err))
        return false;
    freed = r && gate_db_result_rows(r) == 1 && !strcmp(gate_db_result_value(r, 0, 0), "t");
    gate_db_result_free(r);
    if (freed) {
        (void)snprintf(sql, sizeof(sql), "SELECT pg_advisory_unlock(%lld::bigint)",
                       GATE_PLAN_LOCK_KEY);
        if (!gate_db_exec(db, sql, &r, &err))
            gate_db_result_free(r);
    }
    return freed;
}

/*
 * Does the URL value (from label) reach the checked database? 0 when it
 * does; else the exit status, reported: 1 another database (or one
 * Prisma would reach elsewhere), 2 not a URL, 3 unreachable. shadow:
 * the opposite is wanted (it must NOT be the target); unreachable is
 * then only a warning.
 */
static enum gate_exit same_db(struct deploy *dp, const char *value, const char *label, bool shadow)
{
    struct gate_arena *a = &dp->run->arena;
    const struct gate_target *t = dp->run->target;
    struct gate_db_identity want, got;
    struct gate_db_url u;
    struct gate_db *db = NULL;
    struct gate_err err = {0};
    enum gate_exit rc = GATE_EXIT_OK;
    bool same;

    memset(&want, 0, sizeof(want));
    if (t->system_identifier)
        (void)snprintf(want.system_identifier, sizeof(want.system_identifier), "%s",
                       t->system_identifier);
    want.port = t->server_port;
    (void)snprintf(want.database, sizeof(want.database), "%s",
                   t->server_database ? t->server_database : "");
    (void)snprintf(want.addr, sizeof(want.addr), "%s", t->server_addr ? t->server_addr : "");
    if (!*want.system_identifier) {
        if (shadow) {
            gate_run_add_check(dp->run, "deploy.shadow", GATE_STATUS_WARN,
                               "the target's server identity (pg_control_system()) could not be "
                               "read: the shadow database is not compared with it");
            return GATE_EXIT_OK;
        }
        return refuse_db(dp, gate_arena_printf(a,
                                               "the target's server identity "
                                               "(pg_control_system()) could not be read, so %s "
                                               "cannot be checked against it",
                                               label));
    }
    if (gate_db_url_parse(value, &u, &err)) {
        gate_errorf("%s: %s", label, err.msg);
        return err.code == GATE_E_USAGE ? GATE_EXIT_USAGE : GATE_EXIT_UNAVAILABLE;
    }
    if (!shadow && gate_db_url_check_hostaddr(&u, &err)) {
        rc = refuse_db(dp, gate_arena_printf(a, "%s: %s", label, err.msg));
        goto out;
    }
    if (gate_db_connect(&u, &db, &err)) {
        if (shadow) {
            gate_run_add_check(dp->run, "deploy.shadow", GATE_STATUS_WARN,
                               gate_arena_printf(a,
                                                 "%s (%s) could not be reached, so it is not "
                                                 "compared with the target; migrate deploy does "
                                                 "not use it",
                                                 label, where_url(a, &u)));
            goto out;
        }
        gate_errorf("cannot check %s (%s), which Prisma Migrate would connect to: %s; nothing "
                    "was changed",
                    label, where_url(a, &u), err.msg);
        gate_run_add_check(dp->run, "deploy.database", GATE_STATUS_ERROR, err.msg);
        rc = GATE_EXIT_UNAVAILABLE;
        goto out;
    }
    if (gate_db_identity(db, &got, &err)) {
        if (!shadow) {
            gate_errorf("cannot read which server %s reaches: %s; nothing was changed", label,
                        err.msg);
            rc = GATE_EXIT_UNAVAILABLE;
        }
        goto out;
    }
    same = gate_db_same_database(&got, &want) && !lock_is_free(db);
    if (shadow && same) {
        rc = refuse_db(
            dp, gate_arena_printf(a,
                                  "%s (%s) is the target database itself (%s): a shadow "
                                  "database is reset by Prisma; point it at an empty scratch "
                                  "database",
                                  label, where_url(a, &u), where_ident(a, &got)));
    } else if (!shadow && !same) {
        rc = refuse_db(
            dp, gate_arena_printf(a,
                                  "%s points at %s (%s), but the gate checked and planned the "
                                  "target %s (%s)%s: Prisma Migrate would connect through "
                                  "it and migrate another database; point it at the target "
                                  "(or name the target's direct URL variable with "
                                  "targets.NAME.direct_url_env)",
                                  label, where_url(a, &u), where_ident(a, &got),
                                  where_url(a, &dp->url), where_ident(a, &want),
                                  gate_db_same_database(&got, &want)
                                      ? " - the same identity, but the gate's lock on the "
                                        "target is not held there: a copy of the cluster"
                                      : ""));
    } else if (!shadow) {
        gate_run_add_check(dp->run, "deploy.database", GATE_STATUS_PASS,
                           gate_arena_printf(a, "%s reaches the target database (%s)", label,
                                             where_ident(a, &got)));
    }
out:
    gate_db_close(db);
    gate_db_url_release(&u);
    return rc;
}

/*
 * A directUrl (what: the schema's or the config's) named env_name or
 * written as literal: the literal must reach the target; else the target's
 * direct_url_env, else the variable's own value when the environment sets
 * it, must reach the target; else the variable gets the target's URL.
 * Sets dp->direct_value. 0, or the exit status (reported).
 */
static enum gate_exit check_direct(struct deploy *dp, const struct gate_policy_target *t,
                                   const char *env_name, const char *literal, const char *what)
{
    struct gate_arena *a = &dp->run->arena;
    enum gate_exit rc;
    const char *v;

    if (literal) {
        rc = same_db(dp, literal, gate_arena_printf(a, "%s (a literal)", what), false);
        if (!rc)
            dp->direct_value = literal;
        return rc;
    }
    if (!env_name)
        return GATE_EXIT_OK;
    if (t->direct_url_env) {
        v = getenv(t->direct_url_env);
        if (!v || !*v) {
            gate_errorf("%s is not set: the target%s%s names it as direct_url_env (what %s, "
                        "env(\"%s\"), gets); nothing was changed",
                        t->direct_url_env, t->name ? " " : "", t->name ? t->name : "", what,
                        env_name);
            return GATE_EXIT_USAGE;
        }
        rc = same_db(dp, v,
                     gate_arena_printf(a, "%s (the target's direct_url_env, given to Prisma as %s)",
                                       t->direct_url_env, env_name),
                     false);
        if (!rc)
            dp->direct_value = v;
        return rc;
    }
    v = getenv(env_name);
    if (v && *v) {
        rc = same_db(dp, v,
                     gate_arena_printf(a, "%s (%s = env(\"%s\"), set in the environment)", env_name,
                                       what, env_name),
                     false);
        if (!rc)
            dp->direct_value = v;
        return rc;
    }
    dp->direct_value = dp->url_value;
    gate_run_add_check(dp->run, "deploy.database", GATE_STATUS_PASS,
                       gate_arena_printf(a,
                                         "%s (%s) is not set: Prisma gets the target's URL in it",
                                         env_name, what));
    return GATE_EXIT_OK;
}

/* name is one of names[0..n) (NULL entries skipped). */
static bool one_of(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && !strcmp(names[i], name))
            return true;
    return false;
}

/* value is a postgres:// or postgresql:// URL. */
static bool pg_url(const char *value)
{
    return value && (!strncmp(value, "postgres://", 11) || !strncmp(value, "postgresql://", 13));
}

/*
 * A driver adapter in the Prisma config (Prisma 6, engine 'js'): Prisma
 * Migrate connects through it, wherever its code says, which the gate
 * cannot see. What it can check: every variable the config's code reads
 * that holds a postgres URL, other than those the deploy sets to the
 * target and the shadow's, must reach the target too. When the code reads
 * a variable it does not name (process.env[name], env(name), the whole
 * process.env), that is every variable in the environment holding one.
 */
static enum gate_exit check_adapter(struct deploy *dp, const struct gate_policy_target *t)
{
    const struct gate_prisma_use *u = dp->run->plan->prisma;
    struct gate_arena *a = &dp->run->arena;
    const char *const set[] = {
        "DATABASE_URL",    t->url_env,        u->url_env,    u->cfg_url_env,    u->direct_env,
        u->cfg_direct_env, t->direct_url_env, u->shadow_env, u->cfg_shadow_env, t->shadow_url_env};
    enum gate_exit rc;

    if (u->config_url_built)
        return refuse_db(dp, gate_arena_printf(a,
                                               "the Prisma config %s builds a postgres URL in a "
                                               "template literal (%s) and its driver adapter at "
                                               "line %d may connect through it: the gate cannot "
                                               "tell which database that is; read the URL from "
                                               "a variable instead",
                                               u->config, u->config_url_built, u->adapter_line));
    for (size_t i = 0; i < u->nconfig_url_lits; i++) {
        const char *lit = u->config_url_lits[i];

        if ((u->cfg_shadow_lit && !strcmp(lit, u->cfg_shadow_lit)) ||
            (u->cfg_url_lit && !strcmp(lit, u->cfg_url_lit)) ||
            (u->cfg_direct_lit && !strcmp(lit, u->cfg_direct_lit)))
            continue; /* the datasource's, checked as such */
        rc = same_db(dp, lit,
                     gate_arena_printf(a,
                                       "a postgres URL written in the Prisma config %s (its "
                                       "driver adapter at line %d may connect through it)",
                                       u->config, u->adapter_line),
                     false);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < u->nconfig_env_reads; i++) {
        const char *name = u->config_env_reads[i];
        const char *v = getenv(name);

        if (one_of(name, set, GATE_ARRAY_SIZE(set)) || !pg_url(v))
            continue;
        rc = same_db(dp, v,
                     gate_arena_printf(a,
                                       "%s (read by the Prisma config %s, whose driver adapter "
                                       "at line %d Prisma Migrate connects through; unset it or "
                                       "point it at the target in the deploy job)",
                                       name, u->config, u->adapter_line),
                     false);
        if (rc)
            return rc;
    }
    for (char **e = environ; u->config_env_any && e && *e; e++) {
        const char *eq = strchr(*e, '=');
        char *name;

        if (!eq || !pg_url(eq + 1))
            continue;
        name = gate_arena_strndup(a, *e, (size_t)(eq - *e));
        if (one_of(name, set, GATE_ARRAY_SIZE(set)) ||
            one_of(name, u->config_env_reads, u->nconfig_env_reads))
            continue; /* the target's, the shadow's, or checked above */
        rc = same_db(dp, eq + 1,
                     gate_arena_printf(a,
                                       "%s (in the environment; the Prisma config %s reads "
                                       "variables by a name computed in code, %s, so its "
                                       "driver adapter at line %d may connect through any of "
                                       "them; unset it or point it at the target in the deploy "
                                       "job)",
                                       name, u->config, u->config_env_any, u->adapter_line),
                     false);
        if (rc)
            return rc;
    }
    return GATE_EXIT_OK;
}

/*
 * Every URL Prisma may use must reach the database the gate checked:
 * the target URL itself (hostaddr), a literal url in the schema, the
 * directUrl (a literal, the target's direct_url_env, or the variable the
 * schema names when the environment sets it), and the shadow database
 * must NOT be it. Decides dp->direct_value. 0, or the exit status.
 */
static enum gate_exit check_urls(struct deploy *dp, const struct gate_policy_target *t)
{
    const struct gate_prisma_use *u = dp->run->plan->prisma;
    struct gate_arena *a = &dp->run->arena;
    struct gate_err err = {0};
    enum gate_exit rc;
    const char *v;

    if (!t)
        return GATE_EXIT_USAGE; /* gate_plan_connect reported it */
    if (gate_db_url_check_hostaddr(&dp->url, &err))
        return refuse_db(dp, gate_arena_printf(a, "%s: %s", t->url_env, err.msg));
    if (!u)
        return GATE_EXIT_OK;
    if (u->url_lit) {
        rc = same_db(dp, u->url_lit, "the schema's literal url", false);
        if (rc)
            return rc;
    }
    if (u->cfg_url_lit) {
        rc = same_db(dp, u->cfg_url_lit, "the Prisma config's literal datasource.url", false);
        if (rc)
            return rc;
    }
    rc = check_direct(dp, t, u->direct_env, u->direct_lit, "the schema's directUrl");
    if (!rc)
        rc = check_direct(dp, t, u->cfg_direct_env, u->cfg_direct_lit,
                          "the Prisma config's datasource.directUrl");
    if (rc)
        return rc;
    if (t->direct_url_env && !u->direct_env && !u->direct_lit && !u->cfg_direct_env &&
        !u->cfg_direct_lit)
        gate_run_add_check(dp->run, "deploy.database", GATE_STATUS_WARN,
                           gate_arena_printf(a,
                                             "the target names direct_url_env %s, but neither "
                                             "the schema nor the Prisma config has a directUrl: "
                                             "Prisma uses the url",
                                             t->direct_url_env));
    v = u->shadow_lit ? u->shadow_lit : u->shadow_env ? getenv(u->shadow_env) : NULL;
    if (v && *v) {
        rc = same_db(dp, v,
                     u->shadow_lit ? "the schema's literal shadowDatabaseUrl"
                                   : gate_arena_printf(a, "%s (the schema's shadowDatabaseUrl)",
                                                       u->shadow_env),
                     true);
        if (rc)
            return rc;
    }
    v = u->cfg_shadow_lit   ? u->cfg_shadow_lit
        : u->cfg_shadow_env ? getenv(u->cfg_shadow_env)
                            : NULL;
    if (v && *v) {
        rc = same_db(
            dp, v,
            u->cfg_shadow_lit
                ? "the Prisma config's literal datasource.shadowDatabaseUrl"
                : gate_arena_printf(a, "%s (the Prisma config's datasource.shadowDatabaseUrl)",
                                    u->cfg_shadow_env),
            true);
        if (rc)
            return rc;
    }
    return u->adapter_line ? check_adapter(dp, t) : GATE_EXIT_OK;
}

/* ------------------------------------------------------------ unplanned rows */

/* The ids of the rows _prisma_migrations holds before Prisma runs; 0 or exit 3 (reported). */
static enum gate_exit snapshot_rows(struct deploy *dp)
{
    struct gate_hist_db h;
    struct gate_err err = {0};
    enum gate_code rc;

    gate_db_cancel_on_stop(dp->db); /* a stop signal ends a wait for a lock */
    rc = gate_history_read(dp->db, gate_db_url_schema(&dp->url), &h, &err);
    gate_db_cancel_on_stop(NULL);
    if (rc) {
        gate_hist_db_release(&h);
        if (gate_stop_signal())
            return GATE_EXIT_UNAVAILABLE; /* the caller reports the stop */
        gate_errorf("cannot read _prisma_migrations before starting Prisma (needed to tell "
                    "afterwards what it applied): %s; nothing was changed",
                    err.msg);
        gate_run_add_check(dp->run, "deploy.unplanned", GATE_STATUS_ERROR, err.msg);
        return GATE_EXIT_UNAVAILABLE;
    }
    dp->ids = gate_xcalloc(h.nrows + 1, sizeof(*dp->ids));
    for (size_t i = 0; i < h.nrows; i++)
        dp->ids[dp->nids++] = gate_xstrdup(h.rows[i].id);
    dp->ids_read = true;
    gate_hist_db_release(&h);
    return GATE_EXIT_OK;
}

static void free_snapshot(struct deploy *dp)
{
    for (size_t i = 0; i < dp->nids; i++)
        free(dp->ids[i]);
    free(dp->ids);
    dp->ids = NULL;
    dp->nids = 0;
}

/*
 * Rows Prisma wrote for migrations the plan did not contain (h: the
 * history read after Prisma ran; rows whose id was there before are
 * not Prisma's): named in the report (deploy.unplanned) with recovery
 * steps. true when any.
 */
static bool unplanned_rows(struct deploy *dp, const struct gate_hist_db *h)
{
    struct gate_run *run = dp->run;
    struct gate_run_deploy *d = dp->d;
    struct gate_arena *a = &run->arena;
    size_t cap = 0;

    if (!dp->ids_read)
        return false;
    dp->ids_read = false; /* once: verify may read the history twice */
    for (size_t i = 0; i < h->nrows; i++) {
        const struct gate_hist_row *r = &h->rows[i];
        bool old = false, planned = false;

        for (size_t k = 0; k < dp->nids && !old; k++)
            old = !strcmp(dp->ids[k], r->id);
        for (size_t k = 0; k < run->nmigrations && !planned; k++)
            planned = !strcmp(run->migrations[k]->name, r->name);
        if (old || planned)
            continue;
        add_str(a, &d->unplanned, &d->nunplanned, &cap, r->name);
    }
    if (!d->nunplanned)
        return false;
    for (size_t i = 0; i < d->nunplanned; i++)
        gate_errorf("Prisma applied %s, which the plan did not contain", d->unplanned[i]);
    gate_run_add_check(run, "deploy.unplanned", GATE_STATUS_FAIL,
                       gate_arena_printf(a,
                                         "Prisma wrote %zu _prisma_migrations row%s for "
                                         "migrations the plan did not contain: %s%s",
                                         d->nunplanned, d->nunplanned == 1 ? "" : "s",
                                         d->unplanned[0], d->nunplanned > 1 ? ", ..." : ""));
    guide(dp,
          "Prisma applied migration%s the gate did not plan (%s%s): its migrations folder held "
          "more than the folder the gate planned from",
          d->nunplanned == 1 ? "" : "s", d->unplanned[0], d->nunplanned > 1 ? ", ..." : "");
    guide(dp,
          "inspect what ran: SELECT migration_name, started_at, finished_at, logs FROM "
          "_prisma_migrations WHERE migration_name = '%s'; and read that migration.sql in "
          "Prisma's folder",
          d->unplanned[0]);
    guide(dp,
          "Prisma has no down migrations: to undo it, write and deploy a new migration that "
          "reverses it; if it failed half-way, undo what it did and run %s migrate resolve "
          "--rolled-back \"%s\"",
          dp->prisma, d->unplanned[0]);
    guide(dp, "then make Prisma's migrations folder and the planned one the same (project.schema, "
              "project.migrations, --migrations and the Prisma config's migrations.path) so the "
              "plan shows everything Prisma applies");
    return true;
}

/* ------------------------------------------------------------ stop */

/*
 * A stop signal (stop.h) came while the deploy was at d->stage (not
 * Prisma's run: run_prisma reports that one). Recorded in the report; the
 * exit status: 3 before Prisma ran (nothing changed), 5 after it (the
 * migrations are applied, the verification or the health checks did
 * not finish).
 */
static enum gate_exit stopped(struct deploy *dp)
{
    struct gate_run_deploy *d = dp->d;
    struct gate_arena *a = &dp->run->arena;
    char buf[32];
    const char *sig = gate_signal_name(gate_stop_signal(), buf, sizeof(buf));
    const char *msg;
    enum gate_exit rc;

    d->stopped_by = gate_arena_strdup(a, sig);
    d->interrupt_signal = gate_stop_signal();
    if (!strcmp(d->stage, "lock") || !strcmp(d->stage, "plan")) {
        msg = gate_arena_printf(
            a,
            "prisma-gate received %s while %s: Prisma was not started, "
            "nothing was changed",
            sig, !strcmp(d->stage, "lock") ? "waiting for the gate lock" : "computing the plan");
        rc = GATE_EXIT_UNAVAILABLE;
        guide(dp, "deploy again when ready: nothing was applied");
    } else if (!strcmp(d->stage, "verify")) {
        msg = gate_arena_printf(a,
                                "prisma-gate received %s while verifying the deploy: `prisma "
                                "migrate deploy` had finished, its result is not verified",
                                sig);
        rc = GATE_EXIT_VERIFY_FAILED;
        guide(dp, "run `prisma-gate status` to see what is applied, and compare it with the "
                  "plan");
    } else {
        msg = gate_arena_printf(a,
                                "prisma-gate received %s during the health checks: the "
                                "migrations are applied and verified; the application's health "
                                "is unknown",
                                sig);
        rc = GATE_EXIT_VERIFY_FAILED;
        guide(dp, "check the application now (its logs, `prisma-gate health`)");
    }
    gate_errorf("%s", msg);
    gate_run_add_check(dp->run, "deploy.stopped", GATE_STATUS_ERROR, msg);
    return rc;
}

/* ------------------------------------------------------------ command */

static const char *argv_line(struct gate_arena *a, const struct gate_policy *pol)
{
    struct gate_buf b = {0};
    const char *s;

    for (size_t i = 0; i < pol->project.nprisma; i++) {
        if (i)
            gate_buf_addc(&b, ' ');
        gate_shell_word_buf(&b, pol->project.prisma[i]);
    }
    s = gate_arena_strdup(a, b.len ? gate_buf_str(&b) : "npx prisma");
    gate_buf_release(&b);
    return s;
}

static enum gate_exit finish(struct deploy *dp, enum gate_exit rc)
{
    struct gate_run *run = dp->run;
    struct gate_err err = {0};

    run->verdict =
        rc == GATE_EXIT_OK ? GATE_VERDICT_PASS
        : rc == GATE_EXIT_CLOSED || rc == GATE_EXIT_DEPLOY_FAILED || rc == GATE_EXIT_VERIFY_FAILED
            ? GATE_VERDICT_FAIL
            : GATE_VERDICT_ERROR;
    if (dp->cli->checklist && run->plan &&
        gate_plan_write_checklist(run, dp->pol, dp->cli->checklist, &err)) {
        gate_errorf("%s", err.msg);
        /* it was writable before the deploy: once Prisma ran, never "nothing changed" */
        if (rc == GATE_EXIT_OK || rc == GATE_EXIT_CLOSED)
            rc = dp->d->started && !dp->d->could_not_start ? GATE_EXIT_VERIFY_FAILED
                                                           : GATE_EXIT_UNAVAILABLE;
    } else if (dp->cli->checklist && run->plan) {
        gate_notef("deployment checklist written to %s", dp->cli->checklist);
    }
    free_snapshot(dp);
    gate_db_close(dp->db); /* releases the gate lock */
    dp->db = NULL;
    gate_db_url_release(&dp->url);
    return rc;
}

enum gate_exit gate_cmd_deploy(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    struct deploy dp;
    struct gate_plan_opts opts;
    struct gate_err err = {0};
    const struct gate_policy_target *t;
    enum gate_exit rc;
    const char *migrations_dir;

    (void)out;
    memset(&dp, 0, sizeof(dp));
    if (cli->nargs) {
        gate_errorf("deploy takes no arguments, got '%s'", cli->args[0]);
        return GATE_EXIT_USAGE;
    }
    /* from here on SIGTERM, SIGINT, SIGHUP and SIGPIPE end the deploy with its report */
    gate_stop_install();
    dp.cli = cli;
    dp.run = run;
    dp.pol = cli->pol;
    dp.d = gate_arena_alloc(&run->arena, sizeof(*dp.d));
    memset(dp.d, 0, sizeof(*dp.d));
    dp.d->stage = "lock";
    dp.d->token_kind = "none";
    dp.d->token_status = "not-needed";
    dp.d->prisma_exit = -1;
    run->deploy = dp.d;
    dp.prisma = argv_line(&run->arena, dp.pol);
    if (!dp.pol->project.nprisma || !dp.pol->project.prisma[0] || !*dp.pol->project.prisma[0]) {
        gate_errorf("the policy's project.prisma is empty: deploy needs the Prisma CLI's argv, "
                    "e.g. [npx, prisma]");
        return GATE_EXIT_USAGE;
    }
    /*
     * The health checks and the reports come after the deploy: libcurl and
     * libxml2 are loaded now, so that a missing one stops the deploy
     * before anything is changed; libcurl also before any thread starts
     * (curl_global_init).
     */
    if ((dp.pol->nhealth && gate_http_global_init(&err)) || gate_reports_load(cli, dp.pol, &err)) {
        gate_errorf("%s; nothing was changed", err.msg);
        return GATE_EXIT_UNAVAILABLE;
    }
    if (gate_project_migrations_dir(cli->schema, cli->migrations, dp.pol, &run->arena,
                                    &migrations_dir, &err)) {
        gate_errorf("%s; nothing was changed", err.msg);
        return err.code == GATE_E_USAGE ? GATE_EXIT_USAGE : GATE_EXIT_UNAVAILABLE;
    }
    rc = gate_plan_connect(run, dp.pol, cli->target, migrations_dir, cli->command, &opts, &dp.url,
                           &dp.db);
    if (rc)
        return rc;
    t = gate_policy_target(dp.pol, cli->target, &err);
    dp.url_value = t ? getenv(t->url_env) : NULL;

    (void)snprintf(dp.appname, sizeof(dp.appname), "prisma-gate-deploy-%ld", (long)getpid());
    rc = take_lock(&dp);
    if (gate_stop_signal())
        return finish(&dp, stopped(&dp));
    if (rc)
        return finish(&dp, rc);
    dp.d->stage = "plan";
    gate_db_cancel_on_stop(dp.db);
    rc = gate_plan_compute(run, &opts, &dp.url, dp.db, &err) ? GATE_EXIT_UNAVAILABLE : GATE_EXIT_OK;
    gate_db_cancel_on_stop(NULL);
    if (gate_stop_signal())
        return finish(&dp, stopped(&dp));
    if (rc) {
        gate_errorf("%s; nothing was changed", err.msg);
        gate_run_add_check(run, "plan", GATE_STATUS_ERROR, err.msg);
        return finish(&dp, GATE_EXIT_UNAVAILABLE);
    }
    if (run->plan->decision == GATE_PLAN_REFUSED || run->plan->decision == GATE_PLAN_BLOCKED)
        gate_notef("plan %s", run->plan->digest); /* the reason: once, in the refusal below */
    else
        gate_notef("plan %s: %s", run->plan->digest, run->plan->reason);
    switch (run->plan->decision) {
    case GATE_PLAN_REFUSED:
    case GATE_PLAN_BLOCKED:
        rc = GATE_EXIT_CLOSED;
        gate_errorf("deploy refused: %s; nothing was applied", run->plan->reason);
        break;
    case GATE_PLAN_CONFIRM:
        rc = check_token(&dp);
        if (rc == GATE_EXIT_CLOSED)
            gate_errorf("deploy refused: %s; nothing was applied", dp.d->token_message);
        break;
    default:
        rc = GATE_EXIT_OK;
        break;
    }
    if (rc) {
        dp.d->stage = "refused";
        if (rc == GATE_EXIT_CLOSED)
            deploy_later(&dp);
        return finish(&dp, rc);
    }

    if (gate_stop_signal())
        return finish(&dp, stopped(&dp));
    if (run->plan->decision == GATE_PLAN_NOTHING) {
        /* nothing planned: Prisma is not started at all */
        gate_notef("nothing to deploy: %s; Prisma was not started", run->plan->reason);
        gate_run_add_check(run, "deploy.prisma", GATE_STATUS_SKIP,
                           "nothing to deploy: prisma migrate deploy was not started");
    } else {
        rc = check_urls(&dp, t);
        if (rc) {
            if (rc == GATE_EXIT_CLOSED)
                dp.d->stage = "refused";
            return finish(&dp, rc);
        }
        rc = snapshot_rows(&dp);
        if (gate_stop_signal())
            return finish(&dp, stopped(&dp));
        if (rc)
            return finish(&dp, rc);
        dp.d->stage = "prisma";
        rc = run_prisma(&dp);
        if (rc) {
            if (dp.d->started) {
                (void)verify(&dp, false);
                if (dp.d->nunplanned)
                    rc = GATE_EXIT_VERIFY_FAILED;
            }
            return finish(&dp, rc);
        }
    }
    dp.d->stage = "verify";
    rc = verify(&dp, true);
    if (gate_stop_signal())
        return finish(&dp, stopped(&dp));
    if (rc)
        return finish(&dp, rc);
    dp.d->stage = "health";
    if (dp.pol->nhealth) {
        dp.d->health_failed = gate_health_run(run, dp.pol->health, dp.pol->nhealth);
        if (gate_stop_signal())
            return finish(&dp, stopped(&dp));
        if (dp.d->health_failed) {
            gate_errorf("%zu health check%s failed after the deploy", dp.d->health_failed,
                        dp.d->health_failed == 1 ? "" : "s");
            guide(&dp, "the migrations are applied and verified, but the application is not "
                       "healthy: check it now (its logs, `prisma-gate health`)");
            guide(&dp, "rolling back means a new migration that undoes the change (see the "
                       "checklist's rollback notes); Prisma has no down migrations");
            return finish(&dp, GATE_EXIT_VERIFY_FAILED);
        }
    }
    dp.d->stage = "done";
    if (dp.d->napplied)
        guide(&dp, "applied %zu migration%s; run `prisma-gate status` to see the history",
              dp.d->napplied, dp.d->napplied == 1 ? "" : "s");
    else
        guide(&dp, "nothing was pending: the database is up to date");
    return finish(&dp, GATE_EXIT_OK);
}
