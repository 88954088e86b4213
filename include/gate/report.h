/* SPDX-License-Identifier: MIT */
/*
 * report.h - report writers, one per format. Each is a pure function of
 * the run model: the same run always gives the same bytes. The format
 * table (report_format.h) names them; JSON, text and Markdown walk the
 * section table (report_section.h) for what each command adds.
 */
#ifndef GATE_REPORT_H
#define GATE_REPORT_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/err.h"
#include "gate/run.h"

/* The canonical JSON report (format_version 1, docs/report.schema.json); appended to out. */
void gate_report_json(const struct gate_run *run, struct gate_buf *out);

/*
 * Human-readable text: the text of the run's leading section (the first
 * present one; lint's: path:line:col, risk, rule, message, help); ANSI
 * colour when color; info-severity findings only when verbose (counted).
 */
void gate_report_text(const struct gate_run *run, struct gate_buf *out, bool color, bool verbose);

/*
 * The health checks' results (run->health), a line each, and a summary
 * line (sections/health.c); the lint and plan sections' text include it.
 * Nothing when there are none.
 */
void gate_report_health_text(const struct gate_run *run, struct gate_buf *out, bool color);

/*
 * JUnit XML: a testsuite for the command, a testcase per check and per
 * migration; <failure> for blocking findings, <error> for what could not
 * be evaluated. Valid XML 1.0 whatever the SQL holds. Written with
 * libxml2, which is not linked but loaded on first use (dl.h): fails
 * only when it cannot be loaded, with GATE_E_IO and a message naming the
 * package to install (out is then unchanged).
 */
enum gate_code gate_report_junit(const struct gate_run *run, struct gate_buf *out,
                                 struct gate_err *err);

/*
 * Load libxml2 now (gate_report_junit would on first use): for a command
 * that must not start what it cannot report (deploy). GATE_E_IO as above.
 */
enum gate_code gate_report_junit_load(struct gate_err *err);

/* SARIF 2.1.0: every rule with its help, one result per finding, stable fingerprints. */
void gate_report_sarif(const struct gate_run *run, struct gate_buf *out);

/* GitLab Code Quality: a JSON array of unsuppressed findings (and located check problems). */
void gate_report_gitlab(const struct gate_run *run, struct gate_buf *out);

/* The PR-comment budget (GitHub caps a comment at 65,536 characters) and the step summary's. */
#define GATE_MARKDOWN_COMMENT_MAX ((size_t)65000)
#define GATE_MARKDOWN_SUMMARY_MAX ((size_t)1000 * 1024)

/*
 * A Markdown summary (verdict, a table of migrations with risk and
 * findings, the blocking findings, the checks) of at most max bytes:
 * what does not fit is counted, never cut mid-line.
 */
void gate_report_markdown(const struct gate_run *run, struct gate_buf *out, size_t max);

/* A report file written by this run, for $GITHUB_OUTPUT. */
struct gate_report_path {
    const char *format; /* "json", "junit", ... */
    const char *path;
};

/*
 * GitHub workflow commands: ::error/::warning annotations (file, line,
 * col, title; escaped) for the worst ten per kind, then a ::notice with
 * the count of the rest.
 */
void gate_report_github_annotations(const struct gate_run *run, struct gate_buf *out);

/*
 * $GITHUB_OUTPUT lines: verdict, max-risk, exit-code, blocking, findings,
 * plan-digest (when the run has a plan), report-FORMAT paths; each value written as
 * name<<delim ... delim. delim must not occur in any value (the caller
 * draws a random one and checks with gate_report_github_delim_ok).
 */
void gate_report_github_outputs(const struct gate_run *run, const struct gate_report_path *files,
                                size_t nfiles, const char *delim, struct gate_buf *out);
bool gate_report_github_delim_ok(const struct gate_run *run, const struct gate_report_path *files,
                                 size_t nfiles, const char *delim);

#endif
