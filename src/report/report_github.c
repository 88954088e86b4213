/* SPDX-License-Identifier: MIT */
/*
 * report_github.c - GitHub Actions workflow commands and step outputs
 * (docs/internals/ci-formats.md, GitHub), pure functions of the run model:
 *
 * - annotations: ::error / ::warning with file, line, col and title, for
 *   the worst ten of each kind (a step shows ten per kind), then one
 *   ::notice with the count of the rest. Escaped as @actions/core does:
 *   data %, CR, LF; properties also ':' and ','. Text is cleaned first
 *   (invalid UTF-8, control characters), so nothing in a migration can
 *   end the line or start another command;
 * - $GITHUB_OUTPUT lines, every value in the name<<DELIM form with the
 *   caller's random delimiter.
 *
 * The step summary is report_markdown.c with the 1 MiB budget; masks
 * (::add-mask::) and file handling are report_out.c's.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/report_common.h"
#include "gate/report_section.h"

#include <stdlib.h>
#include <string.h>

#define PER_KIND    10
#define MESSAGE_MAX 4000

static void escape(struct gate_buf *out, const char *s, bool property, size_t max)
{
    struct gate_buf clean = {0};

    gate_text_clean(&clean, s ? s : "", GATE_CLEAN_NEWLINES, max);
    for (const char *p = gate_buf_str(&clean); *p; p++) {
        switch (*p) {
        case '%':
            gate_buf_adds(out, "%25");
            break;
        case '\r':
            gate_buf_adds(out, "%0D");
            break;
        case '\n':
            gate_buf_adds(out, "%0A");
            break;
        case ':':
            gate_buf_adds(out, property ? "%3A" : ":");
            break;
        case ',':
            gate_buf_adds(out, property ? "%2C" : ",");
            break;
        default:
            gate_buf_addc(out, *p);
            break;
        }
    }
    gate_buf_release(&clean);
}

/* One annotation. path may be NULL (no file=). */
static void annotate(struct gate_buf *out, const struct gate_run *run, const char *kind,
                     const char *path, int line, int col, const char *title, const char *message)
{
    gate_buf_printf(out, "::%s ", kind);
    if (path) {
        struct gate_buf p = {0};

        gate_report_relpath(run, path, &p);
        gate_buf_adds(out, "file=");
        escape(out, gate_buf_str(&p), true, 0);
        gate_buf_adds(out, ",");
        gate_buf_release(&p);
        if (line > 0) {
            gate_buf_printf(out, "line=%d,", line);
            if (col > 0)
                gate_buf_printf(out, "col=%d,", col);
        }
    }
    gate_buf_adds(out, "title=");
    escape(out, title, true, 200);
    gate_buf_adds(out, "::");
    escape(out, message, false, MESSAGE_MAX);
    gate_buf_addc(out, '\n');
}

static void finding_annotation(struct gate_buf *out, const struct gate_run *run,
                               const struct gate_finding_ref *r, const char *kind)
{
    struct gate_buf title = {0}, msg = {0};
    const struct gate_finding *f = r->f;

    gate_buf_printf(&title, "prisma-gate: %s (%s risk)", f->rule, gate_risk_name(f->risk));
    gate_buf_adds(&msg, f->message ? f->message : "");
    if (f->suppressed)
        gate_buf_printf(&msg, "\nsuppressed: %s; counts toward the deploy decision",
                        f->suppression_reason ? f->suppression_reason : "");
    else if (f->help)
        gate_buf_printf(&msg, "\nhelp: %s", f->help);
    annotate(out, run, kind, r->m->path, f->line, f->column, gate_buf_str(&title),
             gate_buf_str(&msg));
    gate_buf_release(&title);
    gate_buf_release(&msg);
}

void gate_report_github_annotations(const struct gate_run *run, struct gate_buf *out)
{
    struct gate_finding_ref *refs;
    size_t n, errors = 0, warnings = 0, more_e = 0, more_w = 0;
    struct gate_buf t = {0};

    /* errors: what could not be evaluated, failed checks, then blocking findings, worst first */
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        if (!m->error)
            continue;
        if (errors++ < PER_KIND)
            annotate(out, run, "error", m->path, 0, 0, "prisma-gate: could not evaluate", m->error);
        else
            more_e++;
    }
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        if (c->status != GATE_STATUS_FAIL && c->status != GATE_STATUS_ERROR)
            continue;
        gate_buf_reset(&t);
        gate_buf_printf(&t, "prisma-gate: %s", c->id);
        if (errors++ < PER_KIND)
            annotate(out, run, "error", c->path, c->line, 0, gate_buf_str(&t), c->message);
        else
            more_e++;
    }
    /* plan/deploy: suppressed findings count toward the decision unless the policy honors them */
    refs = gate_findings_worst_first(run, GATE_SEV_WARNING, gate_report_counts_suppressed(run), &n);
    for (size_t i = 0; i < n; i++) {
        if (refs[i].f->severity != GATE_SEV_ERROR)
            continue;
        if (errors++ < PER_KIND)
            finding_annotation(out, run, &refs[i], "error");
        else
            more_e++;
    }
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        if (c->status != GATE_STATUS_WARN)
            continue;
        gate_buf_reset(&t);
        gate_buf_printf(&t, "prisma-gate: %s", c->id);
        if (warnings++ < PER_KIND)
            annotate(out, run, "warning", c->path, c->line, 0, gate_buf_str(&t), c->message);
        else
            more_w++;
    }
    for (size_t i = 0; i < n; i++) {
        if (refs[i].f->severity != GATE_SEV_WARNING)
            continue;
        if (warnings++ < PER_KIND)
            finding_annotation(out, run, &refs[i], "warning");
        else
            more_w++;
    }
    free(refs);
    if (more_e || more_w) {
        gate_buf_reset(&t);
        gate_buf_printf(&t,
                        "%zu more error%s and %zu more warning%s not annotated (GitHub shows ten "
                        "of each per step): the step summary and the report files list them all",
                        more_e, more_e == 1 ? "" : "s", more_w, more_w == 1 ? "" : "s");
        annotate(out, run, "notice", NULL, 0, 0, "prisma-gate", gate_buf_str(&t));
    }
    gate_buf_release(&t);
}

/* name<<DELIM / value / DELIM */
static void output(struct gate_buf *out, const char *name, const char *value, const char *delim)
{
    gate_buf_printf(out, "%s<<%s\n", name, delim);
    gate_text_clean(out, value ? value : "", 0, 0);
    gate_buf_printf(out, "\n%s\n", delim);
}

void gate_report_github_outputs(const struct gate_run *run, const struct gate_report_path *files,
                                size_t nfiles, const char *delim, struct gate_buf *out)
{
    struct gate_run_counts c;
    char num[32];

    gate_run_count(run, &c);
    output(out, "verdict", gate_verdict_name(run->verdict), delim);
    output(out, "max-risk", gate_risk_name(run->max_risk), delim);
    (void)snprintf(num, sizeof(num), "%d", run->exit_code);
    output(out, "exit-code", num, delim);
    (void)snprintf(num, sizeof(num), "%zu", c.blocking);
    output(out, "blocking", num, delim);
    (void)snprintf(num, sizeof(num), "%zu", c.findings);
    output(out, "findings", num, delim);
    {
        struct gate_report_fact facts[GATE_REPORT_FACTS_MAX];
        size_t nfacts = gate_report_facts(run, facts, GATE_ARRAY_SIZE(facts));

        for (size_t i = 0; i < nfacts; i++) {
            char name[128];

            (void)snprintf(name, sizeof(name), "%s-%s", facts[i].section, facts[i].key);
            output(out, name, facts[i].value, delim);
        }
    }
    for (size_t i = 0; i < nfiles; i++) {
        char name[64];

        (void)snprintf(name, sizeof(name), "report-%s", files[i].format);
        output(out, name, files[i].path, delim);
    }
}

bool gate_report_github_delim_ok(const struct gate_run *run, const struct gate_report_path *files,
                                 size_t nfiles, const char *delim)
{
    struct gate_report_fact facts[GATE_REPORT_FACTS_MAX];
    size_t nfacts = gate_report_facts(run, facts, GATE_ARRAY_SIZE(facts));

    for (size_t i = 0; i < nfacts; i++) {
        if (strstr(facts[i].value, delim))
            return false; /* the other values are fixed words and numbers */
    }
    for (size_t i = 0; i < nfiles; i++) {
        if (strstr(files[i].path, delim))
            return false;
    }
    return true;
}
