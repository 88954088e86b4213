/* SPDX-License-Identifier: MIT */
/*
 * report_text.h - what the text reports of lint and check share: a line
 * writer that wraps each line it is given to the terminal's width with a
 * hanging indent (wrap.h; values are sanitised before, ghsafe.h), and one
 * layout of a finding, whose help a run shows once per rule. Pure
 * functions of the run model and the options.
 */
#ifndef GATE_REPORT_TEXT_H
#define GATE_REPORT_TEXT_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/report_format.h" /* struct gate_text_opts */
#include "gate/run.h"

/* A text report being written. Zero it and call gate_textw_init. */
struct gate_textw {
    struct gate_buf *out;
    const struct gate_text_opts *o;
    struct gate_buf line; /* the line being built */
    const char **helped;  /* rules whose help was shown (malloc'd; the ids are static) */
    size_t nhelped, caphelped;
    size_t help_left_out; /* findings whose help was not shown: their rule's was */
};

void gate_textw_init(struct gate_textw *t, struct gate_buf *out, const struct gate_text_opts *o);
void gate_textw_release(struct gate_textw *t);

/*
 * The line being built is t->line: the caller's own text goes in with
 * gate_buf_*; a value from the input with gate_textw_value, through the
 * log sanitiser (line breaks become spaces).
 */
void gate_textw_value(struct gate_textw *t, const char *s);
/* Colour sequence s when the report is in colour (else nothing). */
void gate_textw_color(struct gate_textw *t, const char *s);

/*
 * End the line: append it to out, wrapped at o->width (none when 0) with
 * continuation lines indented by hang columns.
 */
void gate_textw_end(struct gate_textw *t, size_t hang);

/* The findings of m the report shows: all when verbose, else all but info ones. */
bool gate_textw_shows(const struct gate_textw *t, const struct gate_finding *f);

/* Columns of the widest "line:col" among the findings of m it shows (at least 3). */
size_t gate_textw_loc_width(const struct gate_textw *t, const struct gate_migration *m);

/*
 * Finding f: "INDENT line:col  risk  rule  message [suppressed: reason]"
 * (line:col padded to locw, risk to the longest risk name; "[prisma
 * warned too]" ends it when it confirms a Prisma warning), then, indented
 * under the risk, its help - unless suppressed, and unless it is not
 * verbose and a finding of the same rule showed its help before - and,
 * when verbose, the text of the Prisma warning it confirms.
 */
void gate_textw_finding(struct gate_textw *t, const struct gate_finding *f, size_t indent,
                        size_t locw);

/*
 * When help was left out (gate_textw_finding), a line saying so: where
 * it is, and that -v shows it under every finding. Nothing otherwise.
 */
void gate_textw_help_note(struct gate_textw *t);

#endif
