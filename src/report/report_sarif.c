/* SPDX-License-Identifier: MIT */
/*
 * report_sarif.c - SARIF 2.1.0 for GitHub code scanning and other
 * consumers (docs/internals/ci-formats.md, SARIF): tool.driver.rules holds every rule of
 * the catalogue with its help, results carry repository-relative URIs,
 * 1-based regions (columns in Unicode code points, as columnKind says)
 * and a stable partial fingerprint that ignores the line. Suppressed
 * findings are results with an inSource suppression; files that could
 * not be evaluated are tool execution notifications.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/json.h"
#include "gate/report_common.h"
#include "gate/rules.h"
#include "gate/version.h"

#ifndef GATE_PROJECT_URL
# define GATE_PROJECT_URL "https://github.com/prisma-gate/prisma-gate"
#endif

#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define FP_KEY       "prismaGateFinding/v1"

/* RFC 3986 path characters kept as they are; everything else is %XX (':' too, so no scheme). */
static bool uri_keep(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("-._~!$&'()*+,;=@/", c);
}

/* The artifact URI of a path: repository-relative, or a file URI when outside the repository. */
static void uri_of(const struct gate_run *run, const char *path, struct gate_buf *out)
{
    struct gate_buf rel = {0};

    gate_report_relpath(run, path, &rel);
    if (rel.len && rel.data[0] == '/')
        gate_buf_adds(out, "file://");
    for (size_t i = 0; i < rel.len; i++) {
        unsigned char c = (unsigned char)rel.data[i];

        if (uri_keep(c) && c)
            gate_buf_addc(out, (char)c);
        else
            gate_buf_printf(out, "%%%02X", c);
    }
    gate_buf_release(&rel);
}

static void text_obj(struct gate_jsonw *w, const char *key, const char *s)
{
    gate_jsonw_key(w, key);
    gate_jsonw_object(w);
    gate_jsonw_key(w, "text");
    gate_jsonw_str(w, s && *s ? s : "-");
    gate_jsonw_end(w);
}

/* s cut to at most max bytes on a character boundary (SARIF caps descriptions at 1024). */
static void capped(struct gate_buf *b, const char *s, size_t max)
{
    gate_buf_reset(b);
    gate_text_clean(b, s ? s : "", GATE_CLEAN_NEWLINES, max - 3);
}

static const char *level_of_risk(enum gate_risk r)
{
    return r >= GATE_RISK_HIGH ? "error" : r >= GATE_RISK_LOW ? "warning" : "note";
}

static const char *level_of(enum gate_severity s)
{
    return s == GATE_SEV_ERROR ? "error" : s == GATE_SEV_WARNING ? "warning" : "note";
}

/* "ban-drop-table" -> "BanDropTable" */
static void pascal(const char *id, struct gate_buf *b)
{
    bool up = true;

    gate_buf_reset(b);
    for (const char *p = id; *p; p++) {
        char c = *p;

        if (c == '-' || c == '_' || c == '.') {
            up = true;
            continue;
        }
        if (up && c >= 'a' && c <= 'z')
            c = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[c - 'a'];
        gate_buf_addc(b, c);
        up = false;
    }
}

static void rule_json(struct gate_jsonw *w, const struct gate_rule *r)
{
    struct gate_buf b = {0};

    gate_jsonw_object(w);
    gate_jsonw_key(w, "id");
    gate_jsonw_str(w, r->id);
    pascal(r->id, &b);
    gate_jsonw_key(w, "name");
    gate_jsonw_str(w, gate_buf_str(&b));
    capped(&b, r->summary, 1024);
    text_obj(w, "shortDescription", gate_buf_str(&b));
    capped(&b, r->why ? r->why : r->summary, 1024);
    text_obj(w, "fullDescription", gate_buf_str(&b));
    gate_buf_reset(&b);
    gate_buf_printf(&b, "%s/blob/main/docs/rules.md#%s", GATE_PROJECT_URL, r->id);
    gate_jsonw_key(w, "helpUri");
    gate_jsonw_str(w, gate_buf_str(&b));
    gate_jsonw_key(w, "help");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "text");
    gate_jsonw_str(w, r->help && *r->help ? r->help : r->summary);
    gate_buf_reset(&b);
    if (r->why)
        gate_buf_printf(&b, "%s\n\n", r->why);
    gate_buf_printf(&b, "**Safe alternative:** %s\n", r->help ? r->help : "");
    if (r->example_bad)
        gate_buf_printf(&b, "\nFlagged:\n\n```sql\n%s\n```\n", r->example_bad);
    if (r->example_good)
        gate_buf_printf(&b, "\nInstead:\n\n```sql\n%s\n```\n", r->example_good);
    gate_jsonw_key(w, "markdown");
    gate_jsonw_str(w, gate_buf_str(&b));
    gate_jsonw_end(w);
    gate_jsonw_key(w, "defaultConfiguration");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "enabled");
    gate_jsonw_bool(w, !(r->flags & GATE_RULE_OFF));
    gate_jsonw_key(w, "level");
    gate_jsonw_str(w, (r->flags & GATE_RULE_HYGIENE) ? "note" : level_of_risk(r->risk));
    gate_jsonw_end(w);
    gate_jsonw_key(w, "properties");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "tags");
    gate_jsonw_array(w);
    gate_jsonw_str(w, "prisma-gate");
    gate_jsonw_str(w, gate_category_name(r->category));
    gate_jsonw_end(w);
    gate_jsonw_key(w, "risk");
    gate_jsonw_str(w, gate_risk_name(r->risk));
    gate_jsonw_key(w, "category");
    gate_jsonw_str(w, gate_category_name(r->category));
    gate_jsonw_end(w);
    gate_jsonw_end(w);
    gate_buf_release(&b);
}

/* Checks with a file that did not pass become results of a rule named after the check. */
static bool check_result(const struct gate_check *c)
{
    return c->path && (c->status == GATE_STATUS_FAIL || c->status == GATE_STATUS_WARN);
}

/* The first check result with this id (one rule per id). */
static bool first_of_id(const struct gate_run *run, size_t i)
{
    for (size_t k = 0; k < i; k++) {
        if (check_result(&run->checks[k]) && !strcmp(run->checks[k].id, run->checks[i].id))
            return false;
    }
    return true;
}

/* Index of check ci's rule among the check rules. */
static size_t check_rule_index(const struct gate_run *run, size_t ci)
{
    size_t idx = 0;

    for (size_t i = 0; i < run->nchecks; i++) {
        if (!check_result(&run->checks[i]) || !first_of_id(run, i))
            continue;
        if (!strcmp(run->checks[i].id, run->checks[ci].id))
            return idx;
        idx++;
    }
    return idx;
}

static void location(struct gate_jsonw *w, const struct gate_run *run, const char *path, int line,
                     int column)
{
    struct gate_buf uri = {0};

    uri_of(run, path, &uri);
    gate_jsonw_object(w);
    gate_jsonw_key(w, "physicalLocation");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "artifactLocation");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "uri");
    gate_jsonw_str(w, gate_buf_str(&uri));
    gate_jsonw_end(w);
    /* a whole-file result (no line) says line 1: GitHub code scanning requires startLine */
    gate_jsonw_key(w, "region");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "startLine");
    gate_jsonw_int(w, line > 0 ? line : 1);
    if (line > 0 && column > 0) {
        gate_jsonw_key(w, "startColumn");
        gate_jsonw_int(w, column);
    }
    gate_jsonw_end(w);
    gate_jsonw_end(w);
    gate_jsonw_end(w);
    gate_buf_release(&uri);
}

static void finding_result(struct gate_jsonw *w, const struct gate_run *run,
                           const struct gate_migration *m, const struct gate_finding *f,
                           const char *fp)
{
    gate_jsonw_object(w);
    gate_jsonw_key(w, "ruleId");
    gate_jsonw_str(w, f->rule);
    for (size_t i = 0; i < gate_rules_count(); i++) {
        if (!strcmp(gate_rule_at(i)->id, f->rule)) {
            gate_jsonw_key(w, "ruleIndex");
            gate_jsonw_int(w, (long long)i);
            break;
        }
    }
    gate_jsonw_key(w, "level");
    gate_jsonw_str(w, level_of(f->severity));
    text_obj(w, "message", f->message);
    gate_jsonw_key(w, "locations");
    gate_jsonw_array(w);
    location(w, run, m->path, f->line, f->column);
    gate_jsonw_end(w);
    gate_jsonw_key(w, "partialFingerprints");
    gate_jsonw_object(w);
    gate_jsonw_key(w, FP_KEY);
    gate_jsonw_str(w, fp);
    gate_jsonw_end(w);
    if (f->suppressed) {
        gate_jsonw_key(w, "suppressions");
        gate_jsonw_array(w);
        gate_jsonw_object(w);
        gate_jsonw_key(w, "kind");
        gate_jsonw_str(w, "inSource");
        gate_jsonw_key(w, "justification");
        gate_jsonw_str(w, f->suppression_reason ? f->suppression_reason : "");
        gate_jsonw_end(w);
        gate_jsonw_end(w);
    }
    gate_jsonw_key(w, "properties");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "risk");
    gate_jsonw_str(w, gate_risk_name(f->risk));
    gate_jsonw_key(w, "severity");
    gate_jsonw_str(w, gate_severity_name(f->severity));
    gate_jsonw_key(w, "category");
    gate_jsonw_str(w, gate_category_name(f->category));
    gate_jsonw_key(w, "blocking");
    gate_jsonw_bool(w, gate_finding_blocking(f));
    gate_jsonw_key(w, "migration");
    gate_jsonw_str(w, m->name);
    if (f->table) {
        gate_jsonw_key(w, "table");
        gate_jsonw_str(w, f->table);
    }
    if (f->help) {
        gate_jsonw_key(w, "help");
        gate_jsonw_str(w, f->help);
    }
    gate_jsonw_end(w);
    gate_jsonw_end(w);
}

void gate_report_sarif(const struct gate_run *run, struct gate_buf *out)
{
    struct gate_jsonw w = {0};
    struct gate_buf b = {0};
    size_t nrules = gate_rules_count();
    bool notes = false;

    w.out = out;
    gate_jsonw_object(&w);
    gate_jsonw_key(&w, "$schema");
    gate_jsonw_str(&w, SARIF_SCHEMA);
    gate_jsonw_key(&w, "version");
    gate_jsonw_str(&w, "2.1.0");
    gate_jsonw_key(&w, "runs");
    gate_jsonw_array(&w);
    gate_jsonw_object(&w);

    gate_jsonw_key(&w, "tool");
    gate_jsonw_object(&w);
    gate_jsonw_key(&w, "driver");
    gate_jsonw_object(&w);
    gate_jsonw_key(&w, "name");
    gate_jsonw_str(&w, GATE_NAME);
    gate_jsonw_key(&w, "version");
    gate_jsonw_str(&w, GATE_VERSION);
    gate_jsonw_key(&w, "semanticVersion");
    gate_jsonw_str(&w, GATE_VERSION);
    gate_jsonw_key(&w, "informationUri");
    gate_jsonw_str(&w, GATE_PROJECT_URL);
    gate_jsonw_key(&w, "rules");
    gate_jsonw_array(&w);
    for (size_t i = 0; i < nrules; i++)
        rule_json(&w, gate_rule_at(i));
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        if (!check_result(c) || !first_of_id(run, i))
            continue;
        gate_jsonw_object(&w);
        gate_jsonw_key(&w, "id");
        gate_jsonw_str(&w, c->id);
        pascal(c->id, &b);
        gate_jsonw_key(&w, "name");
        gate_jsonw_str(&w, gate_buf_str(&b));
        gate_buf_reset(&b);
        gate_buf_printf(&b, "prisma-gate check %s", c->id);
        text_obj(&w, "shortDescription", gate_buf_str(&b));
        text_obj(&w, "fullDescription", gate_buf_str(&b));
        gate_jsonw_key(&w, "helpUri");
        gate_jsonw_str(&w, GATE_PROJECT_URL "/blob/main/docs/policy.md#checks");
        text_obj(&w, "help", "See the check's message; docs/policy.md (checks) sets its level.");
        gate_jsonw_end(&w);
    }
    gate_jsonw_end(&w); /* rules */
    gate_jsonw_end(&w); /* driver */
    gate_jsonw_end(&w); /* tool */

    gate_jsonw_key(&w, "automationDetails");
    gate_jsonw_object(&w);
    gate_jsonw_key(&w, "id");
    gate_buf_reset(&b);
    gate_buf_printf(&b, "prisma-gate/%s/", run->command);
    gate_jsonw_str(&w, gate_buf_str(&b));
    gate_jsonw_end(&w);
    gate_jsonw_key(&w, "columnKind");
    gate_jsonw_str(&w, "unicodeCodePoints");

    gate_jsonw_key(&w, "invocations");
    gate_jsonw_array(&w);
    gate_jsonw_object(&w);
    gate_jsonw_key(&w, "executionSuccessful");
    gate_jsonw_bool(&w, run->verdict != GATE_VERDICT_ERROR);
    gate_jsonw_key(&w, "exitCode");
    gate_jsonw_int(&w, run->exit_code);
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        if (!m->error)
            continue;
        if (!notes) {
            gate_jsonw_key(&w, "toolExecutionNotifications");
            gate_jsonw_array(&w);
            notes = true;
        }
        gate_jsonw_object(&w);
        gate_jsonw_key(&w, "level");
        gate_jsonw_str(&w, "error");
        text_obj(&w, "message", m->error);
        gate_jsonw_key(&w, "locations");
        gate_jsonw_array(&w);
        location(&w, run, m->path, 0, 0);
        gate_jsonw_end(&w);
        gate_jsonw_end(&w);
    }
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        if (c->status != GATE_STATUS_ERROR)
            continue;
        if (!notes) {
            gate_jsonw_key(&w, "toolExecutionNotifications");
            gate_jsonw_array(&w);
            notes = true;
        }
        gate_jsonw_object(&w);
        gate_jsonw_key(&w, "level");
        gate_jsonw_str(&w, "error");
        gate_buf_reset(&b);
        gate_buf_printf(&b, "%s: %s", c->id, c->message ? c->message : "");
        text_obj(&w, "message", gate_buf_str(&b));
        gate_jsonw_end(&w);
    }
    if (notes)
        gate_jsonw_end(&w);
    gate_jsonw_end(&w);
    gate_jsonw_end(&w); /* invocations */

    gate_jsonw_key(&w, "results");
    gate_jsonw_array(&w);
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];

        char *fps = gate_migration_fingerprints(run, m);

        for (size_t k = 0; k < m->nfindings; k++)
            finding_result(&w, run, m, &m->findings[k], fps + 65 * k);
        free(fps);
    }
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];
        size_t idx;

        if (!check_result(c))
            continue;
        gate_jsonw_object(&w);
        gate_jsonw_key(&w, "ruleId");
        gate_jsonw_str(&w, c->id);
        gate_jsonw_key(&w, "ruleIndex");
        idx = nrules + check_rule_index(run, i);
        gate_jsonw_int(&w, (long long)idx);
        gate_jsonw_key(&w, "level");
        gate_jsonw_str(&w, c->status == GATE_STATUS_FAIL ? "error" : "warning");
        text_obj(&w, "message", c->message);
        gate_jsonw_key(&w, "locations");
        gate_jsonw_array(&w);
        location(&w, run, c->path, c->line, 0);
        gate_jsonw_end(&w);
        gate_jsonw_end(&w);
    }
    gate_jsonw_end(&w); /* results */

    gate_jsonw_key(&w, "properties");
    gate_jsonw_object(&w);
    gate_jsonw_key(&w, "command");
    gate_jsonw_str(&w, run->command);
    gate_jsonw_key(&w, "verdict");
    gate_jsonw_str(&w, gate_verdict_name(run->verdict));
    gate_jsonw_key(&w, "max_risk");
    gate_jsonw_str(&w, gate_risk_name(run->max_risk));
    gate_jsonw_key(&w, "fail_on");
    gate_jsonw_str(&w, gate_risk_name(run->fail_on));
    gate_jsonw_end(&w);

    gate_jsonw_end(&w); /* run */
    gate_jsonw_end(&w); /* runs */
    gate_jsonw_end(&w);
    gate_buf_release(&b);
}
