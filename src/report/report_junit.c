/* SPDX-License-Identifier: MIT */
/*
 * report_junit.c - JUnit XML (libxml2's xmlwriter; the only module that
 * includes libxml2). One testsuite per command, one testcase per check
 * and per migration: <failure> for blocking findings (and a check that
 * failed, a migration in a bad state), <error> for what could not be
 * evaluated, <skipped> for a skipped check. Everything else a consumer
 * would want to read goes to the testcase's <system-out>.
 *
 * Always valid XML 1.0: every string passes gate_text_clean (invalid
 * UTF-8 and control characters replaced, U+FFFE/U+FFFF too) before
 * libxml2 escapes it; no CDATA, so "]]>" is plain text.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/err.h"
#include "gate/dl.h"
#include "gate/report_common.h"
#include "gate/report_section.h"
#include "gate/report_drift.h"
#include "gate/drift.h"
#include "gate/ghsafe.h"
#include "gate/hmap.h"
#include "gate/version.h"
#include "gate/xalloc.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

/* libxml2 is loaded on first use (dl.h), by gate_report_junit(). */
#define XML_FUNCS(X, t)             \
 X(t, xmlBufferContent)             \
 X(t, xmlBufferCreate)              \
 X(t, xmlBufferEmpty)               \
 X(t, xmlBufferFree)                \
 X(t, xmlBufferLength)              \
 X(t, xmlFreeTextWriter)            \
 X(t, xmlNewTextWriterMemory)       \
 X(t, xmlTextWriterEndDocument)     \
 X(t, xmlTextWriterEndElement)      \
 X(t, xmlTextWriterFlush)           \
 X(t, xmlTextWriterSetIndent)       \
 X(t, xmlTextWriterSetIndentString) \
 X(t, xmlTextWriterStartDocument)   \
 X(t, xmlTextWriterStartElement)    \
 X(t, xmlTextWriterWriteAttribute)  \
 X(t, xmlTextWriterWriteString)
GATE_DL_TABLE(xml, XML_FUNCS);
static struct gate_dl libxml2 = {
    .name = "libxml2",
    .sonames = (const char *const[]){GATE_LIBXML2_SONAMES, NULL},
    .need = "to write JUnit reports",
    .package = GATE_LIBXML2_PACKAGE,
    .code = GATE_E_IO,
    GATE_DL_SYMS(xml),
};

struct jw {
    xmlTextWriterPtr w;
    xmlBufferPtr xb;       /* what the writer produced since the last drain */
    struct gate_safe safe; /* text nodes keep line breaks: no line may read as a CI command */
    struct gate_buf *out;
    struct gate_buf tmp;
    bool failed;
};

/*
 * Move what the writer has produced into out, through the log sanitiser
 * (ghsafe.h), and empty libxml2's buffer: the document is streamed test
 * case by test case (into a report file when out has a sink), never held
 * whole.
 */
static void drain(struct jw *j)
{
    if (xml.xmlTextWriterFlush(j->w) < 0)
        j->failed = true;
    gate_safe_feed(&j->safe, (const char *)xml.xmlBufferContent(j->xb),
                   (size_t)xml.xmlBufferLength(j->xb), j->out);
    xml.xmlBufferEmpty(j->xb);
}

static const xmlChar *X(const char *s)
{
    return (const xmlChar *)s;
}

static void check_rc(struct jw *j, int rc)
{
    if (rc < 0)
        j->failed = true;
}

/* s cleaned for XML, borrowed from j->tmp until the next call. */
static const char *clean(struct jw *j, const char *s, size_t max)
{
    gate_buf_reset(&j->tmp);
    gate_text_clean(&j->tmp, s ? s : "", GATE_CLEAN_NEWLINES | GATE_CLEAN_XML, max);
    return gate_buf_str(&j->tmp);
}

static void start(struct jw *j, const char *name)
{
    check_rc(j, xml.xmlTextWriterStartElement(j->w, X(name)));
}

static void end(struct jw *j)
{
    check_rc(j, xml.xmlTextWriterEndElement(j->w));
}

static void attr(struct jw *j, const char *name, const char *value, size_t max)
{
    check_rc(j, xml.xmlTextWriterWriteAttribute(j->w, X(name), X(clean(j, value, max))));
}

static void attr_int(struct jw *j, const char *name, long long v)
{
    char num[32];

    (void)snprintf(num, sizeof(num), "%lld", v);
    check_rc(j, xml.xmlTextWriterWriteAttribute(j->w, X(name), X(num)));
}

static void text(struct jw *j, const char *s)
{
    check_rc(j, xml.xmlTextWriterWriteString(j->w, X(clean(j, s, 0))));
}

static void property(struct jw *j, const char *name, const char *value)
{
    start(j, "property");
    attr(j, "name", name, 0);
    attr(j, "value", value ? value : "", 0);
    end(j);
}

/* One result element (failure, error, skipped) with a message and optional detail text. */
static void result(struct jw *j, const char *element, const char *type, const char *message,
                   const char *detail)
{
    start(j, element);
    if (type)
        attr(j, "type", type, 0);
    attr(j, "message", message, 2000);
    if (detail && *detail)
        text(j, detail);
    end(j);
}

/* A unique testcase name (GitLab keeps only the first of equal names): name, "name (alt)", "name
 * #3". seen holds the names given so far; the entry of a taken name keeps, in num, the first n >= 3
 * not yet known to be taken, so many equal names cost linear time. */
static const char *unique_name(struct gate_hmap *seen, const char *name, const char *alt,
                               struct gate_buf *out)
{
    struct gate_hmap_entry *base;

    gate_buf_reset(out);
    gate_buf_adds(out, name);
    base = gate_hmap_finds(seen, name);
    if (base) {
        int n = 2;

        gate_buf_reset(out);
        if (alt)
            gate_buf_printf(out, "%s (%s)", name, alt);
        else
            gate_buf_printf(out, "%s #2", name);
        if (gate_hmap_find(seen, out->data, out->len)) {
            for (n = base->num > 3 ? (int)base->num : 3;; n++) {
                gate_buf_reset(out);
                gate_buf_printf(out, "%s #%d", name, n);
                if (!gate_hmap_find(seen, out->data, out->len))
                    break;
            }
            base->num = (size_t)n + 1;
        }
    }
    gate_hmap_upsert(seen, out->data, out->len, NULL);
    return gate_buf_str(out);
}

static void finding_line(const struct gate_run *run, const struct gate_migration *m,
                         const struct gate_finding *f, struct gate_buf *b)
{
    gate_report_relpath(run, m->path, b);
    gate_buf_printf(b, ":%d:%d: %s %s (%s): %s\n", f->line, f->column, gate_risk_name(f->risk),
                    f->rule, gate_severity_name(f->severity), f->message ? f->message : "");
    if (f->suppressed)
        gate_buf_printf(b, "  suppressed: %s\n",
                        f->suppression_reason ? f->suppression_reason : "");
    else if (f->help)
        gate_buf_printf(b, "  help: %s\n", f->help);
}

static bool bad_state(enum gate_mstate s)
{
    return s == GATE_MSTATE_FAILED || s == GATE_MSTATE_MODIFIED || s == GATE_MSTATE_MISSING_LOCALLY;
}

struct counts {
    long long tests, failures, errors, skipped;
    bool unexplained; /* the run is an error but no check or migration says why */
};

static void count(const struct gate_run *run, const struct gate_drift_case *dc, size_t ndc,
                  struct counts *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < ndc; i++) {
        c->tests++;
        if (dc[i].failures)
            c->failures++;
    }
    if (run->drift && run->drift->error) {
        c->tests++;
        c->errors++;
    }
    for (size_t i = 0; i < run->nchecks; i++) {
        c->tests++;
        switch (run->checks[i].status) {
        case GATE_STATUS_FAIL:
            c->failures++;
            break;
        case GATE_STATUS_ERROR:
            c->errors++;
            break;
        case GATE_STATUS_SKIP:
            c->skipped++;
            break;
        default:
            break;
        }
    }
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];
        bool blocking = false;

        c->tests++;
        for (size_t k = 0; k < m->nfindings && !blocking; k++)
            blocking = gate_finding_blocking(&m->findings[k]);
        if (m->error)
            c->errors++;
        else if (blocking || (m->has_history && bad_state(m->state)))
            c->failures++;
    }
    if (run->verdict == GATE_VERDICT_ERROR && !c->errors) {
        c->unexplained = true;
        c->tests++;
        c->errors++;
    }
}

static void check_case(struct jw *j, const struct gate_run *run, const struct gate_check *c,
                       const char *classname, struct gate_hmap *seen)
{
    struct gate_buf name = {0}, path = {0};

    start(j, "testcase");
    attr(j, "classname", classname, 0);
    attr(j, "name", unique_name(seen, c->id, NULL, &name), 0);
    if (c->path) {
        gate_report_relpath(run, c->path, &path);
        attr(j, "file", gate_buf_str(&path), 0);
        if (c->line > 0)
            attr_int(j, "line", c->line);
    }
    attr(j, "time", "0", 0);
    switch (c->status) {
    case GATE_STATUS_FAIL:
        result(j, "failure", "fail", c->message, c->message);
        break;
    case GATE_STATUS_ERROR:
        result(j, "error", "could-not-evaluate", c->message, c->message);
        break;
    case GATE_STATUS_SKIP:
        start(j, "skipped");
        attr(j, "message", c->message, 2000);
        end(j);
        break;
    case GATE_STATUS_WARN:
        start(j, "system-out");
        gate_buf_reset(&path);
        gate_buf_printf(&path, "warning: %s\n", c->message ? c->message : "");
        text(j, gate_buf_str(&path));
        end(j);
        break;
    default:
        break;
    }
    end(j);
    gate_buf_release(&name);
    gate_buf_release(&path);
}

static void migration_case(struct jw *j, const struct gate_run *run, const struct gate_migration *m,
                           const char *classname, struct gate_hmap *seen)
{
    struct gate_buf name = {0}, path = {0}, detail = {0}, msg = {0}, out = {0};
    size_t nblocking = 0;
    const struct gate_finding *worst = NULL;

    gate_report_relpath(run, m->path, &path);
    start(j, "testcase");
    attr(j, "classname", classname, 0);
    attr(j, "name", unique_name(seen, m->name, gate_buf_str(&path), &name), 0);
    attr(j, "file", gate_buf_str(&path), 0);
    attr(j, "time", "0", 0);
    for (size_t k = 0; k < m->nfindings; k++) {
        const struct gate_finding *f = &m->findings[k];

        if (gate_finding_blocking(f)) {
            if (!worst || f->risk > worst->risk)
                worst = f;
            if (nblocking++ < 50)
                finding_line(run, m, f, &detail);
        } else {
            finding_line(run, m, f, &out);
        }
    }
    if (m->error) {
        result(j, "error", "could-not-evaluate", m->error, m->error);
    } else if (nblocking) {
        if (nblocking > 50)
            gate_buf_printf(&detail, "... and %zu more blocking findings\n", nblocking - 50);
        gate_buf_printf(&msg, "%zu blocking finding%s (worst: %s %s at line %d): %s", nblocking,
                        nblocking == 1 ? "" : "s", gate_risk_name(worst->risk), worst->rule,
                        worst->line, worst->message ? worst->message : "");
        result(j, "failure", worst->rule, gate_buf_str(&msg), gate_buf_str(&detail));
    } else if (m->has_history && bad_state(m->state)) {
        gate_buf_printf(&msg, "state: %s%s%s", gate_mstate_name(m->state), m->note ? ": " : "",
                        m->note ? m->note : "");
        result(j, "failure", gate_mstate_name(m->state), gate_buf_str(&msg), NULL);
    }
    if (m->has_history || m->checksum[0] || out.len) {
        gate_buf_reset(&detail);
        gate_buf_printf(&detail, "risk: %s; statements: %d", gate_risk_name(m->risk),
                        m->statements);
        if (m->state != GATE_MSTATE_UNKNOWN)
            gate_buf_printf(&detail, "; state: %s", gate_mstate_name(m->state));
        gate_buf_addc(&detail, '\n');
        gate_buf_add(&detail, out.data ? out.data : "", out.len);
        start(j, "system-out");
        text(j, gate_buf_str(&detail));
        end(j);
    }
    end(j);
    gate_buf_release(&name);
    gate_buf_release(&path);
    gate_buf_release(&detail);
    gate_buf_release(&msg);
    gate_buf_release(&out);
}

/* drift: one test case per kind of object, failing with its differences */
static void drift_cases(struct jw *j, const struct gate_run *run, const struct gate_drift_case *dc,
                        size_t ndc)
{
    struct gate_buf cls = {0}, msg = {0};

    gate_buf_printf(&cls, "prisma-gate.%s.drift", run->command);
    for (size_t i = 0; i < ndc; i++) {
        start(j, "testcase");
        attr(j, "classname", gate_buf_str(&cls), 0);
        attr(j, "name", dc[i].name, 0);
        attr(j, "time", "0", 0);
        if (dc[i].failures) {
            gate_buf_reset(&msg);
            gate_buf_printf(&msg, "%zu %s difference%s", dc[i].failures, dc[i].name,
                            dc[i].failures == 1 ? "" : "s");
            result(j, "failure", "drift", gate_buf_str(&msg), gate_buf_str(&dc[i].text));
        }
        end(j);
    }
    if (run->drift && run->drift->error) {
        start(j, "testcase");
        attr(j, "classname", gate_buf_str(&cls), 0);
        attr(j, "name", "evaluate", 0);
        attr(j, "time", "0", 0);
        result(j, "error", "could-not-evaluate", run->drift->error, run->drift->error);
        end(j);
    }
    gate_buf_release(&cls);
    gate_buf_release(&msg);
}

enum gate_code gate_report_junit_load(struct gate_err *err)
{
    return gate_dl_load(&libxml2, err);
}

enum gate_code gate_report_junit(const struct gate_run *run, struct gate_buf *out,
                                 struct gate_err *err)
{
    xmlBufferPtr xb;
    struct jw j = {0};
    struct counts c;
    struct gate_buf suite = {0}, cls = {0};
    struct gate_hmap seen = {0};
    struct gate_drift_case *dc = NULL;
    size_t ndc = 0;

    if (gate_report_junit_load(err))
        return GATE_E_IO;
    gate_report_drift_cases(run, &dc, &ndc);
    xb = xml.xmlBufferCreate();
    if (!xb)
        GATE_BUG("out of memory in libxml2");
    j.xb = xb;
    j.out = out;
    gate_safe_init(&j.safe, GATE_SAFE_LINES | GATE_SAFE_XML);
    j.w = xml.xmlNewTextWriterMemory(xb, 0);
    if (!j.w)
        GATE_BUG("out of memory in libxml2");
    check_rc(&j, xml.xmlTextWriterSetIndent(j.w, 1));
    check_rc(&j, xml.xmlTextWriterSetIndentString(j.w, X("  ")));
    count(run, dc, ndc, &c);
    gate_buf_printf(&suite, "prisma-gate %s", run->command);

    check_rc(&j, xml.xmlTextWriterStartDocument(j.w, "1.0", "UTF-8", NULL));
    start(&j, "testsuites");
    attr(&j, "name", "prisma-gate", 0);
    attr_int(&j, "tests", c.tests);
    attr_int(&j, "failures", c.failures);
    attr_int(&j, "errors", c.errors);
    attr_int(&j, "skipped", c.skipped);
    attr(&j, "time", "0", 0);

    start(&j, "testsuite");
    attr(&j, "name", gate_buf_str(&suite), 0);
    attr_int(&j, "tests", c.tests);
    attr_int(&j, "failures", c.failures);
    attr_int(&j, "errors", c.errors);
    attr_int(&j, "skipped", c.skipped);
    attr(&j, "time", "0", 0);
    start(&j, "properties");
    property(&j, "prisma-gate.version", GATE_VERSION);
    property(&j, "command", run->command);
    property(&j, "verdict", gate_verdict_name(run->verdict));
    gate_buf_reset(&cls);
    gate_buf_printf(&cls, "%d", run->exit_code);
    property(&j, "exit_code", gate_buf_str(&cls));
    property(&j, "max_risk", gate_risk_name(run->max_risk));
    property(&j, "fail_on", gate_risk_name(run->fail_on));
    if (run->target) {
        if (run->target->name)
            property(&j, "target", run->target->name);
        property(&j, "target.database", run->target->database);
        property(&j, "target.host", run->target->host);
    }
    {
        struct gate_report_fact facts[GATE_REPORT_FACTS_MAX];
        size_t nfacts = gate_report_facts(run, facts, GATE_ARRAY_SIZE(facts));

        for (size_t i = 0; i < nfacts; i++) {
            gate_buf_reset(&cls);
            gate_buf_printf(&cls, "%s.%s", facts[i].section, facts[i].key);
            property(&j, gate_buf_str(&cls), facts[i].value);
        }
    }
    end(&j);

    gate_buf_reset(&cls);
    gate_buf_printf(&cls, "prisma-gate.%s.checks", run->command);
    for (size_t i = 0; i < run->nchecks; i++) {
        check_case(&j, run, &run->checks[i], gate_buf_str(&cls), &seen);
        drain(&j);
    }
    gate_hmap_release(&seen);
    gate_buf_reset(&cls);
    gate_buf_printf(&cls, "prisma-gate.%s.migrations", run->command);
    for (size_t i = 0; i < run->nmigrations; i++) {
        migration_case(&j, run, run->migrations[i], gate_buf_str(&cls), &seen);
        drain(&j);
    }
    drift_cases(&j, run, dc, ndc);
    gate_report_drift_cases_free(dc, ndc);
    if (c.unexplained) {
        /* never a green test tab for a run that could not evaluate */
        gate_buf_reset(&cls);
        gate_buf_printf(&cls, "prisma-gate %s could not evaluate everything (exit %d): see the log",
                        run->command, run->exit_code);
        start(&j, "testcase");
        attr(&j, "classname", "prisma-gate", 0);
        attr(&j, "name", run->command, 0);
        attr(&j, "time", "0", 0);
        result(&j, "error", "could-not-evaluate", gate_buf_str(&cls), NULL);
        end(&j);
    }
    end(&j); /* testsuite */
    end(&j); /* testsuites */
    check_rc(&j, xml.xmlTextWriterEndDocument(j.w));
    drain(&j);
    xml.xmlFreeTextWriter(j.w);
    if (j.failed)
        GATE_BUG("libxml2 xmlwriter failed");
    /* the writer may write its last bytes when freed */
    gate_safe_feed(&j.safe, (const char *)xml.xmlBufferContent(xb), (size_t)xml.xmlBufferLength(xb),
                   out);
    gate_safe_end(&j.safe, out);
    xml.xmlBufferFree(xb);
    gate_buf_release(&j.tmp);
    gate_buf_release(&suite);
    gate_buf_release(&cls);
    gate_hmap_release(&seen);
    return GATE_OK;
}
