/* SPDX-License-Identifier: MIT */
/*
 * report_text.c - the human-readable report: that of the run's leading
 * section (report_section.h), the first present one in the table; and
 * what lint's and check's text share (report_text.h): the line writer
 * that wraps to the terminal and the layout of a finding.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/report_common.h"
#include "gate/report_section.h"
#include "gate/report_text.h"
#include "gate/ghsafe.h"
#include "gate/wrap.h"
#include "gate/xalloc.h"

#include <string.h>

void gate_report_text(const struct gate_run *run, struct gate_buf *out, bool color, bool verbose)
{
    const struct gate_text_opts o = {.color = color, .verbose = verbose};

    gate_report_text_lead(run)->text(run, out, &o);
}

/* ------------------------------------------------------------ line writer */

void gate_textw_init(struct gate_textw *t, struct gate_buf *out, const struct gate_text_opts *o)
{
    memset(t, 0, sizeof(*t));
    t->out = out;
    t->o = o;
}

void gate_textw_release(struct gate_textw *t)
{
    gate_buf_release(&t->line);
    free(t->helped);
    t->helped = NULL;
    t->nhelped = t->caphelped = 0;
}

void gate_textw_value(struct gate_textw *t, const char *s)
{
    if (s)
        gate_safe_text(&t->line, s, strlen(s), GATE_SAFE_SPACES);
}

void gate_textw_color(struct gate_textw *t, const char *s)
{
    if (t->o->color)
        gate_buf_adds(&t->line, s);
}

void gate_textw_end(struct gate_textw *t, size_t hang)
{
    gate_wrap(t->out, t->line.data ? t->line.data : "", t->line.len, t->o->width, hang);
    gate_buf_reset(&t->line);
}

/* --------------------------------------------------------------- findings */

/* The longest risk name ("critical"): the risk column's width. */
#define RISK_WIDTH 8

bool gate_textw_shows(const struct gate_textw *t, const struct gate_finding *f)
{
    return t->o->verbose || f->severity != GATE_SEV_INFO;
}

size_t gate_textw_loc_width(const struct gate_textw *t, const struct gate_migration *m)
{
    size_t w = 3;

    for (size_t k = 0; k < m->nfindings; k++) {
        char loc[32];
        int n;

        if (!gate_textw_shows(t, &m->findings[k]))
            continue;
        n = snprintf(loc, sizeof(loc), "%d:%d", m->findings[k].line, m->findings[k].column);
        if (n > 0 && (size_t)n > w)
            w = (size_t)n;
    }
    return w;
}

/* The first finding of its rule to show help in this report: remember the rule. */
static bool first_help(struct gate_textw *t, const char *rule)
{
    for (size_t i = 0; i < t->nhelped; i++) {
        if (!strcmp(t->helped[i], rule))
            return false;
    }
    GATE_GROW(t->helped, t->caphelped, t->nhelped + 1);
    t->helped[t->nhelped++] = rule;
    return true;
}

void gate_textw_finding(struct gate_textw *t, const struct gate_finding *f, size_t indent,
                        size_t locw)
{
    size_t sub = indent + locw + 2; /* the risk column: what belongs to the finding starts here */
    const char *risk = gate_risk_name(f->risk);
    char loc[32];

    (void)snprintf(loc, sizeof(loc), "%d:%d", f->line, f->column);
    gate_buf_printf(&t->line, "%*s%-*s  ", (int)indent, "", (int)locw, loc);
    gate_textw_color(t, gate_ansi_risk(f->risk));
    gate_buf_printf(&t->line, "%s", risk);
    gate_textw_color(t, GATE_C_RESET);
    gate_buf_printf(&t->line, "%*s  ", (int)(RISK_WIDTH - strlen(risk)), "");
    gate_textw_value(t, f->rule);
    gate_buf_printf(&t->line, "  ");
    gate_textw_value(t, f->message);
    if (f->suppressed) {
        gate_buf_printf(&t->line, " ");
        gate_textw_color(t, GATE_C_DIM);
        gate_buf_printf(&t->line, "[suppressed: ");
        gate_textw_value(t, f->suppression_reason);
        gate_buf_printf(&t->line, "]");
        gate_textw_color(t, GATE_C_RESET);
    } else if (f->prisma_warning && !t->o->verbose) {
        /* its text mostly says what the message says: -v shows it */
        gate_buf_addc(&t->line, ' ');
        gate_textw_color(t, GATE_C_DIM);
        gate_buf_adds(&t->line, "[prisma warned too]");
        gate_textw_color(t, GATE_C_RESET);
    }
    gate_textw_end(t, sub);
    if (f->help && !f->suppressed) {
        if (first_help(t, f->rule) || t->o->verbose) {
            gate_buf_printf(&t->line, "%*s", (int)sub, "");
            gate_textw_color(t, GATE_C_BOLD);
            gate_buf_printf(&t->line, "help:");
            gate_textw_color(t, GATE_C_RESET);
            gate_buf_printf(&t->line, " ");
            gate_textw_value(t, f->help);
            gate_textw_end(t, sub + strlen("help: "));
        } else {
            t->help_left_out++;
        }
    }
    if (f->prisma_warning && !f->suppressed && t->o->verbose) {
        gate_buf_printf(&t->line, "%*s", (int)sub, "");
        gate_textw_color(t, GATE_C_BOLD);
        gate_buf_printf(&t->line, "prisma warned:");
        gate_textw_color(t, GATE_C_RESET);
        gate_buf_printf(&t->line, " ");
        gate_textw_value(t, f->prisma_warning);
        gate_textw_end(t, sub + strlen("prisma warned: "));
    }
}

void gate_textw_help_note(struct gate_textw *t)
{
    if (!t->help_left_out)
        return;
    gate_buf_printf(&t->line,
                    "help is shown once per rule, at its first finding (%zu more finding%s "
                    "share%s it; -v shows it under each, `prisma-gate explain RULE` says why)",
                    t->help_left_out, t->help_left_out == 1 ? "" : "s",
                    t->help_left_out == 1 ? "s" : "");
    gate_textw_end(t, 2);
}
