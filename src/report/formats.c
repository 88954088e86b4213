/* SPDX-License-Identifier: MIT */
/*
 * formats.c - the table of report formats (report_format.h) and what
 * reads it: format names, --report specs, the lists in messages and help.
 */
#include "gate/compat.h"
#include "gate/report_format.h"
#include "gate/report.h"
#include "gate/report_section.h"
#include "gate/wrap.h"

#include <stdint.h>
#include <string.h>

static enum gate_code write_json(const struct gate_run *run, struct gate_buf *out,
                                 const struct gate_text_opts *o, struct gate_err *err)
{
    (void)o;
    (void)err;
    gate_report_json(run, out);
    return GATE_OK;
}

static enum gate_code write_junit(const struct gate_run *run, struct gate_buf *out,
                                  const struct gate_text_opts *o, struct gate_err *err)
{
    (void)o;
    return gate_report_junit(run, out, err);
}

static enum gate_code write_sarif(const struct gate_run *run, struct gate_buf *out,
                                  const struct gate_text_opts *o, struct gate_err *err)
{
    (void)o;
    (void)err;
    gate_report_sarif(run, out);
    return GATE_OK;
}

static enum gate_code write_gitlab(const struct gate_run *run, struct gate_buf *out,
                                   const struct gate_text_opts *o, struct gate_err *err)
{
    (void)o;
    (void)err;
    gate_report_gitlab(run, out);
    return GATE_OK;
}

static enum gate_code write_markdown(const struct gate_run *run, struct gate_buf *out,
                                     const struct gate_text_opts *o, struct gate_err *err)
{
    (void)o;
    (void)err;
    gate_report_markdown(run, out, GATE_MARKDOWN_COMMENT_MAX);
    return GATE_OK;
}

/*
 * Where a wrapped line continues: under the value of "label:   value" (a
 * colon and two spaces or more), else 4 columns past the line's indent
 * (gate_wrap's own choice for (size_t)-1, and when the value starts past
 * half the width).
 */
static size_t hang_of(const char *s, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (s[i] == ':' && s[i + 1] == ' ' && s[i + 2] == ' ') {
            size_t j = i + 1;

            while (j < n && s[j] == ' ')
                j++;
            return j < n ? gate_wrap_columns(s, j) : (size_t)-1;
        }
    }
    return (size_t)-1;
}

static enum gate_code write_text(const struct gate_run *run, struct gate_buf *out,
                                 const struct gate_text_opts *o, struct gate_err *err)
{
    const struct gate_report_section *lead = gate_report_text_lead(run);
    struct gate_buf raw = {0};
    const char *p, *end;

    (void)err;
    if (lead->wraps_text || !o->width) {
        lead->text(run, out, o);
        return GATE_OK;
    }
    /* a terminal: each line fitted to it (hang_of) */
    lead->text(run, &raw, o);
    for (p = raw.data ? raw.data : "", end = p + raw.len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

        gate_wrap(out, p, n, o->width, hang_of(p, n));
        p += n + (nl ? 1 : 0);
    }
    gate_buf_release(&raw);
    return GATE_OK;
}

static enum gate_code write_github(const struct gate_run *run, struct gate_buf *out,
                                   const struct gate_text_opts *o, struct gate_err *err)
{
    (void)o;
    (void)err;
    gate_report_github_annotations(run, out);
    return GATE_OK;
}

const struct gate_report_format gate_report_formats[] = {
    /* id, name, file, without_run, load, write */
    {GATE_FORMAT_JSON, "json", true, true, NULL, write_json},
    {GATE_FORMAT_JUNIT, "junit", true, false, gate_report_junit_load, write_junit},
    {GATE_FORMAT_SARIF, "sarif", true, false, NULL, write_sarif},
    {GATE_FORMAT_GITLAB, "gitlab", true, false, NULL, write_gitlab},
    {GATE_FORMAT_MARKDOWN, "markdown", true, true, NULL, write_markdown},
    {GATE_FORMAT_TEXT, "text", true, true, NULL, write_text},
    {GATE_FORMAT_GITHUB, "github", false, false, NULL, write_github},
};

const size_t gate_report_nformats = GATE_ARRAY_SIZE(gate_report_formats);

const struct gate_report_format *gate_report_format(enum gate_format f)
{
    for (size_t i = 0; i < gate_report_nformats; i++) {
        if (gate_report_formats[i].id == f)
            return &gate_report_formats[i];
    }
    GATE_BUG("a format without a row in gate_report_formats");
}

const struct gate_report_format *gate_report_format_find(const char *name, size_t len)
{
    if (len == SIZE_MAX)
        len = strlen(name);
    for (size_t i = 0; i < gate_report_nformats; i++) {
        const char *n = gate_report_formats[i].name;

        if (strlen(n) == len && !strncmp(name, n, len))
            return &gate_report_formats[i];
    }
    return NULL;
}

void gate_report_format_list(struct gate_buf *out, enum gate_format_set set, const char *sep,
                             const char *last_sep)
{
    const char *names[GATE_FORMAT_COUNT];
    size_t n = 0;

    if (set == GATE_FORMATS_FILES) {
        for (size_t i = 0; i < gate_report_nformats; i++) {
            if (gate_report_formats[i].file)
                names[n++] = gate_report_formats[i].name;
        }
    } else {
        for (int f = 0; f < GATE_FORMAT_COUNT; f++) {
            const struct gate_report_format *rf = gate_report_format((enum gate_format)f);

            if (set == GATE_FORMATS_ALL || rf->without_run)
                names[n++] = rf->name;
        }
    }
    for (size_t i = 0; i < n; i++)
        gate_buf_printf(out, "%s%s", !i ? "" : i + 1 == n ? last_sep : sep, names[i]);
}

const char *gate_format_name(enum gate_format f)
{
    return (int)f >= 0 && (int)f < GATE_FORMAT_COUNT ? gate_report_format(f)->name : "?";
}

bool gate_format_parse(const char *s, enum gate_format *out)
{
    const struct gate_report_format *rf = gate_report_format_find(s, SIZE_MAX);

    if (rf)
        *out = rf->id;
    return rf;
}

enum gate_code gate_report_spec_parse(const char *arg, struct gate_report_spec *out,
                                      struct gate_err *err)
{
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
    const struct gate_report_format *rf = gate_report_format_find(arg, n);
    struct gate_buf list = {0};
    enum gate_code rc;

    if (rf && rf->file) {
        if (!eq || !eq[1])
            return gate_fail(err, GATE_E_USAGE, "--report %s needs a path: --report %s=PATH", arg,
                             rf->name);
        out->format = rf->id;
        out->path = eq + 1;
        out->policy = false;
        return GATE_OK;
    }
    if (rf && rf->id == GATE_FORMAT_GITHUB)
        return gate_fail(err, GATE_E_USAGE,
                         "--report github: GitHub output is not a file; under "
                         "GITHUB_ACTIONS=true annotations, the step summary and outputs are "
                         "written by themselves (--format github prints the annotations)");
    gate_report_format_list(&list, GATE_FORMATS_FILES, ", ", ", ");
    if (!eq) {
        const char *colon = strchr(arg, ':');

        if (colon)
            rc = gate_fail(err, GATE_E_USAGE, "--report '%s': write FORMAT=PATH (e.g. %.*s=%s)",
                           arg, (int)(colon - arg), arg, colon + 1);
        else
            rc = gate_fail(err, GATE_E_USAGE, "--report '%s': write FORMAT=PATH (FORMAT: %s)", arg,
                           gate_buf_str(&list));
    } else {
        rc = gate_fail(err, GATE_E_USAGE, "--report: unknown format '%.*s' (valid: %s)", (int)n,
                       arg, gate_buf_str(&list));
    }
    gate_buf_release(&list);
    return rc;
}
