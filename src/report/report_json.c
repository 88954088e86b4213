/* SPDX-License-Identifier: MIT */
/*
 * report_json.c - the canonical JSON serialisation of the run model
 * (format_version 1, docs/report.schema.json). Streamed with the json.c writer: a report
 * over thousands of migrations never exists as one tree.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/health.h"
#include "gate/json.h"
#include "gate/plan.h"
#include "gate/report_drift.h"
#include "gate/report_status.h"
#include "gate/report_check.h"
#include "gate/version.h"

#include <string.h>

static void finding_json(struct gate_jsonw *w, const struct gate_finding *f)
{
    gate_jsonw_object(w);
    gate_jsonw_key(w, "rule");
    gate_jsonw_str(w, f->rule);
    gate_jsonw_key(w, "risk");
    gate_jsonw_str(w, gate_risk_name(f->risk));
    gate_jsonw_key(w, "severity");
    gate_jsonw_str(w, gate_severity_name(f->severity));
    gate_jsonw_key(w, "category");
    gate_jsonw_str(w, gate_category_name(f->category));
    gate_jsonw_key(w, "table");
    gate_jsonw_str(w, f->table);
    gate_jsonw_key(w, "line");
    gate_jsonw_int(w, f->line);
    gate_jsonw_key(w, "column");
    gate_jsonw_int(w, f->column);
    gate_jsonw_key(w, "message");
    gate_jsonw_str(w, f->message);
    gate_jsonw_key(w, "help");
    gate_jsonw_str(w, f->help);
    gate_jsonw_key(w, "suppressed");
    gate_jsonw_bool(w, f->suppressed);
    gate_jsonw_key(w, "suppression_reason");
    gate_jsonw_str(w, f->suppression_reason);
    if (f->prisma_warning) {
        gate_jsonw_key(w, "prisma_warning");
        gate_jsonw_str(w, f->prisma_warning);
    }
    if (f->rerated) {
        gate_jsonw_key(w, "lint_risk");
        gate_jsonw_str(w, gate_risk_name(f->lint_risk));
        gate_jsonw_key(w, "risk_reason");
        gate_jsonw_str(w, f->risk_reason);
    }
    gate_jsonw_end(w);
}

static void migration_json(struct gate_jsonw *w, const struct gate_migration *m)
{
    gate_jsonw_object(w);
    gate_jsonw_key(w, "name");
    gate_jsonw_str(w, m->name);
    gate_jsonw_key(w, "path");
    gate_jsonw_str(w, m->path);
    gate_jsonw_key(w, "checksum");
    gate_jsonw_str(w, m->checksum[0] ? m->checksum : NULL);
    gate_jsonw_key(w, "state");
    gate_jsonw_str(w, gate_mstate_name(m->state));
    gate_jsonw_key(w, "risk");
    gate_jsonw_str(w, gate_risk_name(m->risk));
    gate_jsonw_key(w, "statements");
    gate_jsonw_int(w, m->statements);
    gate_jsonw_key(w, "findings");
    gate_jsonw_array(w);
    for (size_t i = 0; i < m->nfindings; i++)
        finding_json(w, &m->findings[i]);
    gate_jsonw_end(w);
    if (m->error) {
        gate_jsonw_key(w, "error");
        gate_jsonw_str(w, m->error);
    }
    if (m->has_history) {
        struct gate_json *o = gate_json_object();

        gate_report_migration_history_json(o, m);
        gate_jsonw_members(w, o);
        gate_json_free(o);
    }
    if (m->impact) {
        struct gate_json *imp = gate_report_impact_json(m->impact);

        gate_jsonw_key(w, "impact");
        gate_jsonw_value(w, imp);
        gate_json_free(imp);
    }
    gate_jsonw_end(w);
}

/* "health": [...] (health.h), in policy order. */
static void health_json(struct gate_jsonw *w, const struct gate_run *run)
{
    gate_jsonw_key(w, "health");
    gate_jsonw_array(w);
    for (size_t i = 0; i < run->nhealth; i++) {
        const struct gate_health_result *h = &run->health[i];

        gate_jsonw_object(w);
        gate_jsonw_key(w, "name");
        gate_jsonw_str(w, h->name);
        gate_jsonw_key(w, "url");
        gate_jsonw_str(w, h->url);
        gate_jsonw_key(w, "status");
        gate_jsonw_str(w, gate_status_name(h->status));
        gate_jsonw_key(w, "http_status");
        if (h->http_status)
            gate_jsonw_int(w, h->http_status);
        else
            gate_jsonw_null(w);
        gate_jsonw_key(w, "attempts");
        gate_jsonw_int(w, h->attempts);
        gate_jsonw_key(w, "elapsed_ms");
        gate_jsonw_int(w, h->elapsed_ms);
        gate_jsonw_key(w, "message");
        gate_jsonw_str(w, h->message);
        gate_jsonw_end(w);
    }
    gate_jsonw_end(w);
}

void gate_report_json(const struct gate_run *run, struct gate_buf *out)
{
    struct gate_jsonw w = {0};

    w.out = out;
    gate_jsonw_object(&w);
    gate_jsonw_key(&w, "format_version");
    gate_jsonw_int(&w, GATE_REPORT_FORMAT_VERSION);
    gate_jsonw_key(&w, "tool");
    gate_jsonw_object(&w);
    gate_jsonw_key(&w, "name");
    gate_jsonw_str(&w, GATE_NAME);
    gate_jsonw_key(&w, "version");
    gate_jsonw_str(&w, GATE_VERSION);
    gate_jsonw_end(&w);
    gate_jsonw_key(&w, "command");
    gate_jsonw_str(&w, run->command);
    gate_jsonw_key(&w, "verdict");
    gate_jsonw_str(&w, gate_verdict_name(run->verdict));
    gate_jsonw_key(&w, "exit_code");
    gate_jsonw_int(&w, run->exit_code);
    gate_jsonw_key(&w, "max_risk");
    gate_jsonw_str(&w, gate_risk_name(run->max_risk));
    gate_jsonw_key(&w, "fail_on");
    gate_jsonw_str(&w, gate_risk_name(run->fail_on));
    if (run->target) {
        struct gate_json *t = gate_report_target_json(run->target);

        gate_jsonw_key(&w, "target");
        gate_jsonw_value(&w, t);
        gate_json_free(t);
    }
    if (run->history) {
        struct gate_json *h = gate_report_history_json(run);

        gate_jsonw_key(&w, "history");
        gate_jsonw_value(&w, h);
        gate_json_free(h);
    }
    if (run->change) {
        struct gate_json *c = gate_report_change_json(run->change);

        gate_jsonw_key(&w, "change");
        gate_jsonw_value(&w, c);
        gate_json_free(c);
    }
    if (run->setup) {
        struct gate_json *s = gate_report_setup_json(run->setup);

        gate_jsonw_key(&w, "setup");
        gate_jsonw_value(&w, s);
        gate_json_free(s);
    }
    gate_jsonw_key(&w, "checks");
    gate_jsonw_array(&w);
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];

        gate_jsonw_object(&w);
        gate_jsonw_key(&w, "id");
        gate_jsonw_str(&w, c->id);
        gate_jsonw_key(&w, "status");
        gate_jsonw_str(&w, gate_status_name(c->status));
        gate_jsonw_key(&w, "message");
        gate_jsonw_str(&w, c->message);
        if (c->path) {
            gate_jsonw_key(&w, "path");
            gate_jsonw_str(&w, c->path);
        }
        if (c->line) {
            gate_jsonw_key(&w, "line");
            gate_jsonw_int(&w, c->line);
        }
        gate_jsonw_end(&w);
    }
    gate_jsonw_end(&w);
    gate_jsonw_key(&w, "migrations");
    gate_jsonw_array(&w);
    for (size_t i = 0; i < run->nmigrations; i++)
        migration_json(&w, run->migrations[i]);
    gate_jsonw_end(&w);
    if (run->plan) {
        gate_jsonw_key(&w, "plan");
        gate_report_plan_json(run, &w);
    }
    if (run->deploy) {
        gate_jsonw_key(&w, "deploy");
        gate_report_deploy_json(run, &w);
    }
    if (run->drift) {
        gate_jsonw_key(&w, "drift");
        gate_report_drift_json(run, &w);
    }
    if (run->nhealth || !strcmp(run->command, "health") || !strcmp(run->command, "deploy"))
        health_json(&w, run);
    gate_jsonw_end(&w);
}
