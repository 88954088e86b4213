/* SPDX-License-Identifier: MIT */
/*
 * report_format.h - the report formats: one table (src/report/formats.c)
 * says each format's name, whether it can be a report file, what it
 * needs, and which writer renders it. --format, --report FORMAT=PATH,
 * the policy's reports:, the help and the error messages all read it;
 * no other list of format names exists.
 */
#ifndef GATE_REPORT_FORMAT_H
#define GATE_REPORT_FORMAT_H

#include "gate/compat.h"
#include "gate/buf.h"
#include "gate/err.h"
#include "gate/run.h"

/* The formats; --format lists them in this order (text, the default, first). */
enum gate_format {
    GATE_FORMAT_TEXT = 0,
    GATE_FORMAT_JSON,
    GATE_FORMAT_JUNIT,
    GATE_FORMAT_SARIF,
    GATE_FORMAT_GITHUB,
    GATE_FORMAT_GITLAB,
    GATE_FORMAT_MARKDOWN,
};
#define GATE_FORMAT_COUNT 7

/* How the text report is asked for (--format text, -v, colour and width on a terminal). */
struct gate_text_opts {
    bool color;   /* ANSI colours */
    bool verbose; /* info-severity findings too, and every finding's help */
    size_t width; /* wrap long lines at this many columns (wrap.h); 0: no wrapping */
};

struct gate_report_format {
    enum gate_format id;
    const char *name; /* --format NAME, --report NAME=PATH, the policy's reports.NAME */
    bool file;        /* can be a report file (github is not: it goes to GitHub's files) */
    bool without_run; /* a command that evaluates nothing (rules, init) can print it */
    /*
     * NULL, or what its writer loads on first use (JUnit: libxml2, dl.h),
     * loaded before a command runs so that it does not start what it
     * cannot report. GATE_E_IO naming the package to install.
     */
    enum gate_code (*load)(struct gate_err *err);
    /*
     * Render run into out (opts matter to text only). Fails only when a
     * library the format needs cannot be loaded (GATE_E_IO, out unchanged).
     */
    enum gate_code (*write)(const struct gate_run *run, struct gate_buf *out,
                            const struct gate_text_opts *o, struct gate_err *err);
};

/*
 * Every format, in the order lists of report files give them (the
 * policy's reports: keys, --report's help): the file formats, then the
 * others.
 */
extern const struct gate_report_format gate_report_formats[];
extern const size_t gate_report_nformats;

/* The row of f (never NULL for a valid f). */
const struct gate_report_format *gate_report_format(enum gate_format f);

/* The row named name[0..len) (len: strlen(name) when SIZE_MAX), NULL when none is. */
const struct gate_report_format *gate_report_format_find(const char *name, size_t len);

/* Which formats a list names. */
enum gate_format_set {
    GATE_FORMATS_ALL = 0,     /* every format, in --format (enum) order */
    GATE_FORMATS_FILES,       /* the file formats, in table order */
    GATE_FORMATS_WITHOUT_RUN, /* what a command without a run prints, in enum order */
};

/*
 * The names of set as a list, appended to out; items joined with sep,
 * the last one with last_sep ("json, junit ... markdown or text").
 */
void gate_report_format_list(struct gate_buf *out, enum gate_format_set set, const char *sep,
                             const char *last_sep);

/* A report file a run writes: --report FORMAT=PATH, or the policy's reports.FORMAT. */
struct gate_report_spec {
    enum gate_format format;
    const char *path; /* as given; "{command}" is replaced when written */
    bool policy;      /* from the policy's reports: (else a --report flag) */
};

/*
 * Parse --report's "FORMAT=PATH" (a file format of the table). cli.c
 * parses each flag once, into struct gate_cli's reports. GATE_E_USAGE
 * with a message on anything else.
 */
enum gate_code gate_report_spec_parse(const char *arg, struct gate_report_spec *out,
                                      struct gate_err *err);

const char *gate_format_name(enum gate_format f);
bool gate_format_parse(const char *s, enum gate_format *out);

#endif
