/* SPDX-License-Identifier: MIT */
/*
 * report_json.c - the canonical JSON serialisation of the run model.
 */
#include "gate/compat.h"
#include "gate/report.h"
#include "gate/json.h"
#include "gate/version.h"

#include <stdlib.h>

static struct gate_json *finding_json(const struct gate_finding *f)
{
    struct gate_json *o = gate_json_object();

    gate_json_set_str(o, "rule", f->rule);
    gate_json_set_str(o, "risk", gate_risk_name(f->risk));
    gate_json_set_str(o, "severity", gate_severity_name(f->severity));
    gate_json_set_str(o, "category", gate_category_name(f->category));
    gate_json_set_str(o, "table", f->table);
    gate_json_set_int(o, "line", f->line);
    gate_json_set_int(o, "column", f->column);
    gate_json_set_str(o, "message", f->message);
    gate_json_set_str(o, "help", f->help);
    gate_json_set_bool(o, "suppressed", f->suppressed);
    gate_json_set_str(o, "suppression_reason", f->suppression_reason);
    if (f->prisma_warning)
        gate_json_set_str(o, "prisma_warning", f->prisma_warning);
    return o;
}

static struct gate_json *migration_json(const struct gate_migration *m)
{
    struct gate_json *o = gate_json_object();
    struct gate_json *fs = gate_json_array();

    gate_json_set_str(o, "name", m->name);
    gate_json_set_str(o, "path", m->path);
    gate_json_set_str(o, "checksum", m->checksum[0] ? m->checksum : NULL);
    gate_json_set_str(o, "state", gate_mstate_name(m->state));
    gate_json_set_str(o, "risk", gate_risk_name(m->risk));
    gate_json_set_int(o, "statements", m->statements);
    for (size_t i = 0; i < m->nfindings; i++)
        gate_json_append(fs, finding_json(&m->findings[i]));
    gate_json_set(o, "findings", fs);
    if (m->error)
        gate_json_set_str(o, "error", m->error);
    return o;
}

void gate_report_json(const struct gate_run *run, struct gate_buf *out)
{
    struct gate_json *root = gate_json_object();
    struct gate_json *tool = gate_json_object();
    struct gate_json *checks = gate_json_array();
    struct gate_json *migs = gate_json_array();
    char *text;

    gate_json_set_int(root, "format_version", GATE_REPORT_FORMAT_VERSION);
    gate_json_set_str(tool, "name", GATE_NAME);
    gate_json_set_str(tool, "version", GATE_VERSION);
    gate_json_set(root, "tool", tool);
    gate_json_set_str(root, "command", run->command);
    gate_json_set_str(root, "verdict", gate_verdict_name(run->verdict));
    gate_json_set_int(root, "exit_code", run->exit_code);
    gate_json_set_str(root, "max_risk", gate_risk_name(run->max_risk));
    gate_json_set_str(root, "fail_on", gate_risk_name(run->fail_on));
    for (size_t i = 0; i < run->nchecks; i++) {
        const struct gate_check *c = &run->checks[i];
        struct gate_json *o = gate_json_object();

        gate_json_set_str(o, "id", c->id);
        gate_json_set_str(o, "status", gate_status_name(c->status));
        gate_json_set_str(o, "message", c->message);
        if (c->path)
            gate_json_set_str(o, "path", c->path);
        if (c->line)
            gate_json_set_int(o, "line", c->line);
        gate_json_append(checks, o);
    }
    gate_json_set(root, "checks", checks);
    for (size_t i = 0; i < run->nmigrations; i++)
        gate_json_append(migs, migration_json(run->migrations[i]));
    gate_json_set(root, "migrations", migs);
    text = gate_json_dump(root);
    gate_buf_adds(out, text);
    free(text);
    gate_json_free(root);
}
