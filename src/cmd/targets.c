/* SPDX-License-Identifier: MIT */
/*
 * cmd/targets.c - `prisma-gate targets`: the policy's targets, for a CI
 * system that runs one job per database (a GitHub Actions matrix, GitLab
 * parallel:matrix). Only names are listed: a target's name and the
 * names of the environment variables that hold its URLs, never a URL.
 *
 * Formats: text (a table), json (an object with every field), markdown
 * (a table, e.g. for a job's step summary), and github-matrix (one line,
 * {"include":[{"target":..,"url_env":..},..]}, for `fromJSON()` in a workflow's strategy.matrix).
 * With no targets in the policy the built-in target (DATABASE_URL) is the one listed: its name is
 * null in json and "" in the matrix, where the action then passes no -t.
 *
 * Exit: 0 listed; 2 usage or an invalid policy.
 */
#include "gate/compat.h"
#include "gate/cli.h"
#include "gate/json.h"
#include "gate/msg.h"
#include "gate/policy.h"

#include <stdlib.h>
#include <string.h>

/* The targets to list: the policy's, else the built-in one. */
static const struct gate_policy_target *list_of(const struct gate_policy *pol, size_t *n)
{
    static struct gate_policy_target builtin;

    if (pol->ntargets) {
        *n = pol->ntargets;
        return pol->targets;
    }
    memset(&builtin, 0, sizeof(builtin));
    builtin.url_env = "DATABASE_URL";
    *n = 1;
    return &builtin;
}

static bool is_default(const struct gate_policy *pol, const struct gate_policy_target *t)
{
    if (!t->name)
        return true;
    if (pol->default_target)
        return !strcmp(pol->default_target, t->name);
    return pol->ntargets == 1;
}

static void targets_json(const struct gate_policy *pol, const struct gate_policy_target *ts,
                         size_t n, struct gate_buf *out)
{
    struct gate_json *o = gate_json_object();
    struct gate_json *arr = gate_json_array();
    char *s;

    gate_json_set_int(o, "format_version", 1);
    gate_json_set_str(o, "policy", pol->path);
    gate_json_set_str(o, "default_target", pol->default_target);
    for (size_t i = 0; i < n; i++) {
        struct gate_json *t = gate_json_object();

        gate_json_set_str(t, "name", ts[i].name);
        gate_json_set_str(t, "url_env", ts[i].url_env);
        gate_json_set_str(t, "shadow_url_env", ts[i].shadow_url_env);
        gate_json_set_str(t, "direct_url_env", ts[i].direct_url_env);
        gate_json_set_bool(t, "require_tls", ts[i].require_tls);
        gate_json_set_bool(t, "default", is_default(pol, &ts[i]));
        gate_json_append(arr, t);
    }
    gate_json_set(o, "targets", arr);
    s = gate_json_dump(o);
    gate_buf_adds(out, s);
    free(s);
    gate_json_free(o);
}

static void targets_matrix(const struct gate_policy_target *ts, size_t n, struct gate_buf *out)
{
    struct gate_json *o = gate_json_object();
    struct gate_json *arr = gate_json_array();
    char *s;

    for (size_t i = 0; i < n; i++) {
        struct gate_json *t = gate_json_object();

        gate_json_set_str(t, "target", ts[i].name ? ts[i].name : "");
        gate_json_set_str(t, "url_env", ts[i].url_env);
        gate_json_append(arr, t);
    }
    gate_json_set(o, "include", arr);
    s = gate_json_dump_compact(o);
    gate_buf_adds(out, s);
    gate_buf_addc(out, '\n');
    free(s);
    gate_json_free(o);
}

static void targets_text(const struct gate_policy *pol, const struct gate_policy_target *ts,
                         size_t n, struct gate_buf *out)
{
    gate_buf_printf(out, "%-20s %-28s %-28s %-28s %s\n", "TARGET", "URL_ENV", "SHADOW_URL_ENV",
                    "DIRECT_URL_ENV", "TLS");
    for (size_t i = 0; i < n; i++) {
        const struct gate_policy_target *t = &ts[i];

        gate_buf_printf(out, "%-20s %-28s %-28s %-28s %s%s\n", t->name ? t->name : "(built-in)",
                        t->url_env, t->shadow_url_env ? t->shadow_url_env : "-",
                        t->direct_url_env ? t->direct_url_env : "-",
                        t->require_tls ? "required" : "-",
                        is_default(pol, t) && pol->ntargets > 1 ? "  (default)" : "");
    }
}

/* A variable's name as Markdown code, "-" for none (names have no backquotes). */
static void md_name(struct gate_buf *out, const char *name)
{
    if (name && *name)
        gate_buf_printf(out, "`%s`", name);
    else
        gate_buf_addc(out, '-');
}

static void targets_markdown(const struct gate_policy *pol, const struct gate_policy_target *ts,
                             size_t n, struct gate_buf *out)
{
    gate_buf_adds(out, "| target | url_env | shadow_url_env | direct_url_env | TLS |\n"
                       "|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        const struct gate_policy_target *t = &ts[i];

        gate_buf_adds(out, "| ");
        if (t->name)
            md_name(out, t->name);
        else
            gate_buf_adds(out, "(built-in)");
        if (is_default(pol, t) && pol->ntargets > 1)
            gate_buf_adds(out, " (default)");
        gate_buf_adds(out, " | ");
        md_name(out, t->url_env);
        gate_buf_adds(out, " | ");
        md_name(out, t->shadow_url_env);
        gate_buf_adds(out, " | ");
        md_name(out, t->direct_url_env);
        gate_buf_printf(out, " | %s |\n", t->require_tls ? "required" : "-");
    }
}

enum gate_exit gate_cmd_targets(struct gate_cli *cli, struct gate_run *run, struct gate_buf *out)
{
    struct gate_policy pol;
    struct gate_err err = {0};
    const struct gate_policy_target *ts;
    size_t n = 0;

    if (cli->nargs) {
        gate_errorf("usage: prisma-gate targets [-p POLICY] "
                    "[--format text|json|markdown|github-matrix]");
        return GATE_EXIT_USAGE;
    }
    if (gate_policy_load(&pol, cli->policy, &run->arena, &err)) {
        if (pol.ndiags) {
            struct gate_buf b = {0};

            gate_policy_diags_text(&pol, &b);
            gate_msg_text(b.data, b.len);
            gate_buf_release(&b);
            gate_errorf("invalid policy %s (%zu error%s): no targets listed", pol.path, pol.ndiags,
                        pol.ndiags == 1 ? "" : "s");
        } else {
            gate_errorf("%s", err.msg);
        }
        return GATE_EXIT_USAGE;
    }
    ts = list_of(&pol, &n);
    if (cli->github_matrix)
        targets_matrix(ts, n, out);
    else if (cli->format == GATE_FORMAT_JSON)
        targets_json(&pol, ts, n, out);
    else if (cli->format == GATE_FORMAT_MARKDOWN)
        targets_markdown(&pol, ts, n, out);
    else
        targets_text(&pol, ts, n, out);
    return GATE_EXIT_OK;
}
