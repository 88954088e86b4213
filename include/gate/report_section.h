/* SPDX-License-Identifier: MIT */
/*
 * report_section.h - the report sections: what one command (or one part
 * of the run model) adds to every report format. Each section is one file
 * in src/report/sections/ exporting one `gate_section_NAME`; the formats
 * (report_json.c, report_text.c, report_markdown.c) walk the table below
 * and never ask which command ran. docs/internals/reports.md has the
 * recipe for a new command's section.
 *
 * Every renderer is a pure function of the run model, like every report.
 */
#ifndef GATE_REPORT_SECTION_H
#define GATE_REPORT_SECTION_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/json.h"
#include "gate/report_format.h" /* struct gate_text_opts */
#include "gate/run.h"

/* Where a section's members go in the JSON report's top-level object. */
enum gate_section_place {
    GATE_SECTION_CONTEXT = 0, /* what was evaluated: before "checks" */
    GATE_SECTION_OUTCOME,     /* what happened: after "migrations" */
};

/* A short fact of the run a section states (plan: its digest). */
struct gate_report_fact {
    const char *section; /* the section's name (gate_report_facts fills it) */
    const char *key;     /* "digest" */
    const char *value;
};

struct gate_report_section {
    const char *name; /* "status": the command or part of the run it reports */
    enum gate_section_place place;

    /* The run has this section (run->history set, say). */
    bool (*present)(const struct gate_run *run);

    /*
     * Its members of the JSON report's top-level object ("history": {...}),
     * written with the streaming writer: key and value each. Called when
     * present, in table order, at place.
     */
    void (*json)(const struct gate_run *run, struct gate_jsonw *w);

    /*
     * Optional (NULL): members it adds to each migration's object, after
     * the common ones. Called for every migration of every run, present
     * or not, in table order; writes nothing when m has no such part.
     */
    void (*json_migration)(const struct gate_migration *m, struct gate_jsonw *w);

    /*
     * The whole text report of a run whose first present section (in
     * table order) this is: a section leads the text report of its
     * command. It may call other sections' helpers (plan's shows health).
     */
    void (*text)(const struct gate_run *run, struct gate_buf *out, const struct gate_text_opts *o);
    /*
     * text wraps its own lines to o->width (report_text.h's line writer,
     * hanging under a finding's columns); otherwise each line it writes is
     * wrapped afterwards, continuation lines under the value of a "label:
     * value" line, else 4 columns past its indent.
     */
    bool wraps_text;

    /*
     * Its part of the Markdown summary, after the checks table, when
     * present; lines that may be dropped stop before out->len passes
     * limit (gate_md_put). Sections with nothing to add there use
     * gate_section_markdown_none, so leaving it out is a decision.
     */
    void (*markdown)(const struct gate_run *run, struct gate_buf *out, size_t limit);

    /*
     * Optional (NULL): the line under the Markdown summary's title in
     * place of its counts ("0 migrations · max risk none ..."), for a run
     * whose counts would mislead (plan: no plan could be computed, and "0
     * migrations" would read as an empty plan). Writes it, without its
     * newline, and returns true; or writes nothing and returns false to
     * keep the counts. Called when present, in table order, until one
     * writes.
     */
    bool (*md_headline)(const struct gate_run *run, struct gate_buf *out);

    /*
     * Optional (NULL): short facts of the run for the formats that carry
     * name/value pairs - JUnit properties "SECTION.KEY", GitHub step
     * outputs "SECTION-KEY". Called when present; fills at most max of
     * out (key, value: borrowed from the run), returns how many.
     */
    size_t (*facts)(const struct gate_run *run, struct gate_report_fact *out, size_t max);

    /*
     * Optional (NULL: no): suppressed findings still count toward this
     * run's decision (plan: unless deploy.honor_suppressions), so the
     * formats that list what blocks (GitHub annotations, GitLab issues)
     * list them too. Called when present.
     */
    bool (*counts_suppressed)(const struct gate_run *run);
};

/* For a section that adds nothing to the JSON report / the Markdown summary. */
void gate_section_json_none(const struct gate_run *run, struct gate_jsonw *w);
void gate_section_markdown_none(const struct gate_run *run, struct gate_buf *out, size_t limit);

/*
 * The registration table, in order: the first present section leads the
 * text report, so a command's own section comes before the ones it
 * shares (health), and `lint` (always present: the findings list) comes
 * last. A new section is one file plus one X(name) here.
 */
/* clang-format off */
#define GATE_REPORT_SECTIONS(X) \
    X(status)                   \
    X(check)                    \
    X(detect)                   \
    X(plan)                     \
    X(drift)                    \
    X(health)                   \
    X(lint)
/* clang-format on */

#define GATE_SECTION_DECLARE(name) extern const struct gate_report_section gate_section_##name;
GATE_REPORT_SECTIONS(GATE_SECTION_DECLARE)
#undef GATE_SECTION_DECLARE

/* Every registered section, in table order (src/report/sections.c). */
extern const struct gate_report_section *const gate_report_sections[];
extern const size_t gate_report_nsections;

/* Most facts one run states (gate_report_facts). */
#define GATE_REPORT_FACTS_MAX 16

/* Every present section's facts, in table order, section set; returns how many (<= max). */
size_t gate_report_facts(const struct gate_run *run, struct gate_report_fact *out, size_t max);

/* Some present section says suppressed findings count toward the decision. */
bool gate_report_counts_suppressed(const struct gate_run *run);

/* The section that leads run's text report (never NULL: lint is always present). */
const struct gate_report_section *gate_report_text_lead(const struct gate_run *run);

#endif
