/* SPDX-License-Identifier: MIT */
/*
 * report_markdown.c - the summary for a PR comment and for GitHub's step
 * summary: the verdict, a table of migrations with risk and findings,
 * the blocking findings, the checks, the rest folded away. It fits a
 * byte budget (a comment caps at 65,536 characters, a step summary at
 * 1 MiB): sections get shares of it, and what does not fit is counted
 * ("... 12 more"), never cut in the middle of a line. Every string that
 * comes from the SQL or the file system is escaped (gate_md_text), so a
 * table or column name cannot inject Markdown, HTML or a table cell.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/report_common.h"
#include "gate/report_section.h"
#include "gate/version.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESERVE ((size_t)400) /* kept for the closing lines */

/*
 * "<what> not listed: the JSON report (`PATH`) lists every finding<end>",
 * naming the JSON report the run writes; without one, only "<what> not
 * listed<end>": the summary never points to a report nobody asked for.
 */
GATE_PRINTF(4, 5)
static void more(const struct gate_run *run, struct gate_buf *out, const char *end, const char *fmt,
                 ...)
{
    char what[128];
    va_list ap;

    va_start(ap, fmt);
    (void)vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    gate_buf_printf(out, "%s not listed", what);
    if (run->json_report) {
        gate_buf_adds(out, ": ");
        (void)gate_md_json_report(run, out);
        gate_buf_adds(out, " lists every finding");
    }
    gate_buf_adds(out, end);
}

static const char *risk_badge(enum gate_risk r)
{
    switch (r) {
    case GATE_RISK_CRITICAL:
        return "\xF0\x9F\x9B\x91 critical"; /* stop sign */
    case GATE_RISK_HIGH:
        return "\xF0\x9F\x94\xB4 high"; /* red circle */
    case GATE_RISK_MEDIUM:
        return "\xF0\x9F\x9F\xA0 medium"; /* orange circle */
    case GATE_RISK_LOW:
        return "\xF0\x9F\x9F\xA2 low"; /* green circle */
    default:
        return "\xE2\x9A\xAA none"; /* white circle */
    }
}

static void path_text(const struct gate_run *run, const char *path, struct gate_buf *b)
{
    struct gate_buf p = {0};

    gate_report_relpath(run, path, &p);
    gate_md_text(b, gate_buf_str(&p), 300);
    gate_buf_release(&p);
}

static bool interesting(const struct gate_migration *m)
{
    if (m->error)
        return true;
    if (m->has_history && m->state != GATE_MSTATE_APPLIED)
        return true;
    for (size_t k = 0; k < m->nfindings; k++) {
        if (!m->findings[k].suppressed && m->findings[k].severity >= GATE_SEV_WARNING)
            return true;
    }
    return false;
}

static void findings_cell(const struct gate_migration *m, struct gate_buf *b)
{
    size_t blocking = 0, warn = 0, info = 0, supp = 0;

    if (m->error) {
        gate_buf_adds(b, "could not evaluate: ");
        gate_md_text(b, m->error, 200);
        return;
    }
    for (size_t k = 0; k < m->nfindings; k++) {
        const struct gate_finding *f = &m->findings[k];

        if (f->suppressed)
            supp++;
        else if (f->severity == GATE_SEV_ERROR)
            blocking++;
        else if (f->severity == GATE_SEV_WARNING)
            warn++;
        else
            info++;
    }
    if (!blocking && !warn && !info && !supp) {
        gate_buf_adds(b, "-");
        return;
    }
    {
        const char *sep = "";

        if (blocking) {
            gate_buf_printf(b, "**%zu blocking**", blocking);
            sep = ", ";
        }
        if (warn) {
            gate_buf_printf(b, "%s%zu warning%s", sep, warn, warn == 1 ? "" : "s");
            sep = ", ";
        }
        if (info) {
            gate_buf_printf(b, "%s%zu info", sep, info);
            sep = ", ";
        }
        if (supp)
            gate_buf_printf(b, "%s%zu suppressed", sep, supp);
    }
    /* the rules, for a quick look */
    {
        const char *seen[4];
        size_t shown = 0;

        for (size_t k = 0; k < m->nfindings && shown < 4; k++) {
            const struct gate_finding *f = &m->findings[k];
            bool dup = false;

            if (f->suppressed || f->severity < GATE_SEV_WARNING)
                continue;
            /* every earlier such finding's rule is one of those shown */
            for (size_t j = 0; j < shown; j++) {
                if (!strcmp(seen[j], f->rule))
                    dup = true;
            }
            if (dup)
                continue;
            gate_buf_printf(b, "%s`%s`", shown ? " " : ": ", f->rule);
            seen[shown++] = f->rule;
        }
    }
}

/* A present section's line in place of the counts (plan: no plan could be computed). */
static bool section_headline(const struct gate_run *run, struct gate_buf *out)
{
    for (size_t i = 0; i < gate_report_nsections; i++) {
        const struct gate_report_section *s = gate_report_sections[i];

        if (s->md_headline && s->present(run) && s->md_headline(run, out))
            return true;
    }
    return false;
}

static void header(const struct gate_run *run, const struct gate_run_counts *c,
                   struct gate_buf *out)
{
    const char *verdict = run->verdict == GATE_VERDICT_PASS   ? "\xE2\x9C\x85 gate open"
                          : run->verdict == GATE_VERDICT_FAIL ? "\xE2\x9D\x8C gate closed"
                                                              : "\xE2\x9A\xA0\xEF\xB8\x8F could "
                                                                "not evaluate";

    gate_buf_printf(out, "## prisma-gate %s: %s\n\n", run->command, verdict);
    if (!section_headline(run, out)) {
        gate_buf_printf(out,
                        "**%zu migration%s** \xC2\xB7 max risk **%s** \xC2\xB7 fail-on %s "
                        "\xC2\xB7 exit %d",
                        run->nmigrations, run->nmigrations == 1 ? "" : "s",
                        gate_risk_name(run->max_risk), gate_risk_name(run->fail_on),
                        run->exit_code);
        gate_buf_printf(out, " \xC2\xB7 %zu blocking, %zu warning%s", c->blocking, c->warnings,
                        c->warnings == 1 ? "" : "s");
        if (c->suppressed)
            gate_buf_printf(out, ", %zu suppressed", c->suppressed);
        if (c->errors)
            gate_buf_printf(out, " \xC2\xB7 **%zu could not be evaluated**", c->errors);
    }
    gate_buf_adds(out, "\n\n");
    if (run->target) {
        gate_buf_adds(out, "Target: ");
        if (run->target->name) {
            gate_md_text(out, run->target->name, 100);
            gate_buf_adds(out, ", ");
        }
        gate_buf_adds(out, "database ");
        gate_md_text(out, run->target->database ? run->target->database : "?", 100);
        gate_buf_adds(out, " on ");
        gate_md_text(out, run->target->host ? run->target->host : "?", 200);
        gate_buf_adds(out, "\n\n");
    }
}

static void table(const struct gate_run *run, struct gate_buf *out, size_t limit)
{
    struct gate_buf row = {0};
    bool only_interesting = run->nmigrations > 100;
    size_t shown = 0, hidden_quiet = 0, hidden_space = 0;
    bool history = false;

    if (!run->nmigrations)
        return;
    for (size_t i = 0; i < run->nmigrations; i++)
        history |= run->migrations[i]->has_history;
    gate_buf_adds(out, history
                           ? "| Migration | State | Risk | Findings |\n| --- | --- | --- | --- |\n"
                           : "| Migration | Risk | Findings |\n| --- | --- | --- |\n");
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        if (only_interesting && !interesting(m)) {
            hidden_quiet++;
            continue;
        }
        if (hidden_space) {
            hidden_space++;
            continue;
        }
        gate_buf_reset(&row);
        gate_buf_adds(&row, "| ");
        gate_md_text(&row, m->name, 200);
        if (history)
            gate_buf_printf(&row, " | %s", gate_mstate_name(m->state));
        gate_buf_printf(&row, " | %s | ", risk_badge(m->risk));
        findings_cell(m, &row);
        gate_buf_adds(&row, " |\n");
        if (!gate_md_put(out, &row, limit))
            hidden_space++;
        else
            shown++;
    }
    if (hidden_quiet || hidden_space) {
        struct gate_buf j = {0};

        gate_buf_adds(out, "\n");
        if (hidden_quiet)
            gate_buf_printf(out, "%zu migration%s without warnings or errors not listed.",
                            hidden_quiet, hidden_quiet == 1 ? "" : "s");
        if (hidden_space)
            gate_buf_printf(out, "%s%zu more migration%s not listed (size limit).",
                            hidden_quiet ? " " : "", hidden_space, hidden_space == 1 ? "" : "s");
        if (gate_md_json_report(run, &j))
            gate_buf_printf(out, " %c%s has every one.", toupper((unsigned char)j.data[0]),
                            j.data + 1);
        gate_buf_release(&j);
        gate_buf_adds(out, "\n");
    }
    gate_buf_adds(out, "\n");
    gate_buf_release(&row);
}

static void finding_item(const struct gate_run *run, const struct gate_finding_ref *r,
                         struct gate_buf *b)
{
    const struct gate_finding *f = r->f;

    gate_buf_printf(b, "- **%s** `%s` at ", gate_risk_name(f->risk), f->rule);
    path_text(run, r->m->path, b);
    gate_buf_printf(b, ":%d:%d: ", f->line, f->column);
    gate_md_text(b, f->message, GATE_MD_ITEM_MAX);
    gate_buf_addc(b, '\n');
    if (f->suppressed) {
        gate_buf_adds(b, "  - suppressed: ");
        gate_md_text(b, f->suppression_reason ? f->suppression_reason : "", GATE_MD_ITEM_MAX);
        gate_buf_addc(b, '\n');
    } else if (f->help) {
        gate_buf_adds(b, "  - help: ");
        gate_md_text(b, f->help, GATE_MD_ITEM_MAX);
        gate_buf_addc(b, '\n');
    }
}

/* A list of findings under a heading; returns how many did not fit. */
static size_t finding_list(const struct gate_run *run, const struct gate_finding_ref *refs,
                           size_t n, struct gate_buf *out, size_t limit)
{
    struct gate_buf item = {0};
    size_t i;

    for (i = 0; i < n; i++) {
        gate_buf_reset(&item);
        finding_item(run, &refs[i], &item);
        if (!gate_md_put(out, &item, limit))
            break;
    }
    gate_buf_release(&item);
    return n - i;
}

static void checks(const struct gate_run *run, struct gate_buf *out, size_t limit)
{
    struct gate_buf row = {0};
    size_t hidden = 0;

    if (!run->nchecks)
        return;
    gate_buf_adds(out, "### Checks\n\n| Check | Status | Message |\n| --- | --- | --- |\n");
    /* problems first, passes after */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < run->nchecks; i++) {
            const struct gate_check *c = &run->checks[i];

            if ((c->status == GATE_STATUS_PASS || c->status == GATE_STATUS_SKIP) != (pass == 1))
                continue;
            gate_buf_reset(&row);
            gate_buf_adds(&row, "| ");
            gate_md_text(&row, c->id, 100);
            gate_buf_printf(&row, " | %s%s%s | ", c->status == GATE_STATUS_PASS ? "" : "**",
                            gate_status_name(c->status), c->status == GATE_STATUS_PASS ? "" : "**");
            gate_md_text(&row, c->message, GATE_MD_ITEM_MAX);
            gate_buf_adds(&row, " |\n");
            if (hidden || !gate_md_put(out, &row, limit))
                hidden++;
        }
    }
    if (hidden)
        gate_buf_printf(out, "\n%zu more check%s not listed (size limit).\n", hidden,
                        hidden == 1 ? "" : "s");
    gate_buf_adds(out, "\n");
    gate_buf_release(&row);
}

void gate_report_markdown(const struct gate_run *run, struct gate_buf *out, size_t max)
{
    struct gate_run_counts c;
    struct gate_finding_ref *refs;
    size_t n, nblock = 0, start = out->len, left;
    size_t budget = max > RESERVE * 4 ? max - RESERVE : max;

    gate_run_count(run, &c);
    header(run, &c, out);
    /* shares: the table up to 40% of the budget, blocking findings up to 75%, checks 85% */
    table(run, out, start + budget * 40 / 100);

    refs = gate_findings_worst_first(run, GATE_SEV_WARNING, true, &n);
    while (nblock < n && gate_finding_blocking(refs[nblock].f))
        nblock++;
    if (nblock) {
        gate_buf_printf(out, "### Blocking findings (%zu)\n\n", nblock);
        left = finding_list(run, refs, nblock, out, start + budget * 75 / 100);
        if (left)
            more(run, out, "\n", "- ... and %zu more blocking finding%s", left,
                 left == 1 ? "" : "s");
        gate_buf_adds(out, "\n");
    }
    checks(run, out, start + budget * 85 / 100);
    /* each present section's part (plan, deploy, health, next steps) */
    for (size_t i = 0; i < gate_report_nsections; i++) {
        if (gate_report_sections[i]->present(run))
            gate_report_sections[i]->markdown(run, out, start + budget * 90 / 100);
    }
    if (n > nblock) {
        gate_buf_printf(out,
                        "<details><summary>Warnings and suppressed findings (%zu)</summary>\n\n",
                        n - nblock);
        left = finding_list(run, refs + nblock, n - nblock, out, start + budget);
        if (left)
            more(run, out, "\n", "- ... and %zu more", left);
        gate_buf_adds(out, "\n</details>\n\n");
    }
    free(refs);
    if (c.infos)
        more(run, out, ".\n\n", "%zu info finding%s", c.infos, c.infos == 1 ? "" : "s");
    gate_buf_printf(out, "<sub>%s %s</sub>\n", GATE_NAME, GATE_VERSION);
}
