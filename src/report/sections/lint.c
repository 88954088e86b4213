/* SPDX-License-Identifier: MIT */
/*
 * sections/lint.c - the `lint` section: the text report of a run no other
 * section leads (lint): the checks, then the findings grouped by
 * migration (a header with its path, risk and counts; under it
 * "line:col  risk  rule  message", each rule's help once per run), then a
 * summary line that counts what is not listed. Always present and last in
 * the table; the JSON report's checks and migrations and the Markdown
 * summary's table and findings are common to every command, so it adds
 * nothing to them.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/report_common.h"
#include "gate/report_section.h"
#include "gate/report_text.h"

#include <string.h>

static bool present(const struct gate_run *run)
{
    (void)run;
    return true;
}

/* "1 finding", "2 findings" */
static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

/*
 * One migration's group: a header (its path, its risk, its counts), then
 * its findings indented under it. Counts the findings into the run's
 * totals whether they are shown or not, so that the summary line is the
 * same with -v.
 */
static void migration_text(struct gate_textw *t, const struct gate_migration *m, size_t *listed)
{
    size_t total = 0, suppressed = 0, hidden = 0, shown = 0;
    size_t locw;

    for (size_t k = 0; k < m->nfindings; k++) {
        const struct gate_finding *f = &m->findings[k];

        if (f->suppressed)
            suppressed++;
        else
            total++;
        if (gate_textw_shows(t, f))
            shown++;
        else
            hidden++;
    }
    /* a migration with nothing to show is counted on the summary line, not listed */
    if (!shown && !m->error)
        return;
    if ((*listed)++)
        gate_textw_end(t, 0); /* a blank line between groups */
    gate_textw_color(t, GATE_C_BOLD);
    gate_textw_value(t, m->path);
    gate_textw_color(t, GATE_C_RESET);
    if (m->error && !m->nfindings) {
        gate_buf_adds(&t->line, "  error: ");
        gate_textw_value(t, m->error);
        gate_textw_end(t, 4);
        return;
    }
    gate_buf_adds(&t->line, "  risk ");
    gate_textw_color(t, gate_ansi_risk(m->risk));
    gate_buf_adds(&t->line, gate_risk_name(m->risk));
    gate_textw_color(t, GATE_C_RESET);
    gate_buf_printf(&t->line, ", %zu finding%s", total, plural(total));
    if (hidden)
        gate_buf_printf(&t->line, " (%zu info not shown)", hidden);
    if (suppressed)
        gate_buf_printf(&t->line, ", %zu suppressed", suppressed);
    gate_textw_end(t, 4);
    locw = gate_textw_loc_width(t, m);
    for (size_t k = 0; k < m->nfindings; k++) {
        if (gate_textw_shows(t, &m->findings[k]))
            gate_textw_finding(t, &m->findings[k], 2, locw);
    }
}

static void text(const struct gate_run *run, struct gate_buf *out, const struct gate_text_opts *o)
{
    size_t counts[GATE_RISK_CRITICAL + 1] = {0};
    size_t total = 0, suppressed = 0, hidden = 0, listed = 0;
    bool color = o->color;
    struct gate_textw t;

    gate_textw_init(&t, out, o);
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        gate_buf_printf(&t.line, "%-5s %s: ", gate_status_name(c->status), c->id);
        gate_textw_value(&t, c->message);
        gate_textw_end(&t, 6);
    }
    if (run->nchecks && run->nmigrations)
        gate_textw_end(&t, 0);
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        for (size_t k = 0; k < m->nfindings; k++) {
            const struct gate_finding *f = &m->findings[k];

            if (f->suppressed) {
                suppressed++;
            } else {
                counts[f->risk]++;
                total++;
            }
            if (!gate_textw_shows(&t, f))
                hidden++;
        }
        migration_text(&t, m, &listed);
    }
    if (listed)
        gate_textw_end(&t, 0);
    gate_textw_help_note(&t);
    gate_report_health_text(run, out, color);
    gate_buf_printf(&t.line, "%zu migration%s", run->nmigrations, plural(run->nmigrations));
    if (listed && listed < run->nmigrations)
        gate_buf_printf(&t.line, " (%zu with nothing to show, not listed)",
                        run->nmigrations - listed);
    gate_buf_printf(&t.line, ", %zu finding%s", total, plural(total));
    if (total) {
        const char *sep = " (";

        for (int r = GATE_RISK_CRITICAL; r >= GATE_RISK_NONE; r--) {
            if (!counts[r])
                continue;
            gate_buf_printf(&t.line, "%s%zu %s", sep, counts[r], gate_risk_name((enum gate_risk)r));
            sep = ", ";
        }
        gate_buf_addc(&t.line, ')');
    }
    if (suppressed)
        gate_buf_printf(&t.line, ", %zu suppressed", suppressed);
    if (hidden)
        gate_buf_printf(&t.line, ", %zu info not shown (-v shows)", hidden);
    gate_buf_printf(&t.line, "; max risk %s%s%s; gate %s%s%s (fail-on %s)",
                    color ? gate_ansi_risk(run->max_risk) : "", gate_risk_name(run->max_risk),
                    color ? GATE_C_RESET : "", color ? GATE_C_BOLD : "",
                    run->verdict == GATE_VERDICT_PASS   ? "open"
                    : run->verdict == GATE_VERDICT_FAIL ? "closed"
                                                        : "error",
                    color ? GATE_C_RESET : "", gate_risk_name(run->fail_on));
    gate_textw_end(&t, 2);
    gate_textw_release(&t);
}

const struct gate_report_section gate_section_lint = {
    .name = "lint",
    .place = GATE_SECTION_CONTEXT,
    .present = present,
    .json = gate_section_json_none,
    .text = text,
    .wraps_text = true,
    .markdown = gate_section_markdown_none,
};
