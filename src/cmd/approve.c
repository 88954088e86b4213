/* SPDX-License-Identifier: MIT */
/*
 * cmd/approve.c - `prisma-gate approve`: a confirmation token for the
 * target's current plan (computed as plan computes it, deploy/plan.c),
 * or for a JSON plan report given with --plan FILE. Signed (pgt1, with
 * an expiry) when the policy names deploy.secret_env, else the plan
 * digest's first 16 hex digits (token.h). Prints only the token (or, with
 * --format json, {token, digest, expires_at}).
 *
 * Exit: 0 a token was printed, 1 the plan is blocked or refused (no
 * token would let it deploy), 2 usage, 3 could not evaluate.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/fs.h"
#include "gate/json.h"
#include "gate/msg.h"
#include "gate/plan.h"
#include "gate/policy.h"
#include "gate/report_out.h"
#include "gate/token.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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
        rc = gate_plan_for_command(cli, run);
        if (rc)
            return rc;
        memcpy(digest, run->plan->digest + 7, 65);
        decision = gate_plan_decision_name(run->plan->decision);
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
