/* SPDX-License-Identifier: MIT */
/*
 * report_gitlab.c - GitLab Code Quality (docs/internals/ci-formats.md): a JSON
 * array of issues with description, check_name, fingerprint, severity
 * and location.path/lines.begin. Unsuppressed findings (for plan and
 * deploy also suppressed ones, which count toward the deploy decision
 * unless deploy.honor_suppressions), files that could not be evaluated,
 * and checks with a file that did not pass.
 * No byte-order mark; repository-relative paths; the fingerprint is
 * stable across edits above the finding.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/digest.h"
#include "gate/json.h"
#include "gate/report_common.h"
#include "gate/report_section.h"

#include <stdlib.h>
#include <string.h>

static const char *severity_of(const struct gate_finding *f)
{
    static const char *const by_risk[] = {"info", "minor", "major", "critical", "blocker"};

    if (f->severity == GATE_SEV_INFO || (size_t)f->risk >= GATE_ARRAY_SIZE(by_risk))
        return "info";
    return by_risk[f->risk];
}

static void issue(struct gate_jsonw *w, const struct gate_run *run, const char *check,
                  const char *description, const char *fp, const char *severity, const char *path,
                  int line)
{
    struct gate_buf p = {0};

    gate_report_relpath(run, path, &p);
    gate_jsonw_object(w);
    gate_jsonw_key(w, "type");
    gate_jsonw_str(w, "issue");
    gate_jsonw_key(w, "check_name");
    gate_jsonw_str(w, check);
    gate_jsonw_key(w, "description");
    gate_jsonw_str(w, description);
    gate_jsonw_key(w, "fingerprint");
    gate_jsonw_str(w, fp);
    gate_jsonw_key(w, "severity");
    gate_jsonw_str(w, severity);
    gate_jsonw_key(w, "location");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "path");
    gate_jsonw_str(w, gate_buf_str(&p));
    gate_jsonw_key(w, "lines");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "begin");
    gate_jsonw_int(w, line > 0 ? line : 1);
    gate_jsonw_end(w);
    gate_jsonw_end(w);
    gate_jsonw_end(w);
    gate_buf_release(&p);
}

/* A fingerprint of something that is not a finding: kind, id, path, message. */
static void other_fp(const struct gate_run *run, const char *kind, const char *id, const char *path,
                     const char *message, char out[65])
{
    struct gate_buf k = {0};

    gate_buf_printf(&k, "prisma-gate/v1\n%s\n%s\n", kind, id);
    gate_report_relpath(run, path, &k);
    gate_buf_printf(&k, "\n%s", message ? message : "");
    gate_sha256_hex(k.data, k.len, out);
    gate_buf_release(&k);
}

void gate_report_gitlab(const struct gate_run *run, struct gate_buf *out)
{
    struct gate_jsonw w = {0};
    struct gate_buf d = {0};
    char fp[65];
    bool counts_suppressed = gate_report_counts_suppressed(run);

    w.out = out;
    gate_jsonw_array(&w);
    for (size_t i = 0; i < run->nmigrations; i++) {
        const struct gate_migration *m = run->migrations[i];
        char *fps = gate_migration_fingerprints(run, m);

        if (m->error) {
            other_fp(run, "error", m->name, m->path, m->error, fp);
            gate_buf_reset(&d);
            gate_buf_printf(&d, "could not evaluate %s: %s", m->name, m->error);
            issue(&w, run, "could-not-evaluate", gate_buf_str(&d), fp, "blocker", m->path, 1);
        }
        for (size_t k = 0; k < m->nfindings; k++) {
            const struct gate_finding *f = &m->findings[k];

            /* plan/deploy: a suppressed finding still counts toward the decision unless honored */
            bool counted = f->suppressed && counts_suppressed;

            if ((f->suppressed && !counted) || f->severity == GATE_SEV_INFO)
                continue;
            gate_buf_reset(&d);
            gate_buf_printf(&d, "%s (%s risk): %s", f->rule, gate_risk_name(f->risk),
                            f->message ? f->message : "");
            if (counted)
                gate_buf_printf(&d, " [suppressed: %s; counts toward the deploy decision]",
                                f->suppression_reason ? f->suppression_reason : "");
            issue(&w, run, f->rule, gate_buf_str(&d), fps + 65 * k, severity_of(f), m->path,
                  f->line);
        }
        free(fps);
    }
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        if (!c->path || (c->status != GATE_STATUS_FAIL && c->status != GATE_STATUS_WARN))
            continue;
        other_fp(run, "check", c->id, c->path, c->message, fp);
        gate_buf_reset(&d);
        gate_buf_printf(&d, "%s: %s", c->id, c->message ? c->message : "");
        issue(&w, run, c->id, gate_buf_str(&d), fp,
              c->status == GATE_STATUS_FAIL ? "major" : "minor", c->path, c->line);
    }
    gate_jsonw_end(&w);
    gate_buf_release(&d);
}
