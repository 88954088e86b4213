/* SPDX-License-Identifier: MIT */
/*
 * report_common.h - what the report writers share: repository-relative
 * paths, text made safe for a consumer (UTF-8 repaired, control
 * characters replaced), Markdown escaping, stable fingerprints, and the
 * blocking/worst ordering of findings. Pure functions of their inputs.
 */
#ifndef GATE_REPORT_COMMON_H
#define GATE_REPORT_COMMON_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/run.h"

/* ANSI colours of the text reports (used only when the run asks for colour). */
#define GATE_C_RESET "\033[0m"
#define GATE_C_BOLD  "\033[1m"
#define GATE_C_DIM   "\033[2m"
#define GATE_C_RED   "\033[1;31m"
#define GATE_C_GREEN "\033[32m"
#define GATE_C_YEL   "\033[33m"
#define GATE_C_MAG   "\033[1;35m"
#define GATE_C_CYAN  "\033[36m"

/* The colour of a risk level (critical magenta ... none dim). */
const char *gate_ansi_risk(enum gate_risk r);

/* A finding that closes the gate: unsuppressed, severity error. */
bool gate_finding_blocking(const struct gate_finding *f);

/*
 * path (as the run holds it: relative to the working directory, or
 * absolute) as a path relative to the repository root, '/'-separated,
 * "./" and "x/.." removed; appended to out. A path outside the root
 * stays absolute.
 */
void gate_report_relpath(const struct gate_run *run, const char *path, struct gate_buf *out);

enum gate_clean_flags {
    GATE_CLEAN_NEWLINES = 1 << 0, /* keep LF and TAB (CR/CRLF become LF); else they become ' ' */
    GATE_CLEAN_XML = 1 << 1,      /* also replace U+FFFE and U+FFFF (not XML 1.0 characters) */
};

/*
 * Append s with invalid UTF-8 and control characters (C0 except as
 * flags keep, DEL, C1) replaced by U+FFFD, at most max bytes of s (0: no
 * limit; a cut is marked with "..." and never splits a character).
 */
void gate_text_clean(struct gate_buf *out, const char *s, unsigned flags, size_t max);

/*
 * s, or when it holds a control character, invalid UTF-8, "::" or "##["
 * a copy cleaned by the log sanitiser (ghsafe.h, one line: LF and CR
 * written as "\n" and "\r", other controls U+FFFD, workflow commands
 * defused): for the %s arguments of text reports, which go to terminals
 * and CI logs, so a value (a migration name read from the database, a
 * folder name) never starts a line. A copy lives until 16 more calls;
 * not thread-safe (reports are rendered on the main thread).
 */
const char *gate_text_safe(const char *s);

/*
 * Append s as an inline Markdown code span (a migration name, say): one
 * line (gate_text_safe), fenced with more backticks than any run in it,
 * '|' escaped so a table cell cannot end inside it.
 */
void gate_md_code(struct gate_buf *out, const char *s);

/*
 * Append "the JSON report (`PATH`)" naming the JSON report the run writes
 * (run->json_report; "on stdout" for --format json) and return true;
 * false (out unchanged) when no JSON report was asked for, so that the
 * Markdown never points to a report that does not exist.
 */
bool gate_md_json_report(const struct gate_run *run, struct gate_buf *out);

/*
 * Append s as inline GitHub-flavoured Markdown text: cleaned, Markdown
 * and HTML specials escaped, newlines as <br>, so a cell of a table or a
 * list item cannot break out of it. At most max bytes of s (0: all).
 */
void gate_md_text(struct gate_buf *out, const char *s, size_t max);

/* Bytes of a message or help text in one item of the Markdown summary. */
#define GATE_MD_ITEM_MAX ((size_t)600)

/*
 * Append item (a complete line or block of the Markdown summary) when out
 * stays within limit bytes; false (out unchanged) when it does not, so
 * what does not fit is counted, never cut mid-line.
 */
bool gate_md_put(struct gate_buf *out, const struct gate_buf *item, size_t limit);

/*
 * A stable fingerprint (64 hex digits) of finding f of migration m: rule,
 * repository path, table, message and the ordinal among identical
 * findings of the file - not the line, so an edit above it does not make
 * it a new finding.
 */
void gate_finding_fingerprint(const struct gate_run *run, const struct gate_migration *m,
                              const struct gate_finding *f, char out[65]);
/*
 * The fingerprints of all of m's findings at once, in linear time: that of
 * finding k is the NUL-terminated 64 hex digits at 65 * k, the same as
 * gate_finding_fingerprint gives. The caller frees the result.
 */
char *gate_migration_fingerprints(const struct gate_run *run, const struct gate_migration *m);

/* A finding with its migration, for ordering across migrations. */
struct gate_finding_ref {
    const struct gate_migration *m;
    const struct gate_finding *f;
};

/*
 * Every finding of the run with severity at least min (suppressed ones
 * only when with_suppressed), worst first: blocking, risk, severity,
 * then migration order, line, column. malloc'd; *n set.
 */
struct gate_finding_ref *gate_findings_worst_first(const struct gate_run *run,
                                                   enum gate_severity min, bool with_suppressed,
                                                   size_t *n);

/* Counts over the run. */
struct gate_run_counts {
    size_t findings; /* unsuppressed */
    size_t blocking; /* unsuppressed, severity error */
    size_t warnings; /* unsuppressed, severity warning */
    size_t infos;    /* unsuppressed, severity info */
    size_t suppressed;
    size_t errors;                          /* migrations that could not be evaluated */
    size_t by_risk[GATE_RISK_CRITICAL + 1]; /* unsuppressed */
};
void gate_run_count(const struct gate_run *run, struct gate_run_counts *c);

#endif
