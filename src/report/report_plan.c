/* SPDX-License-Identifier: MIT */
/*
 * report_plan.c - the deployment checklist (Markdown) with the
 * deploy-later instructions. The plan and deploy parts of the reports
 * are the plan section (sections/plan.c).
 */
#include "gate/compat.h"
#include "gate/plan.h"
#include "gate/prisma_cli.h"
#include "gate/prisma_errors.h"
#include "gate/report.h"
#include "gate/report_common.h"
#include "gate/json.h"
#include "gate/shell.h"
#include "gate/stop.h"

#include <string.h>

/* ------------------------------------------------------------ checklist */

static const char *rollback_note(const struct gate_migration *m)
{
    bool drop = false, rename = false, type = false, index = false, add = false;

    for (size_t k = 0; k < m->nfindings; k++) {
        const char *r = m->findings[k].rule;

        if ((strstr(r, "drop") && !strstr(r, "index") && !strstr(r, "not-null")) ||
            strstr(r, "truncate") || strstr(r, "delete") || strstr(r, "update-without"))
            drop = true;
        else if (strstr(r, "renaming"))
            rename = true;
        else if (strstr(r, "column-type") || strstr(r, "enum-value-removal"))
            type = true;
        else if (strstr(r, "index"))
            index = true;
        else if (strstr(r, "adding"))
            add = true;
    }
    if (drop)
        return "destroys data: a rollback cannot bring it back. Take a backup (or a copy of the "
               "affected tables) right before deploying; restoring means a new migration that "
               "recreates the objects plus a data restore";
    if (rename)
        return "renames: roll back with a new migration renaming back; code deployed against "
               "the new name breaks again, so coordinate with the application deploy";
    if (type)
        return "changes a type: roll back with a new migration converting back; values that "
               "do not fit the old type must be handled first";
    if (index)
        return "index change: roll back with a new migration dropping (DROP INDEX "
               "CONCURRENTLY) or recreating the index";
    if (add)
        return "additive: roll back with a new migration dropping what it added (data written "
               "to new columns is lost then)";
    return "additive or metadata-only: roll back with a new migration that reverses it; Prisma "
           "has no down migrations (`prisma migrate diff` can generate the reverse SQL)";
}

void gate_plan_checklist(const struct gate_run *run, const struct gate_policy *pol,
                         struct gate_buf *out)
{
    const struct gate_run_plan *p = run->plan;
    const struct gate_run_deploy *d = run->deploy;
    char tbuf[512];
    struct gate_buf prisma = {0};

    for (size_t i = 0; i < pol->project.nprisma; i++) {
        if (i)
            gate_buf_addc(&prisma, ' ');
        gate_shell_word_buf(&prisma, pol->project.prisma[i]); /* made text-safe where shown */
    }
    if (!prisma.len)
        gate_buf_adds(&prisma, "npx prisma");

    gate_buf_adds(out, "# Deployment checklist\n\n");
    gate_buf_printf(out, "- Target: %s\n",
                    gate_text_safe(gate_report_plan_target(run, tbuf, sizeof(tbuf))));
    gate_buf_printf(out, "- Plan digest: `%s`\n", gate_text_safe(p->digest));
    gate_buf_printf(out, "- Pending migrations: %zu; max risk: **%s**; decision: **%s**\n",
                    p->pending, gate_risk_name(p->max_risk), gate_plan_decision_name(p->decision));
    gate_buf_adds(out, "- Why: ");
    gate_md_text(out, p->reason, 0);
    gate_buf_addc(out, '\n');
    if (d && !strcmp(d->stage, "refused")) {
        gate_buf_adds(out, "\n## Deploy later\n\nNothing was applied. ");
        if (d->token_message) {
            gate_md_text(out, d->token_message, 0);
            gate_buf_addc(out, '.');
        }
        gate_buf_adds(out, "\n\n");
        for (size_t i = 0; i < d->nguidance; i++) {
            gate_buf_printf(out, "%zu. ", i + 1);
            gate_md_text(out, d->guidance[i], 0);
            gate_buf_addc(out, '\n');
        }
    }

    gate_buf_adds(out, "\n## Plan\n\n");
    gate_report_plan_md(run, out, true);

    gate_buf_adds(out, "\n## Pre-deployment checks\n\n");
    gate_buf_adds(out, "- [ ] A recent backup of the database exists and a restore was tested\n");
    gate_buf_printf(out,
                    "- [ ] `prisma-gate status` is clean apart from the %zu pending "
                    "migration%s (no failed, edited or missing migrations)\n",
                    p->pending, p->pending == 1 ? "" : "s");
    gate_buf_adds(out, "- [ ] The application version that runs after the deploy works with "
                       "both the old and the new schema (or the downtime is agreed)\n");
    for (size_t i = 0; i < p->ntables; i++) {
        const struct gate_plan_table *t = &p->tables[i];

        if (t->large)
            gate_buf_printf(out,
                            "- [ ] `%s.%s` has about %lld rows: schedule the deploy in a quiet "
                            "window; locks and rewrites on it last long\n",
                            gate_text_safe(t->schema), gate_text_safe(t->name), t->rows);
    }
    if (p->max_risk >= GATE_RISK_MEDIUM)
        gate_buf_adds(out, "- [ ] Someone who can act on the database is available during the "
                           "deploy\n");
    if (p->max_risk >= GATE_RISK_CRITICAL)
        gate_buf_adds(out, "- [ ] The data this deploy destroys is backed up separately and "
                           "its loss is signed off\n");

    gate_buf_adds(out, "\n## Steps\n\n");
    gate_buf_printf(out,
                    "1. Check the plan is still the approved one: `prisma-gate plan` shows "
                    "digest `%s`\n",
                    gate_text_safe(p->digest));
    if (p->decision == GATE_PLAN_CONFIRM) {
        if (p->signed_tokens)
            gate_buf_printf(out,
                            "2. Approve it: `prisma-gate approve` (needs `%s`) and keep "
                            "the token\n",
                            gate_text_safe(pol->deploy.secret_env));
        else
            gate_buf_printf(out, "2. The confirmation token for this plan: `%.16s`\n",
                            gate_text_safe(p->digest + 7));
        gate_buf_printf(out,
                        "3. Deploy: `prisma-gate deploy --confirm TOKEN` (or `%s=TOKEN "
                        "prisma-gate deploy`)\n",
                        gate_text_safe(pol->deploy.token_env));
    } else if (p->decision == GATE_PLAN_BLOCKED || p->decision == GATE_PLAN_REFUSED) {
        gate_buf_adds(out, "2. Resolve what blocks the plan (above), then run `prisma-gate "
                           "plan` again\n3. Deploy: `prisma-gate deploy`\n");
    } else {
        gate_buf_adds(out, "2. Deploy: `prisma-gate deploy` (no token needed at this risk)\n");
    }
    gate_buf_printf(out,
                    "   - it takes the gate lock, re-checks the plan, runs `%s migrate "
                    "deploy`, verifies every migration's checksum in "
                    "`_prisma_migrations` and runs the health checks\n",
                    gate_text_safe(gate_buf_str(&prisma)));

    gate_buf_adds(out, "\n## Rollback notes\n\n");
    if (!run->nmigrations)
        gate_buf_adds(out, "Nothing pending.\n");
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        gate_buf_adds(out, "- ");
        gate_md_code(out, m->name);
        gate_buf_printf(out, " (risk %s): %s\n", gate_risk_name(m->risk),
                        gate_text_safe(rollback_note(m)));
    }

    gate_buf_adds(out, "\n## Post-deployment checks\n\n");
    gate_buf_adds(out, "- [ ] `prisma-gate status` shows every migration applied\n");
    if (pol->nhealth) {
        for (size_t i = 0; i < pol->nhealth; i++)
            gate_buf_printf(out, "- [ ] Health check `%s` passes: %s (expects HTTP %d)\n",
                            gate_text_safe(pol->health[i].name), gate_text_safe(pol->health[i].url),
                            pol->health[i].expect_status);
    } else {
        gate_buf_adds(out, "- [ ] The application's health endpoint answers (the policy has "
                           "no `health:` checks: add them so deploy checks this itself)\n");
    }
    gate_buf_adds(out, "- [ ] Error rates and slow queries in the application's monitoring "
                       "look normal\n");

    gate_buf_adds(out, "\n## Troubleshooting\n\n");
    gate_buf_printf(out,
                    "- **A migration failed (P3018, or an engine error):** Prisma records it "
                    "as failed and refuses further deploys (P3009). Undo what it changed if "
                    "anything (a plain migration runs in one transaction and is rolled back), "
                    "fix the migration, then `%s migrate resolve --rolled-back \"NAME\"` and "
                    "deploy again; if you completed it by hand: `%s migrate resolve --applied "
                    "\"NAME\"`.\n",
                    gate_text_safe(gate_buf_str(&prisma)), gate_text_safe(gate_buf_str(&prisma)));
    {
        size_t n;
        const struct gate_prisma_error *pe = gate_prisma_errors(&n);

        for (size_t i = 0; i < n; i++) {
            if (pe[i].troubleshoot)
                gate_buf_printf(out, "- **%s (%s):** %s; %s.\n", pe[i].code, pe[i].title,
                                pe[i].meaning, pe[i].guidance);
        }
    }
    gate_buf_adds(out, "- **Token refused:** a token approves one plan; when the migrations, "
                       "the target or the policy change, review the new plan and approve it "
                       "again. Expired tokens need a new `prisma-gate approve`.\n");
    gate_buf_adds(out, "- **Health check failed after the deploy (exit 5):** the migrations "
                       "are applied; look at the application first. Rolling back the schema "
                       "means a new migration (see the rollback notes).\n");
    gate_buf_release(&prisma);
}
