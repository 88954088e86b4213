/* SPDX-License-Identifier: MIT */
/*
 * sections/lint.c - the `lint` section: the text report of a run no other
 * section leads (lint): the checks, one block per finding in compiler
 * style (path:line:col), then a summary line. Always present and last in
 * the table; the JSON report's checks and migrations and the Markdown
 * summary's table and findings are common to every command, so it adds
 * nothing to them.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/report_common.h"
#include "gate/report_section.h"
#include "gate/ghsafe.h"

#include <string.h>

static bool present(const struct gate_run *run)
{
    (void)run;
    return true;
}

/*
 * Text that came from the input (paths, messages quoting SQL, reasons) goes
 * to a terminal or a CI log: the log sanitiser (ghsafe.h) makes control
 * characters (an ESC in a quoted identifier, say) and invalid UTF-8
 * U+FFFD, line breaks spaces, and defuses workflow commands ("::" first
 * on a line, "##[").
 */
static void put(struct gate_buf *out, const char *s)
{
    if (s)
        gate_safe_text(out, s, strlen(s), GATE_SAFE_SPACES);
}

static void finding_text(struct gate_buf *out, const struct gate_migration *m,
                         const struct gate_finding *f, bool color)
{
    gate_buf_adds(out, color ? GATE_C_BOLD : "");
    put(out, m->path);
    gate_buf_printf(out, ":%d:%d:%s ", f->line, f->column, color ? GATE_C_RESET : "");
    gate_buf_printf(out, "%s%s%s %s: ", color ? gate_ansi_risk(f->risk) : "",
                    gate_risk_name(f->risk), color ? GATE_C_RESET : "", f->rule);
    put(out, f->message);
    if (f->suppressed) {
        gate_buf_printf(out, " %s[suppressed: ", color ? GATE_C_DIM : "");
        put(out, f->suppression_reason);
        gate_buf_printf(out, "]%s", color ? GATE_C_RESET : "");
    }
    gate_buf_addc(out, '\n');
    if (f->help && !f->suppressed) {
        gate_buf_printf(out, "  %shelp:%s ", color ? GATE_C_BOLD : "", color ? GATE_C_RESET : "");
        put(out, f->help);
        gate_buf_addc(out, '\n');
    }
    if (f->prisma_warning && !f->suppressed) {
        gate_buf_printf(out, "  %sprisma warned:%s ", color ? GATE_C_BOLD : "",
                        color ? GATE_C_RESET : "");
        put(out, f->prisma_warning);
        gate_buf_addc(out, '\n');
    }
}

static void text(const struct gate_run *run, struct gate_buf *out, const struct gate_text_opts *o)
{
    size_t counts[GATE_RISK_CRITICAL + 1] = {0};
    size_t total = 0, suppressed = 0, hidden = 0;
    bool color = o->color, verbose = o->verbose;

    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        gate_buf_printf(out, "%-5s %s: ", gate_status_name(c->status), c->id);
        put(out, c->message);
        gate_buf_addc(out, '\n');
    }
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        if (m->error && !m->nfindings) {
            put(out, m->path);
            gate_buf_adds(out, ": error: ");
            put(out, m->error);
            gate_buf_addc(out, '\n');
        }
        for (size_t k = 0; k < m->nfindings; k++) {
            const struct gate_finding *f = &m->findings[k];

            /* counted whether shown or not: the summary line is the same with -v */
            if (f->suppressed) {
                suppressed++;
            } else {
                counts[f->risk]++;
                total++;
            }
            if (f->severity == GATE_SEV_INFO && !verbose) {
                hidden++;
                continue;
            }
            finding_text(out, m, f, color);
        }
    }
    gate_report_health_text(run, out, color);
    gate_buf_printf(out, "%zu migration%s, %zu finding%s", run->nmigrations,
                    run->nmigrations == 1 ? "" : "s", total, total == 1 ? "" : "s");
    if (total) {
        const char *sep = " (";

        for (int r = GATE_RISK_CRITICAL; r >= GATE_RISK_NONE; r--) {
            if (!counts[r])
                continue;
            gate_buf_printf(out, "%s%zu %s", sep, counts[r], gate_risk_name((enum gate_risk)r));
            sep = ", ";
        }
        gate_buf_addc(out, ')');
    }
    if (suppressed)
        gate_buf_printf(out, ", %zu suppressed", suppressed);
    if (hidden)
        gate_buf_printf(out, ", %zu info not shown (-v shows)", hidden);
    gate_buf_printf(out, "; max risk %s%s%s; gate %s%s%s (fail-on %s)\n",
                    color ? gate_ansi_risk(run->max_risk) : "", gate_risk_name(run->max_risk),
                    color ? GATE_C_RESET : "", color ? GATE_C_BOLD : "",
                    run->verdict == GATE_VERDICT_PASS   ? "open"
                    : run->verdict == GATE_VERDICT_FAIL ? "closed"
                                                        : "error",
                    color ? GATE_C_RESET : "", gate_risk_name(run->fail_on));
}

const struct gate_report_section gate_section_lint = {
    .name = "lint",
    .place = GATE_SECTION_CONTEXT,
    .present = present,
    .json = gate_section_json_none,
    .text = text,
    .markdown = gate_section_markdown_none,
};
