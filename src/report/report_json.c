/* SPDX-License-Identifier: MIT */
/*
 * report_json.c - the canonical JSON serialisation of the run model
 * (format_version 1, docs/report.schema.json). Streamed with the json.c writer: a report
 * over thousands of migrations never exists as one tree. The common members
 * (verdict, target, checks, migrations) are here; each report section
 * (report_section.h) adds its own, before "checks" or after "migrations".
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/json.h"
#include "gate/report_section.h"
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
    for (size_t i = 0; i < gate_report_nsections; i++) {
        if (gate_report_sections[i]->json_migration)
            gate_report_sections[i]->json_migration(m, w);
    }
    gate_jsonw_end(w);
}

/* "target": the database the command evaluated (never a password). */
static void target_json(struct gate_jsonw *w, const struct gate_target *t)
{
    gate_jsonw_key(w, "target");
    gate_jsonw_object(w);
    gate_jsonw_key(w, "name");
    gate_jsonw_str(w, t->name);
    gate_jsonw_key(w, "url_env");
    gate_jsonw_str(w, t->url_env);
    gate_jsonw_key(w, "host");
    gate_jsonw_str(w, t->host);
    gate_jsonw_key(w, "port");
    gate_jsonw_int(w, t->port);
    gate_jsonw_key(w, "database");
    gate_jsonw_str(w, t->database);
    gate_jsonw_key(w, "schema");
    gate_jsonw_str(w, t->schema);
    gate_jsonw_key(w, "user");
    gate_jsonw_str(w, t->user);
    if (t->system_identifier) {
        gate_jsonw_key(w, "server");
        gate_jsonw_object(w);
        gate_jsonw_key(w, "system_identifier");
        gate_jsonw_str(w, t->system_identifier);
        gate_jsonw_key(w, "port");
        gate_jsonw_int(w, t->server_port);
        gate_jsonw_key(w, "database");
        gate_jsonw_str(w, t->server_database);
        gate_jsonw_key(w, "addr");
        gate_jsonw_str(w, t->server_addr);
        gate_jsonw_end(w);
    }
    gate_jsonw_end(w);
}

/* The members of every present section placed at place, in table order. */
static void sections_json(const struct gate_run *run, struct gate_jsonw *w,
                          enum gate_section_place place)
{
    for (size_t i = 0; i < gate_report_nsections; i++) {
        const struct gate_report_section *s = gate_report_sections[i];

        if (s->place == place && s->present(run))
            s->json(run, w);
    }
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
    if (run->target)
        target_json(&w, run->target);
    sections_json(run, &w, GATE_SECTION_CONTEXT);
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
    sections_json(run, &w, GATE_SECTION_OUTCOME);
    gate_jsonw_end(&w);
}
