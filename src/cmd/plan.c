/* SPDX-License-Identifier: MIT */
/*
 * cmd/plan.c - `prisma-gate plan` (the target's pending migrations, their
 * risk and impact, the affected tables' live sizes, the policy's decision
 * and the plan digest) and `prisma-gate approve` (a confirmation token for
 * that plan, or for a JSON plan report given with --plan FILE).
 *
 * plan exit: 0 deploy would go ahead without a token (or nothing is
 * pending), 1 it needs a confirmation token, the policy blocks it or the
 * history is not deployable, 2 usage, 3 could not evaluate.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/db.h"
#include "gate/fs.h"
#include "gate/history.h"
#include "gate/json.h"
#include "gate/msg.h"
#include "gate/plan.h"
#include "gate/policy.h"
#include "gate/project.h"
#include "gate/report_out.h"
#include "gate/token.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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

enum gate_exit gate_plan_connect(const struct gate_policy *pol, const char *target,
                                 const char *migrations, const char *command,
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
        gate_errorf("%s", err.msg);
        gate_db_url_release(url);
        return GATE_EXIT_UNAVAILABLE;
    }
    /* ?schema=pubic next to a public that holds the history: never "N pending", fail closed */
    if (gate_history_schema_typo(*db, gate_db_url_schema(url), &err)) {
        gate_errorf("%s", err.msg);
        gate_db_close(*db);
        *db = NULL;
        gate_db_url_release(url);
        return GATE_EXIT_UNAVAILABLE;
    }
    return GATE_EXIT_OK;
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
    struct gate_plan_opts opts;
    struct gate_db_url url = {0};
    struct gate_db *db = NULL;
    struct gate_err err = {0};
    enum gate_exit rc;
    const char *dir;

    (void)out;
    if (cli->nargs) {
        gate_errorf("plan takes no arguments, got '%s'", cli->args[0]);
        return GATE_EXIT_USAGE;
    }
    if (gate_project_migrations_dir(cli->schema, cli->migrations, cli->pol, &run->arena, &dir,
                                    &err)) {
        gate_errorf("%s", err.msg);
        return err.code == GATE_E_USAGE ? GATE_EXIT_USAGE : GATE_EXIT_UNAVAILABLE;
    }
    rc = gate_plan_connect(cli->pol, cli->target, dir, cli->command, &opts, &url, &db);
    if (rc)
        return rc;
    if (gate_plan_compute(run, &opts, &url, db, &err)) {
        gate_errorf("%s", err.msg);
        gate_run_add_check(run, "plan", GATE_STATUS_ERROR, err.msg);
        run->verdict = GATE_VERDICT_ERROR;
        rc = GATE_EXIT_UNAVAILABLE;
    } else {
        rc = gate_plan_exit(run);
        gate_notef("plan %s: %s", run->plan->digest, run->plan->reason);
    }
    gate_db_close(db);
    gate_db_url_release(&url);
    if (!rc || rc == GATE_EXIT_CLOSED) {
        if (cli->checklist && gate_plan_write_checklist(run, cli->pol, cli->checklist, &err)) {
            gate_errorf("%s", err.msg);
            rc = GATE_EXIT_UNAVAILABLE;
        }
    }
    return rc;
}

/* ------------------------------------------------------------ approve */

/* The digest and decision of a JSON plan report. */
static enum gate_exit plan_from_file(const char *path, char *digest, const char **decision)
{
    char *text = NULL;
    size_t len = 0;
    struct gate_err err = {0};
    struct gate_json *root = NULL;
    const struct gate_json *plan;
    const char *d, *dec;
    enum gate_exit rc = GATE_EXIT_USAGE;

    if (gate_read_file(path, (size_t)64 * 1024 * 1024, &text, &len, &err)) {
        gate_errorf("--plan: %s", err.msg);
        return GATE_EXIT_UNAVAILABLE;
    }
    if (gate_json_parse(text, len, path, &root, &err)) {
        gate_errorf("--plan: %s", err.msg);
        goto out;
    }
    plan = gate_json_get(root, "plan");
    d = plan ? gate_json_get_str(plan, "digest") : NULL;
    if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71) {
        gate_errorf("--plan: %s is not a JSON plan report (no plan.digest \"sha256:...\"; make "
                    "one with `prisma-gate plan --format json > %s`)",
                    path, path);
        goto out;
    }
    memcpy(digest, d + 7, 64);
    digest[64] = '\0';
    dec = gate_json_get_str(plan, "decision");
    *decision = dec && !strcmp(dec, "blocked")   ? "blocked"
                : dec && !strcmp(dec, "refused") ? "refused"
                : dec && !strcmp(dec, "nothing") ? "nothing"
                                                 : "confirm";
    rc = GATE_EXIT_OK;
out:
    gate_json_free(root);
    free(text);
    return rc;
}

static void iso_time(long long t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        (void)snprintf(buf, size, "%lld", t);
}

enum gate_exit gate_cmd_approve(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    struct gate_policy *pol;
    struct gate_err perr = {0};
    char digest[65];
    const char *decision = "confirm";
    const char *secret = NULL;
    char *token;
    char expires[64] = "";
    long long expiry = 0;
    enum gate_exit rc;

    if (cli->nargs) {
        gate_errorf("approve takes no arguments (--plan FILE reads a JSON plan report), got '%s'",
                    cli->args[0]);
        return GATE_EXIT_USAGE;
    }
    /* approve prints only the token, so main.c does not load the policy for it */
    pol = gate_arena_alloc(&run->arena, sizeof(*pol));
    if (gate_policy_load(pol, cli->policy, &run->arena, &perr) ||
        (!cli->plan_file &&
         gate_policy_check_paths(pol, !cli->schema, !cli->migrations, &run->arena, &perr))) {
        struct gate_buf b = {0};

        gate_policy_diags_text(pol, &b);
        if (b.len)
            gate_msg_text(b.data, b.len);
        gate_buf_release(&b);
        gate_errorf("%s", perr.msg);
        return GATE_EXIT_USAGE;
    }
    if (cli->schema) { /* as main.c does for the other commands */
        pol->project.schema = cli->schema;
        pol->project.schema_given = true;
    }
    cli->pol = pol;
    if (gate_github_active(pol)) {
        /* main.c does this for the commands whose policy it loads */
        struct gate_buf b = {0};

        gate_github_masks(pol, &b);
        if (b.len)
            gate_msg_raw(b.data, b.len);
        gate_buf_release(&b);
    }
    if (pol->deploy.secret_env && *pol->deploy.secret_env) {
        secret = getenv(pol->deploy.secret_env);
        if (!secret || !*secret) {
            gate_errorf("deploy.secret_env names %s, which is not set: approve signs tokens with "
                        "that secret (deploy checks them with the same one)",
                        pol->deploy.secret_env);
            return GATE_EXIT_USAGE;
        }
    }
    if (cli->plan_file) {
        rc = plan_from_file(cli->plan_file, digest, &decision);
        if (rc)
            return rc;
    } else {
        struct gate_plan_opts opts;
        struct gate_db_url url = {0};
        struct gate_db *db = NULL;
        struct gate_err err = {0};

        const char *dir;

        if (gate_project_migrations_dir(cli->schema, cli->migrations, cli->pol, &run->arena, &dir,
                                        &err)) {
            gate_errorf("%s", err.msg);
            return err.code == GATE_E_USAGE ? GATE_EXIT_USAGE : GATE_EXIT_UNAVAILABLE;
        }
        rc = gate_plan_connect(cli->pol, cli->target, dir, cli->command, &opts, &url, &db);
        if (rc)
            return rc;
        if (gate_plan_compute(run, &opts, &url, db, &err)) {
            gate_errorf("%s", err.msg);
            gate_db_close(db);
            gate_db_url_release(&url);
            return GATE_EXIT_UNAVAILABLE;
        }
        gate_db_close(db);
        gate_db_url_release(&url);
        memcpy(digest, run->plan->digest + 7, 65);
        decision = gate_plan_decision_name(run->plan->decision);
        gate_notef("plan %s: %s", run->plan->digest, run->plan->reason);
    }
    if (!strcmp(decision, "blocked") || !strcmp(decision, "refused")) {
        gate_errorf("not approving: the plan is %s by the policy or the history (see `prisma-gate "
                    "plan`); a token would not let it deploy",
                    decision);
        return GATE_EXIT_CLOSED;
    }
    if (!strcmp(decision, "nothing"))
        gate_warnf("the plan has nothing to deploy; the token approves exactly that");
    if (secret) {
        long long age = pol->deploy.token_max_age_ms / 1000;

        expiry = (long long)time(NULL) + (age > 0 ? age : 86400);
        token = gate_token_sign(digest, expiry, secret, strlen(secret));
        if (gate_github_active(pol)) {
            /*
             * A signed token is a credential until it expires: mask it in
             * the job's log (stderr) before it is printed. A plain token is
             * the plan digest's prefix, which every plan report shows.
             */
            struct gate_buf b = {0};

            gate_github_mask_value(token, &b);
            gate_msg_raw(b.data, b.len);
            gate_buf_release(&b);
        }
        iso_time(expiry, expires, sizeof(expires));
        gate_notef("signed token for plan sha256:%.12s..., valid until %s", digest, expires);
    } else {
        token = gate_xstrndup(digest, 16);
        gate_notef("plain token for plan sha256:%.12s... (the policy names no deploy.secret_env, "
                   "so tokens are not signed and do not expire)",
                   digest);
    }
    if (cli->format == GATE_FORMAT_JSON) {
        struct gate_json *o = gate_json_object();
        char *s;

        gate_json_set_str(o, "token", token);
        gate_json_set(o, "digest",
                      gate_json_string(gate_arena_printf(&run->arena, "sha256:%s", digest)));
        gate_json_set(o, "expires_at", expiry ? gate_json_string(expires) : gate_json_null());
        s = gate_json_dump(o);
        gate_buf_adds(out, s);
        free(s);
        gate_json_free(o);
    } else {
        gate_buf_printf(out, "%s\n", token);
    }
    free(token);
    return GATE_EXIT_OK;
}
