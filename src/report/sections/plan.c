/* SPDX-License-Identifier: MIT */
/*
 * sections/plan.c - the `plan` section (plan, approve and deploy: a
 * deploy's report is its plan plus what the deploy did): the JSON `plan`
 * and `deploy` members, the text report, and the Markdown "### Plan" and
 * "### Deploy ..." parts. The deployment checklist (report_plan.c) shares
 * the plan's Markdown summary.
 */
#include "gate/compat.h"
#include "gate/plan.h"
#include "gate/prisma_cli.h"
#include "gate/report.h"
#include "gate/report_common.h"
#include "gate/report_section.h"
#include "gate/json.h"
#include "gate/stop.h"

#include <string.h>

/*
 * The plan could not be computed: no plan in the run of plan, approve or
 * deploy, and the "plan" check (the computation failed) or the
 * "db.connection" check (the target could not be reached) says why. NULL
 * otherwise.
 */
static const struct gate_check *no_plan(const struct gate_run *run)
{
    static const char *const cmds[] = {"plan", "approve", "deploy"};
    bool ours = false;

    if (run->plan || !run->command)
        return NULL;
    for (size_t i = 0; i < GATE_ARRAY_SIZE(cmds); i++)
        ours = ours || !strcmp(run->command, cmds[i]);
    if (!ours)
        return NULL;
    for (size_t i = 0; i < run->nchecks; i++)
        if (run->checks[i].status == GATE_STATUS_ERROR &&
            (!strcmp(run->checks[i].id, "plan") || !strcmp(run->checks[i].id, "db.connection")))
            return &run->checks[i];
    return NULL;
}

/* What a run without a plan did not do: a deploy's, or a plan's. */
static const char *no_plan_outcome(const struct gate_run *run)
{
    return run->deploy ? "nothing was deployed"
                       : "nothing can be approved or deployed without a plan";
}

static bool present(const struct gate_run *run)
{
    return run->plan || run->deploy || no_plan(run);
}

static void size_text(char *buf, size_t n, long long bytes)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = (double)bytes;
    size_t u = 0;

    if (bytes < 0) {
        (void)snprintf(buf, n, "?");
        return;
    }
    while (v >= 1024.0 && u + 1 < GATE_ARRAY_SIZE(units)) {
        v /= 1024.0;
        u++;
    }
    if (u)
        (void)snprintf(buf, n, "%.1f %s", v, units[u]);
    else
        (void)snprintf(buf, n, "%lld B", bytes);
}

static void rows_text(char *buf, size_t n, const struct gate_plan_table *t)
{
    if (!t->exists)
        (void)snprintf(buf, n, "new");
    else if (t->probed && t->empty)
        (void)snprintf(buf, n, "0 (empty)");
    else if (t->rows < 0)
        (void)snprintf(buf, n, "?");
    else
        (void)snprintf(buf, n, "~%lld", t->rows);
}

const char *gate_report_plan_target(const struct gate_run *run, char *buf, size_t n)
{
    const struct gate_target *t = run->target;

    if (!t)
        return "?";
    (void)snprintf(buf, n, "%s%s%s:%d/%s (schema %s)", t->name ? t->name : "", t->name ? " " : "",
                   t->host, t->port, t->database, t->schema);
    return buf;
}

/* ------------------------------------------------------------ text */

/* A check that did not pass and says msg: the report shows it there already. */
static bool check_says(const struct gate_run *run, const char *msg)
{
    for (size_t i = 0; msg && i < run->nchecks; i++)
        if (run->checks[i].status != GATE_STATUS_PASS && run->checks[i].message &&
            !strcmp(run->checks[i].message, msg))
            return true;
    return false;
}

/* A check with this id and status. */
static bool has_check(const struct gate_run *run, const char *id, enum gate_status st)
{
    for (size_t i = 0; i < run->nchecks; i++)
        if (run->checks[i].status == st && !strcmp(run->checks[i].id, id))
            return true;
    return false;
}

/* The deploy's header: a sentence saying how it ended, not the stage's name. */
static const char *deploy_sentence(const struct gate_run *run)
{
    const struct gate_run_deploy *d = run->deploy;
    const char *s = d->stage;

    if (d->stopped_by)
        return "Deploy stopped by a signal";
    if (!strcmp(s, "done"))
        return d->napplied ? "Deploy done" : "Deploy done: nothing was pending";
    if (!strcmp(s, "lock"))
        return has_check(run, "deploy.lock", GATE_STATUS_ERROR)
                   ? "Deploy stopped: another deploy held the gate lock; nothing was changed"
                   : "Deploy stopped: could not connect to the database; nothing was changed";
    if (!strcmp(s, "plan"))
        return "Deploy stopped: the plan could not be computed; nothing was changed";
    if (!strcmp(s, "refused"))
        return "Deploy refused: nothing was applied";
    if (!strcmp(s, "prisma"))
        return d->could_not_start || !d->started
                   ? "Deploy stopped: the Prisma CLI could not be run; nothing was changed"
               : d->timed_out ? "Deploy failed: Prisma timed out"
                              : "Deploy failed: Prisma failed";
    if (!strcmp(s, "verify"))
        return "Deploy failed: verification failed";
    if (!strcmp(s, "health"))
        return "Deploy failed: a health check failed";
    return "Deploy stopped";
}

/* after: lines were written before it (a blank line separates them) */
static void deploy_text(const struct gate_run *run, struct gate_buf *out, bool color, bool after)
{
    const struct gate_run_deploy *d = run->deploy;
    const struct gate_check *np = no_plan(run);

    gate_buf_printf(out, "%s%s%s%s\n", after ? "\n" : "", color ? GATE_C_BOLD : "",
                    deploy_sentence(run), color ? GATE_C_RESET : "");
    if (np)
        gate_buf_printf(out, "  error: %s\n", gate_text_safe(np->message));
    if (d->token_message && check_says(run, d->token_message))
        gate_buf_printf(out, "  token: %s\n", gate_text_safe(d->token_status));
    else if (d->token_message)
        gate_buf_printf(out, "  token: %s (%s)\n", gate_text_safe(d->token_status),
                        gate_text_safe(d->token_message));
    if (d->lock_wait_ms > 1000)
        gate_buf_printf(out, "  waited %.1f s for the gate lock\n",
                        (double)d->lock_wait_ms / 1000.0);
    if (d->stopped_by)
        gate_buf_printf(out, "  stopped by %s (stage %s)\n", gate_text_safe(d->stopped_by),
                        gate_text_safe(d->stage));
    if (d->could_not_start)
        gate_buf_printf(out, "  prisma migrate deploy: could not start (%s)\n",
                        gate_text_safe(d->error_message ? d->error_message : "?"));
    if (d->started && !d->could_not_start) {
        char sig[32];

        gate_buf_printf(out, "  prisma migrate deploy: ");
        if (d->interrupted || d->timed_out)
            gate_buf_printf(out, "stopped (%s)\n",
                            gate_text_safe(d->error_message ? d->error_message : ""));
        else if (d->prisma_signal)
            gate_buf_printf(out, "killed by %s\n",
                            gate_signal_name(d->prisma_signal, sig, sizeof(sig)));
        else if (d->prisma_exit == 0)
            gate_buf_printf(out, "ok in %.1f s\n", (double)d->prisma_ms / 1000.0);
        else
            gate_buf_printf(out, "failed, exit %d (%s)%s%s\n", d->prisma_exit,
                            gate_text_safe(d->error_code ? d->error_code : "?"),
                            d->error_message ? ": " : "",
                            gate_text_safe(d->error_message ? d->error_message : ""));
    }
    for (size_t i = 0; i < d->nended_sessions; i++)
        gate_buf_printf(out, "  ended Prisma's server session pid %ld\n", d->ended_sessions[i]);
    if (d->napplied) {
        gate_buf_printf(out, "  applied:\n");
        for (size_t i = 0; i < d->napplied; i++)
            gate_buf_printf(out, "    %s\n", gate_text_safe(d->applied[i]));
    }
    if (d->failed_migration)
        gate_buf_printf(out, "  failed: %s\n", gate_text_safe(d->failed_migration));
    if (d->nunplanned) {
        gate_buf_printf(out, "  applied but NOT planned:\n");
        for (size_t i = 0; i < d->nunplanned; i++)
            gate_buf_printf(out, "    %s\n", gate_text_safe(d->unplanned[i]));
    }
    if (!strcmp(d->stage, "health") || !strcmp(d->stage, "done")) {
        if (d->verified)
            gate_buf_printf(out, "  verified: every planned migration is applied with its "
                                 "planned checksum\n");
    }
    for (size_t i = 0; i < d->nverify_problems; i++)
        gate_buf_printf(out, "  verify: %s\n", gate_text_safe(d->verify_problems[i]));
    if (d->nhistory) {
        gate_buf_printf(out, "  history (latest first):\n");
        for (size_t i = 0; i < d->nhistory; i++)
            gate_buf_printf(out, "    %s\n", gate_text_safe(d->history[i]));
    }
    if (run->nhealth) {
        gate_buf_addc(out, '\n');
        gate_report_health_text(run, out, color);
    }
    if (d->nguidance) {
        size_t n = 0;

        gate_buf_printf(
            out, "\n%s:\n",
            gate_text_safe(!strcmp(d->stage, "refused") ? "Deploy later" : "Next steps"));
        for (size_t i = 0; i < d->nguidance; i++)
            if (!check_says(run, d->guidance[i]))
                gate_buf_printf(out, "  %zu. %s\n", ++n, gate_text_safe(d->guidance[i]));
    }
    if (d->checklist)
        gate_buf_printf(out, "\nChecklist: %s\n", gate_text_safe(d->checklist));
}

static void text(const struct gate_run *run, struct gate_buf *out, const struct gate_text_opts *o)
{
    bool color = o->color;
    const struct gate_run_plan *p = run->plan;
    const struct gate_check *np = no_plan(run); /* said below, not in the list */
    char tbuf[512];
    bool any = false;

    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        if (c->status != GATE_STATUS_PASS && c != np) {
            gate_buf_printf(out, "%-5s %s: %s\n", gate_status_name(c->status),
                            gate_text_safe(c->id), gate_text_safe(c->message));
            any = true;
        }
    }
    if (!p) {
        if (run->deploy) {
            deploy_text(run, out, color, any);
        } else if (np) {
            gate_buf_printf(out, "%s%sNo plan for %s: it could not be computed%s\n",
                            any ? "\n" : "", color ? GATE_C_BOLD : "",
                            gate_text_safe(gate_report_plan_target(run, tbuf, sizeof(tbuf))),
                            color ? GATE_C_RESET : "");
            gate_buf_printf(out, "  error: %s\n", gate_text_safe(np->message));
            gate_buf_printf(out, "  %s (exit %d)\n", no_plan_outcome(run), run->exit_code);
        }
        return;
    }
    gate_buf_printf(out, "Plan for %s\n",
                    gate_text_safe(gate_report_plan_target(run, tbuf, sizeof(tbuf))));
    gate_buf_printf(out, "  %zu applied, %zu pending\n", p->applied, p->pending);
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        gate_buf_printf(out, "\n  %s  risk %s, %d statement%s\n", gate_text_safe(m->name),
                        gate_risk_name(m->risk), m->statements, m->statements == 1 ? "" : "s");
        if (m->note)
            gate_buf_printf(out, "    note: %s\n", gate_text_safe(m->note));
        for (size_t k = 0; k < m->nfindings; k++) {
            const struct gate_finding *f = &m->findings[k];

            if (f->severity == GATE_SEV_INFO)
                continue;
            gate_buf_printf(out, "    %d:%d %s %s: %s\n", f->line, f->column,
                            gate_risk_name(f->risk), gate_text_safe(f->rule),
                            gate_text_safe(f->message));
            if (f->suppressed)
                gate_buf_printf(out, "      suppressed: %s (%s)\n",
                                gate_text_safe(f->suppression_reason ? f->suppression_reason : ""),
                                p->honor_suppressions
                                    ? "not counted: deploy.honor_suppressions is true"
                                    : "still counts toward the deploy decision");
        }
    }
    if (p->suppressed_counted)
        gate_buf_printf(out,
                        "\n  %zu suppressed finding%s count%s toward the deploy decision "
                        "(deploy.honor_suppressions is false)\n",
                        p->suppressed_counted, p->suppressed_counted == 1 ? "" : "s",
                        p->suppressed_counted == 1 ? "s" : "");
    if (p->softened)
        gate_buf_printf(out,
                        "\n  %zu finding%s rated lower than lint rates %s: new or empty tables "
                        "of the target\n",
                        p->softened, p->softened == 1 ? "" : "s", p->softened == 1 ? "it" : "them");
    if (p->ntables) {
        gate_buf_printf(out, "\n  Affected tables (live estimates):\n");
        for (size_t i = 0; i < p->ntables; i++) {
            const struct gate_plan_table *t = &p->tables[i];
            char rows[32], size[32];

            rows_text(rows, sizeof(rows), t);
            size_text(size, sizeof(size), t->bytes);
            gate_buf_printf(out, "    %s.%s  rows %s  size %s%s\n", gate_text_safe(t->schema),
                            gate_text_safe(t->name), gate_text_safe(rows),
                            gate_text_safe(t->exists ? size : "-"),
                            t->large ? "  (large: lock/rewrite findings raised)" : "");
        }
    }
    for (size_t i = 0; i < p->nproblems; i++)
        gate_buf_printf(out, "\n  problem: %s\n", gate_text_safe(p->problems[i]));
    gate_buf_printf(out, "\n  max risk %s; decision %s%s%s: %s\n", gate_risk_name(p->max_risk),
                    color ? GATE_C_BOLD : "", gate_plan_decision_name(p->decision),
                    color ? GATE_C_RESET : "", gate_text_safe(p->reason));
    gate_buf_printf(out, "  digest %s\n", gate_text_safe(p->digest));
    if (p->decision == GATE_PLAN_CONFIRM && !run->deploy) {
        if (p->signed_tokens)
            gate_buf_printf(out, "  approve: prisma-gate approve   (signed token, needs the "
                                 "secret)\n");
        else
            gate_buf_printf(out, "  confirm: prisma-gate deploy --confirm %.16s\n",
                            gate_text_safe(p->digest + 7));
    }
    if (run->deploy)
        deploy_text(run, out, color, true);
}

/* ------------------------------------------------------------ Markdown */

/* In place of "0 migrations ...": no plan, why, and what that means. */
static bool md_headline(const struct gate_run *run, struct gate_buf *out)
{
    const struct gate_check *np = no_plan(run);

    if (!np)
        return false;
    gate_buf_adds(out, "**No plan could be computed:** ");
    gate_md_text(out, np->message, GATE_MD_ITEM_MAX);
    gate_buf_printf(out, " \xC2\xB7 exit %d \xC2\xB7 %s", run->exit_code, no_plan_outcome(run));
    return true;
}

/* Suppressed findings of the plan, with their reasons, and whether they count. */
static void md_suppressed(const struct gate_run *run, struct gate_buf *out)
{
    const struct gate_run_plan *p = run->plan;
    bool any = false;

    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        for (size_t k = 0; k < m->nfindings; k++) {
            const struct gate_finding *f = &m->findings[k];

            if (!f->suppressed || f->risk == GATE_RISK_NONE)
                continue;
            if (!any)
                gate_buf_adds(out, p->honor_suppressions
                                       ? "**Suppressed findings** (not counted: "
                                         "deploy.honor_suppressions is true):\n\n"
                                       : "**Suppressed findings still count toward this "
                                         "decision** (deploy.honor_suppressions is false):\n\n");
            any = true;
            gate_buf_printf(out, "- %s `%s` in ", gate_risk_name(f->risk), f->rule);
            gate_md_text(out, m->name, 200);
            gate_buf_printf(out, " (line %d): ", f->line);
            gate_md_text(out, f->message, 600);
            gate_buf_adds(out, " \xE2\x80\x94 suppressed: ");
            gate_md_text(out, f->suppression_reason ? f->suppression_reason : "", 600);
            gate_buf_addc(out, '\n');
        }
    }
    if (any)
        gate_buf_addc(out, '\n');
}

void gate_report_plan_md(const struct gate_run *run, struct gate_buf *out, bool migrations)
{
    const struct gate_run_plan *p = run->plan;
    char tbuf[512];

    gate_buf_printf(out, "**Target:** %s  \n",
                    gate_text_safe(gate_report_plan_target(run, tbuf, sizeof(tbuf))));
    gate_buf_printf(out, "**Pending:** %zu (applied: %zu)  \n", p->pending, p->applied);
    gate_buf_printf(out, "**Max risk:** %s  \n", gate_risk_name(p->max_risk));
    gate_buf_printf(out, "**Decision:** %s — ", gate_plan_decision_name(p->decision));
    gate_md_text(out, p->reason, 0);
    gate_buf_printf(out, "  \n**Plan digest:** `%s`\n\n", gate_text_safe(p->digest));
    if (migrations && run->nmigrations) {
        gate_buf_adds(out, "| Migration | Risk | Findings |\n|---|---|---|\n");
        for (size_t i = 0; i < run->nmigrations; i++) {
            const struct gate_migration *m = run->migrations[i];
            const char *sep = "";

            gate_buf_adds(out, "| ");
            gate_md_code(out, m->name);
            gate_buf_printf(out, " | %s | ", gate_risk_name(m->risk));
            for (size_t k = 0; k < m->nfindings; k++) {
                const struct gate_finding *f = &m->findings[k];

                if (f->severity == GATE_SEV_INFO)
                    continue;
                gate_buf_printf(out, "%s%s `%s` (line %d): ", sep, gate_risk_name(f->risk),
                                gate_text_safe(f->rule), f->line);
                gate_md_text(out, f->message, 0);
                sep = "<br>";
            }
            gate_buf_adds(out, *sep ? " |\n" : "none |\n");
        }
        gate_buf_addc(out, '\n');
    }
    if (p->ntables) {
        gate_buf_adds(out, "| Table | Rows (estimate) | Size | Large |\n|---|---|---|---|\n");
        for (size_t i = 0; i < p->ntables; i++) {
            const struct gate_plan_table *t = &p->tables[i];
            char rows[32], size[32];

            rows_text(rows, sizeof(rows), t);
            size_text(size, sizeof(size), t->bytes);
            gate_buf_printf(out, "| `%s.%s` | %s | %s | %s |\n", gate_text_safe(t->schema),
                            gate_text_safe(t->name), gate_text_safe(rows),
                            gate_text_safe(t->exists ? size : "-"), t->large ? "yes" : "no");
        }
        gate_buf_addc(out, '\n');
    }
    md_suppressed(run, out);
    if (p->softened)
        gate_buf_printf(out,
                        "%zu finding%s rated lower than lint rates %s: new or empty tables of "
                        "the target (each says why).\n\n",
                        p->softened, p->softened == 1 ? "" : "s", p->softened == 1 ? "it" : "them");
    for (size_t i = 0; i < p->nproblems; i++) {
        gate_buf_adds(out, "- **Problem:** ");
        gate_md_text(out, p->problems[i], 0);
        gate_buf_addc(out, '\n');
    }
}

static void markdown(const struct gate_run *run, struct gate_buf *out, size_t limit)
{
    (void)limit; /* short: never cut */
    if (run->plan) {
        gate_buf_adds(out, "### Plan\n\n");
        gate_report_plan_md(run, out, false);
    }
    if (run->deploy) {
        const struct gate_run_deploy *d = run->deploy;

        size_t n = 0;

        gate_buf_printf(out, "### %s\n\n", deploy_sentence(run));
        if (d->token_message && check_says(run, d->token_message)) {
            gate_buf_printf(out, "- Token: %s\n", gate_text_safe(d->token_status));
        } else if (d->token_message) {
            gate_buf_printf(out, "- Token: %s — ", gate_text_safe(d->token_status));
            gate_md_text(out, d->token_message, 0);
            gate_buf_addc(out, '\n');
        }
        for (size_t i = 0; i < d->napplied; i++) {
            gate_buf_adds(out, "- Applied ");
            gate_md_code(out, d->applied[i]);
            gate_buf_addc(out, '\n');
        }
        for (size_t i = 0; i < d->nunplanned; i++) {
            gate_buf_adds(out, "- **Applied but not planned:** ");
            gate_md_code(out, d->unplanned[i]);
            gate_buf_addc(out, '\n');
        }
        if (d->error_code)
            gate_buf_printf(out, "- Prisma error: %s\n", gate_text_safe(d->error_code));
        for (size_t i = 0; i < d->nguidance; i++) {
            if (check_says(run, d->guidance[i]))
                continue;
            gate_buf_printf(out, "%zu. ", ++n);
            gate_md_text(out, d->guidance[i], 0);
            gate_buf_addc(out, '\n');
        }
        gate_buf_addc(out, '\n');
    }
}

/* ------------------------------------------------------------ JSON */

/* What `prisma migrate deploy` would use (prisma_cli.h): the `prisma` member. */
static void prisma_json(const struct gate_prisma_use *u, struct gate_jsonw *w)
{
    gate_jsonw_key(w, "prisma");
    if (!u) {
        gate_jsonw_null(w);
        return;
    }
    gate_jsonw_object(w);
    gate_jsonw_key(w, "schema");
    gate_jsonw_str(w, u->schema);
    gate_jsonw_key(w, "schema_from");
    gate_jsonw_str(w, u->schema_from);
    gate_jsonw_key(w, "config");
    gate_jsonw_str(w, u->config);
    gate_jsonw_key(w, "config_from");
    gate_jsonw_str(w, u->config_from);
    gate_jsonw_key(w, "migrations");
    gate_jsonw_str(w, u->migrations);
    gate_jsonw_key(w, "migrations_from");
    gate_jsonw_str(w, u->migrations_from);
    gate_jsonw_key(w, "planned");
    gate_jsonw_str(w, u->planned);
    gate_jsonw_key(w, "same");
    gate_jsonw_bool(w, u->same);
    gate_jsonw_end(w);
}

static void plan_json(const struct gate_run *run, struct gate_jsonw *w)
{
    const struct gate_run_plan *p = run->plan;

    gate_jsonw_key(w, "plan");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "digest");
    gate_jsonw_str(w, p->digest);
    gate_jsonw_key(w, "max_risk");
    gate_jsonw_str(w, gate_risk_name(p->max_risk));
    gate_jsonw_key(w, "requires_confirmation");
    gate_jsonw_bool(w, p->requires_confirmation);
    gate_jsonw_key(w, "decision");
    gate_jsonw_str(w, gate_plan_decision_name(p->decision));
    gate_jsonw_key(w, "reason");
    gate_jsonw_str(w, p->reason);
    gate_jsonw_key(w, "auto_max_risk");
    gate_jsonw_str(w, gate_risk_name(p->auto_max_risk));
    gate_jsonw_key(w, "confirm_max_risk");
    gate_jsonw_str(w, gate_risk_name(p->confirm_max_risk));
    gate_jsonw_key(w, "large_table_rows");
    gate_jsonw_int(w, p->large_table_rows);
    gate_jsonw_key(w, "signed_tokens");
    gate_jsonw_bool(w, p->signed_tokens);
    gate_jsonw_key(w, "token_env");
    gate_jsonw_str(w, p->token_env);
    prisma_json(p->prisma, w);
    gate_jsonw_key(w, "applied");
    gate_jsonw_int(w, (long long)p->applied);
    gate_jsonw_key(w, "pending");
    gate_jsonw_int(w, (long long)p->pending);
    gate_jsonw_key(w, "raised_findings");
    gate_jsonw_int(w, (long long)p->raised);
    gate_jsonw_key(w, "softened_findings");
    gate_jsonw_int(w, (long long)p->softened);
    gate_jsonw_key(w, "honor_suppressions");
    gate_jsonw_bool(w, p->honor_suppressions);
    gate_jsonw_key(w, "suppressed_counted");
    gate_jsonw_int(w, (long long)p->suppressed_counted);
    gate_jsonw_key(w, "tables");
    gate_jsonw_array(w);
    for (size_t i = 0; i < p->ntables; i++) {
        const struct gate_plan_table *t = &p->tables[i];

        gate_jsonw_object(w);
        gate_jsonw_key(w, "schema");
        gate_jsonw_str(w, t->schema);
        gate_jsonw_key(w, "name");
        gate_jsonw_str(w, t->name);
        gate_jsonw_key(w, "exists");
        gate_jsonw_bool(w, t->exists);
        gate_jsonw_key(w, "rows");
        if (t->exists && t->rows >= 0)
            gate_jsonw_int(w, t->rows);
        else
            gate_jsonw_null(w);
        gate_jsonw_key(w, "bytes");
        if (t->exists && t->bytes >= 0)
            gate_jsonw_int(w, t->bytes);
        else
            gate_jsonw_null(w);
        gate_jsonw_key(w, "large");
        gate_jsonw_bool(w, t->large);
        gate_jsonw_key(w, "empty");
        if (t->probed)
            gate_jsonw_bool(w, t->empty);
        else
            gate_jsonw_null(w);
        gate_jsonw_end(w);
    }
    gate_jsonw_end(w);
    gate_jsonw_key(w, "problems");
    gate_jsonw_array(w);
    for (size_t i = 0; i < p->nproblems; i++)
        gate_jsonw_str(w, p->problems[i]);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "canonical");
    gate_jsonw_str(w, p->canonical);
    gate_jsonw_end(w);
}

static void str_array(struct gate_jsonw *w, const char *key, const char *const *a, size_t n)
{
    gate_jsonw_key(w, key);
    gate_jsonw_array(w);
    for (size_t i = 0; i < n; i++)
        gate_jsonw_str(w, a[i]);
    gate_jsonw_end(w);
}

static void deploy_json(const struct gate_run *run, struct gate_jsonw *w)
{
    const struct gate_run_deploy *d = run->deploy;
    char sig[32];

    gate_jsonw_key(w, "deploy");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "stage");
    gate_jsonw_str(w, d->stage);
    gate_jsonw_key(w, "stopped_by");
    gate_jsonw_str(w, d->stopped_by);
    gate_jsonw_key(w, "reconnected");
    gate_jsonw_bool(w, d->reconnected);
    gate_jsonw_key(w, "token");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "kind");
    gate_jsonw_str(w, d->token_kind);
    gate_jsonw_key(w, "status");
    gate_jsonw_str(w, d->token_status);
    gate_jsonw_key(w, "message");
    gate_jsonw_str(w, d->token_message);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "lock_wait_ms");
    gate_jsonw_int(w, d->lock_wait_ms);
    gate_jsonw_key(w, "prisma");
    gate_jsonw_object(w);
    str_array(w, "argv", d->argv, d->argv ? d->argc : 0);
    gate_jsonw_key(w, "started");
    gate_jsonw_bool(w, d->started);
    gate_jsonw_key(w, "exit_code");
    if (d->started && d->prisma_exit >= 0)
        gate_jsonw_int(w, d->prisma_exit);
    else
        gate_jsonw_null(w);
    gate_jsonw_key(w, "signal");
    gate_jsonw_str(w,
                   d->prisma_signal ? gate_signal_name(d->prisma_signal, sig, sizeof(sig)) : NULL);
    gate_jsonw_key(w, "duration_ms");
    gate_jsonw_int(w, d->prisma_ms);
    gate_jsonw_key(w, "timed_out");
    gate_jsonw_bool(w, d->timed_out);
    gate_jsonw_key(w, "interrupted");
    gate_jsonw_bool(w, d->interrupted);
    gate_jsonw_key(w, "interrupt_signal");
    gate_jsonw_str(w, !d->interrupted ? NULL
                                      : gate_signal_name(d->interrupt_signal, sig, sizeof(sig)));
    gate_jsonw_key(w, "could_not_start");
    gate_jsonw_bool(w, d->could_not_start);
    gate_jsonw_key(w, "server_sessions_ended");
    gate_jsonw_array(w);
    for (size_t i = 0; i < d->nended_sessions; i++)
        gate_jsonw_int(w, d->ended_sessions[i]);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "error_code");
    gate_jsonw_str(w, d->error_code);
    gate_jsonw_key(w, "error_message");
    gate_jsonw_str(w, d->error_message);
    gate_jsonw_key(w, "output_tail");
    gate_jsonw_str(w, d->output_tail);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "failed_migration");
    gate_jsonw_str(w, d->failed_migration);
    str_array(w, "applied", d->applied, d->napplied);
    str_array(w, "unplanned", d->unplanned, d->nunplanned);
    gate_jsonw_key(w, "verified");
    gate_jsonw_bool(w, d->verified);
    str_array(w, "verify_problems", d->verify_problems, d->nverify_problems);
    gate_jsonw_key(w, "health_failed");
    gate_jsonw_int(w, (long long)d->health_failed);
    str_array(w, "history", d->history, d->nhistory);
    str_array(w, "guidance", d->guidance, d->nguidance);
    gate_jsonw_key(w, "checklist");
    gate_jsonw_str(w, d->checklist);
    gate_jsonw_end(w);
}

static void json(const struct gate_run *run, struct gate_jsonw *w)
{
    if (run->plan)
        plan_json(run, w);
    if (run->deploy)
        deploy_json(run, w);
}

/* "plan.digest" (JUnit property), "plan-digest" (GitHub output): what approve and deploy match. */
static size_t facts(const struct gate_run *run, struct gate_report_fact *out, size_t max)
{
    if (!max || !run->plan || !run->plan->digest[0])
        return 0;
    out[0].key = "digest";
    out[0].value = run->plan->digest;
    return 1;
}

/* A plan counts suppressed findings toward its decision unless the policy honours them. */
static bool counts_suppressed(const struct gate_run *run)
{
    return run->plan && !run->plan->honor_suppressions;
}

const struct gate_report_section gate_section_plan = {
    .name = "plan",
    .place = GATE_SECTION_OUTCOME,
    .present = present,
    .json = json,
    .text = text,
    .markdown = markdown,
    .md_headline = md_headline,
    .facts = facts,
    .counts_suppressed = counts_suppressed,
};
