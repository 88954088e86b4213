/* SPDX-License-Identifier: MIT */
/*
 * cmd/plan.c - `prisma-gate plan` (the target's pending migrations, their
 * risk and impact, the affected tables' live sizes, the policy's decision
 * and the plan digest), the target resolution and connection plan,
 * approve (cmd/approve.c), status and deploy share, and the plan that
 * plan and approve compute (gate_plan_for_command).
 *
 * plan exit: 0 deploy would go ahead without a token (or nothing is
 * pending), 1 it needs a confirmation token, the policy blocks it or the
 * history is not deployable, 2 usage, 3 could not evaluate.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/cmd_common.h"
#include "gate/db.h"
#include "gate/fs.h"
#include "gate/history.h"
#include "gate/msg.h"
#include "gate/plan.h"
#include "gate/policy.h"
#include "gate/report_out.h"

#include <stdlib.h>
#include <string.h>

/* The URL makes libpq refuse a connection without TLS. */
static bool tls_required(const struct gate_db_url *u)
{
    for (size_t i = 0; i < u->nparams; i++) {
        const char *k = u->params[2 * i], *v = u->params[2 * i + 1];

        if (!strcmp(k, "sslmode"))
            return !strcmp(v, "require") || !strcmp(v, "verify-ca") || !strcmp(v, "verify-full");
    }
    return false;
}

enum gate_exit gate_target_resolve(const struct gate_policy *pol, const char *name,
                                   const char *command, const struct gate_policy_target **target,
                                   struct gate_db_url *url)
{
    const struct gate_policy_target *t;
    struct gate_err err = {0};
    const char *val;

    memset(url, 0, sizeof(*url));
    *target = NULL;
    t = gate_policy_target(pol, name, &err);
    if (!t) {
        gate_errorf("%s", err.msg);
        return GATE_EXIT_USAGE;
    }
    val = getenv(t->url_env);
    if (!val || !*val) {
        gate_errorf("%s is not set: %s reads the %s%s%sdatabase URL from it (e.g. "
                    "postgresql://USER:PASSWORD@HOST:5432/DATABASE?schema=public)",
                    t->url_env, command, t->name ? "'" : "", t->name ? t->name : "",
                    t->name ? "' " : "target ");
        return GATE_EXIT_USAGE;
    }
    if (gate_db_url_parse(val, url, &err)) {
        gate_errorf("%s: %s", t->url_env, err.msg);
        return err.code == GATE_E_USAGE ? GATE_EXIT_USAGE : GATE_EXIT_UNAVAILABLE;
    }
    if (t->require_tls && !tls_required(url)) {
        gate_errorf("the policy's target%s%s requires TLS, but %s does not ask for it: add "
                    "sslmode=require (or verify-full) to the URL",
                    t->name ? " " : "", t->name ? t->name : "", t->url_env);
        gate_db_url_release(url);
        return GATE_EXIT_USAGE;
    }
    *target = t;
    return GATE_EXIT_OK;
}

/*
 * A connection that failed: said on stderr and, with a run, as its
 * db.connection check, naming the target it was for.
 */
static void connect_failed(struct gate_run *run, const struct gate_plan_opts *opts,
                           const struct gate_db_url *url, const char *msg)
{
    gate_errorf("%s", msg);
    if (!run)
        return;
    gate_plan_set_target(run, opts, url);
    gate_run_add_check(run, "db.connection", GATE_STATUS_ERROR, msg);
    run->verdict = GATE_VERDICT_ERROR;
}

enum gate_exit gate_plan_connect(struct gate_run *run, const struct gate_policy *pol,
                                 const char *target, const char *migrations, const char *command,
                                 struct gate_plan_opts *opts, struct gate_db_url *url,
                                 struct gate_db **db)
{
    const struct gate_policy_target *t;
    struct gate_err err = {0};
    enum gate_exit rc;

    *db = NULL;
    memset(opts, 0, sizeof(*opts));
    opts->pol = pol;
    opts->migrations_dir = migrations;
    rc = gate_target_resolve(pol, target, command, &t, url);
    if (rc)
        return rc;
    opts->url_env = t->url_env;
    opts->target_name = t->name;
    if (gate_db_connect(url, db, &err)) {
        connect_failed(run, opts, url, err.msg);
        gate_db_url_release(url);
        return GATE_EXIT_UNAVAILABLE;
    }
    /* ?schema=pubic next to a public that holds the history: never "N pending", fail closed */
    if (gate_history_schema_typo(*db, gate_db_url_schema(url), &err)) {
        connect_failed(run, opts, url, err.msg);
        gate_db_close(*db);
        *db = NULL;
        gate_db_url_release(url);
        return GATE_EXIT_UNAVAILABLE;
    }
    return GATE_EXIT_OK;
}

enum gate_exit gate_plan_for_command(const struct gate_cli *cli, struct gate_run *run)
{
    struct gate_plan_opts opts;
    struct gate_db_url url = {0};
    struct gate_db *db = NULL;
    struct gate_err err = {0};
    enum gate_exit rc;
    const char *dir;

    rc = gate_cmd_resolve_paths(cli, run, &dir, NULL, NULL);
    if (rc)
        return rc;
    rc = gate_plan_connect(run, cli->pol, cli->target, dir, cli->command, &opts, &url, &db);
    if (rc)
        return rc;
    if (gate_plan_compute(run, &opts, &url, db, &err)) {
        gate_errorf("%s", err.msg);
        gate_run_add_check(run, "plan", GATE_STATUS_ERROR, err.msg);
        run->verdict = GATE_VERDICT_ERROR;
        rc = GATE_EXIT_UNAVAILABLE;
    } else {
        gate_notef("plan %s: %s", run->plan->digest, run->plan->reason);
    }
    gate_db_close(db);
    gate_db_url_release(&url);
    return rc;
}

enum gate_exit gate_plan_exit(struct gate_run *run)
{
    switch (run->plan->decision) {
    case GATE_PLAN_NOTHING:
    case GATE_PLAN_AUTO:
        run->verdict = GATE_VERDICT_PASS;
        return GATE_EXIT_OK;
    default:
        run->verdict = GATE_VERDICT_FAIL;
        return GATE_EXIT_CLOSED;
    }
}

enum gate_code gate_plan_write_checklist(struct gate_run *run, const struct gate_policy *pol,
                                         const char *path, struct gate_err *err)
{
    struct gate_buf b = {0};
    enum gate_code rc;

    gate_plan_checklist(run, pol, &b);
    rc = gate_write_report_file(path, b.data ? b.data : "", b.len, err); /* a device: in place */
    gate_buf_release(&b);
    if (!rc && run->deploy)
        run->deploy->checklist = gate_arena_strdup(&run->arena, path);
    return rc;
}

enum gate_exit gate_cmd_plan(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    struct gate_err err = {0};
    enum gate_exit rc;

    (void)out;
    if (cli->nargs) {
        gate_errorf("plan takes no arguments, got '%s'", cli->args[0]);
        return GATE_EXIT_USAGE;
    }
    rc = gate_plan_for_command(cli, run);
    if (rc)
        return rc;
    rc = gate_plan_exit(run);
    if (cli->checklist && gate_plan_write_checklist(run, cli->pol, cli->checklist, &err)) {
        gate_errorf("%s", err.msg);
        rc = GATE_EXIT_UNAVAILABLE;
    }
    return rc;
}
